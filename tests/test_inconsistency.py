"""An inconsistent closure names the statements behind it (issue 16, defect 8): each
conflict with the file and line of every asserted statement it comes from, the claim (its
IRI and number) that states it, and what the ontology makes of it, where before it was
reported as `(closure)` / `owl:Nothing` with owlrl's full IRIs and nothing to go on."""

import pytest

from rekg.core.engines import Engine
from rekg.core.errors import CheckFailed
from rekg.core.report import Finding
from rekg.ingest.load import load_project
from rekg.pipeline import reason_checked

from .conftest import run_cli

PREFIXES = (
    "@prefix rekg: <https://w3id.org/rekg/ontology#> .\n"
    "@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .\n"
    "@prefix id: <https://w3id.org/rekg/id/> .\n"
)
CHECK = "OWL 2 RL consistency"
FIX = "; correct or remove one of the statements below"
COUNTRY_AND_PERSON = (
    "Disjoint classes rekg:Country and rekg:Person have a common individual id:he-lifeng" + FIX
)
PERSON_AND_PLACE = (
    "Disjoint classes rekg:Person and rekg:Place have a common individual id:he-lifeng" + FIX
)
A_PERSON = "data/entities.ttl:61: id:he-lifeng rdf:type rekg:Person"


def findings(project, engine=Engine.FAST) -> list[Finding]:
    with pytest.raises(CheckFailed) as caught:
        reason_checked(load_project(project, engine=engine), engine)
    return sorted(caught.value.report.findings)


def test_a_type_written_on_a_later_line_of_its_block_is_named_with_that_line(scratch):
    (scratch.data / "broken.ttl").write_text(
        PREFIXES + '\nid:he-lifeng rdfs:comment "a person, here a country"@en ;\n'
        "    a rekg:Country .\n",
        encoding="utf-8",
    )
    assert findings(scratch) == [
        Finding(
            "data/broken.ttl:6", "id:he-lifeng", "rdf:type", COUNTRY_AND_PERSON, CHECK,
            because=("data/broken.ttl:6: id:he-lifeng rdf:type rekg:Country", A_PERSON),
        ),
        Finding(
            "data/entities.ttl:61", "id:he-lifeng", "rdf:type", PERSON_AND_PLACE, CHECK,
            because=(
                A_PERSON,
                "data/broken.ttl:6: id:he-lifeng rdf:type rekg:Country, "
                "so id:he-lifeng rdf:type rekg:Place",
            ),
        ),
    ]  # fmt: skip


def test_a_class_the_range_of_a_property_gives_names_the_statement_that_uses_it(scratch):
    (scratch.data / "broken.ttl").write_text(
        PREFIXES + "id:role-malaysia rekg:strategicRoleOf id:he-lifeng .\n", encoding="utf-8"
    )
    first = findings(scratch)[0]
    assert first.place == "data/broken.ttl:4"
    assert first.because == (
        "data/broken.ttl:4: id:role-malaysia rekg:strategicRoleOf id:he-lifeng, "
        "so id:he-lifeng rdf:type rekg:Country",
        A_PERSON,
    )


def _claim_37_about_he_lifeng(scratch):
    claims = scratch.data / "claims" / "china-sea-rare-earths.yaml"
    text = claims.read_text(encoding="utf-8")
    mended = "  subject: malaysia\n  predicate: hasStrategicRole\n  object: role-malaysia\n"
    assert text.count(mended) == 1
    claims.write_text(text.replace(mended, mended.replace("malaysia\n", "he-lifeng\n", 1)))


CLAIM_37 = (
    "data/claims/china-sea-rare-earths.yaml:293: claim:china-sea-rare-earths-037 (n 37) "
    "states id:he-lifeng rekg:hasStrategicRole id:role-malaysia"
)


def test_a_claim_is_named_with_its_number_file_and_line(scratch):
    _claim_37_about_he_lifeng(scratch)
    assert findings(scratch) == [
        Finding(
            "data/claims/china-sea-rare-earths.yaml:293", "id:he-lifeng", "rdf:type",
            COUNTRY_AND_PERSON, CHECK,
            because=(CLAIM_37 + ", so id:he-lifeng rdf:type rekg:Country", A_PERSON),
        ),
        Finding(
            "data/entities.ttl:61", "id:he-lifeng", "rdf:type", PERSON_AND_PLACE, CHECK,
            because=(A_PERSON, CLAIM_37 + ", so id:he-lifeng rdf:type rekg:Place"),
        ),
    ]  # fmt: skip


def test_disjoint_properties_name_both_statements_and_the_claims_behind_one(scratch):
    (scratch.data / "broken.ttl").write_text(
        PREFIXES + "id:china rekg:transfersCapability id:technological-edge .\n", encoding="utf-8"
    )
    assert findings(scratch) == [
        Finding(
            "data/broken.ttl:4", "id:china", "rekg:transfersCapability",
            "Disjoint properties rekg:transfersCapability and rekg:retainsAtHome both relate "
            "id:china to id:technological-edge" + FIX, CHECK,
            because=(
                "data/broken.ttl:4: id:china rekg:transfersCapability id:technological-edge",
                "data/claims/china-sea-rare-earths.yaml:183: claim:china-sea-rare-earths-022 "
                "(n 22) states id:china rekg:retainsAtHome id:technological-edge",
                "data/claims/china-sea-rare-earths.yaml:333: claim:china-sea-rare-earths-043 "
                "(n 43) states id:china rekg:retainsAtHome id:technological-edge",
            ),
        )
    ]  # fmt: skip


def test_a_member_of_nothing_is_one_finding_not_one_a_disjointness_axiom(scratch):
    (scratch.data / "broken.ttl").write_text(
        PREFIXES + "id:ghost a <http://www.w3.org/2002/07/owl#Nothing> .\n", encoding="utf-8"
    )
    assert findings(scratch) == [
        Finding(
            "data/broken.ttl:4", "id:ghost", "rdf:type",
            "is a member of owl:Nothing: the ontology's axioms make it impossible" + FIX, CHECK,
            because=("data/broken.ttl:4: id:ghost rdf:type owl:Nothing",),
        )
    ]  # fmt: skip


def test_rekg_reason_reports_the_statements_and_exits_1(scratch):
    (scratch.data / "broken.ttl").write_text(
        PREFIXES + "id:mining rekg:upstreamOf id:wef-davos-2026 .\n"
        "id:wef-davos-2026 a rekg:SupplyChainStage .\n",
        encoding="utf-8",
    )
    done = run_cli("--root", str(scratch.root), "reason")
    assert done.returncode == 1
    assert done.stdout == ""
    assert done.stderr == (
        "Violation: data/broken.ttl:5\n"
        "  focus:   id:wef-davos-2026\n"
        "  path:    rdf:type\n"
        "  message: Disjoint classes rekg:SupplyChainStage and rekg:Event have a common "
        "individual id:wef-davos-2026; correct or remove one of the statements below\n"
        "  because: data/broken.ttl:5: id:wef-davos-2026 rdf:type rekg:SupplyChainStage\n"
        "  because: data/entities.ttl:244: id:wef-davos-2026 rdf:type rekg:Event\n"
        "  check:   OWL 2 RL consistency\n"
        "Checked OWL 2 RL closure: 1 problem found.\n"
        "rekg: the OWL 2 RL closure is inconsistent\n"
    )
    assert not (scratch.root / "dist").exists()


@pytest.mark.slow
def test_both_engines_name_the_same_statements(scratch):
    _claim_37_about_he_lifeng(scratch)
    (scratch.data / "broken.ttl").write_text(
        PREFIXES + "id:china rekg:transfersCapability id:technological-edge .\n", encoding="utf-8"
    )
    fast = findings(scratch, Engine.FAST)
    assert len(fast) == 3
    assert findings(scratch, Engine.REFERENCE) == fast
