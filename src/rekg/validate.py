"""Validation: the SHACL shapes, the SPARQL checks in queries/checks/ (each must return no
rows), and the checks only code can do (each quote standing verbatim at its offsets in its
source). All report in one format.

The shapes run on pyshacl (the reference engine) or compiled to set-wise checks over the
fast store (fast_shacl.py, the default); both report the same findings
(tests/test_parity.py)."""

from pathlib import Path

from pyshacl import validate as shacl_validate
from rdflib import BNode, Graph, URIRef
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
    g, findings = (QuadsView(loaded.quads) if fast else loaded.graph), []
    by_iri = {
        f"https://w3id.org/rekg/id/source/{slug}": text for slug, text in loaded.sources.items()
    }
    for claim in g.subjects(RDF.type, REKG.Claim):
        evidence = g.value(claim, REKG.evidence)
        source = g.value(evidence, OA.hasSource) if evidence is not None else None
        if source is None:
            continue  # the SHACL shapes report missing evidence
        text = by_iri.get(str(source))

        def problem(message, claim=claim):
            findings.append(
                Finding(loaded.place(claim), short(claim), "oa:exact", message, "quote check")
            )

        if text is None:
            problem(f"its source {short(source)} has no text under data/sources/")
            continue
        quote = position = None
        for selector in g.objects(evidence, OA.hasSelector):
            if (selector, RDF.type, OA.TextQuoteSelector) in g:
                quote = selector
            if (selector, RDF.type, OA.TextPositionSelector) in g:
                position = selector
        if quote is None or position is None:
            continue
        exact = str(g.value(quote, OA.exact))
        start, end = g.value(position, OA.start), g.value(position, OA.end)
        if start is None or end is None:
            continue
        start, end = int(start), int(end)
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
        prefix, suffix = g.value(quote, OA.prefix), g.value(quote, OA.suffix)
        if prefix is not None and not text.text[:start].endswith(str(prefix)):
            problem("oa:prefix does not match the text before the quote")
        if suffix is not None and not text.text[end:].startswith(str(suffix)):
            problem("oa:suffix does not match the text after the quote")
    return findings


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
    g = QuadsView(loaded.quads) if fast else loaded.graph
    report.checked.append(f"{len(set(g.subjects(RDF.type, REKG.Claim)))} quotes")
    return report


class QuadsView:
    """The few rdflib Graph look-ups the quote check makes, on the fast loader's quads
    (which keep literals as written), through the per-predicate tables SHACL built."""

    def __init__(self, quads):
        self.quads = quads

    def subjects(self, predicate, obj):
        for s in self.quads.inv(to_ox(predicate)).get(to_ox(obj), ()):
            yield from_ox(s)

    def objects(self, subject, predicate):
        for o in self.quads.out(to_ox(predicate)).get(to_ox(subject), ()):
            yield from_ox(o)

    def value(self, subject, predicate):
        return next(self.objects(subject, predicate), None)

    def __contains__(self, triple) -> bool:
        s, p, o = (to_ox(t) for t in triple)
        return o in self.quads.out(p).get(s, ())
