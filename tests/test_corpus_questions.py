"""The stored questions on two sources: the article and the test source of
tests/fixtures/second-source/, which corroborates and contradicts it on purpose (its claim
12 is a draft). The exact rows of the four questions about sources (sources, corroboration,
contradictions, claims-vs-reference) and of two questions that now say each quote's
source, as RDF terms written out here; the same rows from the reference engine (rdflib);
and, on scratch copies, what the questions do with sub-properties, drafts, units and their
optional parameter."""

import pytest
from rdflib import Literal, Namespace, URIRef
from rdflib.namespace import XSD

from rekg.core.engines import Engine
from rekg.pipeline import build
from rekg.query.catalogue import load_catalogue
from rekg.query.run import run_stored
from rekg.reason import reason

from .corpus import SUB_PROPERTY_CLAIMS, with_second_source

ID = Namespace("https://w3id.org/rekg/id/")
R = Namespace("https://w3id.org/rekg/ontology#")  # every term, not only those code names
ART = Namespace("https://w3id.org/rekg/id/claim/china-sea-rare-earths-")
BRIEF = Namespace("https://w3id.org/rekg/id/claim/mainland-brief-")
ARTICLE = URIRef("https://w3id.org/rekg/id/source/china-sea-rare-earths")
MAINLAND = URIRef("https://w3id.org/rekg/id/source/mainland-brief")
T, F = Literal(True), Literal(False)
NEW = ("sources", "corroboration", "contradictions", "claims-vs-reference")

QUOTE = {
    ART["005"]: "anchoring the most sophisticated stages of the supply chain at home",
    ART["039"]: "The country holds substantial rare-earth deposits",
    ART["049"]: "Malaysia could become a complementary processing node within a China-centred "
    "supply chain",
    ART["052"]: "Vietnam possesses some of the world’s largest rare-earth reserves",
    ART["053"]: "yet production remains limited",
    ART["062"]: "Beijing is expected to integrate Vietnamese supply into existing Chinese "
    "refining systems",
    ART["065"]: "Myanmar already plays a pivotal role in China’s rare-earth supply chain",
    ART["069"]: "The majority of Myanmar’s output flows directly into China for processing",
    ART["070"]: "Myanmar’s lack of domestic refining capacity",
    ART["073"]: "China is expected to maintain — and where possible stabilise — this upstream "
    "supply corridor",
    ART["075"]: "it will remain a critical source of feedstock underpinning China’s domestic "
    "industrial base",
    ART["078"]: "It is not a major resource holder",
    ART["079"]: "it is a key manufacturing hub deeply integrated into regional and Chinese "
    "supply chains",
    ART["090"]: "it plays an outsized role in China’s regional strategy as a financial, trade "
    "and research hub",
    ART["091"]: "it plays an outsized role in China’s regional strategy as a financial, trade "
    "and research hub",
    BRIEF["001"]: "Myanmar supplies the bulk of the heavy rare-earth feedstock that China’s "
    "refineries separate",
    BRIEF["003"]: "Myanmar has begun separating part of its own concentrate",
    BRIEF["004"]: "Vietnam is unlikely to supply feedstock to China on any scale this decade",
    BRIEF["005"]: "Vietnam’s rare-earth reserves are not among the world’s largest",
    BRIEF["006"]: "its own output remains small",
    BRIEF["007"]: "Malaysia does not host processing for China",
    BRIEF["010"]: "Thailand hosts magnet and motor manufacturing for regional supply chains",
    BRIEF["011"]: "Singapore is unlikely to remain the region’s rare-earth trading hub",
    BRIEF["012"]: "China will keep the most sophisticated stages of the supply chain at home",
    # claims added to a scratch copy below
    BRIEF["013"]: "Vietnam’s rare-earth reserves are not among the world’s largest",
    BRIEF["014"]: "Vietnam’s rare-earth reserves",
}


def q(claim) -> Literal:
    return Literal(QUOTE[claim])


def source(claim) -> URIRef:
    return ARTICLE if str(claim).startswith(str(ART)) else MAINLAND


@pytest.fixture(scope="module")
def corpus(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("corpus")
    project = with_second_source(tmp)
    return build(project, tmp / "dist")


def rows(built, name) -> list[tuple]:
    return built.answers[name].as_tuples()


def asked(built, name, engine=Engine.FAST, **params) -> list[tuple]:
    query = load_catalogue(built.loaded.project.queries)[name]
    closure = built.reasoned.closure
    return run_stored(closure, query, {k: str(v) for k, v in params.items()}, engine=engine)


# --- sources


def test_sources(corpus):
    assert corpus.answers["sources"].variables == [
        "source", "title", "date", "language", "asserted", "expected", "likely", "possible",
        "unlikely", "negated", "total", "drafts",
    ]  # fmt: skip
    article = "Analysis article: China's engagement with Southeast Asia on rare earths (untitled)"
    brief = "Mainland Southeast Asia in China’s rare-earth chain: a brief"
    counts = [Literal(n) for n in (79, 6, 9, 5, 1, 14, 100, 0)]
    assert rows(corpus, "sources") == [
        # no dcterms:title or dcterms:date: the label, and no date
        (ARTICLE, Literal(article, lang="en"), None, Literal("en"), *counts),
        (
            MAINLAND,
            Literal(brief),
            Literal("2026-03", datatype=XSD.gYearMonth),
            Literal("en"),
            *[Literal(n) for n in (8, 1, 0, 1, 2, 2, 12, 1)],
        ),
    ]


# --- corroboration


def test_corroboration(corpus):
    assert corpus.answers["corroboration"].variables == [
        "subject", "property", "object", "modality", "negated", "draft", "quote", "source",
        "claim",
    ]  # fmt: skip

    def row(s, p, o, modality, negated, claim, draft=F):
        return (ID[s], R[p], ID[o], R[modality], negated, draft, q(claim), source(claim), claim)

    assert rows(corpus, "corroboration") == [
        # the draft counts as a second source, and says it is one
        row("china", "retainsAtHome", "most-sophisticated-stages", "Asserted", F, ART["005"]),
        row("china", "retainsAtHome", "most-sophisticated-stages", "Expected", F, BRIEF["012"], T),
        row("malaysia", "hostsProcessingFor", "china", "Possible", F, ART["049"]),
        row("malaysia", "hostsProcessingFor", "china", "Asserted", T, BRIEF["007"]),
        row("myanmar", "hasCapacityIn", "separation-refining", "Asserted", T, ART["070"]),
        row("myanmar", "hasCapacityIn", "separation-refining", "Asserted", F, BRIEF["003"]),
        # Myanmar feeds China's refineries: four claims of the article, one of the brief
        row("myanmar", "suppliesFeedstockTo", "china", "Asserted", F, ART["065"]),
        row("myanmar", "suppliesFeedstockTo", "china", "Asserted", F, ART["069"]),
        row("myanmar", "suppliesFeedstockTo", "china", "Expected", F, ART["073"]),
        row("myanmar", "suppliesFeedstockTo", "china", "Expected", F, ART["075"]),
        row("myanmar", "suppliesFeedstockTo", "china", "Asserted", F, BRIEF["001"]),
        row("singapore", "hostsStage", "finance-trade", "Asserted", F, ART["090"]),
        row("singapore", "hostsStage", "finance-trade", "Unlikely", F, BRIEF["011"]),
        row("thailand", "hostsStage", "manufacturing", "Asserted", F, ART["079"]),
        row("thailand", "hostsStage", "manufacturing", "Asserted", F, BRIEF["010"]),
        row("vietnam", "hasLimitedCapacityIn", "mining", "Asserted", F, ART["053"]),
        row("vietnam", "hasLimitedCapacityIn", "mining", "Asserted", F, BRIEF["006"]),
        row("vietnam", "holdsSignificantDepositsOf", "rare-earth-elements", "Asserted", F,
            ART["052"]),
        row("vietnam", "holdsSignificantDepositsOf", "rare-earth-elements", "Asserted", T,
            BRIEF["005"]),
        row("vietnam", "suppliesFeedstockTo", "china", "Expected", F, ART["062"]),
        row("vietnam", "suppliesFeedstockTo", "china", "Unlikely", F, BRIEF["004"]),
    ]  # fmt: skip


def test_each_claim_of_a_relation_counts_the_sources_that_state_it(corpus):
    """rekg:relationSources, derived by the build (reason/derive.py) on both engines: a
    source counts once however many of its claims state the relation; a draft counts;
    claims of no relation get none; it is in the closure, never in the asserted graph."""
    fast = corpus.reasoned.closure
    reference = reason(corpus.loaded.graph, {}, Engine.REFERENCE).closure
    counted = {claim: n.value for claim, n in fast.subject_objects(R.relationSources)}
    assert counted == {claim: n.value for claim, n in reference.subject_objects(R.relationSources)}
    assert [counted[ART[n]] for n in ("065", "069", "073", "075")] == [2, 2, 2, 2]
    assert counted[BRIEF["001"]] == 2  # Myanmar supplies feedstock to China
    assert counted[BRIEF["012"]] == 2  # the draft
    assert counted[ART["078"]] == 1  # Thailand is no major resource holder: the article only
    assert ART["003"] not in counted  # a claim of no relation (no rdf:predicate)
    assert (None, R.relationSources, None) not in corpus.loaded.graph
    assert sorted(counted.values()).count(2) == len(rows(corpus, "corroboration"))


# --- contradictions


def contradiction(s, p, o, asserting, other, modality, negated):
    return (
        ID[s], R[p], ID[o],
        asserting, q(asserting), source(asserting),
        other, R[modality], negated, q(other), source(other),
    )  # fmt: skip


def test_contradictions(corpus):
    assert corpus.answers["contradictions"].variables == [
        "subject", "property", "object", "assertingClaim", "assertedQuote", "assertingSource",
        "otherClaim", "otherModality", "otherNegated", "otherQuote", "otherSource",
    ]  # fmt: skip
    assert rows(corpus, "contradictions") == [
        # the article denies Myanmar refining capacity, the brief states it
        contradiction("myanmar", "hasCapacityIn", "separation-refining",
                      BRIEF["003"], ART["070"], "Asserted", T),
        # the article states Singapore's trading hub, the brief calls it unlikely
        contradiction("singapore", "hostsStage", "finance-trade",
                      ART["090"], BRIEF["011"], "Unlikely", F),
        # the article states Vietnam's large reserves, the brief denies them
        contradiction("vietnam", "holdsSignificantDepositsOf", "rare-earth-elements",
                      ART["052"], BRIEF["005"], "Asserted", T),
    ]  # fmt: skip


def test_contradictions_through_sub_properties_and_never_with_a_draft(tmp_path):
    """Denying "holds deposits" denies "holds significant deposits"; denying "significant"
    leaves "holds deposits" standing. A draft is not a contradiction until reviewed."""
    project = with_second_source(tmp_path)
    claims = project.data / "claims" / "mainland-brief.yaml"
    claims.write_text(
        claims.read_text(encoding="utf-8") + SUB_PROPERTY_CLAIMS,
        encoding="utf-8",
    )
    built = build(project, tmp_path / "dist")
    expected = [
        contradiction("myanmar", "hasCapacityIn", "separation-refining",
                      BRIEF["003"], ART["070"], "Asserted", T),
        contradiction("singapore", "hostsStage", "finance-trade",
                      ART["090"], BRIEF["011"], "Unlikely", F),
        # the likely denial of "holds deposits" against the brief's own "holds deposits"
        contradiction("vietnam", "holdsDepositsOf", "rare-earth-elements",
                      BRIEF["014"], BRIEF["013"], "Likely", T),
        # and against the article's "significant deposits", a sub-property
        contradiction("vietnam", "holdsSignificantDepositsOf", "rare-earth-elements",
                      ART["052"], BRIEF["005"], "Asserted", T),
        contradiction("vietnam", "holdsSignificantDepositsOf", "rare-earth-elements",
                      ART["052"], BRIEF["013"], "Likely", T),
        # not: BRIEF 005 ("not significant") against BRIEF 014 ("holds deposits");
        # not: the draft BRIEF 015 against ART 091 (Singapore hosts research)
    ]  # fmt: skip
    assert rows(built, "contradictions") == expected
    assert asked(built, "contradictions", Engine.REFERENCE).as_tuples() == expected
    # where the question starts (reason/derive.py), alike on both engines: every claim that
    # denies or doubts a relation the closure holds as fact, the draft 015 too (the
    # question leaves drafts out)
    for closure in (built.reasoned.closure, reason(built.loaded.graph, {}, "reference").closure):
        assert set(closure.subjects(R.deniesStatedFact, T)) == {
            ART["070"], BRIEF["005"], BRIEF["011"], BRIEF["013"], BRIEF["015"]
        }  # fmt: skip


# --- claims and reference figures

C2025 = (
    "U.S. Geological Survey, Mineral Commodity Summaries 2025, rare earths "
    "(data release doi 10.5066/P13XCP3R)"
)
C2024 = (
    "U.S. Geological Survey, Mineral Commodity Summaries 2024, rare earths "
    "(superseded by MCS 2025; revision reported by Reuters, 13 March 2025)"
)
IMPORTS = "estimated from reported import data for China"


def figure(obs, measure, year, tonnes, edition, citation, note):
    """The observation's columns: measure, referenceYear, value (tonnes), unit, edition,
    citation, note, observation."""
    return (
        Literal(measure),
        None if year is None else Literal(year),
        None if tonnes is None else Literal(tonnes),  # an xsd:integer: a plain number
        Literal("t REO"),
        Literal(edition),
        Literal(citation),
        None if note is None else Literal(note, lang="en"),
        ID["obs/" + obs],
    )


MALAYSIA_RESERVES = figure(
    "usgs-mcs-2025-malaysia-reserves", "reserves", None, None, "USGS MCS 2025", C2025,
    "not available",
)  # fmt: skip
MYANMAR_2023 = figure(
    "usgs-mcs-2025-myanmar-mine-production-2023", "mine_production", 2023, 43000,
    "USGS MCS 2025", C2025, IMPORTS,
)  # fmt: skip
MYANMAR_2024 = figure(
    "usgs-mcs-2025-myanmar-mine-production-2024", "mine_production", 2024, 31000,
    "USGS MCS 2025", C2025, IMPORTS,
)  # fmt: skip
THAILAND_RESERVES = figure(
    "usgs-mcs-2025-thailand-reserves", "reserves", None, 4500, "USGS MCS 2025", C2025, None
)
VIETNAM_2023 = figure(
    "usgs-mcs-2025-vietnam-mine-production-2023", "mine_production", 2023, 300,
    "USGS MCS 2025", C2025, IMPORTS,
)  # fmt: skip
VIETNAM_2024 = figure(
    "usgs-mcs-2025-vietnam-mine-production-2024", "mine_production", 2024, 300,
    "USGS MCS 2025", C2025, IMPORTS,
)  # fmt: skip
VIETNAM_RESERVES_2024 = figure(
    "usgs-mcs-2024-vietnam-reserves", "reserves", None, 22000000, "USGS MCS 2024", C2024,
    "superseded by MCS 2025",
)  # fmt: skip
VIETNAM_RESERVES_2025 = figure(
    "usgs-mcs-2025-vietnam-reserves", "reserves", None, 3500000, "USGS MCS 2025", C2025,
    "revised down from 22,000,000 in MCS 2024 (reported by Reuters, 13 March 2025)",
)  # fmt: skip


def beside(country, p, o, modality, negated, claim, *figures):
    said = (ID[country], R[p], ID[o], R[modality], negated, q(claim), source(claim), claim)
    return [said + f for f in figures]


VIETNAM = [
    *beside("vietnam", "hasLimitedCapacityIn", "mining", "Asserted", F, ART["053"],
            VIETNAM_2023, VIETNAM_2024),
    *beside("vietnam", "suppliesFeedstockTo", "china", "Expected", F, ART["062"],
            VIETNAM_2023, VIETNAM_2024),
    *beside("vietnam", "suppliesFeedstockTo", "china", "Unlikely", F, BRIEF["004"],
            VIETNAM_2023, VIETNAM_2024),
    *beside("vietnam", "hasLimitedCapacityIn", "mining", "Asserted", F, BRIEF["006"],
            VIETNAM_2023, VIETNAM_2024),
    # Vietnam's reserves in both editions: 22 Mt in MCS 2024, 3.5 Mt in MCS 2025
    *beside("vietnam", "holdsSignificantDepositsOf", "rare-earth-elements", "Asserted", F,
            ART["052"], VIETNAM_RESERVES_2024, VIETNAM_RESERVES_2025),
    *beside("vietnam", "holdsSignificantDepositsOf", "rare-earth-elements", "Asserted", T,
            BRIEF["005"], VIETNAM_RESERVES_2024, VIETNAM_RESERVES_2025),
]  # fmt: skip


def test_claims_vs_reference(corpus):
    assert corpus.answers["claims-vs-reference"].variables == [
        "country", "property", "object", "modality", "negated", "quote", "source", "claim",
        "measure", "referenceYear", "value", "unit", "edition", "citation", "note",
        "observation",
    ]  # fmt: skip
    myanmar = [
        row
        for modality, claim in (
            ("Asserted", ART["065"]), ("Asserted", ART["069"]), ("Expected", ART["073"]),
            ("Expected", ART["075"]), ("Asserted", BRIEF["001"]),
        )
        for row in beside("myanmar", "suppliesFeedstockTo", "china", modality, F, claim,
                          MYANMAR_2023, MYANMAR_2024)
    ]  # fmt: skip
    assert rows(corpus, "claims-vs-reference") == [
        # USGS gives no figure for Malaysia's reserves: the row says so, with no value
        *beside("malaysia", "holdsSignificantDepositsOf", "rare-earth-elements", "Asserted", F,
                ART["039"], MALAYSIA_RESERVES),
        *myanmar,
        *beside("thailand", "holdsSignificantDepositsOf", "rare-earth-elements", "Asserted", T,
                ART["078"], THAILAND_RESERVES),
        *VIETNAM,
    ]  # fmt: skip


def test_claims_vs_reference_for_one_country(corpus):
    """The optional parameter picks one country; left out, every country."""
    for value in ("vietnam", "Vietnam", "https://w3id.org/rekg/id/vietnam"):
        assert asked(corpus, "claims-vs-reference", country=value).as_tuples() == VIETNAM
    assert asked(corpus, "claims-vs-reference", country="singapore").as_tuples() == []
    everything = asked(corpus, "claims-vs-reference").as_tuples()
    assert everything == rows(corpus, "claims-vs-reference")


def test_claims_vs_reference_gives_tonnes_whatever_the_unit(tmp_path):
    """A table in kilotonnes or megatonnes still gives tonnes, as a plain number; a unit
    the question does not know leaves the value empty rather than wrong."""
    project = with_second_source(tmp_path)
    table = project.data / "reference" / "usgs-mcs-rare-earths.tsv"
    text = table.read_text(encoding="utf-8")
    for old, new in (
        ("reserves\t\t4500\tt REO", "reserves\t\t4.5\tkt REO"),
        ("reserves\t\t3500000\tt REO", "reserves\t\t3.5\tMt REO"),
        ("reserves\t\t22000000\tt REO", "reserves\t\t22000000\tlb REO"),
        ("2024\t300\tt REO", "2024\t300.5\tt REO"),
    ):
        assert text.count(old) == 1, old
        text = text.replace(old, new)
    table.write_text(text, encoding="utf-8")
    built = build(project, tmp_path / "dist")
    for engine in Engine:
        got = {
            (str(r[7]).rsplit("/", 1)[-1], r[15].rsplit("/", 1)[-1]): (r[10], str(r[11]))
            for r in asked(built, "claims-vs-reference", engine).as_tuples()
        }
        assert got[("china-sea-rare-earths-078", "usgs-mcs-2025-thailand-reserves")] == (
            Literal(4500), "kt REO")  # fmt: skip
        assert got[("china-sea-rare-earths-052", "usgs-mcs-2025-vietnam-reserves")] == (
            Literal(3500000), "Mt REO")  # fmt: skip
        assert got[("china-sea-rare-earths-052", "usgs-mcs-2024-vietnam-reserves")] == (
            None, "lb REO")  # fmt: skip
        # a figure that is not whole stays a decimal
        value, unit = got[
            ("china-sea-rare-earths-053", "usgs-mcs-2025-vietnam-mine-production-2024")
        ]
        assert (value.datatype, value.toPython(), unit) == (XSD.decimal, 300.5, "t REO")


# --- two questions that now say each quote's source


def test_feedstock_suppliers_say_each_quote_s_source(corpus):
    def row(supplier, modality, claim):
        return (ID[supplier], R[modality], F, None, q(claim), source(claim), claim)

    assert rows(corpus, "feedstock-suppliers") == [
        # firmest first, then by supplier, then by source and in the order of each source
        row("myanmar", "Asserted", ART["065"]),
        row("myanmar", "Asserted", ART["069"]),
        row("myanmar", "Asserted", BRIEF["001"]),
        row("myanmar", "Expected", ART["073"]),
        row("myanmar", "Expected", ART["075"]),
        row("vietnam", "Expected", ART["062"]),
        row("vietnam", "Unlikely", BRIEF["004"]),
    ]


def test_relation_evidence_says_each_quote_s_source(corpus):
    got = asked(
        corpus,
        "relation-evidence",
        subject="vietnam",
        predicate="holdsDepositsOf",
        object="rare-earth-elements",
    )
    assert got.variables == [
        "stance", "property", "modality", "timeFrame", "quote", "source", "claim",
    ]  # fmt: skip
    significant = R.holdsSignificantDepositsOf
    assert got.as_tuples() == [
        (Literal("against"), significant, R.Asserted, None, q(BRIEF["005"]), MAINLAND,
         BRIEF["005"]),
        (Literal("for"), significant, R.Asserted, None, q(ART["052"]), ARTICLE, ART["052"]),
    ]  # fmt: skip


# --- the reference engine gives the same rows


@pytest.mark.parametrize("name", [*NEW, "feedstock-suppliers", "relation-evidence"])
def test_the_reference_engine_gives_the_same_rows(corpus, name):
    query = load_catalogue(corpus.loaded.project.queries)[name]
    reference = run_stored(corpus.reasoned.closure, query, engine=Engine.REFERENCE)
    assert reference.variables == corpus.answers[name].variables
    assert reference.as_tuples() == rows(corpus, name)
