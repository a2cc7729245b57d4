"""What the server serves, loaded once at start: the asserted graph and its closure (rdflib,
for resource descriptions and parameter lookup) and the same as a pyoxigraph store (for
SPARQL), plus the VoID description.

The store's dataset: the default graph is the closure (so a query gives the answers
`rekg query` gives), two named graphs hold the asserted graph and the closure, for
queries that want to tell stated from inferred, and one named graph a source,
`https://w3id.org/rekg/graph/source/<slug>` (as in dist/rekg.nq), holds its claims and
what it states as fact, for queries that ask which source says what (`GRAPH ?g`)."""

from dataclasses import dataclass, field
from pathlib import Path

import pyoxigraph as ox
from rdflib import BNode, Graph, URIRef

from rekg.core.engines import Engine
from rekg.core.namespaces import BASE, ONTOLOGY_IRI, REKG, SOURCE_GRAPH, bind_prefixes
from rekg.core.project import Project
from rekg.export.dump import Dump
from rekg.export.files import dataset_sizes, void_description
from rekg.export.named import NamedGraphs
from rekg.graph.cache import is_fresh
from rekg.graph.rdfio import parse_file
from rekg.ingest.load import load_project
from rekg.pipeline import reason_checked

ASSERTED_GRAPH = BASE + "graph/asserted"
INFERRED_GRAPH = BASE + "graph/inferred"
SOURCES_FILE = "rekg.nq"  # the source graphs, loaded as they are


@dataclass
class ServedData:
    asserted: Graph
    closure: Graph
    void: Graph
    store: ox.Store
    void_turtle: bytes | None = None  # dist/void.ttl as built, served byte for byte
    _described: dict = field(default_factory=dict)
    _hash_index: dict | None = None

    @classmethod
    def from_graphs(
        cls, asserted: Graph, closure: Graph, void: Graph, void_turtle=None, sources=None
    ):
        """`sources`: the source graphs, as dist/rekg.nq (its path or its bytes) or a
        NamedGraphs; made from `asserted` when not given."""
        store = ox.Store()
        closure_nt = closure.serialize(format="nt", encoding="utf-8")
        store.load(closure_nt, format=ox.RdfFormat.N_TRIPLES, to_graph=ox.DefaultGraph())
        store.load(closure_nt, format=ox.RdfFormat.N_TRIPLES, to_graph=ox.NamedNode(INFERRED_GRAPH))
        store.load(
            asserted.serialize(format="nt", encoding="utf-8"),
            format=ox.RdfFormat.N_TRIPLES,
            to_graph=ox.NamedNode(ASSERTED_GRAPH),
        )
        if sources is None:
            sources = NamedGraphs.of(asserted)
        if isinstance(sources, NamedGraphs):
            sources = sources.serialize("nquads")  # parsed by the store: no Python terms
        if isinstance(sources, Path):
            store.load(path=str(sources), format=ox.RdfFormat.N_QUADS)
        else:
            store.load(sources, format=ox.RdfFormat.N_QUADS)
        return cls(asserted, closure, void, store, void_turtle)

    @classmethod
    def from_project(cls, project: Project, engine: Engine = Engine.FAST) -> "ServedData":
        """From dist/ when it is fresh, otherwise loaded and reasoned afresh on `engine`
        (without writing dist/: serving never changes the project)."""
        dist = project.dist
        names = ("rekg.ttl", "rekg-inferred.ttl", "void.ttl")
        if all(is_fresh(project, dist / name) for name in (*names, SOURCES_FILE)):
            graphs = []
            for name in names:
                graph = bind_prefixes(Graph())
                parse_file(dist / name, graph, project.relative(dist / name))
                graphs.append(graph)
            void_turtle = (dist / "void.ttl").read_bytes()
            return cls.from_graphs(*graphs, void_turtle, dist / SOURCES_FILE)
        loaded = load_project(project, engine=engine)
        closure = reason_checked(loaded, engine).closure
        asserted = Dump.of(loaded.graph)
        named = NamedGraphs.of(asserted)
        sizes = dataset_sizes(asserted, closure, named)
        void = void_description(asserted, closure, sizes, named)
        return cls.from_graphs(loaded.graph, closure, void, sources=named)

    def source_graphs(self) -> list[str]:
        """The IRIs of the source graphs the store holds, in order."""
        prefix = str(SOURCE_GRAPH)
        names = (g.value for g in self.store.named_graphs() if isinstance(g, ox.NamedNode))
        return sorted(name for name in names if name.startswith(prefix))

    def knows(self, iri: URIRef) -> bool:
        return (iri, None, None) in self.asserted or (None, None, iri) in self.asserted

    def _hash_subjects(self) -> dict[str, set]:
        """Hash IRIs by the document IRI they belong to, indexed once: a per-request scan
        of every subject would cost a pass over the graph."""
        if self._hash_index is None:
            index = {}
            for s in set(self.asserted.subjects()):
                if isinstance(s, URIRef) and "#" in s:
                    index.setdefault(str(s).split("#", 1)[0], set()).add(s)
            self._hash_index = index
        return self._hash_index

    def describe(self, iri: URIRef) -> Graph:
        """What the graph says about a resource: its statements, those of its hash IRIs
        (a claim's #evidence), the blank nodes they reach, and the statements that point
        at it. The ontology's document IRI describes the whole ontology."""
        if iri in self._described:
            return self._described[iri]
        graph = bind_prefixes(Graph())
        if iri == ONTOLOGY_IRI:
            ns = str(REKG._NS)
            subjects = {s for s in self.asserted.subjects() if s == iri or str(s).startswith(ns)}
        else:
            subjects = {iri, *self._hash_subjects().get(str(iri), ())}
            for triple in self.asserted.triples((None, None, iri)):
                graph.add(triple)
        todo = list(subjects)
        seen = set(todo)
        while todo:
            subject = todo.pop()
            for triple in self.asserted.triples((subject, None, None)):
                graph.add(triple)
                if isinstance(triple[2], BNode) and triple[2] not in seen:
                    seen.add(triple[2])
                    todo.append(triple[2])
        self._described[iri] = graph
        return graph
