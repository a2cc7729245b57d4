"""OWL 2 RL reasoning. The closure is computed over the triples the ontology's axioms can
touch (not evidence selectors and quotes, which no axiom mentions), and only entailments
about the project's own resources are kept: no `x owl:sameAs x`, no triples about the
RDF/OWL vocabularies, no anonymous class expressions.

Two engines: owlrl (the reference) and `reasonable` (fast, the default; see fast_reason.py),
which give the same kept entailments and the same inconsistency messages
(tests/test_parity.py)."""

import owlrl
import pyoxigraph as ox
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import OWL, RDF, RDFS

from . import engine
from .namespaces import OA, bind_prefixes, is_project_iri
from .quads import Quads
from .report import Finding, short
from .store import graph_of, ox_triples, store_of

ERROR_NS = "http://www.daml.org/2002/03/agents/agent-ont#"
_VOCABULARIES = (str(RDF), str(RDFS), str(OWL), "http://www.w3.org/2001/XMLSchema#")
_TRIVIAL = {RDFS.subClassOf, OWL.equivalentClass, RDFS.subPropertyOf, OWL.equivalentProperty}


class Reasoned:
    """`closure`: the asserted triples plus the kept entailments; `inferred`: the kept
    entailments alone (rdflib Graphs, made on first use when the fast engine reasoned);
    `findings`: inconsistencies. `store` is the closure as a pyoxigraph Store for queries,
    and `closure_quads()` the closure's triples as written, for the exports."""

    def __init__(self, closure=None, inferred=None, findings=None, *, asserted=None, entailed=None):
        self._closure = closure
        self._inferred = inferred
        self.findings = findings if findings is not None else []
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

    def adopt_store(self, loaded) -> None:
        """Take over the store the validation built from the asserted graph and add the
        entailments to it, instead of building the closure's store from scratch. The loaded
        project forgets that store (it no longer holds the asserted graph alone)."""
        if self._asserted is None or loaded._store is None or loaded._handed_out:
            return
        store, loaded._store = loaded._store, None
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


def reasoning_input(graph: Graph) -> Graph:
    """The part of the graph OWL axioms can act on: everything but Web Annotation
    selectors (their nodes are only ever subjects of oa: and rdf:type triples)."""
    out = Graph()
    for s, p, o in graph:
        if (
            isinstance(s, URIRef)
            and "#" in str(s)
            and str(s).startswith("https://w3id.org/rekg/id/")
        ):
            continue
        if p in (OA.exact, OA.prefix, OA.suffix, OA.start, OA.end):
            continue
        out.add((s, p, o))
    return out


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


def reason(graph, places=None, engine_name: str | None = None) -> Reasoned:
    """`graph`: an rdflib Graph, or the Quads the fast loader holds."""
    places = places if places is not None else {}
    if isinstance(graph, Quads) or (engine_name or engine.current()) == "fast":
        from .fast_reason import reason_fast

        if not isinstance(graph, Quads):
            graph = Quads(ox_triples(graph))
        return reason_fast(graph, places)
    work = reasoning_input(graph)
    before = set(work)
    owlrl.DeductiveClosure(
        owlrl.OWLRL_Semantics, rdfs_closure=False, axiomatic_triples=False, datatype_axioms=False
    ).expand(work)
    findings = []
    for node, message in work.subject_objects(URIRef(ERROR_NS + "error")):
        del node
        findings.append(
            Finding("(closure)", "owl:Nothing", "", str(message), "OWL 2 RL consistency")
        )
    for member in work.subjects(RDF.type, OWL.Nothing):
        findings.append(
            Finding(
                places.get(member, "(closure)"),
                short(member),
                "rdf:type",
                "is a member of owl:Nothing: the ontology's axioms make it impossible",
                "OWL 2 RL consistency",
            )
        )
    inferred = bind_prefixes(Graph())
    for triple in work:
        if triple not in before and keep(triple) and triple not in graph:
            inferred.add(triple)
    closure = bind_prefixes(Graph())
    for triple in graph:
        closure.add(triple)
    for triple in inferred:
        closure.add(triple)
    return Reasoned(closure, inferred, findings)


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
