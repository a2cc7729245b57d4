"""OWL 2 RL reasoning. The closure is computed over the triples the ontology's axioms can
touch (not evidence selectors and quotes, which no axiom mentions), and only entailments
about the project's own resources are kept: no `x owl:sameAs x`, no triples about the
RDF/OWL vocabularies, no anonymous class expressions."""

from dataclasses import dataclass

import owlrl
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import OWL, RDF, RDFS

from .namespaces import OA, bind_prefixes, is_project_iri
from .report import Finding, short

ERROR_NS = "http://www.daml.org/2002/03/agents/agent-ont#"
_VOCABULARIES = (str(RDF), str(RDFS), str(OWL), "http://www.w3.org/2001/XMLSchema#")
_TRIVIAL = {RDFS.subClassOf, OWL.equivalentClass, RDFS.subPropertyOf, OWL.equivalentProperty}


@dataclass
class Reasoned:
    closure: Graph  # asserted triples plus the kept entailments
    inferred: Graph  # the kept entailments alone
    findings: list  # inconsistencies


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


def reason(graph: Graph, places=None) -> Reasoned:
    places = places or {}
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
