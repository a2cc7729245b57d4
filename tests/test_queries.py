"""Every stored question has an exact-answer test on the article's data. The expected rows
were written from the text of the article before the queries."""

import pytest

from rekg.query.bind import bind, bindings_for
from rekg.query.catalogue import find_query, load_catalogue
from rekg.core.errors import UsageError
from rekg.query.run import run_stored
from rekg.query.results import display

C = "claim:china-sea-rare-earths-"


def rows(closure, project, name, **params):
    query = load_catalogue(project.queries)[name]
    result = run_stored(closure, query, {k: str(v) for k, v in params.items()})
    return [tuple(display(r.get(v)) for v in result.variables) for r in result.rows]


def quote(built, n):
    from rekg.core.namespaces import CLAIM, OA, REKG

    g = built.loaded.graph
    evidence = g.value(CLAIM[f"china-sea-rare-earths-{n:03d}"], REKG.evidence)
    for sel in g.objects(evidence, OA.hasSelector):
        if g.value(sel, OA.exact) is not None:
            return str(g.value(sel, OA.exact))


def test_catalogue_names_every_question(project):
    assert sorted(load_catalogue(project.queries)) == [
        "capability-gaps",
        "china-offers",
        "claims-by-modality",
        "country-profile",
        "disruption-exposure",
        "fact-vs-forecast",
        "feedstock-suppliers",
        "heavy-rare-earth-dependence",
        "kept-at-home",
        "partners-hedging",
        "processing-hosts",
        "relation-evidence",
        "strategic-roles",
        "timeline",
    ]


def test_feedstock_suppliers(closure, project, built):
    assert rows(closure, project, "feedstock-suppliers") == [
        ("id:myanmar", "rekg:Asserted", "false", "", quote(built, 65), C + "065"),
        ("id:myanmar", "rekg:Asserted", "false", "", quote(built, 69), C + "069"),
        ("id:myanmar", "rekg:Expected", "false", "", quote(built, 73), C + "073"),
        ("id:myanmar", "rekg:Expected", "false", "", quote(built, 75), C + "075"),
        ("id:vietnam", "rekg:Expected", "false", "", quote(built, 62), C + "062"),
    ]
    assert (
        quote(built, 69)
        == "The majority of Myanmar’s output flows directly into China for processing"
    )


def test_processing_hosts(closure, project, built):
    assert rows(closure, project, "processing-hosts") == [
        (
            "id:singapore",
            "rekg:hostsStage",
            "rekg:Asserted",
            "true",
            "",
            quote(built, 95),
            C + "095",
        ),
        (
            "id:malaysia",
            "rekg:hostsProcessingFor",
            "rekg:Possible",
            "false",
            "",
            quote(built, 49),
            C + "049",
        ),
        (
            "id:vietnam",
            "rekg:hostsProcessingFor",
            "rekg:Possible",
            "false",
            "id:longer-term",
            quote(built, 58),
            C + "058",
        ),
    ]


def test_strategic_roles(closure, project):
    got = [(r[0], r[1], r[3], r[4]) for r in rows(closure, project, "strategic-roles")]
    assert got == [
        (
            "id:malaysia",
            "id:role-malaysia",
            "rekg:Asserted",
            "Malaysia: From Resource Holder to Processing Partner",
        ),
        (
            "id:myanmar",
            "id:role-myanmar",
            "rekg:Asserted",
            "Myanmar: Critical Upstream Supply Under Complex Conditions",
        ),
        (
            "id:singapore",
            "id:role-singapore",
            "rekg:Asserted",
            "Singapore: Trade, Finance and Rare-Earth R&D",
        ),
        (
            "id:thailand",
            "id:role-thailand",
            "rekg:Asserted",
            "Thailand: Strategic Balancer and Manufacturing Connector",
        ),
        (
            "id:vietnam",
            "id:role-vietnam",
            "rekg:Asserted",
            "Vietnam: Securing Raw Materials, Building Future Optionality",
        ),
    ]


def test_country_profile_of_myanmar_grouped_by_modality(closure, project):
    got = [(r[0], r[1], r[3], r[6][len(C) :]) for r in rows(closure, project, "country-profile")]
    assert got == [
        ("rekg:Asserted", "false", "", "006"),
        ("rekg:Asserted", "false", "", "007"),
        ("rekg:Asserted", "false", "rekg:hasStrategicRole", "064"),
        ("rekg:Asserted", "false", "rekg:suppliesFeedstockTo", "065"),
        ("rekg:Asserted", "false", "rekg:suppliesMineral", "066"),
        ("rekg:Asserted", "false", "rekg:suppliesFeedstockTo", "069"),
        ("rekg:Asserted", "true", "rekg:hasCapacityIn", "070"),
        ("rekg:Asserted", "false", "", "072"),
        ("rekg:Expected", "false", "rekg:suppliesFeedstockTo", "073"),
        ("rekg:Expected", "false", "rekg:suppliesFeedstockTo", "075"),
        ("rekg:Unlikely", "false", "rekg:developsStage", "074"),
    ]


@pytest.mark.parametrize(
    "value", ["singapore", "Singapore", "id:singapore", "https://w3id.org/rekg/id/singapore"]
)
def test_a_country_by_slug_label_prefixed_name_or_iri(closure, project, value):
    got = rows(closure, project, "country-profile", country=value)
    assert len(got) == 13
    assert got[0][6] == C + "006" and got[-1][0] == "rekg:Asserted"


def test_fact_versus_forecast(closure, project, built):
    """Counted independently from the claim file: a claim counts for each country it names."""
    import yaml

    doc = yaml.safe_load(
        (project.data / "claims" / "china-sea-rare-earths.yaml").read_text(encoding="utf-8")
    )
    countries = ["china", "malaysia", "vietnam", "myanmar", "thailand", "singapore"]
    expected = {}
    for c in countries:
        mine = [
            e
            for e in doc["claims"]
            if c
            in {
                e.get("subject"),
                e.get("object"),
                e.get("counterpart"),
                e.get("speaker"),
                *(e.get("about") or []),
            }
        ]
        counts = [
            sum(e["modality"] == m for e in mine)
            for m in ("asserted", "expected", "likely", "possible", "unlikely")
        ]
        expected[f"id:{c}"] = (
            *map(str, counts),
            str(sum(bool(e.get("negated")) for e in mine)),
            str(len(mine)),
        )
    got = {r[0]: r[1:] for r in rows(closure, project, "fact-vs-forecast")}
    assert got == expected
    assert got["id:myanmar"] == ("8", "2", "0", "0", "1", "1", "11")
    assert got["id:singapore"] == ("13", "0", "0", "0", "0", "3", "13")


def test_heavy_rare_earth_dependence(closure, project, built):
    elements = (
        "dysprosium, erbium, gadolinium, holmium, lutetium, terbium, thulium, ytterbium, yttrium"
    )
    assert rows(closure, project, "heavy-rare-earth-dependence") == [
        (
            "id:myanmar",
            "id:heavy-rare-earths",
            "id:defence-technologies",
            elements,
            "rekg:Asserted",
            "particularly for heavy rare earth elements",
            C + "066",
        ),
        (
            "id:myanmar",
            "id:heavy-rare-earths",
            "id:high-performance-magnets",
            elements,
            "rekg:Asserted",
            "particularly for heavy rare earth elements",
            C + "066",
        ),
    ]


def test_disruption_exposure_of_myanmar(closure, project):
    assert rows(closure, project, "disruption-exposure") == [
        ("end use", "id:defence-technologies", "rekg:usedIn"),
        ("end use", "id:high-performance-magnets", "rekg:usedIn"),
        ("recipient", "id:china", "rekg:suppliesFeedstockTo"),
        ("stage", "id:magnets", "rekg:upstreamOf"),
        ("stage", "id:manufacturing", "rekg:upstreamOf"),
        ("stage", "id:metals-alloys", "rekg:upstreamOf"),
        ("stage", "id:separation-refining", "rekg:upstreamOf"),
        ("stage controlled by a recipient", "id:midstream", "rekg:controlsStage"),
        ("stage controlled by a recipient", "id:separation-refining", "rekg:controlsStage"),
    ]


def test_disruption_exposure_follows_only_stated_facts(closure, project):
    # Vietnam's supply to China is only expected, so nothing is exposed as fact
    assert rows(closure, project, "disruption-exposure", country="vietnam") == []


def test_capability_gaps(closure, project):
    got = [r[:5] + (r[6][len(C) :],) for r in rows(closure, project, "capability-gaps")]
    assert got == [
        (
            "id:myanmar",
            "rekg:hasCapacityIn",
            "id:separation-refining",
            "rekg:Asserted",
            "true",
            "070",
        ),
        (
            "id:singapore",
            "rekg:holdsDepositsOf",
            "id:mineral-resources",
            "rekg:Asserted",
            "true",
            "089",
        ),
        (
            "id:thailand",
            "rekg:holdsSignificantDepositsOf",
            "id:rare-earth-elements",
            "rekg:Asserted",
            "true",
            "078",
        ),
        ("id:vietnam", "rekg:hasLimitedCapacityIn", "id:mining", "rekg:Asserted", "false", "053"),
        (
            "id:vietnam",
            "rekg:hasLimitedCapacityIn",
            "id:separation-refining",
            "rekg:Asserted",
            "false",
            "054",
        ),
    ]


def test_kept_at_home(closure, project):
    got = [r[:4] + (r[5][len(C) :],) for r in rows(closure, project, "kept-at-home")]
    assert got == [
        ("id:most-sophisticated-stages", "rekg:retainsAtHome", "rekg:Asserted", "", "005"),
        ("id:technical-know-how", "rekg:retainsAtHome", "rekg:Asserted", "", "018"),
        ("id:technological-edge", "rekg:retainsAtHome", "rekg:Asserted", "", "022"),
        ("id:technological-edge", "rekg:retainsAtHome", "rekg:Asserted", "", "043"),
        (
            "id:full-processing-capability",
            "rekg:transfersCapability",
            "rekg:Expected",
            "id:vietnam",
            "061",
        ),
        ("id:sensitive-ip", "rekg:transfersCapability", "rekg:Likely", "id:malaysia", "047"),
    ]


def test_china_offers(closure, project):
    got = [r[:4] + (r[5][len(C) :],) for r in rows(closure, project, "china-offers")]
    assert got == [
        ("", "id:capital", "rekg:offersCapability", "rekg:Asserted", "019"),
        ("", "id:engineering-services", "rekg:offersCapability", "rekg:Asserted", "020"),
        ("", "id:midstream-capability", "rekg:offersCapability", "rekg:Asserted", "021"),
        (
            "id:malaysia",
            "id:processing-cooperation",
            "rekg:offersCapability",
            "rekg:Asserted",
            "013",
        ),
        ("id:malaysia", "id:capital", "rekg:offersCapability", "rekg:Likely", "046"),
        ("id:malaysia", "id:engineering-services", "rekg:offersCapability", "rekg:Likely", "045"),
        ("id:malaysia", "id:processing-expertise", "rekg:offersCapability", "rekg:Likely", "044"),
        ("id:malaysia", "id:state-linked-firms", "rekg:offersCapability", "rekg:Possible", "016"),
        (
            "id:malaysia",
            "id:technical-know-how",
            "rekg:transfersCapability",
            "rekg:Possible",
            "017",
        ),
        (
            "id:thailand",
            "id:industrial-applications",
            "rekg:offersCapability",
            "rekg:Likely",
            "083",
        ),
        ("id:thailand", "id:joint-research", "rekg:offersCapability", "rekg:Likely", "084"),
        ("id:thailand", "id:processing-expertise", "rekg:offersCapability", "rekg:Likely", "082"),
    ]


def test_timeline(closure, project):
    got = [(r[0], r[1], r[3], r[4]) for r in rows(closure, project, "timeline")]
    assert got == [
        ("2023-09-11", "id:malaysia-rare-earth-export-ban-policy-2023", "", ""),
        ("2025-03-13", "id:usgs-vietnam-reserve-cut-2025-03", "", ""),
        ("2025-04", "id:state-visit-kuala-lumpur-2025", "id:kuala-lumpur", "id:xi-jinping"),
        ("2025-04-04", "id:china-export-controls-2025-04", "", ""),
        ("2025-04-14", "id:xi-state-visits-2025-04", "", ""),
        ("2025-05-16", "id:lynas-dysprosium-oxide-2025-05", "", ""),
        ("2025-10-09", "id:china-export-controls-2025-10", "", ""),
        ("2025-10-26", "id:us-malaysia-critical-minerals-2025-10", "", ""),
        ("2025-11-07", "id:china-export-controls-suspension-2025-11", "", ""),
        ("2025-12-11", "id:vietnam-geology-minerals-law-2025-12", "", ""),
        ("2026-01", "id:wef-davos-2026", "id:davos", "id:chinese-officials"),
        ("2026-01", "id:wef-davos-2026", "id:davos", "id:he-lifeng"),
    ]
    cited = {r[1]: r[5] for r in rows(closure, project, "timeline")}
    assert cited["id:wef-davos-2026"] == "World Economic Forum, January 2026"
    assert cited["id:china-export-controls-2025-04"] == "MOFCOM/GAC Announcement No. 18 [2025]"


def test_partners_hedging(closure, project):
    got = [r[:4] + (r[5][len(C) :],) for r in rows(closure, project, "partners-hedging")]
    assert got == [
        ("id:thailand", "id:diplomatic-balancing", "rekg:Asserted", "false", "086"),
        ("id:vietnam", "id:avoiding-over-dependence", "rekg:Asserted", "false", "060"),
    ]


def test_relation_evidence_for_and_against(closure, project):
    got = [(r[0], r[1], r[2], r[5][len(C) :]) for r in rows(closure, project, "relation-evidence")]
    assert got == [
        ("for", "rekg:suppliesFeedstockTo", "rekg:Asserted", "065"),
        ("for", "rekg:suppliesFeedstockTo", "rekg:Asserted", "069"),
        ("for", "rekg:suppliesFeedstockTo", "rekg:Expected", "073"),
        ("for", "rekg:suppliesFeedstockTo", "rekg:Expected", "075"),
    ]
    # through a sub-property, and against
    got = rows(
        closure,
        project,
        "relation-evidence",
        subject="thailand",
        predicate="holdsDepositsOf",
        object="rare-earth-elements",
    )
    assert [(r[0], r[1], r[2], r[5][len(C) :]) for r in got] == [
        ("against", "rekg:holdsSignificantDepositsOf", "rekg:Asserted", "078")
    ]


def test_claims_by_modality(closure, project):
    assert rows(closure, project, "claims-by-modality") == [
        ("rekg:Asserted", "1", "78", "10"),
        ("rekg:Expected", "2", "6", "1"),
        ("rekg:Likely", "3", "9", "2"),
        ("rekg:Possible", "4", "5", "1"),
        ("rekg:Unlikely", "5", "1", "0"),
    ]


def test_parameters_are_bound_as_typed_terms_never_spliced(closure, project):
    query = load_catalogue(project.queries)["country-profile"]
    text = bind(query.text, bindings_for(query, {"country": "myanmar"}, closure))
    assert "VALUES (?_country_iri) { (<https://w3id.org/rekg/id/myanmar>) }" in text
    hostile = "myanmar> } } ; DROP ALL ; SELECT * { ?s ?p ?o"
    with pytest.raises(UsageError) as caught:
        bindings_for(query, {"country": hostile}, closure)
    assert "nothing in the graph is called" in str(caught.value)
    with pytest.raises(UsageError) as caught:
        bindings_for(query, {"country": "https://x.org/a b"}, closure)
    assert "is not a valid IRI" in str(caught.value)


def test_unknown_query_and_parameter_suggest_the_right_one(project, closure):
    catalogue = load_catalogue(project.queries)
    with pytest.raises(UsageError) as caught:
        find_query(catalogue, "feedstock-supplier")
    assert "did you mean feedstock-suppliers" in str(caught.value)
    with pytest.raises(UsageError) as caught:
        bindings_for(catalogue["country-profile"], {"contry": "myanmar"}, closure)
    assert "has no parameter 'contry'" in str(caught.value)
    assert "--param country=" in str(caught.value)
    with pytest.raises(UsageError) as caught:
        bindings_for(catalogue["country-profile"], {"country": "Myanmr"}, closure)
    assert "did you mean myanmar" in str(caught.value)


def test_every_query_header_is_grlc_compatible(project):
    for path in sorted((project.queries / "questions").glob("*.rq")):
        first = path.read_text(encoding="utf-8").splitlines()[0]
        assert first.startswith("#+ summary: "), path
