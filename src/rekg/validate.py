"""Validation: the SHACL shapes, the SPARQL checks in queries/checks/ (each must return no
rows), and the checks only code can do (each quote standing verbatim at its offsets in its
source). All report in one format.

The shapes run on pyshacl (the reference engine) or compiled to set-wise checks over the
fast store (fast_shacl.py, the default); both report the same findings
(tests/test_parity.py)."""

from pathlib import Path

import pyoxigraph as ox
from pyshacl import validate as shacl_validate
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import RDF, SH

from . import engine
from .catalogue import load_catalogue
from .load import Loaded
from .namespaces import OA, REKG
from .rdfio import parse_file
from .report import Finding, Report, short
from .store import from_ox, to_ox


def load_shapes(path: Path, display: str) -> Graph:
    shapes = Graph()
    parse_file(path, shapes, display)
    return shapes


def shacl_findings(loaded: Loaded, shapes: Graph) -> list[Finding]:
    _conforms, results, _text = shacl_validate(
        loaded.graph, shacl_graph=shapes, inference="none", advanced=True, allow_warnings=True
    )
    findings = []
    for result in results.subjects(RDF.type, SH.ValidationResult):
        focus = results.value(result, SH.focusNode)
        path = results.value(result, SH.resultPath)
        message = results.value(result, SH.resultMessage)
        severity = results.value(result, SH.resultSeverity)
        value = results.value(result, SH.value)
        text = str(message) if message is not None else "violates the shape"
        if value is not None and "{?value}" not in text and str(value) not in text:
            text += f" (value: {short(value)})"
        findings.append(
            Finding(
                place=loaded.place(focus),
                focus=short(focus),
                path=_path_text(results, path),
                message=text,
                check=_shape_name(
                    shapes,
                    results.value(result, SH.sourceConstraint)
                    if isinstance(results.value(result, SH.sourceConstraint), URIRef)
                    else results.value(result, SH.sourceShape),
                ),
                severity=str(severity).rsplit("#", 1)[-1] if severity is not None else "Violation",
            )
        )
    return findings


def _path_text(graph: Graph, path) -> str:
    if path is None:
        return ""
    if isinstance(path, BNode):
        inverse = graph.value(path, SH.inversePath)
        if inverse is not None:
            return f"^{short(inverse)}"
        return "(complex path)"
    return short(path)


def _shape_name(shapes: Graph, shape) -> str:
    """A named shape, or the named node shape an anonymous property shape belongs to."""
    seen = 0
    while isinstance(shape, BNode) and seen < 5:
        parent = next(shapes.subjects(SH.property, shape), None) or next(
            shapes.subjects(SH.qualifiedValueShape, shape), None
        )
        if parent is None:
            break
        shape, seen = parent, seen + 1
    return short(shape) if isinstance(shape, URIRef) else "anonymous shape"


def sparql_findings(loaded: Loaded, engine_name: str | None = None) -> list[Finding]:
    findings = []
    fast = (engine_name or engine.current()) == "fast"
    store = loaded.store if fast else None
    for query in load_catalogue(loaded.project.queries, "checks").values():
        rows = engine.select(store if fast else loaded.graph, query.text)
        for row in rows.rows:
            focus = row.get("focus")
            findings.append(
                Finding(
                    place=loaded.place(focus),
                    focus=short(focus) if focus is not None else "",
                    path=short(row["path"]) if row.get("path") is not None else "",
                    message=str(row.get("message") or query.summary),
                    check=f"queries/checks/{query.name}.rq",
                )
            )
    return findings


def quote_findings(loaded: Loaded, engine_name: str | None = None) -> list[Finding]:
    """Each claim's oa:exact must stand at oa:start..oa:end of its source's text, with the
    recorded prefix and suffix around it."""
    fast = (engine_name or engine.current()) == "fast"
    findings = []
    by_iri = {
        f"https://w3id.org/rekg/id/source/{slug}": text for slug, text in loaded.sources.items()
    }
    evidence = _evidence_fast(loaded.quads) if fast else _evidence(loaded.graph)
    for claim, source, exact, start, end, prefix, suffix in evidence:
        text = by_iri.get(source)

        def problem(message, claim=claim):
            claim = from_ox(claim) if fast else claim
            findings.append(
                Finding(loaded.place(claim), short(claim), "oa:exact", message, "quote check")
            )

        if text is None:
            problem(f"its source {short(source)} has no text under data/sources/")
            continue
        if exact is None or start is None or end is None:
            continue  # the SHACL shapes report what is missing
        found = text.text[start:end]
        if found != exact:
            problem(
                f"quote {exact!r} does not stand at {start}..{end} of "
                f"{text.path.name}; the text there is {found!r}"
            )
            continue
        count = len(text.occurrences(exact))
        if count != 1:
            problem(f"quote {exact!r} occurs {count} times in {text.path.name}; it must be unique")
        if prefix is not None and not text.text[:start].endswith(prefix):
            problem("oa:prefix does not match the text before the quote")
        if suffix is not None and not text.text[end:].startswith(suffix):
            problem("oa:suffix does not match the text after the quote")
    return findings


# What the quote check reads of each claim with a source: (claim, source IRI, exact, start,
# end, prefix, suffix), None for what the evidence lacks or holds in the wrong form (a
# position that is not an integer): the SHACL shapes report those, and the check skips
# them. A claim without evidence or source is left to the shapes too.


def _evidence(g: Graph):
    for claim in g.subjects(RDF.type, REKG.Claim):
        evidence = g.value(claim, REKG.evidence)
        source = g.value(evidence, OA.hasSource) if evidence is not None else None
        if source is None:
            continue
        quote = position = None
        for selector in g.objects(evidence, OA.hasSelector):
            if (selector, RDF.type, OA.TextQuoteSelector) in g:
                quote = selector
            if (selector, RDF.type, OA.TextPositionSelector) in g:
                position = selector
        if quote is None or position is None:
            yield claim, str(source), None, None, None, None, None
            continue
        exact, prefix, suffix = (g.value(quote, p) for p in (OA.exact, OA.prefix, OA.suffix))
        yield (
            claim, str(source), _str(exact),
            _integer(g.value(position, OA.start)), _integer(g.value(position, OA.end)),
            _str(prefix), _str(suffix),
        )  # fmt: skip


def _str(term):
    return None if term is None else str(term)


def _integer(term):
    """An offset as Python's int, None when absent or not an integer."""
    if not isinstance(term, Literal):
        return None
    try:
        return int(term)
    except (TypeError, ValueError):
        return None


def _evidence_fast(quads):
    """_evidence on the quads' per-predicate tables, in pyoxigraph's terms: at 1M triples
    the same look-ups through rdflib's terms took 2.5 s for 35,000 claims."""

    def table(term):
        return quads.out(to_ox(term))

    types, evidences, sources, selectors = (
        table(RDF.type), table(REKG.evidence), table(OA.hasSource), table(OA.hasSelector)
    )  # fmt: skip
    exacts, starts, ends = table(OA.exact), table(OA.start), table(OA.end)
    prefixes, suffixes = table(OA.prefix), table(OA.suffix)
    claim_type = to_ox(REKG.Claim)
    quote_type, position_type = to_ox(OA.TextQuoteSelector), to_ox(OA.TextPositionSelector)

    def first(values, node):
        found = values.get(node)
        return found[0] if found else None

    for claim in quads.inv(to_ox(RDF.type)).get(claim_type, ()):
        evidence = first(evidences, claim)
        source = first(sources, evidence) if evidence is not None else None
        if source is None:
            continue
        quote = position = None
        for selector in selectors.get(evidence, ()):
            kinds = types.get(selector, ())
            if quote_type in kinds:
                quote = selector
            if position_type in kinds:
                position = selector
        if quote is None or position is None:
            yield claim, source.value, None, None, None, None, None
            continue
        exact, prefix, suffix = (first(t, quote) for t in (exacts, prefixes, suffixes))
        yield (
            claim, source.value, _value(exact),
            _integer_ox(first(starts, position)), _integer_ox(first(ends, position)),
            _value(prefix), _value(suffix),
        )  # fmt: skip


def _value(term):
    return None if term is None else term.value


def _integer_ox(term):
    if not isinstance(term, ox.Literal):
        return None
    try:
        return int(term.value)
    except ValueError:  # a form Python's int() does not read ("5.0"^^xsd:decimal)
        return _integer(from_ox(term))


def validate(
    loaded: Loaded, shapes_path: Path | None = None, engine_name: str | None = None
) -> Report:
    fast = (engine_name or engine.current()) == "fast"
    shapes_path = shapes_path or loaded.project.shapes
    shapes = load_shapes(shapes_path, loaded.project.relative(shapes_path))
    report = Report(list(loaded.findings))
    if fast:
        from .fast_shacl import shacl_findings_fast

        report.extend(shacl_findings_fast(loaded, shapes))
    else:
        report.extend(shacl_findings(loaded, shapes))
    report.checked.append(f"{len(set(shapes.subjects(RDF.type, SH.NodeShape)))} SHACL node shapes")
    report.extend(sparql_findings(loaded, engine_name))
    report.checked.append("SPARQL checks")
    report.extend(quote_findings(loaded, engine_name))
    if fast:
        claims = set(loaded.quads.inv(to_ox(RDF.type)).get(to_ox(REKG.Claim), ()))
    else:
        claims = set(loaded.graph.subjects(RDF.type, REKG.Claim))
    report.checked.append(f"{len(claims)} quotes")
    return report
