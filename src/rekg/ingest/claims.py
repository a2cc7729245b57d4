"""Compile hand-written claim files (data/claims/*.yaml) into RDF in the contract's claim
model. Short names are resolved against the graph; selectors come from the source text."""

import difflib
from dataclasses import dataclass
from pathlib import Path

import yaml
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import OWL, PROV, RDF, RDFS, XSD

from rekg.core.namespaces import CLAIM, ID, MODALITIES, OA, REKG, SOURCE
from rekg.core.report import Finding
from rekg.ingest.files import load_yaml
from rekg.ingest.sources import SourceText

FIELDS = [
    "n",
    "quote",
    "subject",
    "predicate",
    "object",
    "modality",
    "negated",
    "time",
    "speaker",
    "counterpart",
    "event",
    "about",
    "note",
    "draft",
]
ENTITY_FIELDS = ("subject", "object", "time", "speaker", "counterpart", "event")


@dataclass
class Names:
    """The short names a claim file may use: entity slugs and ontology properties."""

    entities: dict[str, URIRef]
    properties: dict[str, URIRef]

    @classmethod
    def from_graph(cls, graph: Graph) -> "Names":
        entities = {
            str(s)[len(str(ID)) :]: s
            for s in set(graph.subjects())
            if isinstance(s, URIRef) and str(s).startswith(str(ID)) and "#" not in str(s)
        }
        properties = {}
        for p_type in (OWL.ObjectProperty, OWL.DatatypeProperty):
            for p in graph.subjects(RDF.type, p_type):
                if str(p).startswith(str(REKG._NS)):
                    properties[str(p)[len(str(REKG._NS)) :]] = p
        return cls(entities, properties)

    @staticmethod
    def nearest(name: str, known) -> str:
        close = difflib.get_close_matches(name, sorted(known), n=3, cutoff=0.5)
        return ", ".join(close) if close else "none close; see data/entities.ttl"


def read_claim_file(path: Path, display: str):
    """(root node, document) of a claim file: one parse gives both the nodes (their lines,
    for findings) and the values. Unreadable bytes, a syntax error or a YAML tag name
    file:line:column (InputSyntaxError)."""
    root, doc = load_yaml(path, display, "a claim file")
    return root, doc if root is not None else {}


def compile_claims(path: Path, display: str, names: Names, sources: dict[str, SourceText]):
    """Return (graph, findings, places): the claims' triples, the problems found (each with
    file:line), and for each claim IRI the line it is written on."""
    graph, findings, places = Graph(), [], {}
    root, doc = read_claim_file(path, display)
    doc = doc or {}

    def problem(line, focus, field, message, check="claim file"):
        findings.append(Finding(f"{display}:{line}", focus, field, message, check))

    if not isinstance(doc, dict):
        problem(
            _line_of(root, None),
            display,
            "",
            "a claim file is a mapping with 'source:' (the source's slug) and 'claims:' "
            "(a list of claims), not a single value or a list",
        )
        return graph, findings, places
    slug = doc.get("source")
    if not isinstance(slug, str) or slug not in sources:
        problem(
            _line_of(root, "source"),
            display,
            "source",
            (
                "no 'source:' naming the source's slug"
                if slug is None
                else f"unknown source {slug!r}"
            )
            + f"; known: {', '.join(sorted(sources))}",
        )
        return graph, findings, places
    source = sources[slug]
    source_iri = SOURCE[slug]
    entries = doc.get("claims")
    if entries is None:
        entries = []
    if not isinstance(entries, list):
        problem(
            _line_of(root, "claims"),
            display,
            "claims",
            "'claims:' must be a list of claims, each starting with '- n: NUMBER'",
        )
        return graph, findings, places
    nodes = _claim_nodes(root)
    seen: dict[int, int] = {}
    for index, entry in enumerate(entries):
        node = nodes[index] if index < len(nodes) else None
        line = node.start_mark.line + 1 if node is not None else 1

        def field_line(key, node=node, line=line):
            if node is not None:
                for k, _v in node.value:
                    if k.value == key:
                        return k.start_mark.line + 1
            return line

        if not isinstance(entry, dict):
            problem(line, display, "", "each claim must be a mapping of fields")
            continue
        n = entry.get("n")
        if not isinstance(n, int) or isinstance(n, bool) or n < 1:
            problem(line, display, "n", "each claim needs a positive integer number n")
            continue
        claim = CLAIM[f"{slug}-{n:03d}"]
        focus = f"claim:{slug}-{n:03d}"
        if n in seen:
            problem(line, focus, "n", f"number {n} is already used on line {seen[n]}")
            continue
        seen[n] = line
        places[claim] = f"{display}:{line}"
        for key in entry:
            if key not in FIELDS:
                problem(
                    field_line(key),
                    focus,
                    key,
                    f"unknown field {key!r}; did you mean: {Names.nearest(str(key), FIELDS)}?",
                )
        ok = True
        resolved = {}
        for key in ENTITY_FIELDS:
            if entry.get(key) is None:
                continue
            iri = names.entities.get(str(entry[key]))
            if iri is None:
                ok = False
                problem(
                    field_line(key),
                    focus,
                    key,
                    f"unknown short name {entry[key]!r}; "
                    f"nearest known names: {Names.nearest(str(entry[key]), names.entities)}",
                )
            resolved[key] = iri
        about = entry.get("about") or []
        if not isinstance(about, list):
            about = [about]
        about_iris = []
        for name in about:
            iri = names.entities.get(str(name))
            if iri is None:
                ok = False
                problem(
                    field_line("about"),
                    focus,
                    "about",
                    f"unknown short name {name!r}; "
                    f"nearest known names: {Names.nearest(str(name), names.entities)}",
                )
            about_iris.append(iri)
        predicate = None
        if entry.get("predicate") is not None:
            predicate = names.properties.get(str(entry["predicate"]))
            if predicate is None:
                ok = False
                problem(
                    field_line("predicate"),
                    focus,
                    "predicate",
                    f"unknown property {entry['predicate']!r}; nearest ontology properties: "
                    f"{Names.nearest(str(entry['predicate']), names.properties)}",
                )
        spo = [entry.get(k) is not None for k in ("subject", "predicate", "object")]
        if any(spo) and not all(spo):
            ok = False
            problem(line, focus, "subject", "give subject, predicate and object together, or none")
        modality = MODALITIES.get(str(entry.get("modality", "")).lower())
        if modality is None:
            ok = False
            problem(
                field_line("modality"),
                focus,
                "modality",
                f"modality must be one of {', '.join(MODALITIES)}, not {entry.get('modality')!r}",
            )
        negated = entry.get("negated", False)
        if not isinstance(negated, bool):
            ok = False
            problem(field_line("negated"), focus, "negated", "negated must be true or false")
        draft = entry.get("draft", False)
        if not isinstance(draft, bool):
            ok = False
            problem(
                field_line("draft"),
                focus,
                "draft",
                "draft must be true or false; remove it once the claim is reviewed",
            )
        quote = entry.get("quote")
        if not isinstance(quote, str) or not quote:
            problem(line, focus, "quote", "each claim needs its verbatim quote")
            continue
        hits = source.occurrences(quote)
        if len(hits) != 1:
            where = "does not occur" if not hits else f"occurs {len(hits)} times"
            remedy = (
                "copy it from the source exactly (curly quotes and dashes as written)"
                if not hits
                else "lengthen the quote until it is unique"
            )
            problem(
                field_line("quote"),
                focus,
                "quote",
                f"quote {where} in {source.path.name}: {quote!r}; {remedy}",
                "quote check",
            )
            continue
        if not ok:
            continue
        _emit(
            graph,
            claim,
            n,
            source_iri,
            source.select(quote, hits[0]),
            modality,
            negated,
            resolved,
            predicate,
            about_iris,
            entry.get("note"),
            draft,
        )
    return graph, findings, places


def _line_of(root, key) -> int:
    """The line of a top-level key of the file (of the file's first value when key is None
    or not there)."""
    if root is None:
        return 1
    if isinstance(root, yaml.MappingNode):
        for k, _v in root.value:
            if getattr(k, "value", None) == key:
                return k.start_mark.line + 1
    return root.start_mark.line + 1


def _claim_nodes(root):
    if root is None or not hasattr(root, "value") or not isinstance(root.value, list):
        return []
    for key, value in root.value:
        if getattr(key, "value", None) == "claims" and isinstance(value, yaml.SequenceNode):
            return value.value
    return []


def _emit(g, claim, n, source_iri, sel, modality, negated, r, predicate, about, note, draft):
    evidence = URIRef(f"{claim}#evidence")
    quote_sel = URIRef(f"{claim}#quote")
    position = URIRef(f"{claim}#position")
    g.add((claim, RDF.type, REKG.Claim))
    g.add((claim, RDFS.label, Literal(f"claim {str(claim).rsplit('/', 1)[-1]}", lang="en")))
    g.add((claim, REKG.sourceOrder, Literal(n)))
    g.add((claim, REKG.modality, modality))
    g.add((claim, REKG.negated, Literal(bool(negated))))
    g.add((claim, PROV.wasDerivedFrom, source_iri))
    speaker = r.get("speaker")
    g.add((claim, REKG.attribution, REKG.ReportedSpeech if speaker else REKG.AuthorAnalysis))
    for key, prop in (
        ("speaker", REKG.speaker),
        ("time", REKG.timeFrame),
        ("counterpart", REKG.counterpart),
        ("event", REKG.event),
    ):
        if r.get(key) is not None:
            g.add((claim, prop, r[key]))
    for thing in [r.get("subject"), r.get("object"), r.get("counterpart"), speaker, *about]:
        if thing is not None:
            g.add((claim, REKG.about, thing))
    if predicate is not None:
        g.add((claim, RDF.subject, r["subject"]))
        g.add((claim, RDF.predicate, predicate))
        g.add((claim, RDF.object, r["object"]))
        # a draft is a machine's first reading: nothing unreviewed is ever a plain fact
        if modality == REKG.Asserted and not negated and not draft:
            g.add((r["subject"], predicate, r["object"]))
    if draft:
        g.add((claim, REKG.draft, Literal(True)))
    if note:
        g.add((claim, RDFS.comment, Literal(str(note), lang="en")))
    g.add((claim, REKG.evidence, evidence))
    g.add((claim, REKG.quote, Literal(sel.exact)))
    g.add((evidence, RDF.type, OA.SpecificResource))
    g.add((evidence, OA.hasSource, source_iri))
    g.add((evidence, OA.hasSelector, quote_sel))
    g.add((evidence, OA.hasSelector, position))
    g.add((quote_sel, RDF.type, OA.TextQuoteSelector))
    g.add((quote_sel, OA.exact, Literal(sel.exact)))
    g.add((quote_sel, OA.prefix, Literal(sel.prefix)))
    g.add((quote_sel, OA.suffix, Literal(sel.suffix)))
    g.add((position, RDF.type, OA.TextPositionSelector))
    g.add((position, OA.start, Literal(sel.start, datatype=XSD.nonNegativeInteger)))
    g.add((position, OA.end, Literal(sel.end, datatype=XSD.nonNegativeInteger)))
