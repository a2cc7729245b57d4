"""Property-based tests (Hypothesis) of the parts that read what users and clients send:
the Accept parser, the RDF and YAML loaders, the claim compiler and parameter binding.
Each property holds for any input: a loader either reads its input faithfully or refuses
it with a RekgError that names the place, and never raises anything else; a bound value
comes back from the query exactly as given, whatever characters it holds."""

import string

import pyoxigraph as ox
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from rdflib import Graph, Literal, URIRef
from rdflib.compare import isomorphic

from rekg.core.errors import RekgError, UsageError
from rekg.graph.rdfio import parse_file
from rekg.ingest.claims import read_claim_file
from rekg.query.bind import bind, to_term
from rekg.serve.conneg import negotiate, parse_accept

# Each example writes a file: a per-test folder is reused, so the health check that warns
# about function-scoped fixtures does not apply.
FILES = settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
OFFERS = ["text/turtle", "application/n-triples", "application/ld+json", "text/html"]

# Text with what breaks naive quoting: quotes, backslashes, line breaks, braces, hashes,
# angle brackets, NUL and other control characters, and characters beyond the BMP.
NASTY = st.text(
    alphabet=st.one_of(
        st.sampled_from(list("\"'\\\n\r\t{}#<>?$;.,@^ \x00\x7f")),
        st.characters(codec="utf-8"),
    ),
    max_size=40,
)


# --- the Accept parser ---------------------------------------------------------------


@given(st.text(max_size=200))
def test_any_accept_header_gives_an_offer_or_none(header):
    ranges = parse_accept(header)
    assert all(0.0 <= r.q <= 1.0 for r in ranges)
    assert negotiate(header, OFFERS) in [*OFFERS, None]


@given(st.sampled_from(OFFERS), st.lists(st.sampled_from(OFFERS), max_size=3))
def test_the_only_acceptable_type_is_the_one_sent(wanted, others):
    header = ", ".join([*(f"{o};q=0" for o in others if o != wanted), f"{wanted};q=0.5"])
    assert negotiate(header, OFFERS) == wanted


@given(st.sampled_from(OFFERS))
def test_q0_refuses_a_type(offer):
    assert negotiate(f"{offer};q=0", [offer]) is None
    assert negotiate(f"{offer};q=0, */*;q=0.1", [offer]) is None  # the specific range decides


@given(st.sampled_from(["nan", "-nan", "inf", "-inf", "0x1", "", "high"]))
def test_a_quality_that_is_not_a_number_is_not_a_preference(q):
    """float() reads "nan" and "inf": such a range must get no weight, not an arbitrary one
    (NaN compares false with everything)."""
    (media_range,) = parse_accept(f"text/turtle;q={q}")
    assert media_range.q == 0.0
    assert negotiate(f"text/turtle;q={q}", ["text/turtle"]) is None


@given(st.floats(allow_nan=False, allow_infinity=False))
def test_a_numeric_quality_is_clamped_into_0_to_1(q):
    (media_range,) = parse_accept(f"text/turtle;q={q!r}")
    assert media_range.q == min(max(q, 0.0), 1.0)


# --- the Turtle loader ----------------------------------------------------------------


IRIS = st.builds(
    lambda path: URIRef("https://example.org/" + path),
    st.text(alphabet=string.ascii_letters + string.digits + "-._~/", max_size=20),
)


@FILES
@given(
    st.lists(
        st.tuples(
            IRIS,
            IRIS,
            st.one_of(
                IRIS,
                NASTY.map(Literal),
                NASTY.map(lambda t: Literal(t, lang="en")),
                st.integers().map(Literal),
            ),
        ),
        max_size=8,
    )
)
def test_turtle_written_by_rdflib_loads_back_the_same_graph(tmp_path, triples):
    """Written as N-Triples, which is Turtle: rdflib's Turtle writer itself can write a
    prefixed name whose prefix it never declares (ns1:) for some IRIs of this shape."""
    original = Graph()
    for triple in triples:
        original.add(triple)
    path = tmp_path / "data.ttl"
    path.write_bytes(original.serialize(format="nt", encoding="utf-8"))
    loaded = Graph()
    parse_file(path, loaded, "data.ttl")
    assert isomorphic(loaded, original)


@FILES
@given(st.binary(max_size=300))
def test_any_bytes_as_turtle_load_or_are_refused_with_a_place(tmp_path, data):
    path = tmp_path / "data.ttl"
    path.write_bytes(data)
    try:
        parse_file(path, Graph(), "data/x.ttl")
    except RekgError as error:
        assert error.exit_code == 2
        assert str(error).startswith("data/x.ttl")


# --- the YAML reader and the claim compiler ------------------------------------------


YAMLISH = st.text(
    alphabet=st.one_of(
        st.sampled_from(list(":-[]{}!&*|>'\"#\n \t%@`,?")), st.characters(codec="utf-8")
    ),
    max_size=200,
)


@FILES
@given(st.one_of(YAMLISH.map(lambda t: t.encode("utf-8")), st.binary(max_size=200)))
def test_any_claims_file_reads_or_is_refused_with_a_place(tmp_path, data):
    path = tmp_path / "c.yaml"
    path.write_bytes(data)
    try:
        read_claim_file(path, "data/claims/c.yaml")
    except RekgError as error:
        assert error.exit_code == 2
        assert str(error).startswith("data/claims/c.yaml")


@FILES
@given(st.sampled_from(["!!python/object:os.system", "!!python/name:os.system", "!custom"]))
def test_yaml_tags_are_refused_not_constructed(tmp_path, tag):
    path = tmp_path / "c.yaml"
    path.write_text(f"source: article\nclaims:\n  - n: 1\n    quote: {tag} x\n", "utf-8")
    with pytest.raises(RekgError) as caught:
        read_claim_file(path, "data/claims/c.yaml")
    assert str(caught.value).startswith("data/claims/c.yaml:4")


# --- parameter binding ----------------------------------------------------------------


def _store_with(value) -> ox.Store:
    store = ox.Store()
    s, p = ox.NamedNode("https://example.org/s"), ox.NamedNode("https://example.org/p")
    store.add(ox.Quad(s, p, value))
    return store


QUERY = "SELECT ?s WHERE { ?s <https://example.org/p> ?_value }"


@given(NASTY, st.sampled_from(["string", "en"]))
def test_a_bound_literal_is_matched_exactly_whatever_it_holds(text, kind):
    term = to_term(kind, text, None, "parameter value")
    query = bind(QUERY, {"_value": term})
    value = ox.Literal(text, language="en") if kind == "en" else ox.Literal(text)
    rows = list(_store_with(value).query(query))
    assert [str(row["s"]) for row in rows] == ["<https://example.org/s>"]
    # and nothing else matches: another value gives no row
    assert list(_store_with(ox.Literal(text + "x")).query(query)) == []


@given(NASTY)
def test_an_iri_parameter_is_a_valid_iri_or_refused(text):
    try:
        term = to_term("iri", text, None, "parameter value")
    except UsageError as error:
        assert "parameter value" in str(error)
        return
    query = bind(QUERY, {"_value": term})
    rows = list(_store_with(ox.NamedNode(str(term))).query(query))
    assert len(rows) == 1


@given(st.integers(), st.sampled_from(["integer"]))
def test_a_bound_number_is_typed(number, kind):
    term = to_term(kind, str(number), None, "parameter value")
    assert term == Literal(number)
    query = bind(QUERY, {"_value": term})
    rows = list(
        _store_with(ox.Literal(str(number), datatype=ox.NamedNode(str(term.datatype)))).query(query)
    )
    assert len(rows) == 1


# --- the claim compiler ---------------------------------------------------------------


SENTENCES = [f"Sentence {k} says that partner {k} matters." for k in range(12)]
CLAIM = st.fixed_dictionaries(
    {
        "sentence": st.integers(0, len(SENTENCES) - 1),
        "modality": st.sampled_from(["asserted", "expected", "likely", "possible", "unlikely"]),
        "negated": st.booleans(),
        "draft": st.booleans(),
    }
)


@FILES
@given(st.lists(CLAIM, min_size=1, max_size=8, unique_by=lambda c: c["sentence"]))
def test_compiled_claims_keep_quote_hedge_and_negation_and_assert_only_plain_facts(tmp_path, drawn):
    """Whatever claims are written: each compiles with its verbatim quote, modality and
    negation as written, and the plain triple (subject, property, object) is in the graph
    exactly when one claim states it as a fact, not denied and not a draft."""
    from rdflib import RDF

    from rekg.core.namespaces import CLAIM as CLAIMS
    from rekg.core.namespaces import ID, MODALITIES, REKG
    from rekg.ingest.claims import Names, compile_claims
    from rekg.ingest.sources import SourceText

    text = " ".join(SENTENCES) + "\n"
    source = SourceText("test", tmp_path / "test.txt", text)
    names = Names(
        {"china": ID.china, "malaysia": ID.malaysia},
        {"suppliesFeedstockTo": REKG.suppliesFeedstockTo},
    )
    lines = ["source: test", "claims:"]
    for n, claim in enumerate(drawn, start=1):
        lines += [
            f"  - n: {n}",
            f'    quote: "{SENTENCES[claim["sentence"]]}"',
            "    subject: malaysia",
            "    predicate: suppliesFeedstockTo",
            "    object: china",
            f"    modality: {claim['modality']}",
            f"    negated: {str(claim['negated']).lower()}",
            *(["    draft: true"] if claim["draft"] else []),
        ]
    path = tmp_path / "test.yaml"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    graph, findings, _ = compile_claims(path, "data/claims/test.yaml", names, {"test": source})
    assert findings == []
    for n, claim in enumerate(drawn, start=1):
        iri = CLAIMS[f"test-{n:03d}"]
        assert (iri, RDF.type, REKG.Claim) in graph
        assert str(graph.value(iri, REKG.quote)) == SENTENCES[claim["sentence"]]
        assert graph.value(iri, REKG.modality) == MODALITIES[claim["modality"]]
        assert graph.value(iri, REKG.negated).toPython() is claim["negated"]
    plain = (ID.malaysia, REKG.suppliesFeedstockTo, ID.china) in graph
    assert plain == any(
        c["modality"] == "asserted" and not c["negated"] and not c["draft"] for c in drawn
    )
