"""The exported dataset: the asserted graph in Turtle, N-Triples and JSON-LD, the inferred
closure, the VoID/DCAT description, the answers to the stored questions and SHA256SUMS.
Every file is a pure function of the inputs, so two builds are byte-identical.

The RDF files are written by pyoxigraph from the sorted canonical N-Triples of the graph
(fast_export.py), whichever engine built it: the same triples give the same bytes. They go
straight to disk, hashed and counted on the way (at 1M triples they are 330 MB), and are
read back only when someone asks for their bytes (`Written`)."""

import hashlib
from collections.abc import Mapping
from functools import partial
from pathlib import Path

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import DCAT, DCTERMS, OWL, RDF, VOID, XSD

from . import __version__
from .catalogue import StoredQuery
from .engine import Rows
from .fast_export import Dump
from .formats import RDF_FORMATS
from .namespaces import BASE, ID, ONTOLOGY_IRI, bind_prefixes
from .results import to_markdown

DATASET = ID["dataset"]
DOWNLOAD_BASE = BASE + "dist/"
LICENSE = URIRef("https://creativecommons.org/licenses/by/4.0/")
IANA = "http://www.iana.org/assignments/media-types/"


class _Hashing:
    """A binary file object that hashes and counts what passes through it to `out` (None:
    nowhere)."""

    def __init__(self, out=None):
        self.out, self.sha256, self.size = out, hashlib.sha256(), 0

    def write(self, data: bytes) -> int:
        self.sha256.update(data)
        self.size += len(data)
        if self.out is not None:
            self.out.write(data)
        return len(data)

    def flush(self) -> None:
        pass


class _Sink:
    """Writes files into a folder (None: only counts and hashes them)."""

    def __init__(self, folder: Path | None):
        self.folder = folder
        self.sizes: dict[str, int] = {}
        self.digests: dict[str, str] = {}

    def put(self, name: str, write) -> None:
        """`write(out)` writes the file's bytes to a binary file object."""
        if self.folder is None:
            hashing = _Hashing()
            write(hashing)
        else:
            with open(self.folder / name, "wb") as handle:
                hashing = _Hashing(handle)
                write(hashing)
        self.sizes[name], self.digests[name] = hashing.size, hashing.sha256.hexdigest()

    def put_bytes(self, name: str, data: bytes) -> None:
        self.put(name, lambda out: out.write(data))


class Written(Mapping):
    """The files an export wrote into a folder: name -> bytes, read when asked for."""

    def __init__(self, folder: Path, names):
        self.folder, self._names = folder, sorted(names)

    def __getitem__(self, name: str) -> bytes:
        if name not in self._names:
            raise KeyError(name)
        return (self.folder / name).read_bytes()

    def __iter__(self):
        return iter(self._names)

    def __len__(self) -> int:
        return len(self._names)


def _put_dataset(sink: _Sink, asserted: Dump, closure: Dump) -> None:
    for fmt in RDF_FORMATS:
        sink.put(f"rekg.{fmt.extension}", partial(asserted.write, fmt.name))
    sink.put("rekg-inferred.ttl", partial(closure.write, "turtle"))


def dataset_sizes(asserted, closure) -> dict[str, int]:
    """The byte sizes of the dataset files, without writing them. `asserted`, `closure`:
    rdflib Graphs, Quads or iterables of pyoxigraph quads."""
    sink = _Sink(None)
    _put_dataset(sink, Dump.of(asserted), Dump.of(closure))
    return sink.sizes


def void_description(asserted, closure, sizes: dict[str, int]) -> Graph:
    asserted = asserted if isinstance(asserted, Dump) else Dump.of(asserted)
    closure = closure if isinstance(closure, Dump) else Dump.of(closure)
    stats = asserted.stats()
    g = bind_prefixes(Graph())
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
    media = {
        "ttl": "text/turtle",
        "nt": "application/n-triples",
        "jsonld": "application/ld+json",
        "md": "text/markdown",
    }
    for name, size in sorted(sizes.items()):
        url = URIRef(DOWNLOAD_BASE + name)
        g.add((d, DCAT.distribution, url))
        if name.endswith((".ttl", ".nt", ".jsonld")):
            g.add((d, VOID.dataDump, url))
        g.add((url, RDF.type, DCAT.Distribution))
        g.add((url, DCAT.downloadURL, url))
        g.add((url, DCAT.mediaType, URIRef(IANA + media[name.rsplit(".", 1)[-1]])))
        g.add((url, DCAT.byteSize, Literal(size, datatype=XSD.nonNegativeInteger)))
        g.add((url, DCTERMS.license, LICENSE))
        g.add((url, DCTERMS.title, Literal(_titles(name, len(asserted), len(closure)), lang="en")))
    return g


def _titles(name: str, asserted: int, closure: int) -> str:
    if name == "rekg-inferred.ttl":
        return f"The OWL 2 RL closure: the asserted graph and its entailments ({closure} triples)"
    if name == "answers.md":
        return "The stored strategic questions with their answers and quotes"
    return f"The asserted graph, no inferences ({asserted} triples)"


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


def write_files(folder: Path, asserted, closure, catalogue, answers) -> Written:
    """Every dist/ file, written into folder. `asserted`, `closure`: rdflib Graphs, Quads
    or iterables of pyoxigraph quads."""
    asserted, closure = Dump.of(asserted), Dump.of(closure)
    sink = _Sink(folder)
    _put_dataset(sink, asserted, closure)
    sink.put_bytes("answers.md", answers_markdown(catalogue, answers))
    void = void_description(asserted, closure, sink.sizes)
    sink.put_bytes("void.ttl", Dump.of(void).serialize("turtle"))
    sink.put_bytes("SHA256SUMS", _sums(sink.digests))
    return Written(folder, sink.sizes)
