"""The facts the build derives across claims (reason/derive.py), on a graph small enough
to read: which claims count which sources, and which deny or doubt a stated fact."""

import pyoxigraph as ox
import pytest
from rdflib import Graph, Literal, Namespace
from rdflib.namespace import PROV, RDF

from rekg.graph.quads import Quads
from rekg.graph.store import ox_triples
from rekg.reason.derive import derived

ID = Namespace("https://w3id.org/rekg/id/")
R = Namespace("https://w3id.org/rekg/ontology#")
STATED = (ID.myanmar, R.suppliesFeedstockTo, ID.china)
OTHER = (ID.vietnam, R.suppliesFeedstockTo, ID.china)


def claims() -> Graph:
    g = Graph()
    for name, relation, source, modality, negated in (
        ("a1", STATED, "a", R.Asserted, False),
        ("a2", STATED, "a", R.Expected, False),  # the same source again: counted once
        ("b1", STATED, "b", R.Asserted, True),  # denies a stated fact
        ("b2", STATED, "b", R.Unlikely, False),  # doubts it
        ("b3", STATED, "b", R.Unlikely, True),  # "unlikely not": neither denies nor doubts
        ("c1", OTHER, "c", R.Asserted, True),  # denies what nothing states
    ):
        claim = ID["claim/" + name]
        s, p, o = relation
        for pair in (
            (RDF.subject, s), (RDF.predicate, p), (RDF.object, o),
            (PROV.wasDerivedFrom, ID["source/" + source]),
            (R.modality, modality), (R.negated, Literal(negated)),
        ):  # fmt: skip
            g.add((claim, *pair))
    g.add((ID["claim/d1"], R.modality, R.Asserted))  # a claim of no relation
    # nor a relation a triple can state (SHACL refuses it; `rekg reason` does not validate)
    for pair in ((RDF.subject, Literal("Myanmar")), (RDF.predicate, R.suppliesFeedstockTo),
                 (RDF.object, ID.china), (PROV.wasDerivedFrom, ID["source/e"]),
                 (R.negated, Literal(True))):  # fmt: skip
        g.add((ID["claim/e1"], *pair))
    return g


def as_rows(quads) -> dict:
    return {(q.subject.value.rsplit("/", 1)[-1], q.predicate.value.split("#")[1]): q.object.value
            for q in quads}  # fmt: skip


@pytest.mark.parametrize("form", ["rdflib Graph", "fast Quads"])
def test_sources_are_counted_per_relation_and_denials_of_stated_facts_marked(form):
    graph = claims()
    data = graph if form == "rdflib Graph" else Quads(ox_triples(graph))
    stated = ox.Quad(*(ox.NamedNode(str(t)) for t in STATED))
    assert as_rows(derived(data, lambda quad: quad == stated)) == {
        ("a1", "relationSources"): "2", ("a2", "relationSources"): "2",
        ("b1", "relationSources"): "2", ("b2", "relationSources"): "2",
        ("b3", "relationSources"): "2", ("c1", "relationSources"): "1",
        ("b1", "deniesStatedFact"): "true", ("b2", "deniesStatedFact"): "true",
    }  # fmt: skip


def test_nothing_is_marked_when_the_closure_states_nothing():
    rows = as_rows(derived(claims(), lambda quad: False))
    assert [key for key in rows if key[1] == "deniesStatedFact"] == []
    assert len(rows) == 6
