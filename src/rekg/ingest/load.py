"""Load a project into one graph: the ontology, every *.ttl under data/, and the compiled
authoring formats (claim files, reference tables). Records where each node is written so
that reports can point at the file and line.

The fast engine (core.engines) parses straight into `Quads` (`Loaded.quads`, see quads.py) and builds the
rdflib Graph (`Loaded.graph`) and the pyoxigraph Store that SPARQL runs on (`Loaded.store`)
only when someone asks for them; the reference engine parses into the rdflib Graph as
before. All hold the same triples (tests/test_parity.py). The quads are the faithful
copy: the Store keeps numbers by value, so "5"^^xsd:nonNegativeInteger comes back from it
as "5"^^xsd:integer and "1.50"^^xsd:decimal as "1.5"; SHACL datatypes and the exports
must see the literals as written."""

import hashlib
import re
from collections.abc import MutableMapping
from pathlib import Path

import pyoxigraph as ox
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import DCAT, OWL, RDF, RDFS, SKOS

from rekg.core.collector import collect_once
from rekg.core.engines import Engine
from rekg.core.errors import CheckFailed
from rekg.core.namespaces import ID, REKG, bind_prefixes
from rekg.core.project import Project
from rekg.core.report import Finding, Report
from rekg.graph.quads import Quads
from rekg.graph.rdfio import parse_file, parse_turtle_into
from rekg.graph.store import graph_of, ox_triples, store_of, store_soon
from rekg.ingest import claims, tables
from rekg.ingest.files import read_bytes
from rekg.ingest.sources import Copy, SourceText, check_copies

_PREFIX = re.compile(r"@prefix\s+([\w-]*):\s*<([^>]*)>", re.IGNORECASE)


class Places(MutableMapping):
    """node -> "file:line". The Turtle files are scanned for their subjects' lines only
    when a place is first asked for (a report needs one; a clean build never does)."""

    def __init__(self):
        self._files: list[tuple[Path, str]] = []
        self._data: dict = {}
        self._scanned = True

    def add_turtle(self, path: Path, display: str) -> None:
        self._files.append((path, display))
        self._scanned = False

    def _all(self) -> dict:
        if not self._scanned:
            self._scanned = True
            later, self._data = self._data, {}
            for path, display in self._files:
                for node, place in turtle_places(path, display).items():
                    self._data.setdefault(node, place)
            for node, place in later.items():
                self._data.setdefault(node, place)
        return self._data

    def __getitem__(self, key):
        return self._all()[key]

    def __setitem__(self, key, value):
        self._all()[key] = value

    def __delitem__(self, key):
        del self._all()[key]

    def __iter__(self):
        return iter(self._all())

    def __len__(self):
        return len(self._all())

    def setdefault(self, key, default=None):
        # before the scan, kept aside: the Turtle files' places come first when it runs
        return self._data.setdefault(key, default)


class Loaded:
    """The loaded project. `graph` (rdflib) and `quads` (pyoxigraph terms, as written) hold
    the same triples; whichever was not loaded is made from the other on first use. `store`
    (pyoxigraph, for SPARQL) is made from them on first use."""

    def __init__(
        self,
        project: Project,
        graph: Graph | None = None,
        places: dict | None = None,
        sources: dict | None = None,
        findings: list | None = None,
        files: list | None = None,
        quads: Quads | None = None,
    ):
        self.project = project
        self._graph = graph
        self._quads = quads
        self._store = None
        self._store_soon = None  # a Future of the store, see make_store_soon
        self._handed_out = graph is not None
        self.places = places if places is not None else {}  # node -> "file:line"
        self.sources = sources if sources is not None else {}  # slug -> SourceText
        self.findings = findings if findings is not None else []  # authoring problems
        self.files = files if files is not None else []

    @property
    def graph(self) -> Graph:
        if self._graph is None:
            self._graph = graph_of(self._quads, bind_prefixes(Graph()))
        # whoever holds the rdflib Graph may change it: from now on it is the truth, and
        # the quads and the store are made from it whenever they are asked for
        self._handed_out = True
        self._quads = self._store = self._store_soon = None
        return self._graph

    @graph.setter
    def graph(self, value: Graph):
        self._graph, self._quads, self._store, self._store_soon = value, None, None, None

    def make_store_soon(self) -> None:
        """Start making `store` on another thread (store.store_soon), for a caller with
        other work to do before it needs it."""
        if self._store is None and self._store_soon is None and not self._handed_out:
            self._store_soon = store_soon(self.quads)

    @property
    def quads(self) -> Quads:
        if self._quads is None:
            quads = Quads(ox_triples(self._graph))
            if self._handed_out:
                return quads
            self._quads = quads
        return self._quads

    @property
    def store(self) -> ox.Store:
        if self._store is None and self._store_soon is not None:
            self._store, self._store_soon = self._store_soon.result(), None
        if self._store is None:
            store = store_of(self.quads)
            if self._handed_out:
                return store
            self._store = store
        return self._store

    def __len__(self) -> int:
        return len(self._graph) if self._graph is not None else len(self._quads)

    def holds_quads(self) -> bool:
        """Whether the triples are held as Quads (fast loading), not as an rdflib Graph."""
        return self._quads is not None and self._graph is None

    def as_written(self):
        """The triples as written: the quads while they are the truth, else the graph."""
        return self._quads if self._quads is not None and not self._handed_out else self.graph

    def take_store(self) -> ox.Store | None:
        """Hand over the store made of the asserted triples (None when there is none or
        the graph was handed out); the project forgets it, as its holder will change it."""
        if self._store is None or self._handed_out:
            return None
        store, self._store = self._store, None
        return store

    def place(self, node) -> str:
        node = URIRef(str(node).split("#", 1)[0]) if isinstance(node, URIRef) else node
        return self.places.get(node, "(generated)")


def turtle_places(path: Path, display: str) -> dict:
    """The first line of each subject written at the start of a line."""
    prefixes, places = {}, {}
    # the parser has read the file already; a byte it let through in a comment must not
    # stop a report from being written
    text = path.read_text(encoding="utf-8", errors="replace")
    for number, line in enumerate(text.splitlines(), start=1):
        if not line or line[0] in " \t#[(":
            continue
        if line[0] == "@":
            match = _PREFIX.match(line)
            if match:
                prefixes[match.group(1)] = match.group(2)
            continue
        token = line.split(None, 1)[0]
        if token.startswith("<") and token.endswith(">"):
            iri = token[1:-1]
        elif ":" in token and token.split(":", 1)[0] in prefixes:
            pfx, local = token.split(":", 1)
            iri = prefixes[pfx] + local
        else:
            continue
        places.setdefault(URIRef(iri), f"{display}:{number}")
    return places


def load_project(project: Project, strict: bool = True, engine: Engine = Engine.FAST) -> Loaded:
    """Everything the graph holds. With strict, authoring problems raise CheckFailed."""
    engine = Engine.named(engine)
    with collect_once(engine is Engine.FAST):
        return _load(project, strict, _TARGETS[engine](project))


class _IntoQuads:
    """The fast engine's target: Turtle parsed by pyoxigraph straight into Quads, places
    scanned only when a report asks for one."""

    def __init__(self, project: Project):
        self.loaded = Loaded(project, places=Places(), quads=Quads())

    def parse(self, path: Path, display: str) -> None:
        parse_turtle_into(path, self.loaded.quads, display)
        self.loaded.places.add_turtle(path, display)

    def labels(self) -> tables.Labels:
        return _labels(self.loaded.quads)

    def names(self) -> claims.Names:
        return _names(self.loaded.quads)

    def copies(self) -> list[Copy]:
        values: dict[str, dict] = {}
        for prop in _COPY:
            for q in self.loaded.quads.for_predicate(ox.NamedNode(str(prop))):
                if isinstance(q.subject, ox.NamedNode) and isinstance(q.object, ox.Literal):
                    values.setdefault(q.subject.value, {}).setdefault(prop, []).append(
                        q.object.value
                    )
        return _copies(values)


class _IntoGraph:
    """The reference engine's target: Turtle parsed by rdflib into one Graph."""

    def __init__(self, project: Project):
        self.loaded = Loaded(project, bind_prefixes(Graph()))

    def parse(self, path: Path, display: str) -> None:
        parse_file(path, self.loaded.graph, display)
        for node, place in turtle_places(path, display).items():
            self.loaded.places.setdefault(node, place)

    def labels(self) -> tables.Labels:
        return tables.Labels.of_graph(self.loaded.graph)

    def names(self) -> claims.Names:
        return claims.Names.from_graph(self.loaded.graph)

    def copies(self) -> list[Copy]:
        values: dict[str, dict] = {}
        for prop in _COPY:
            for s, o in self.loaded.graph.subject_objects(prop):
                if isinstance(s, URIRef) and isinstance(o, Literal):
                    values.setdefault(str(s), {}).setdefault(prop, []).append(str(o))
        return _copies(values)


_TARGETS = {Engine.FAST: _IntoQuads, Engine.REFERENCE: _IntoGraph}
_COPY = (REKG.localCopy, REKG.sha256, DCAT.byteSize)


def _copies(values: dict[str, dict]) -> list[Copy]:
    """Copy records of the sources that name a local copy."""
    return [
        Copy(iri, *(tuple(sorted(found.get(prop, ()))) for prop in _COPY))
        for iri, found in values.items()
        if REKG.localCopy in found
    ]


def _load(project: Project, strict: bool, target) -> Loaded:
    loaded = target.loaded
    for path in [project.ontology, *sorted(project.data.rglob("*.ttl"))]:
        target.parse(path, project.relative(path))
        loaded.files.append(project.relative(path))
    digests = {}
    for path in sorted((project.data / "sources").glob("*.txt")):
        display = project.relative(path)
        data = read_bytes(path, display)
        loaded.sources[path.stem] = SourceText.of_bytes(path.stem, path, data, display)
        digests[path.resolve()] = (hashlib.sha256(data).hexdigest(), len(data))
    check_copies(project, target.copies(), digests, loaded.places)
    known = target.labels()
    for path in sorted((project.data / "reference").glob("*.tsv")):
        compiler = tables.COMPILERS.get(path.name)
        if compiler is None:
            continue
        compiled = compiler(path, project.relative(path), known)
        _add(loaded, path, *compiled)
        known.add_graph(compiled[0])
    names = target.names()
    for path in sorted((project.data / "claims").glob("*.yaml")):
        display = project.relative(path)
        _add(loaded, path, *claims.compile_claims(path, display, names, loaded.sources))
    if strict and loaded.findings:
        report = Report(list(loaded.findings), ["claim files and reference tables"])
        raise CheckFailed("the authoring files have problems", report)
    return loaded


def _labels(quads: Quads) -> tables.Labels:
    """tables.Labels.of_graph, on the quads."""
    labels = tables.Labels()
    for prop in (RDFS.label, SKOS.altLabel):
        for q in quads.for_predicate(ox.NamedNode(str(prop))):
            if isinstance(q.subject, ox.NamedNode) and isinstance(q.object, ox.Literal):
                labels.add(q.subject.value, prop, q.object.value)
    return labels


def _names(quads: Quads) -> claims.Names:
    """claims.Names.from_graph, on the quads."""
    ns = str(ID)
    entities = {}
    for s in quads.subjects():
        if isinstance(s, ox.NamedNode) and s.value.startswith(ns) and "#" not in s.value:
            entities[s.value[len(ns) :]] = URIRef(s.value)
    properties = {}
    kinds = {ox.NamedNode(str(OWL.ObjectProperty)), ox.NamedNode(str(OWL.DatatypeProperty))}
    for quad in quads.for_predicate(ox.NamedNode(str(RDF.type))):
        iri = quad.subject.value if isinstance(quad.subject, ox.NamedNode) else ""
        if quad.object in kinds and iri.startswith(str(REKG._NS)):
            properties[iri[len(str(REKG._NS)) :]] = URIRef(iri)
    return claims.Names(entities, properties)


def _add(loaded: Loaded, path: Path, graph: Graph, findings: list[Finding], places: dict):
    loaded.files.append(loaded.project.relative(path))
    if loaded.holds_quads():
        loaded.quads.extend(ox_triples(graph))
    else:
        for triple in graph:
            loaded.graph.add(triple)
    loaded.findings.extend(findings)
    for node, place in places.items():
        loaded.places.setdefault(node, place)
