"""OWL 2 RL on owlrl, the reference engine: the oracle the fast engine (fast.py) is
compared with in tests/test_parity.py."""

from contextlib import contextmanager

from rdflib import Graph, URIRef
from rdflib.namespace import OWL, RDF

from rekg.core.namespaces import OA, bind_prefixes
from rekg.core.report import Finding, short
from rekg.reason.conflicts import find_conflicts
from rekg.reason.model import Reasoned, keep

ERROR_NS = "http://www.daml.org/2002/03/agents/agent-ont#"


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


@contextmanager
def rdflib_conversions_kept():
    """Run owlrl without letting it change rdflib for the rest of the process. owlrl
    installs its own lexical-to-value converters into rdflib's global table and never takes
    them all back (its "restore" leaves the datatypes rdflib has none for, such as
    xsd:gYearMonth): after one reference reasoning, rdflib called "2026-01+05:30"^^xsd:gYearMonth
    ill-typed, and the fast SHACL engine, which asks rdflib, refused a valid date."""
    from rdflib.term import _toPythonMapping

    kept = dict(_toPythonMapping)
    try:
        yield
    finally:
        _toPythonMapping.clear()
        _toPythonMapping.update(kept)


def reason_owlrl(graph: Graph, places: dict) -> Reasoned:
    work = reasoning_input(graph)
    before = set(work)
    import owlrl  # here, not above: only this engine needs it, and it is slow to import

    with rdflib_conversions_kept():
        owlrl.DeductiveClosure(
            owlrl.OWLRL_Semantics,
            rdfs_closure=False,
            axiomatic_triples=False,
            datatype_axioms=False,
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
    return Reasoned(closure, inferred, findings, conflicts=find_conflicts(work))
