"""Every stored question has an exact-answer test on the article's data: the built answer
must be, row for row and in order, the reviewed file queries/questions/NAME.expected.csv
(`make answers` rewrites those files; a data change shows as their diff). The tests below
them check what is not just the rows: parameters, binding, error messages, counts made
independently from the claim file, and the article's argument the answers must keep."""

import pytest
import yaml
from rdflib import Literal, URIRef

from rekg.core.engines import Engine
from rekg.core.errors import UsageError
from rekg.graph.engine import select
from rekg.query.answers import SUFFIX, compare, difference, expected_path
from rekg.query.bind import bind, bindings_for
from rekg.query.catalogue import find_query, load_catalogue
from rekg.query.results import display
from rekg.query.run import run_stored

from .conftest import ROOT

C = "claim:china-sea-rare-earths-"
ARTICLE = "source:china-sea-rare-earths"
QUESTIONS = sorted(load_catalogue(ROOT / "queries"))
XSD = "http://www.w3.org/2001/XMLSchema#"
MODALITIES = ("asserted", "expected", "likely", "possible", "unlikely")


def shown(result) -> list[tuple]:
    return [tuple(display(r.get(v)) for v in result.variables) for r in result.rows]


def rows(closure, project, name, **params):
    query = load_catalogue(project.queries)[name]
    return shown(run_stored(closure, query, {k: str(v) for k, v in params.items()}))


def answer(built, name) -> list[tuple]:
    """The built answer of a stored question with its default parameters."""
    return shown(built.answers[name])


def claims(project) -> list[dict]:
    doc = yaml.safe_load(
        (project.data / "claims" / "china-sea-rare-earths.yaml").read_text(encoding="utf-8")
    )
    return doc["claims"]


def quote(built, n):
    from rekg.core.namespaces import CLAIM, OA, REKG

    g = built.loaded.graph
    evidence = g.value(CLAIM[f"china-sea-rare-earths-{n:03d}"], REKG.evidence)
    for sel in g.objects(evidence, OA.hasSelector):
        if g.value(sel, OA.exact) is not None:
            return str(g.value(sel, OA.exact))


def test_catalogue_names_every_question(project):
    assert QUESTIONS == [
        "capability-gaps",
        "china-offers",
        "claims-by-modality",
        "claims-vs-reference",
        "contradictions",
        "corroboration",
        "country-profile",
        "disruption-exposure",
        "fact-vs-forecast",
        "feedstock-suppliers",
        "heavy-rare-earth-dependence",
        "kept-at-home",
        "partners-hedging",
        "processing-hosts",
        "relation-evidence",
        "sources",
        "strategic-roles",
        "timeline",
    ]
    assert sorted(load_catalogue(project.queries)) == QUESTIONS


# --- the exact answers, against the reviewed files


@pytest.mark.parametrize("name", QUESTIONS)
def test_the_answer_is_the_reviewed_one(built, project, name):
    query = load_catalogue(project.queries)[name]
    found = difference(query, built.answers[name])
    assert found is None, (
        f"{found.line()}\n{found.diff()}"
        f"review the change; if every changed row follows from it, run 'make answers'"
    )


def test_every_question_has_an_expected_file_and_every_file_a_question(project, built):
    folder = project.queries / "questions"
    catalogue = load_catalogue(project.queries)
    files = sorted(p.name for p in folder.rglob("*" + SUFFIX))
    assert files == sorted(expected_path(q).name for q in catalogue.values())
    assert all(expected_path(q).parent == q.path.parent for q in catalogue.values())
    assert compare(catalogue, built.answers, folder) == []


def test_the_expected_files_are_what_rekg_query_csv_prints(project, built):
    """SPARQL 1.1 CSV: one header line, full IRIs, CRLF line ends."""
    path = project.queries / "questions" / "claims-by-modality.expected.csv"
    data = path.read_bytes()
    assert data.startswith(b"modality,rank,claims,negations\r\n")
    assert b"\r\nhttps://w3id.org/rekg/ontology#Asserted," in data
    assert data.endswith(b"\r\n") and b"\n" not in data.replace(b"\r\n", b"")


def test_the_catalogue_reads_only_the_rq_files(project):
    """grlc serves the folder: the expected CSV files beside the queries are not queries."""
    folder = project.queries / "questions"
    catalogue = load_catalogue(project.queries)
    assert [q.path for q in catalogue.values()] == sorted(folder.rglob("*.rq"))
    assert {p.suffix for p in folder.iterdir()} == {".rq", ".csv"}


# --- counted independently from the claim file


def _mine(entries, country):
    return [
        e
        for e in entries
        if country
        in {
            e.get("subject"),
            e.get("object"),
            e.get("counterpart"),
            e.get("speaker"),
            *(e.get("about") or []),
        }
    ]


def test_fact_versus_forecast(project, built):
    """A claim counts for each country it names."""
    countries = ["china", "malaysia", "vietnam", "myanmar", "thailand", "singapore"]
    expected = {}
    for c in countries:
        mine = _mine(claims(project), c)
        counts = [sum(e["modality"] == m for e in mine) for m in MODALITIES]
        expected[f"id:{c}"] = (
            *map(str, counts),
            str(sum(bool(e.get("negated")) for e in mine)),
            str(len(mine)),
        )
    got = answer(built, "fact-vs-forecast")
    assert {r[0]: r[1:] for r in got} == expected
    totals = [int(r[-1]) for r in got]
    assert totals == sorted(totals, reverse=True)


def test_claims_by_modality(project, built):
    entries = claims(project)
    assert answer(built, "claims-by-modality") == [
        (
            f"rekg:{m.capitalize()}",
            str(rank),
            str(sum(e["modality"] == m for e in entries)),
            str(sum(e["modality"] == m and bool(e.get("negated")) for e in entries)),
        )
        for rank, m in enumerate(MODALITIES, 1)
    ]


# --- the article's argument, which the answers must keep


def test_myanmar_feeds_chinas_refineries_as_fact_vietnam_only_expected(built):
    got = answer(built, "feedstock-suppliers")
    assert (
        "id:myanmar",
        "rekg:Asserted",
        "false",
        "",
        quote(built, 69),
        ARTICLE,
        C + "069",
    ) in got
    assert quote(built, 69) == (
        "The majority of Myanmar’s output flows directly into China for processing"
    )
    assert {r[1] for r in got if r[0] == "id:vietnam"} == {"rekg:Expected"}


def test_singapore_hosts_no_processing_malaysia_and_vietnam_only_possibly(built):
    got = {(r[0], r[1]): r[2:4] for r in answer(built, "processing-hosts")}
    assert got[("id:singapore", "rekg:hostsStage")] == ("rekg:Asserted", "true")
    assert got[("id:malaysia", "rekg:hostsProcessingFor")] == ("rekg:Possible", "false")
    assert got[("id:vietnam", "rekg:hostsProcessingFor")] == ("rekg:Possible", "false")


def test_each_of_the_five_countries_has_a_stated_role(built):
    got = {(r[0], r[1], r[3]) for r in answer(built, "strategic-roles")}
    countries = ("malaysia", "myanmar", "singapore", "thailand", "vietnam")
    assert {(f"id:{c}", f"id:role-{c}", "rekg:Asserted") for c in countries} <= got


def test_country_profile_defaults_to_myanmar_grouped_by_modality(built):
    got = answer(built, "country-profile")
    rank = {f"rekg:{m.capitalize()}": i for i, m in enumerate(MODALITIES)}
    order = [(rank[r[0]], int(r[7][len(C) :])) for r in got]
    assert order == sorted(order)  # by modality, then in the order of the source
    assert ("rekg:Asserted", "id:myanmar", "rekg:suppliesFeedstockTo", C + "069") in {
        (r[0], r[2], r[3], r[7]) for r in got
    }


@pytest.mark.parametrize(
    "value", ["singapore", "Singapore", "id:singapore", "https://w3id.org/rekg/id/singapore"]
)
def test_a_country_by_slug_label_prefixed_name_or_iri(closure, project, value):
    got = rows(closure, project, "country-profile", country=value)
    assert got == rows(closure, project, "country-profile", country="id:singapore")
    assert got != rows(closure, project, "country-profile")  # not Myanmar's, the default
    # Singapore's role, and its denial that it hosts processing, are in its profile
    assert {C + "088", C + "095"} <= {r[7] for r in got}


def test_china_keeps_the_heavy_rare_earths_used_in_defence_and_magnets_close(built):
    elements = (
        "dysprosium, erbium, gadolinium, holmium, lutetium, terbium, thulium, ytterbium, yttrium"
    )
    got = answer(built, "heavy-rare-earth-dependence")
    assert {(r[0], r[1], r[2], r[3]) for r in got} >= {
        ("id:myanmar", "id:heavy-rare-earths", "id:defence-technologies", elements),
        ("id:myanmar", "id:heavy-rare-earths", "id:high-performance-magnets", elements),
    }


def test_disruption_of_myanmar_reaches_china_and_its_refining(built):
    got = {(r[0], r[1]) for r in answer(built, "disruption-exposure")}
    assert ("recipient", "id:china") in got
    assert ("stage controlled by a recipient", "id:separation-refining") in got


def test_disruption_exposure_follows_only_stated_facts(closure, project):
    # Vietnam's supply to China is only expected, so nothing is exposed as fact
    assert rows(closure, project, "disruption-exposure", country="vietnam") == []


def test_vietnam_lacks_mining_and_refining_capacity(built):
    got = {(r[0], r[1], r[2], r[3], r[4]) for r in answer(built, "capability-gaps")}
    for stage in ("mining", "separation-refining"):
        vietnam = ("id:vietnam", "rekg:hasLimitedCapacityIn", f"id:{stage}")
        assert (*vietnam, "rekg:Asserted", "false") in got
    myanmar = ("id:myanmar", "rekg:hasCapacityIn", "id:separation-refining")
    assert (*myanmar, "rekg:Asserted", "true") in got


def test_china_keeps_refining_at_home_and_transfers_only_in_hedged_terms(built):
    got = answer(built, "kept-at-home")
    kept = {r[0] for r in got if r[1] == "rekg:retainsAtHome" and r[2] == "rekg:Asserted"}
    assert {"id:most-sophisticated-stages", "id:technical-know-how"} <= kept
    transfers = {r[2] for r in got if r[1] == "rekg:transfersCapability"}
    assert transfers and "rekg:Asserted" not in transfers


def test_what_china_offers_its_partners_is_mostly_hedged(built):
    got = answer(built, "china-offers")
    assert {r[3] for r in got if r[0] == "id:thailand"} == {"rekg:Likely"}
    assert ("id:malaysia", "id:processing-cooperation", "rekg:Asserted") in {
        (r[0], r[1], r[3]) for r in got
    }


def test_timeline_is_in_date_order_and_cites_its_events(built):
    got = answer(built, "timeline")
    assert [r[0] for r in got] == sorted(r[0] for r in got)
    cited = {r[1]: r[5] for r in got}
    assert cited["id:wef-davos-2026"] == "World Economic Forum, January 2026"
    assert cited["id:china-export-controls-2025-04"] == "MOFCOM/GAC Announcement No. 18 [2025]"
    places = {(r[1], r[3]) for r in got}
    assert ("id:state-visit-kuala-lumpur-2025", "id:kuala-lumpur") in places


def test_thailand_and_vietnam_hedge(built):
    got = {(r[0], r[1], r[2]) for r in answer(built, "partners-hedging")}
    assert ("id:thailand", "id:diplomatic-balancing", "rekg:Asserted") in got
    assert ("id:vietnam", "id:avoiding-over-dependence", "rekg:Asserted") in got


def test_relation_evidence_for_and_against(closure, project):
    got = rows(closure, project, "relation-evidence")
    # by default: what says Myanmar supplies feedstock to China; none of it denies it
    assert {r[0] for r in got} == {"for"}
    assert {C + "065", C + "069"} <= {r[6] for r in got}
    # through a sub-property, and against
    got = rows(
        closure,
        project,
        "relation-evidence",
        subject="thailand",
        predicate="holdsDepositsOf",
        object="rare-earth-elements",
    )
    assert [(r[0], r[1], r[2], r[6][len(C) :]) for r in got] == [
        ("against", "rekg:holdsSignificantDepositsOf", "rekg:Asserted", "078")
    ]


# --- every answer says its source


QUOTE_SOURCE = {"quote": "source", "assertedQuote": "assertingSource", "otherQuote": "otherSource"}


@pytest.mark.parametrize("name", QUESTIONS)
def test_every_quote_is_followed_by_its_source(built, name):
    """A question that gives a quote gives its source document in the next column: on the
    article, always the article."""
    variables = built.answers[name].variables
    quotes = [v for v in variables if v in QUOTE_SOURCE]
    for column in quotes:
        at = variables.index(column)
        assert variables[at + 1] == QUOTE_SOURCE[column], name
        assert {r[at + 1] for r in answer(built, name)} <= {ARTICLE}
    gives_quotes = name not in {
        "claims-by-modality", "disruption-exposure", "fact-vs-forecast", "sources", "timeline",
    }  # fmt: skip
    assert bool(quotes) == gives_quotes, name


def test_sources_counts_the_claims_of_each_source(project, built):
    entries = claims(project)
    counts = [sum(e["modality"] == m for e in entries) for m in MODALITIES]
    negated = sum(bool(e.get("negated")) for e in entries)
    drafts = sum(bool(e.get("draft")) for e in entries)
    assert answer(built, "sources") == [
        (
            ARTICLE,
            "Analysis article: China's engagement with Southeast Asia on rare earths (untitled)",
            "",  # the article gives no date
            "en",
            *map(str, (*counts, negated, len(entries), drafts)),
        )
    ]


def test_one_source_neither_corroborates_nor_contradicts_itself(built):
    # corroboration needs two sources; the article never states as fact what it denies or
    # calls unlikely, even through a sub-property (the check asserted-and-denied holds it to
    # the first for denials stated as fact)
    assert answer(built, "corroboration") == []
    assert answer(built, "contradictions") == []


def test_vietnam_s_reserves_in_both_editions(built):
    got = answer(built, "claims-vs-reference")
    reserves = {
        (r[7], r[12], r[10], r[11]) for r in got if (r[0], r[8]) == ("id:vietnam", "reserves")
    }
    assert reserves == {
        (C + "052", "USGS MCS 2024", "22000000", "t REO"),
        (C + "052", "USGS MCS 2025", "3500000", "t REO"),
    }
    # figures without a value stay without one: USGS gives none for Malaysia's reserves
    malaysia = [r for r in got if r[0] == "id:malaysia"]
    assert [(r[7], r[8], r[10], r[14]) for r in malaysia] == [
        (C + "039", "reserves", "", "not available")
    ]


def test_claims_vs_reference_for_one_country_or_all(closure, project, built):
    everything = answer(built, "claims-vs-reference")
    assert rows(closure, project, "claims-vs-reference") == everything
    assert {r[0] for r in everything} == {"id:malaysia", "id:myanmar", "id:thailand", "id:vietnam"}
    for value, country in (
        ("vietnam", "vietnam"),
        ("Burma", "myanmar"),
        ("id:thailand", "thailand"),
    ):
        mine = [r for r in everything if r[0] == f"id:{country}"]
        assert mine and rows(closure, project, "claims-vs-reference", country=value) == mine


# --- parameters and errors


def test_parameters_are_bound_as_typed_terms_never_spliced(closure, project):
    """The value takes the variable's place as one canonical N-Triples term, everywhere the
    variable stands as a token (not in comments, strings or IRIs); what is not a valid term
    of the declared kind never reaches the query."""
    query = load_catalogue(project.queries)["country-profile"]
    text = bind(query.text, bindings_for(query, {"country": "myanmar"}, closure))
    assert "  ?claim rekg:about <https://w3id.org/rekg/id/myanmar> ;\n" in text
    assert "?_country_iri" not in text
    assert text.replace("<https://w3id.org/rekg/id/myanmar>", "?_country_iri") == query.text
    hostile = "myanmar> } } ; DROP ALL ; SELECT * { ?s ?p ?o"
    with pytest.raises(UsageError) as caught:
        bindings_for(query, {"country": hostile}, closure)
    assert "nothing in the graph is called" in str(caught.value)
    with pytest.raises(UsageError) as caught:
        bindings_for(query, {"country": "https://x.org/a b"}, closure)
    assert "is not a valid IRI" in str(caught.value)


@pytest.mark.parametrize(
    "term, written",
    [
        (URIRef("https://w3id.org/rekg/id/myanmar"), "<https://w3id.org/rekg/id/myanmar>"),
        (Literal('say "no"\nthen } DROP ALL'), '"say \\"no\\"\\nthen } DROP ALL"'),
        (Literal("Malaysia", lang="en"), '"Malaysia"@en'),
        (
            Literal("2024", datatype=URIRef(XSD + "integer")),
            '"2024"^^<http://www.w3.org/2001/XMLSchema#integer>',
        ),
        (
            Literal("true", datatype=URIRef(XSD + "boolean")),
            '"true"^^<http://www.w3.org/2001/XMLSchema#boolean>',
        ),
    ],
    ids=["iri", "string", "language", "integer", "boolean"],
)
def test_a_bound_term_is_one_canonical_n_triples_term(term, written):
    text = (
        "# ?_x in a comment\n"
        "SELECT ?s ($_x AS ?shown) WHERE {\n"
        '  ?s <urn:p> ?_x ; <urn:q> "?_x" ; <urn:r> <urn:?_x> .\n'
        "  FILTER (?_x != ?_xy)\n"
        "}\n"
    )
    assert bind(text, {"_x": term}) == (
        "# ?_x in a comment\n"
        f"SELECT ?s ({written} AS ?shown) WHERE {{\n"
        f'  ?s <urn:p> {written} ; <urn:q> "?_x" ; <urn:r> <urn:?_x> .\n'
        f"  FILTER ({written} != ?_xy)\n"
        "}\n"
    )


@pytest.mark.parametrize(
    "text, where, line",
    [
        ("SELECT ?_x ?s WHERE { ?s ?p ?_x }", "a bare SELECT item", 1),
        ("SELECT ?s WHERE {\n  BIND (<urn:a> AS ?_x)\n}", "AS ?_x", 2),
        ("SELECT ?s WHERE {\n  VALUES (?s ?_x) { (<urn:a> <urn:b>) }\n}", "a VALUES header", 2),
        ("SELECT ?s WHERE { ?s ?p ?_x }\nORDER BY ?_x", "GROUP BY or ORDER BY", 2),
        ("SELECT ?s WHERE { ?s ?p ?_x }\nGROUP BY ?s ?_x", "GROUP BY or ORDER BY", 2),
    ],
    ids=["select", "as", "values", "order-by", "group-by"],
)
def test_a_parameter_where_only_a_variable_may_stand_is_refused(text, where, line):
    with pytest.raises(UsageError) as refused:
        bind(text, {"_x": URIRef("urn:x")})
    assert refused.value.message == (
        f"cannot bind parameter ?_x at line {line}: it stands where only a variable may ({where})"
    )
    assert refused.value.remedy == (
        "use ?_x in triple patterns and expressions only; to show its value, select it as "
        "(?_x AS ?another)"
    )


def test_a_parameter_in_an_expression_of_a_clause_is_bound():
    text = "SELECT ?s WHERE { ?s ?p ?o }\nORDER BY DESC(?_x = ?o) ?s"
    assert bind(text, {"_x": URIRef("urn:x")}) == (
        "SELECT ?s WHERE { ?s ?p ?o }\nORDER BY DESC(<urn:x> = ?o) ?s"
    )


PARAMETERISED = [q for q in QUESTIONS if load_catalogue(ROOT / "queries")[q].params]


def test_the_questions_with_parameters():
    assert PARAMETERISED == [
        "china-offers",
        "claims-vs-reference",
        "country-profile",
        "disruption-exposure",
        "feedstock-suppliers",
        "kept-at-home",
        "processing-hosts",
        "relation-evidence",
    ]


# rows with the parameters left unbound, and with their defaults: on the article only
# China offers, keeps, receives feedstock and has processing hosted, and only Myanmar
# supplies feedstock (disruption-exposure); claims-vs-reference has no default
ALL_AND_DEFAULT = {
    "china-offers": (12, 12),
    "claims-vs-reference": (16, 16),
    "country-profile": (242, 11),
    "disruption-exposure": (9, 9),
    "feedstock-suppliers": (5, 5),
    "kept-at-home": (6, 6),
    "processing-hosts": (3, 3),
    "relation-evidence": (98, 4),
}


@pytest.mark.parametrize("name", PARAMETERISED)
def test_an_omitted_parameter_means_all(closure, project, name):
    """The question as stored, its parameters left unbound (what a grlc client that omits
    them sends): all rows, the same on both engines, every row of the question with its
    defaults among them."""
    query = load_catalogue(project.queries)[name]
    everything = select(closure, query.text, Engine.FAST).as_tuples()
    assert select(closure, query.text, Engine.REFERENCE).as_tuples() == everything
    bound = select(closure, bind(query.text, bindings_for(query, {}, closure)), Engine.FAST)
    assert set(bound.as_tuples()) <= set(everything)
    assert (len(everything), len(bound)) == ALL_AND_DEFAULT[name]


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
    catalogue = load_catalogue(project.queries)
    for path in sorted((project.queries / "questions").glob("*.rq")):
        first = path.read_text(encoding="utf-8").splitlines()[0]
        assert first.startswith("#+ summary: "), path
        query = catalogue[path.stem]
        assert query.description and query.tags, path
        for param in query.params:
            assert param.description, (path, param.name)
            # a required parameter has a default; an optional one means "all" when omitted
            assert param.optional or param.default is not None, (path, param.name)
