"""grlc, for real: grlc 1.3.11 from PyPI (in .venv-grlc/, scripts/ensure-grlc.sh) serves
queries/questions/ unchanged in its local mode against `rekg serve`'s /sparql, and every
stored question called through grlc's API answers the rows `rekg query` gives: with the
defaults grlc read from the header, with other values, and with a parameter left out.

What grlc does with a parameter left out (grlc's gquery.rewrite_query): an optional one
(`?__name`) is left unbound in the text it sends, whatever `#+ defaults` says (the default
only pre-fills its web form); a required one (`?_name`) makes it fail with a 500. So a
variable left unbound must mean "every value": the rows are the union of the rows for each
value the graph holds, which rekg computes here on its own, value by value."""

import dataclasses

import pytest

from rekg.core.engines import Engine
from rekg.core.project import Project
from rekg.pipeline import closure_graph
from rekg.query.catalogue import load_catalogue
from rekg.query.results import term_json
from rekg.query.run import run_stored

from .conftest import run_cli
from .grlc_helpers import (
    QUESTIONS,
    ROOT,
    Answer,
    Grlc,
    RekgServe,
    candidates,
    ensure_grlc,
    row_of,
)

pytestmark = [pytest.mark.store, pytest.mark.slow]

CATALOGUE = load_catalogue(ROOT / "queries")
PARAMETERS = [(name, p.name) for name, q in CATALOGUE.items() for p in q.params]
SPARQL_JSON = "application/sparql-results+json"


@pytest.fixture(scope="module")
def rekg_serve(tmp_path_factory):
    server = RekgServe(tmp_path_factory.mktemp("rekg-serve")).start()
    yield server
    server.stop()


@pytest.fixture(scope="module")
def grlc(tmp_path_factory, rekg_serve):
    venv = ensure_grlc()
    server = Grlc(venv, tmp_path_factory.mktemp("grlc"), QUESTIONS, rekg_serve.sparql).start()
    yield server
    server.stop()


@pytest.fixture(scope="module")
def spec(grlc):
    return grlc.spec()


@pytest.fixture(scope="module")
def local():
    """The closure `rekg query` and `rekg serve` answer from, in this process: to compute
    the rows for every value of a parameter without a process per value."""
    return closure_graph(Project(ROOT), Engine.FAST)


# --- what the two sides answer -----------------------------------------------------------


def via_grlc(grlc, name: str, params: dict[str, str]) -> Answer:
    """The rows of grlc's API for the question, asked as its web form's JSON (the `.json`
    suffix: grlc then asks the endpoint for JSON with q-values, SPARQL JSON among them)."""
    status, content_type, body = grlc.get(f"/{name}.json", params, accept="application/json")
    # grlc answers 200 whatever the endpoint said: the endpoint's error is in the body
    assert status == 200, body.decode(errors="replace") + grlc.log()[-2000:]
    assert content_type.startswith(SPARQL_JSON), body.decode(errors="replace")
    return Answer.from_json(body)


def via_rekg_query(name: str, params: dict[str, str]) -> Answer:
    args = [arg for key, value in params.items() for arg in ("--param", f"{key}={value}")]
    done = run_cli("query", name, *args, "--format", "json")
    assert done.returncode == 0, done.stderr
    return Answer.from_json(done.stdout)


def in_process(graph, query, given: dict[str, str]) -> Answer:
    """The rows `rekg query` gives, from its own run_stored (unnamed parameters at their
    defaults; a parameter removed from `query.params` is left unbound)."""
    rows = run_stored(graph, query, given)
    return Answer(
        tuple(rows.variables),
        tuple(row_of({v: term_json(t) for v, t in r.items()}) for r in rows.rows),
    )


def without(query, name: str):
    """The stored query with parameter `name` left unbound: not bound, nor given a default."""
    return dataclasses.replace(query, params=[p for p in query.params if p.name != name])


def other_value(graph, query, param) -> str | None:
    """The first value other than the default for which the question has rows, and other
    rows than with the default: a second, real case for the comparison."""
    default = in_process(graph, query, {}).rows if param.default is not None else ()
    for term in candidates(graph, param.kind):
        if str(term) == param.default:
            continue
        rows = in_process(graph, query, {param.name: str(term)}).rows
        if rows and set(rows) != set(default):
            return str(term)
    return None


def defaults_of(query) -> dict[str, str]:
    return {p.name: p.default for p in query.params if p.default is not None}


# --- the header, as grlc reads it --------------------------------------------------------


def test_grlc_serves_every_stored_question(spec, rekg_serve):
    assert spec["basePath"] == "/api-local/"
    # a query grlc cannot parse is left out, with a warning appended to the description
    assert spec["info"]["description"] == "API generated from local files"
    assert sorted(spec["paths"]) == sorted(f"/{name}" for name in CATALOGUE)


def grlc_parameter(param) -> dict:
    """The parameter as grlc should describe it, from rekg's reading of the same header:
    grlc writes typed literals as `?_name_integer` or `?_name_xsd_decimal`; a suffix it
    does not know as a type is read as a language tag (`?_x_date` is "..."@date)."""
    original = "?" + param.variable
    kind = {"iri": "string (iri)", "en": "string@en"}.get(param.kind, "string")
    out = {
        "name": param.name,
        "type": "string",
        "required": not param.optional,
        "in": "query",
        "description": f"A value of type {kind} that will substitute {original} in the "
        "original query",
    }
    if param.kind == "iri":
        out["format"] = "iri"
    if param.default is not None:
        out["default"] = param.default
    return out


@pytest.mark.parametrize("name", sorted(CATALOGUE))
def test_grlc_reads_the_header_as_rekg_does(spec, rekg_serve, name):
    query = CATALOGUE[name]
    operation = spec["paths"][f"/{name}"]["get"]
    assert operation["summary"] == query.summary
    assert operation["tags"] == query.tags
    # grlc's description is the header's, then the query's whole text as a code block
    described, code = operation["description"].split("\n\n```\n", 1)
    assert described.strip() == query.description
    assert code == query.text + "\n```"
    endpoint = {
        "name": "endpoint",
        "type": "string",
        "in": "query",
        "description": "Alternative endpoint for SPARQL query",
        "default": rekg_serve.sparql,
    }
    expected = [endpoint] + [grlc_parameter(p) for p in query.params]
    assert operation["parameters"] == expected


# --- the rows ----------------------------------------------------------------------------


@pytest.mark.parametrize("name", sorted(CATALOGUE))
def test_grlc_with_the_defaults_answers_as_rekg_query(grlc, name):
    """What grlc's web form sends as it stands (every default filled in) against what
    `rekg query NAME` answers with no --param at all."""
    query = CATALOGUE[name]
    assert via_grlc(grlc, name, defaults_of(query)) == via_rekg_query(name, {})


@pytest.mark.parametrize(("name", "param"), PARAMETERS)
def test_grlc_with_each_value_given_answers_as_rekg_query(grlc, local, name, param):
    """The default given explicitly, then another value with rows of its own (when the
    graph holds one: China is the only actor that offers capabilities)."""
    query = CATALOGUE[name]
    values = [query.param(param).default, other_value(local, query, query.param(param))]
    values = [v for v in values if v is not None]
    assert values, f"{name}: {param} has no default and no value with rows in the graph"
    for value in values:
        params = {**defaults_of(query), param: value}
        answer = via_grlc(grlc, name, params)
        assert answer.rows, f"{name} has no rows for {param}={value}: nothing to compare"
        assert answer == via_rekg_query(name, params)


@pytest.mark.parametrize(("name", "param"), PARAMETERS)
def test_a_parameter_left_unbound_means_every_value(local, name, param):
    """The question's text with the variable unbound (what grlc sends when an optional
    parameter is left out) answers the rows of every value together."""
    query = CATALOGUE[name]
    every = set()
    for term in candidates(local, query.param(param).kind):
        every |= set(in_process(local, query, {param: str(term)}).rows)
    assert every, f"no value of {param} gives {name} any row: nothing to compare"
    unbound = in_process(local, without(query, param), {})
    assert set(unbound.rows) == every


@pytest.mark.parametrize(("name", "param"), PARAMETERS)
def test_grlc_with_a_parameter_left_out(grlc, local, name, param):
    query = CATALOGUE[name]
    given = {k: v for k, v in defaults_of(query).items() if k != param}
    if query.param(param).optional:
        answer = via_grlc(grlc, name, given)
        assert answer == in_process(local, without(query, param), {})
        # the same call to rekg must mean the same: an optional parameter with a
        # `#+ defaults` entry would take its default in rekg and stay unbound in grlc
        assert answer == via_rekg_query(name, given)
    else:
        # grlc checks required parameters with an assert, which Flask turns into a 500
        logged = len(grlc.log())
        status, _, body = grlc.get(f"/{name}.json", given, accept="application/json")
        assert (status, b"Internal Server Error" in body) == (500, True)
        assert "Provided parameters do not cover the required parameters!" in grlc.log()[logged:]


# --- the formats grlc's web form offers ----------------------------------------------------


def test_grlc_csv_is_rekg_query_csv(grlc):
    status, content_type, body = grlc.get(
        "/country-profile.csv", {"country": "https://w3id.org/rekg/id/malaysia"}
    )
    assert (status, content_type) == (200, "text/csv; charset=utf-8")
    done = run_cli("query", "country-profile", "--param", "country=malaysia", "--format", "csv")
    assert done.returncode == 0, done.stderr
    # both write SPARQL CSV's CRLF line ends; run_cli reads text, which turns them into LF
    assert body.decode("utf-8").replace("\r\n", "\n") == done.stdout


def test_grlc_json_without_a_suffix(grlc):
    """grlc's web form asks for `application/json` and grlc passes the Accept header on
    unchanged; a SPARQL endpoint answers it with SPARQL JSON, as Oxigraph does."""
    status, content_type, body = grlc.get("/capability-gaps", accept="application/json")
    assert status == 200
    assert content_type.startswith(SPARQL_JSON), body.decode(errors="replace")
    assert Answer.from_json(body) == via_rekg_query("capability-gaps", {})
