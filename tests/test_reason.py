"""OWL 2 RL reasoning with owlrl: the entailments the ontology promises, no axiomatic noise,
and inconsistencies reported."""

import pytest
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import OWL, PROV, RDF, RDFS

from rekg.core.errors import CheckFailed
from rekg.core.namespaces import ID, REKG, is_project_iri
from rekg.graph.rdfio import parse_file
from rekg.ingest.load import load_project
from rekg.pipeline import reason_checked

R = REKG._NS


def test_the_ontology_gives_the_reasoner_real_work(built):
    inferred = built.reasoned.inferred
    expected = [
        (ID["dysprosium"], RDF.type, REKG.HeavyRareEarthElement),  # hasValue restriction
        (ID["neodymium"], RDF.type, REKG.LightRareEarthElement),
        (ID["china"], R["receivesFeedstockFrom"], ID["myanmar"]),  # inverse
        (ID["mining"], R["upstreamOf"], ID["manufacturing"]),  # sub-property + transitive
        (ID["manufacturing"], R["downstreamOf"], ID["mining"]),  # inverse of transitive
        (ID["malaysia"], R["holdsDepositsOf"], ID["rare-earth-elements"]),  # sub-property
        (ID["china"], R["partnerOf"], ID["malaysia"]),  # symmetric
        (ID["myanmar"], R["engagesWith"], ID["china"]),  # super-property
        (ID["china"], R["engagesWith"], ID["myanmar"]),  # ... and symmetric
        (ID["he-lifeng"], RDF.type, REKG.Actor),  # subclass
        (ID["he-lifeng"], RDF.type, PROV.Agent),  # PROV-O alignment
        (ID["wef-davos-2026"], R["hasParticipant"], ID["he-lifeng"]),
        (ID["role-myanmar"], R["strategicRoleOf"], ID["myanmar"]),
        (ID["chinese-firms"], RDF.type, REKG.Actor),
    ]
    for triple in expected:
        assert triple in inferred, triple


def test_no_axiomatic_noise(built):
    inferred = built.reasoned.inferred
    assert len(inferred) > 500
    for s, p, o in inferred:
        assert is_project_iri(s), (s, p, o)
        assert not (p == OWL.sameAs and s == o)
        assert not isinstance(o, BNode)
        assert o not in (OWL.Thing, RDFS.Resource)
        if p == RDF.type:
            assert not str(o).startswith(
                ("http://www.w3.org/2002/07/owl#", "http://www.w3.org/2000/01/rdf-schema#")
            )


def test_hedged_claims_entail_nothing(built):
    closure = built.reasoned.closure
    assert (ID["china"], R["hasProcessingHostedBy"], ID["malaysia"]) not in closure
    assert (ID["china"], R["receivesFeedstockFrom"], ID["vietnam"]) not in closure


def test_written_closure_is_asserted_plus_inferred(built):
    g = Graph()
    parse_file(built.out / "rekg-inferred.ttl", g)
    assert len(g) == len(built.loaded.graph) + len(built.reasoned.inferred)


def _break(scratch, turtle):
    (scratch.data / "broken.ttl").write_text(
        "@prefix rekg: <https://w3id.org/rekg/ontology#> .\n"
        "@prefix id: <https://w3id.org/rekg/id/> .\n" + turtle,
        encoding="utf-8",
    )
    return load_project(scratch)


def test_disjoint_classes_sharing_a_member_are_inconsistent(scratch):
    loaded = _break(scratch, "id:he-lifeng a rekg:Country .\n")
    with pytest.raises(CheckFailed) as caught:
        reason_checked(loaded)
    messages = [f.message for f in caught.value.report.findings]
    assert any("Disjoint classes" in m and "he-lifeng" in m for m in messages), messages


def test_kept_and_transferred_at_once_is_inconsistent(scratch):
    loaded = _break(scratch, "id:china rekg:transfersCapability id:technological-edge .\n")
    with pytest.raises(CheckFailed) as caught:
        reason_checked(loaded)
    messages = " ".join(f.message for f in caught.value.report.findings)
    assert "transfersCapability" in messages and "retainsAtHome" in messages


def test_a_member_of_nothing_is_reported_with_its_place(scratch):
    loaded = _break(scratch, "id:ghost a <http://www.w3.org/2002/07/owl#Nothing> .\n")
    with pytest.raises(CheckFailed) as caught:
        reason_checked(loaded)
    found = [f for f in caught.value.report.findings if f.focus == "id:ghost"]
    assert found and found[0].place == "data/broken.ttl:3"


def test_the_reference_reasoner_leaves_rdflib_as_it_found_it():
    """owlrl puts its own lexical converters into rdflib's global table and leaves some
    behind: after one reference reasoning, a valid "2026-01+05:30"^^xsd:gYearMonth read as
    ill-typed, and the fast SHACL engine (which asks rdflib) refused it (found by a test
    that failed only when a reference reasoning ran before it in the same process)."""
    from rdflib.term import _toPythonMapping

    from rekg.reason.reference import reason_owlrl

    gyearmonth = "http://www.w3.org/2001/XMLSchema#gYearMonth"
    before = dict(_toPythonMapping)
    g = Graph()
    g.add((URIRef("urn:x"), URIRef("urn:p"), Literal("2026-01+05:30", datatype=URIRef(gyearmonth))))
    reason_owlrl(g, {})
    assert dict(_toPythonMapping) == before
    assert Literal("2026-01+05:30", datatype=URIRef(gyearmonth)).ill_typed is not True
