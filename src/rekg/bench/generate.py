"""A seeded generator that grows the graph the way real use does: many more sources, each
with about fifty claims in the contract's claim model (modality, negation, attribution,
actors, events, evidence with a quote and a position selector standing verbatim in the
source's text), new actors and events per source, and reference observations.

The claims are variations of the article's own: each generated claim copies one article
claim's property, object, modality, negation, speaker, time frame and counterpart, so the
grown graph passes the same shapes and checks and gives the reasoner the same kind of
work. Like a real corpus, each generated report speaks mostly of actors of its own (a
generated company stands in for the article's subject) and restates a few of the article's
relations word for word (CORROBORATING), so that the questions comparing sources
(corroboration, claims-vs-reference) grow with what sources share, not with every claim.
Its quote is the article's quote with the report and item number appended, which makes it
unique in its generated source text. The generated triples are written as Turtle files
(one triple a line) under data/generated/, with each source's text and metadata under
data/sources/: every *.ttl under data/ is part of the graph (contract.md)."""

import hashlib
import random
import shutil
from pathlib import Path

from rdflib import BNode, Literal, Namespace, URIRef
from rdflib.namespace import DCTERMS, PROV, RDF, RDFS, SKOS, XSD

from rekg.core.engines import Engine
from rekg.core.namespaces import ID, OA, REKG, SOURCE
from rekg.core.project import Project
from rekg.graph.engine import select
from rekg.ingest.load import load_project
from rekg.ingest.sources import CONTEXT

R = Namespace(str(REKG._NS))  # open: the ontology declares terms the code never names

CLAIMS_PER_SOURCE = 50
# How many claims of each generated source restate one of the article's relations as it is
# (its subject kept); the others give it to one of the source's own actors. A corpus where
# every report restated only the article's hundred claims would make every relation
# corroborated by every source, an answer that grows with the square of nothing real.
CORROBORATING = 2
OBSERVATIONS_PER_SOURCE = 12
# Only the first few generated sources carry reference tables: reference data comes in a few
# editions and does not grow with the number of sources, and claims-vs-reference pairs every
# claim about a country with every figure for it (rows would grow with the square).
REFERENCE_REPORTS = 4
# Claim properties that a generated claim gets afresh rather than copies.
_OWN = {RDFS.label, R.sourceOrder, PROV.wasDerivedFrom, R.evidence, R.quote, RDFS.comment}
# What else a claim is about besides its subject (ingest/claims.py adds each to rekg:about).
_ABOUT_TOO = {RDF.object, R.counterpart, R.speaker, R.event}
_MEASURES = ("mine_production", "reserves", "refinery_output", "exports", "imports")
_COUNTRIES = ("malaysia", "vietnam", "myanmar", "thailand", "singapore", "china")


def nt(term) -> str:
    if isinstance(term, URIRef):
        return f"<{term}>"
    if isinstance(term, BNode):
        raise ValueError("the templates hold no blank nodes")
    text = (
        str(term)
        .replace("\\", "\\\\")
        .replace('"', '\\"')
        .replace("\n", "\\n")
        .replace("\r", "\\r")
    )
    if term.language:
        return f'"{text}"@{term.language}'
    if term.datatype is not None and term.datatype != XSD.string:
        return f'"{text}"^^<{term.datatype}>'
    return f'"{text}"'


def templates(closure_or_graph) -> list[dict]:
    """The article's claims: for each, its quote and the (predicate, object) pairs a
    generated claim copies, in a fixed order."""
    rows = select(
        closure_or_graph,
        """PREFIX rekg: <https://w3id.org/rekg/ontology#>
        PREFIX oa: <http://www.w3.org/ns/oa#>
        SELECT ?claim ?quote ?p ?o WHERE {
          ?claim a rekg:Claim ; rekg:evidence/oa:hasSelector/oa:exact ?quote ; ?p ?o .
        } ORDER BY ?claim ?p ?o""",
        engine=Engine.REFERENCE,
    )
    # A claim's subject can be given to a generated company when its property is one of
    # actors (rdfs:domain rekg:Actor, on it or a super-property): a company is an actor.
    of_actors = {
        row["p"]
        for row in select(
            closure_or_graph,
            """PREFIX rekg: <https://w3id.org/rekg/ontology#>
            PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
            SELECT DISTINCT ?p WHERE { ?p rdfs:subPropertyOf*/rdfs:domain rekg:Actor }""",
            engine=Engine.REFERENCE,
        ).rows
    }
    by_claim: dict = {}
    for row in rows.rows:
        entry = by_claim.setdefault(row["claim"], {"quote": str(row["quote"]), "pairs": []})
        if row["p"] not in _OWN:
            entry["pairs"].append((row["p"], row["o"]))
    for entry in by_claim.values():
        values = dict(entry["pairs"])
        entry["subject"] = values.get(RDF.subject)
        entry["of_actors"] = values.get(RDF.predicate) in of_actors
    return [by_claim[c] for c in sorted(by_claim)]


def own_actor(k: int, subject: URIRef) -> URIRef:
    """The generated company that stands in for `subject` in report k: one per subject, so
    that two relations of the article stay two relations of the report."""
    return ID[f"gen-actor-{k:05d}-{str(subject).rsplit('/', 1)[-1]}"]


def retold(pick: dict, k: int) -> list:
    """The (predicate, object) pairs of a generated claim that tells `pick`'s relation of one
    of report k's own actors. The claim is about that actor, as the claim compiler would
    make it (rekg:about holds the subject, object, counterpart and speaker): the article's
    subject stays among what it is about only where it is still one of the others."""
    subject, actor = pick["subject"], own_actor(k, pick["subject"])
    others = {o for p, o in pick["pairs"] if p in _ABOUT_TOO}
    pairs = [
        (p, actor if p == RDF.subject else o)
        for p, o in pick["pairs"]
        if not (p == R.about and o == subject and o not in others)
    ]
    return [*pairs, (R.about, actor)]


def plain_triple(pairs):
    d = dict((p, o) for p, o in pairs if p in (RDF.subject, RDF.predicate, RDF.object))
    values = dict(pairs)
    stated = values.get(R.modality) == R.Asserted and str(values.get(R.negated)) in (
        "false",
        "False",
    )
    if stated and len(d) == 3:
        return d[RDF.subject], d[RDF.predicate], d[RDF.object]
    return None


def source_files(k: int, rng: random.Random, tmpl: list[dict]):
    """(slug, text, turtle lines) of generated source number k."""
    slug = f"gen-{k:05d}"
    source = SOURCE[slug]
    retellable = [t for t in tmpl if t["of_actors"] and t["subject"] is not None]
    picks = [tmpl[rng.randrange(len(tmpl))] for _ in range(CORROBORATING)] + [
        retellable[rng.randrange(len(retellable))] for _ in range(CLAIMS_PER_SOURCE - CORROBORATING)
    ]
    pairs = [p["pairs"] for p in picks[:CORROBORATING]] + [
        retold(p, k) for p in picks[CORROBORATING:]
    ]
    actors = sorted({own_actor(k, p["subject"]) for p in picks[CORROBORATING:]})
    sentences = [f"{p['quote']} (report {k}, item {i + 1})" for i, p in enumerate(picks)]
    text = (
        f"Generated report {k} on rare earths in Southeast Asia.\n"
        + "\n".join(s + "." for s in sentences)
        + "\n"
    )
    lines = []
    add = lines.append
    company = ID[f"gen-company-{k:05d}"]
    event = ID[f"gen-event-{k:05d}"]
    year = 2000 + k % 26
    for s, p, o in (
        (source, RDF.type, R.SourceDocument),
        (source, RDFS.label, Literal(f"Generated report {k}", lang="en")),
        (source, SKOS.definition, Literal(f"A generated report, number {k}.", lang="en")),
        (source, DCTERMS.language, Literal("en")),
        (source, DCTERMS.format, Literal("text/plain; charset=utf-8")),
        (source, R.localCopy, Literal(f"data/sources/{slug}.txt")),
        (source, R.sha256, Literal(hashlib.sha256(text.encode("utf-8")).hexdigest())),
        (company, RDF.type, R.Company),
        (company, RDFS.label, Literal(f"Generated company {k}", lang="en")),
        (company, SKOS.definition, Literal(f"A company named in generated report {k}.", lang="en")),
        *(
            triple
            for actor in actors
            for triple in (
                (actor, RDF.type, R.Company),
                (
                    actor,
                    RDFS.label,
                    Literal(f"Actor {actor.rsplit('-', 1)[-1]} of generated report {k}", lang="en"),
                ),
                (actor, SKOS.definition, Literal(f"An actor of generated report {k}.", lang="en")),
            )
        ),
        (event, RDF.type, R.ContextEvent),
        (event, DCTERMS.source, Literal(f"Generated report {k}, chronology")),
        (event, RDFS.label, Literal(f"Generated event {k}", lang="en")),
        (event, R.date, Literal(f"{year}-{1 + k % 12:02d}", datatype=XSD.gYearMonth)),
    ):
        add(f"{nt(s)} {nt(p)} {nt(o)} .")
    offset = text.index("\n") + 1
    for i, (said, sentence) in enumerate(zip(pairs, sentences, strict=True), start=1):
        claim = URIRef(f"https://w3id.org/rekg/id/claim/{slug}-{i:03d}")
        start, end = offset, offset + len(sentence)
        offset = end + 2  # the full stop and the line break
        c = nt(claim)
        ev, q, pos = (nt(URIRef(f"{claim}#{part}")) for part in ("evidence", "quote", "position"))
        add(f"{c} <{RDF.type}> <{R.Claim}> .")
        add(f'{c} <{RDFS.label}> "claim {slug}-{i:03d}"@en .')
        add(f'{c} <{R.sourceOrder}> "{i}"^^<{XSD.integer}> .')
        add(f"{c} <{PROV.wasDerivedFrom}> {nt(source)} .")
        add(f"{c} <{R.about}> {nt(company)} .")
        for p, o in said:
            if p != RDF.type:
                add(f"{c} {nt(p)} {nt(o)} .")
        stated = plain_triple(said)
        if stated:
            add(" ".join(nt(t) for t in stated) + " .")
        add(f"{c} <{R.evidence}> {ev} .")
        add(f"{c} <{R.quote}> {nt(Literal(sentence))} .")
        add(f"{ev} <{RDF.type}> <{OA.SpecificResource}> .")
        add(f"{ev} <{OA.hasSource}> {nt(source)} .")
        add(f"{ev} <{OA.hasSelector}> {q} .")
        add(f"{ev} <{OA.hasSelector}> {pos} .")
        add(f"{q} <{RDF.type}> <{OA.TextQuoteSelector}> .")
        add(f"{q} <{OA.exact}> {nt(Literal(sentence))} .")
        add(f"{q} <{OA.prefix}> {nt(Literal(text[max(0, start - CONTEXT) : start]))} .")
        add(f"{q} <{OA.suffix}> {nt(Literal(text[end : end + CONTEXT]))} .")
        add(f"{pos} <{RDF.type}> <{OA.TextPositionSelector}> .")
        add(f'{pos} <{OA.start}> "{start}"^^<{XSD.nonNegativeInteger}> .')
        add(f'{pos} <{OA.end}> "{end}"^^<{XSD.nonNegativeInteger}> .')
        assert text[start:end] == sentence
    for j in range(OBSERVATIONS_PER_SOURCE if k <= REFERENCE_REPORTS else 0):
        country = _COUNTRIES[(k + j) % len(_COUNTRIES)]
        measure = _MEASURES[j % len(_MEASURES)]
        obs = nt(ID[f"obs/gen-{k:05d}-{j:02d}"])
        value = f"{rng.randrange(0, 500000)}.{rng.randrange(10)}"
        for p, o in (
            (RDF.type, R.Observation),
            (RDFS.label, Literal(f"{country}: {measure} {year} (generated report {k})", lang="en")),
            (R.observedPlace, ID[country]),
            (R.measure, Literal(measure)),
            (R.referenceYear, Literal(str(year), datatype=XSD.integer)),
            (R.unit, Literal("t REO")),
            (R.edition, Literal(f"generated report {k}")),
            (DCTERMS.source, Literal(f"Generated report {k}, table {j + 1}")),
            (R.value, Literal(value, datatype=XSD.decimal)),
        ):
            add(f"{obs} {nt(p)} {nt(o)} .")
    return slug, text, lines


def grow(base: Path, target: Path, triples: int, seed: int = 5) -> dict:
    """A copy of the project at `base` in `target`, grown with generated sources until the
    asserted graph holds about `triples` triples. Returns what was generated."""
    if target.exists():
        shutil.rmtree(target)
    target.mkdir(parents=True)
    for name in ("ontology", "data", "queries"):
        shutil.copytree(base / name, target / name)
    project = Project(target)
    loaded = load_project(Project(base))
    base_triples = len(loaded)
    tmpl = templates(loaded.graph)
    rng = random.Random(seed)
    out = project.data / "generated"
    out.mkdir()
    count, k = base_triples, 0
    while count < triples:
        k += 1
        slug, text, lines = source_files(k, rng, tmpl)
        (project.data / "sources" / f"{slug}.txt").write_text(text, encoding="utf-8")
        (out / f"{slug}.ttl").write_text("\n".join(lines) + "\n", encoding="utf-8")
        count += len(set(lines))
    return {"sources": k, "lines": count, "root": str(target)}


def _subject_predicate(line: str) -> str:
    return " ".join(line.split(" ", 2)[:2])


def _second_modality(line: str) -> list[str]:
    other = R.Likely if f"<{R.Asserted}>" in line else R.Asserted
    return [line, f"{_subject_predicate(line)} <{other}> ."]


# Faults put into generated claims for the validators to find, one kind per claim in turn:
# (what is wrong, the predicate of the line it touches, what the line becomes: None, gone).
FAULTS = (
    ("no modality", R.modality, None),
    ("a second modality", R.modality, _second_modality),
    ("a negation that is not a boolean", R.negated,
     lambda line: [f'{_subject_predicate(line)} "perhaps" .']),
    ("a quote other than its evidence's", R.quote,
     lambda line: [f'{_subject_predicate(line)} "misquoted" .']),
    ("no source", PROV.wasDerivedFrom, None),
)  # fmt: skip


def inject_faults(root: Path, every: int = 100, seed: int = 11) -> dict:
    """Put a fault (FAULTS, in turn) into one generated claim in `every`, chosen with a
    seeded generator, in the generated Turtle under root. Returns how many of each kind."""
    rng = random.Random(seed)
    counts = {kind: 0 for kind, _, _ in FAULTS}
    turn = 0
    for path in sorted((root / "data" / "generated").glob("*.ttl")):
        lines = path.read_text(encoding="utf-8").splitlines()
        claims = sorted({line.split(" ", 1)[0] for line in lines if f"<{R.Claim}>" in line})
        chosen = {c: FAULTS[(turn + i) % len(FAULTS)] for i, c in
                  enumerate(c for c in claims if rng.randrange(every) == 0)}  # fmt: skip
        turn += len(chosen)
        out = []
        for line in lines:
            subject, predicate, _ = line.split(" ", 2)
            fault = chosen.get(subject)
            if fault is None or predicate != f"<{fault[1]}>":
                out.append(line)
                continue
            counts[fault[0]] += 1
            if fault[2] is not None:
                out.extend(fault[2](line))
        path.write_text("\n".join(out) + "\n", encoding="utf-8")
    return counts
