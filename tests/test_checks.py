"""The checks SHACL cannot do: quotes at their offsets, a relation both stated and denied,
hedged statements written as facts. Each is broken on purpose in a copy of the project."""

import gc

import pytest
from rdflib import Literal, URIRef
from rdflib.namespace import XSD

from rekg.check import validate
from rekg.check.quotes import quote_findings
from rekg.check.sparql import sparql_findings
from rekg.core.errors import CheckFailed, InputSyntaxError
from rekg.core.namespaces import ID, OA, REKG
from rekg.ingest.load import load_project
from rekg.pipeline import build, check

PREFIXES = """@prefix rekg: <https://w3id.org/rekg/ontology#> .
@prefix id: <https://w3id.org/rekg/id/> .
"""


def test_the_article_passes_every_check(loaded):
    assert sparql_findings(loaded) == []
    assert quote_findings(loaded) == []


def test_a_moved_offset_is_reported(scratch):
    loaded = load_project(scratch)
    position = URIRef("https://w3id.org/rekg/id/claim/china-sea-rare-earths-069#position")
    loaded.graph.set((position, OA.start, Literal(10, datatype=XSD.nonNegativeInteger)))
    found = quote_findings(loaded)
    assert len(found) == 1
    assert found[0].focus == "claim:china-sea-rare-earths-069"
    lines = (scratch.data / "claims" / "china-sea-rare-earths.yaml").read_text(encoding="utf-8")
    line = lines.splitlines().index("- n: 69") + 1
    assert found[0].place == f"data/claims/china-sea-rare-earths.yaml:{line}"
    assert "does not stand at 10.." in found[0].message
    assert found[0].check == "quote check"


def test_a_relation_asserted_and_denied_is_reported(scratch):
    path = scratch.data / "claims" / "china-sea-rare-earths.yaml"
    text = path.read_text(encoding="utf-8")
    # claim 89 denies Singapore holds mineral resources; add a claim that asserts a
    # sub-property of it, which the check must catch through rdfs:subPropertyOf*
    text += """
- n: 101
  quote: "it plays an outsized role in China’s regional strategy"
  subject: singapore
  predicate: holdsSignificantDepositsOf
  object: mineral-resources
  modality: asserted
"""
    path.write_text(text, encoding="utf-8")
    found = [
        f
        for f in sparql_findings(load_project(scratch))
        if f.check == "queries/checks/asserted-and-denied.rq"
    ]
    assert [(f.focus, f.path) for f in found] == [
        ("claim:china-sea-rare-earths-101", "rekg:holdsSignificantDepositsOf")
    ]
    assert "china-sea-rare-earths-089 denies it as fact" in found[0].message


def test_a_hedged_statement_written_as_fact_is_reported(scratch):
    # claim 49 says Malaysia *could* host processing for China; writing it as a triple in
    # Turtle turns a possibility into a fact
    (scratch.data / "extra.ttl").write_text(
        PREFIXES + "id:malaysia rekg:hostsProcessingFor id:china .\n", encoding="utf-8"
    )
    loaded = load_project(scratch)
    found = [
        f for f in sparql_findings(loaded) if f.check == "queries/checks/hedged-stated-as-fact.rq"
    ]
    assert [(f.focus, f.path) for f in found] == [("id:malaysia", "rekg:hostsProcessingFor")]
    report = validate(loaded)
    assert not report.conforms


def test_a_fact_without_its_triple_is_reported(scratch):
    loaded = load_project(scratch)
    loaded.graph.remove((ID["myanmar"], REKG._NS["hasStrategicRole"], ID["role-myanmar"]))
    found = [
        f for f in sparql_findings(loaded) if f.check == "queries/checks/fact-without-triple.rq"
    ]
    assert [f.focus for f in found] == ["claim:china-sea-rare-earths-064"]


def test_the_cycle_collector_is_back_on_after_a_failed_check(scratch):
    """check() pauses Python's collector on the fast engine; a failure must not leave it off."""
    loaded = load_project(scratch)
    position = URIRef("https://w3id.org/rekg/id/claim/china-sea-rare-earths-069#position")
    loaded.graph.set((position, OA.start, Literal(10, datatype=XSD.nonNegativeInteger)))
    assert gc.isenabled()
    with pytest.raises(CheckFailed):
        check(loaded, "fast")
    assert gc.isenabled()


def test_nothing_stays_frozen_or_paused_after_a_build_or_a_failed_one(scratch, tmp_path):
    """The fast build pauses the collector while loading and freezes the loaded graph until
    it ends (collector.py); neither may outlast it, whether it succeeds or fails."""
    build(scratch, tmp_path / "dist")
    assert gc.isenabled() and gc.get_freeze_count() == 0
    broken = scratch.data / "broken.ttl"
    broken.write_text(PREFIXES + "id:unsourced a rekg:Claim .\n", encoding="utf-8")
    with pytest.raises(CheckFailed):  # in validation, with the graph frozen
        build(scratch, tmp_path / "dist")
    assert gc.isenabled() and gc.get_freeze_count() == 0
    broken.write_text("this is not Turtle", encoding="utf-8")
    with pytest.raises(InputSyntaxError):  # while loading, with the collector paused
        build(scratch, tmp_path / "dist")
    assert gc.isenabled() and gc.get_freeze_count() == 0
