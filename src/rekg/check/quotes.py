"""The check only code can do: each claim's quote stands verbatim at its offsets in its
source's text, once, with the recorded prefix and suffix around it. The evidence is read
from the rdflib graph (reference) or from the quads' per-predicate tables (fast)."""

import pyoxigraph as ox
from rdflib import Graph, Literal
from rdflib.namespace import RDF

from rekg.core.engines import Engine
from rekg.core.namespaces import OA, REKG
from rekg.core.report import Finding, short
from rekg.graph.store import from_ox, to_ox
from rekg.ingest.load import Loaded


def quote_findings(loaded: Loaded, engine: Engine = Engine.FAST) -> list[Finding]:
    """Each claim's oa:exact must stand at oa:start..oa:end of its source's text, with the
    recorded prefix and suffix around it."""
    fast = Engine.named(engine) is Engine.FAST
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
    """_evidence on the quads' per-predicate tables, in pyoxigraph's terms: converting
    every term to rdflib's for the same look-ups cost more than the check itself."""

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


def claim_count(loaded: Loaded, engine: Engine = Engine.FAST) -> int:
    if Engine.named(engine) is Engine.FAST:
        return len(set(loaded.quads.inv(to_ox(RDF.type)).get(to_ox(REKG.Claim), ())))
    return len(set(loaded.graph.subjects(RDF.type, REKG.Claim)))
