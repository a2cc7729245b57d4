"""Two sources in one graph: a draft claim builds with its quote, modality and negation but
never yields a plain triple, and two sources that disagree are not an error of either."""

import pytest
from rdflib import Literal, URIRef
from rdflib.namespace import RDF

from rekg.check import validate
from rekg.core.engines import Engine
from rekg.core.namespaces import ID, REKG
from rekg.ingest.load import load_project

from .corpus import with_second_source

DRAFT = URIRef("https://w3id.org/rekg/id/claim/mainland-brief-012")


@pytest.fixture(scope="module")
def corpus(tmp_path_factory):
    return with_second_source(tmp_path_factory.mktemp("corpus"))


@pytest.mark.slow  # pySHACL on the reference engine
@pytest.mark.parametrize("engine", list(Engine))
def test_two_sources_that_disagree_validate(corpus, engine):
    report = validate(load_project(corpus, engine=engine), engine)
    assert report.render().splitlines()[-1] == (
        "Checked 15 SHACL node shapes, SPARQL checks, 112 quotes: conforms."
    )


def test_a_draft_is_a_claim_but_never_a_plain_triple(corpus):
    graph = load_project(corpus, engine=Engine.REFERENCE).graph
    assert (DRAFT, RDF.type, REKG.Claim) in graph
    assert (DRAFT, REKG.draft, Literal(True)) in graph
    assert (DRAFT, REKG.modality, REKG.Expected) in graph
    assert graph.value(DRAFT, REKG.quote) == Literal(
        "China will keep the most sophisticated stages of the supply chain at home"
    )
    reviewed = {c for c in graph.subjects(RDF.type, REKG.Claim)} - {DRAFT}
    assert not any((c, REKG.draft, None) in graph for c in reviewed)


def test_an_asserted_draft_yields_no_triple(corpus):
    claims = corpus.data / "claims" / "mainland-brief.yaml"
    text = claims.read_text(encoding="utf-8")
    claims.write_text(
        text.replace("  modality: unlikely\n\n- n: 12", "  modality: unlikely\n\n- n: 12")
        .replace(
            "  object: most-sophisticated-stages\n  modality: expected\n  draft: true",
            "  object: finance-trade\n  modality: asserted\n  draft: true",
        )
        .replace(
            "  subject: china\n  predicate: retainsAtHome",
            "  subject: china\n  predicate: hostsStage",
        ),
        encoding="utf-8",
    )
    try:
        graph = load_project(corpus, engine=Engine.REFERENCE).graph
        assert (DRAFT, REKG.modality, REKG.Asserted) in graph
        assert (ID.china, URIRef(REKG._NS + "hostsStage"), ID["finance-trade"]) not in graph
        report = validate(load_project(corpus), Engine.FAST)
        assert report.conforms, report.render()
    finally:
        claims.write_text(text, encoding="utf-8")


def test_draft_must_be_a_boolean(corpus):
    claims = corpus.data / "claims" / "mainland-brief.yaml"
    text = claims.read_text(encoding="utf-8")
    claims.write_text(text.replace("  draft: true", "  draft: yes please"), encoding="utf-8")
    try:
        loaded = load_project(corpus, strict=False)
        assert [(f.place, f.path, f.message) for f in loaded.findings] == [
            (
                "data/claims/mainland-brief.yaml:86",
                "draft",
                "draft must be true or false; remove it once the claim is reviewed",
            )
        ]
    finally:
        claims.write_text(text, encoding="utf-8")
