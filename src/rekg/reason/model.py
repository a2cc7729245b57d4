"""What both reasoners give and share: `Reasoned` (the closure, the kept entailments and
the inconsistencies), which entailments are kept (`keep`), and how an inconsistency is
reported."""

import pyoxigraph as ox
from rdflib import BNode, Graph, Literal
from rdflib.namespace import OWL, RDF, RDFS

from rekg.core.namespaces import bind_prefixes, is_project_iri
from rekg.core.report import Finding, short
from rekg.graph.store import from_ox, graph_of, ox_triples, store_of

_VOCABULARIES = (str(RDF), str(RDFS), str(OWL), "http://www.w3.org/2001/XMLSchema#")
_TRIVIAL = {RDFS.subClassOf, OWL.equivalentClass, RDFS.subPropertyOf, OWL.equivalentProperty}


class Reasoned:
    """`closure`: the asserted triples plus the kept entailments; `inferred`: the kept
    entailments alone (rdflib Graphs, made on first use when the fast engine reasoned);
    `findings`: inconsistencies, as the reasoner words them, and `conflicts` the same as
    values (reason.conflicts), for explain.py to trace back. `store` is the closure as a pyoxigraph Store for queries,
    and `closure_quads()` the closure's triples as written, for the exports."""

    def __init__(
        self,
        closure=None,
        inferred=None,
        findings=None,
        *,
        asserted=None,
        entailed=None,
        conflicts=None,
    ):
        self._closure = closure
        self._inferred = inferred
        self.findings = findings if findings is not None else []
        self.conflicts = conflicts if conflicts is not None else []
        self._asserted = asserted  # Quads, fast engine only
        self._entailed = entailed  # list of ox.Quad, fast engine only
        self._store = None

    @property
    def closure(self) -> Graph:
        if self._closure is None:
            graph = graph_of(self._asserted, bind_prefixes(Graph()))
            self._closure = graph_of(self._entailed, graph)
        return self._closure

    @property
    def inferred(self) -> Graph:
        if self._inferred is None:
            self._inferred = graph_of(self._entailed, bind_prefixes(Graph()))
        return self._inferred

    @property
    def store(self) -> ox.Store:
        if self._store is None:
            if self._asserted is not None:
                self._store = store_of(self.closure_quads())
            else:
                self._store = store_of(ox_triples(self._closure))
        return self._store

    def membership(self):
        """A function saying whether the closure holds a triple (an ox.Quad in the
        default graph), whichever engine reasoned."""
        if self._asserted is not None:
            asserted, entailed = self._asserted, set(self._entailed)
            return lambda quad: quad in asserted or quad in entailed
        closure = self.closure
        return lambda quad: (
            (from_ox(quad.subject), from_ox(quad.predicate), from_ox(quad.object)) in closure
        )

    def add_derived(self, quads: list) -> None:
        """Facts derived beside the reasoner (derive.py): kept with the entailments."""
        if self._store is not None:
            raise RuntimeError("derived facts come before the closure's store is made")
        if self._asserted is not None:
            self._entailed.extend(quads)
            return
        for quad in quads:
            triple = (from_ox(quad.subject), from_ox(quad.predicate), from_ox(quad.object))
            self._closure.add(triple)
            self._inferred.add(triple)

    def adopt_store(self, loaded) -> None:
        """Take over the store the validation built from the asserted graph and add the
        entailments to it, instead of building the closure's store from scratch. The loaded
        project forgets that store (it no longer holds the asserted graph alone)."""
        if self._asserted is None:
            return
        store = loaded.take_store()
        if store is None:
            return
        store.bulk_extend(self._entailed)
        self._store = store

    def closure_quads(self):
        if self._asserted is None:
            yield from ox_triples(self._closure)
            return
        yield from self._asserted
        yield from self._entailed

    def entailed_quads(self):
        """The kept entailments alone (no blank nodes: `keep` refuses them)."""
        if self._entailed is not None:
            return self._entailed
        return ox_triples(self._inferred)

    def __len__(self) -> int:
        if self._asserted is not None:
            return len(self._asserted) + len(self._entailed)
        return len(self._closure)


def keep(triple) -> bool:
    s, p, o = triple
    if not is_project_iri(s) or isinstance(o, BNode):
        return False
    if p == OWL.sameAs and s == o:
        return False
    if o in (OWL.Thing, RDFS.Resource) or (p in _TRIVIAL and s == o):
        return False
    if p == RDF.type and str(o).startswith(_VOCABULARIES):
        return False
    if str(p).startswith(_VOCABULARIES) and p not in (
        RDF.type,
        *_TRIVIAL,
        OWL.inverseOf,
        OWL.differentFrom,
        RDFS.domain,
        RDFS.range,
    ):
        return False
    return not (isinstance(o, Literal) and p == RDF.type)


def error_findings(messages) -> list[Finding]:
    return [
        Finding("(closure)", "owl:Nothing", "", str(m), "OWL 2 RL consistency") for m in messages
    ]


def nothing_finding(member, places) -> Finding:
    return Finding(
        places.get(member, "(closure)"),
        short(member),
        "rdf:type",
        "is a member of owl:Nothing: the ontology's axioms make it impossible",
        "OWL 2 RL consistency",
    )
