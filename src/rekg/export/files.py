"""The exported dataset: the asserted graph in Turtle, N-Triples and JSON-LD, the inferred
closure, the claims by source as named graphs (TriG, N-Quads), the VoID/DCAT description,
the answers to the stored questions and SHA256SUMS. Every file is a pure function of the
inputs, so two builds are byte-identical.

The RDF files are written by pyoxigraph from the sorted canonical N-Triples of the graph
(dump.py), whichever engine built it: the same triples give the same bytes. They go
straight to disk, hashed and counted on the way (sink.py), and are read back only when someone asks for their bytes (`sink.Written`)."""

import hashlib
from functools import partial
from pathlib import Path

from rdflib import BNode, Graph, Literal, Namespace, URIRef
from rdflib.namespace import DCAT, DCTERMS, OWL, RDF, VOID, XSD

from rekg import __version__
from rekg.core.formats import RDF_FORMATS
from rekg.core.namespaces import BASE, ID, ONTOLOGY_IRI, PREFIXES, REKG, SOURCE, bind_prefixes
from rekg.export.dump import Dump
from rekg.export.named import NamedGraphs
from rekg.export.sink import Sink
from rekg.graph.engine import Rows
from rekg.query.catalogue import StoredQuery
from rekg.query.results import to_markdown

DATASET = ID["dataset"]
DOWNLOAD_BASE = BASE + "dist/"
LICENSE = URIRef("https://creativecommons.org/licenses/by/4.0/")
IANA = "http://www.iana.org/assignments/media-types/"
# SPARQL 1.1 Service Description: a source graph is an sd:NamedGraph, its IRI its sd:name
SD = Namespace("http://www.w3.org/ns/sparql-service-description#")
VOID_PREFIXES = {**PREFIXES, "sd": str(SD)}
NAMED_FILES = {"rekg.trig": "trig", "rekg.nq": "nquads"}  # the source graphs' files
MEDIA_TYPES = {
    "ttl": "text/turtle",
    "nt": "application/n-triples",
    "jsonld": "application/ld+json",
    "trig": "application/trig",
    "nq": "application/n-quads",
    "md": "text/markdown",
}


def _put_dataset(sink: Sink, asserted: Dump, closure: Dump, named: NamedGraphs) -> None:
    for fmt in RDF_FORMATS:
        sink.put(f"rekg.{fmt.extension}", partial(asserted.write, fmt.name))
    sink.put("rekg-inferred.ttl", partial(closure.write, "turtle"))
    for name, format_name in NAMED_FILES.items():
        sink.put(name, partial(named.write, format_name))


def dataset_sizes(asserted, closure, named: NamedGraphs | None = None) -> dict[str, int]:
    """The byte sizes of the dataset files, without writing them. `asserted`, `closure`:
    rdflib Graphs, Quads or iterables of pyoxigraph quads; `named`: the source graphs
    (made from `asserted` when not given)."""
    sink = Sink(None)
    asserted = Dump.of(asserted)
    _put_dataset(
        sink, asserted, Dump.of(closure), NamedGraphs.of(asserted) if named is None else named
    )
    return sink.sizes


def void_description(
    asserted, closure, sizes: dict[str, int], named: NamedGraphs | None = None
) -> Graph:
    asserted = asserted if isinstance(asserted, Dump) else Dump.of(asserted)
    closure = closure if isinstance(closure, Dump) else Dump.of(closure)
    named = NamedGraphs.of(asserted) if named is None else named
    stats = asserted.stats()
    g = bind_prefixes(Graph())
    g.bind("sd", SD)
    d = DATASET
    g.add((d, RDF.type, VOID.Dataset))
    g.add((d, RDF.type, DCAT.Dataset))
    g.add((d, DCTERMS.title, Literal("rekg: China and Southeast Asia on rare earths", lang="en")))
    g.add(
        (
            d,
            DCTERMS.description,
            Literal(
                "An open knowledge graph of how China engages Southeast Asia on rare earths: actors, "
                "minerals, supply-chain stages, events and strategic roles, and every statement of its "
                "sources as a claim with its verbatim quote, modality, negation and time frame.",
                lang="en",
            ),
        )
    )
    g.add((d, DCTERMS.license, LICENSE))
    g.add((d, DCTERMS.creator, Literal("The rekg contributors")))
    g.add((d, OWL.versionInfo, Literal(__version__)))
    g.add((d, URIRef(str(DCAT) + "version"), Literal(__version__)))
    g.add((d, VOID.vocabulary, ONTOLOGY_IRI))
    g.add((d, VOID.uriSpace, Literal(str(ID))))
    g.add((d, VOID.triples, Literal(len(asserted))))
    g.add((d, VOID.entities, Literal(stats.entities)))
    g.add((d, VOID.distinctSubjects, Literal(stats.subjects)))
    g.add((d, VOID.properties, Literal(stats.properties)))
    g.add((d, VOID.classes, Literal(stats.classes)))
    for source in stats.sources:
        g.add((d, DCTERMS.source, source))
    claims = stats.claims
    g.add((d, DCTERMS.extent, Literal(f"{claims} claims", lang="en")))
    for graph in named.graphs:
        _describe_source_graph(g, graph, sizes)
    titles = _titles(len(asserted), len(closure), len(named.graphs), len(named))
    for name, size in sorted(sizes.items()):
        url = URIRef(DOWNLOAD_BASE + name)
        g.add((d, DCAT.distribution, url))
        if name.endswith((".ttl", ".nt", ".jsonld")):
            g.add((d, VOID.dataDump, url))
        g.add((url, RDF.type, DCAT.Distribution))
        g.add((url, DCAT.downloadURL, url))
        g.add((url, DCAT.mediaType, URIRef(IANA + MEDIA_TYPES[name.rsplit(".", 1)[-1]])))
        g.add((url, DCAT.byteSize, Literal(size, datatype=XSD.nonNegativeInteger)))
        g.add((url, DCTERMS.license, LICENSE))
        title = titles.get(name, titles["asserted"])
        g.add((url, DCTERMS.title, Literal(title, lang="en")))
    return g


def _describe_source_graph(g: Graph, graph, sizes: dict[str, int]) -> None:
    """A source graph as a subset of the dataset: a void:Dataset that is also the
    sd:NamedGraph of that name in rekg.trig and rekg.nq (its void:dataDump), with its
    triples, its claims (a class partition), and the source it holds."""
    subset = URIRef(graph.name)
    slug = graph.source[len(str(SOURCE)) :]
    g.add((DATASET, VOID.subset, subset))
    g.add((subset, RDF.type, VOID.Dataset))
    g.add((subset, RDF.type, SD.NamedGraph))
    g.add((subset, SD.name, subset))
    g.add((subset, DCTERMS.source, URIRef(graph.source)))
    title = f"The claims of source {slug}, with their evidence and what it states as fact"
    g.add((subset, DCTERMS.title, Literal(title, lang="en")))
    g.add((subset, VOID.triples, Literal(len(graph))))
    partition = BNode()
    g.add((subset, VOID.classPartition, partition))
    g.add((partition, VOID["class"], REKG.Claim))
    g.add((partition, VOID.entities, Literal(graph.claims)))
    for name in NAMED_FILES:
        if name in sizes:
            g.add((subset, VOID.dataDump, URIRef(DOWNLOAD_BASE + name)))


def _titles(asserted: int, closure: int, graphs: int, quads: int) -> dict[str, str]:
    named = f"The claims by source, as {graphs} named graph{'s' * (graphs != 1)} ({quads} triples)"
    return {
        "asserted": f"The asserted graph, no inferences ({asserted} triples)",
        "rekg-inferred.ttl": (
            f"The OWL 2 RL closure: the asserted graph and its entailments ({closure} triples)"
        ),
        "answers.md": "The stored strategic questions with their answers and quotes",
        "rekg.trig": named,
        "rekg.nq": named,
    }


def answers_markdown(catalogue: dict[str, StoredQuery], answers: dict[str, Rows]) -> bytes:
    out = [
        "# rekg: answers to the stored strategic questions",
        "",
        "Generated by `rekg build` from the claims of the sources; every row that states a",
        "claim carries its exact quote. Modalities: rekg:Asserted (stated as fact),",
        "rekg:Expected, rekg:Likely, rekg:Possible, rekg:Unlikely. `negated true` marks a",
        "denial.",
        "",
    ]
    for name, query in sorted(catalogue.items()):
        rows = answers[name]
        out += [f"## {query.summary}", "", f"Query `{name}` (`queries/{query.group}/{name}.rq`)."]
        if query.description:
            out += ["", query.description]
        used = [f"{p.name}={p.default}" for p in query.params if p.default]
        if used:
            out += ["", "Parameters: " + ", ".join(f"`{u}`" for u in used) + "."]
        out += ["", to_markdown(rows).rstrip("\n"), "", f"{len(rows)} rows.", ""]
    return "\n".join(out).encode("utf-8")


def checksums(files: dict[str, bytes]) -> bytes:
    return _sums({name: hashlib.sha256(data).hexdigest() for name, data in files.items()})


def _sums(digests: dict[str, str]) -> bytes:
    lines = [f"{digest}  {name}" for name, digest in sorted(digests.items())]
    return ("\n".join(lines) + "\n").encode("utf-8")


def write_files(
    folder: Path, asserted, closure, catalogue, answers, named: NamedGraphs | None = None
) -> dict[str, int]:
    """Every dist/ file, written into folder; their sizes by name. `asserted`, `closure`:
    rdflib Graphs, Quads or iterables of pyoxigraph quads; `named`: the source graphs
    (made from `asserted` when not given)."""
    asserted, closure = Dump.of(asserted), Dump.of(closure)
    named = NamedGraphs.of(asserted) if named is None else named
    sink = Sink(folder)
    _put_dataset(sink, asserted, closure, named)
    sink.put_bytes("answers.md", answers_markdown(catalogue, answers))
    void = void_description(asserted, closure, sink.sizes, named)
    sink.put_bytes("void.ttl", Dump.of(void).serialize("turtle", VOID_PREFIXES))
    sink.put_bytes("SHA256SUMS", _sums(sink.digests))
    return sink.sizes
