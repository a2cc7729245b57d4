"""The server's stored-query API, in-process: typed parameters, answers kept per query,
parameters and format, errors that name the right thing, the OpenAPI description; no bad
input gets a 500; and the data served from a project that has no dist/."""

import json
from urllib.parse import urlencode

import pytest
from rdflib import URIRef
from rdflib.namespace import RDF

from rekg.core.namespaces import ID, REKG
from rekg.serve.app import App
from rekg.serve.data import ServedData

from .server_helpers import SPARQL_JSON, call, error_of, get, rows_of

# --- the stored-query API -------------------------------------------------------------


EXPOSURE_CSV = """exposure,item,via
end use,https://w3id.org/rekg/id/defence-technologies,https://w3id.org/rekg/ontology#usedIn
end use,https://w3id.org/rekg/id/high-performance-magnets,https://w3id.org/rekg/ontology#usedIn
recipient,https://w3id.org/rekg/id/china,https://w3id.org/rekg/ontology#suppliesFeedstockTo
stage,https://w3id.org/rekg/id/magnets,https://w3id.org/rekg/ontology#upstreamOf
stage,https://w3id.org/rekg/id/manufacturing,https://w3id.org/rekg/ontology#upstreamOf
stage,https://w3id.org/rekg/id/metals-alloys,https://w3id.org/rekg/ontology#upstreamOf
stage,https://w3id.org/rekg/id/separation-refining,https://w3id.org/rekg/ontology#upstreamOf
stage controlled by a recipient,https://w3id.org/rekg/id/midstream,https://w3id.org/rekg/ontology#controlsStage
stage controlled by a recipient,https://w3id.org/rekg/id/separation-refining,https://w3id.org/rekg/ontology#controlsStage
"""


def test_api_runs_a_stored_query_with_typed_parameters(app):
    by_format = get(app, "/api/queries/disruption-exposure?country=Myanmar&format=csv")
    assert by_format.status == 200
    assert by_format.content_type == "text/csv; charset=utf-8"
    assert by_format.body.decode().replace("\r\n", "\n") == EXPOSURE_CSV
    by_accept = get(app, "/api/queries/disruption-exposure?country=id:myanmar", "text/csv")
    assert by_accept.body == by_format.body
    as_json = get(app, "/api/queries/disruption-exposure?country=myanmar")
    assert as_json.content_type == SPARQL_JSON
    expected = {tuple(line.split(",")) for line in EXPOSURE_CSV.splitlines()[1:]}
    assert rows_of(as_json) == expected
    defaults = get(app, "/api/queries/feedstock-suppliers", "application/json")
    assert defaults.content_type == "application/json"
    assert len(rows_of(defaults)) == 5


def test_api_answers_are_kept_per_query_parameters_and_format(served, served_site, catalogue):
    app = App(served, served_site, catalogue, timeout=5, row_cap=50, max_body=4096)
    first = get(app, "/api/queries/country-profile?country=myanmar", "text/csv")
    # the same typed parameter, spelled another way, is the same answer
    again = get(app, "/api/queries/country-profile?country=Myanmar", "text/csv")
    assert (again.status, again.body, again.content_type) == (200, first.body, first.content_type)
    assert len(app._answers) == 1
    other = get(app, "/api/queries/country-profile?country=thailand", "text/csv")
    as_json = get(app, "/api/queries/country-profile?country=myanmar", SPARQL_JSON)
    assert other.body != first.body and as_json.content_type == SPARQL_JSON
    assert len(app._answers) == 3
    assert len(first.body.decode().strip().splitlines()) == 1 + 11


def test_api_errors_name_the_right_thing(app):
    unknown = get(app, "/api/queries/disruption-exposur")
    assert unknown.status == 404
    assert error_of(unknown)["did_you_mean"] == "disruption-exposure"
    param = get(app, "/api/queries/disruption-exposure?contry=myanmar")
    assert param.status == 400
    assert error_of(param) == {
        "status": 400,
        "error": "query 'disruption-exposure' has no parameter 'contry' (its parameters: country)",
        "parameters": ["country"],
        "remedy": "did you mean ?country=...?",
    }
    value = get(app, "/api/queries/disruption-exposure?country=myanmr")
    assert value.status == 400
    assert error_of(value)["error"] == "parameter country: nothing in the graph is called 'myanmr'"
    spliced = get(
        app,
        "/api/queries/disruption-exposure?" + urlencode({"country": "<x> } . ?s ?p ?o . { <y>"}),
    )
    assert spliced.status == 400
    assert get(app, "/api/queries/disruption-exposure?format=xml").status == 400
    assert get(app, "/api/queries/disruption-exposure", "text/turtle").status == 406
    assert call(app, "POST", "/api/queries/disruption-exposure").status == 405


def test_openapi_lists_every_stored_query(app, catalogue):
    response = get(app, "/api/openapi.json")
    assert response.status == 200
    doc = json.loads(response.body)
    assert doc["openapi"].startswith("3.")
    assert set(doc["paths"]) == {f"/api/queries/{name}" for name in catalogue}
    for name, query in catalogue.items():
        params = doc["paths"][f"/api/queries/{name}"]["get"]["parameters"]
        described = {p["name"]: p["schema"].get("default") for p in params}
        assert described == {p.name: p.default for p in query.params} | {"format": None}
    exposure = doc["paths"]["/api/queries/disruption-exposure"]["get"]
    assert exposure["summary"] == catalogue["disruption-exposure"].summary


# --- bad input, and a project without dist/ -------------------------------------------


@pytest.mark.parametrize(
    ("method", "target", "headers", "body"),
    [
        ("GET", "/id/", {}, b""),
        ("GET", "/id/%ff%fe", {"Accept": "text/turtle"}, b""),
        ("GET", "/id/malaysia", {"Accept": ";;;,,,q=/"}, b""),
        ("GET", "/id/malaysia.exe", {}, b""),
        ("GET", "/ontology/../../etc/passwd", {}, b""),
        ("GET", "/sparql?query=%ff%fe", {"Accept": SPARQL_JSON}, b""),
        (
            "GET",
            "/sparql?query=SELECT%20*%20WHERE%20%7B%3Fs%20%3Fp%20%3Fo%7D&default-graph-uri=",
            {},
            b"",
        ),
        ("POST", "/sparql", {"Content-Type": "application/x-www-form-urlencoded"}, b"query=%ff"),
        ("POST", "/sparql", {"Content-Type": "application/x-www-form-urlencoded"}, b"\xff\xfe"),
        ("POST", "/sparql", {"Content-Type": "application/sparql-query; charset"}, b"ASK {}"),
        ("GET", "/sparql?query=SELECT%20(1%2F0%20AS%20%3Fx)%20%7B%7D", {}, b""),
        ("GET", "/sparql?query=ASK%20%7B%20FILTER(%3Fx)%20%7D", {}, b""),
        ("GET", "/sparql?query=SELECT%20*%20FROM%20%3Cnot%20an%20iri%3E%20%7B%7D", {}, b""),
        ("GET", "/api/queries/", {}, b""),
        ("GET", "/api/queries/disruption-exposure?country=", {}, b""),
        ("GET", "/api/queries/relation-evidence?subject=%3Chttp%3A%2F%2Fa%20b%3E", {}, b""),
        ("GET", "/api/nothing", {}, b""),
        ("OPTIONS", "/", {}, b""),
        ("GET", "/.well-known/void", {"Accept": "*/*;q=0"}, b""),
    ],
)
def test_bad_input_never_gets_a_500(app, method, target, headers, body):
    response = call(app, method, target, headers, body)
    assert response.status < 500
    assert b"Traceback" not in response.body


def test_served_data_from_a_project_without_dist(tmp_path):
    """Without a built dist/, the server loads and reasons afresh, and writes nothing."""
    from rekg.export.named import NamedGraphs

    from .conftest import copy_project

    project = copy_project(tmp_path)
    data = ServedData.from_project(project)
    assert not project.dist.exists()
    assert data.knows(ID.malaysia)
    receives = URIRef(str(REKG._NS) + "receivesFeedstockFrom")
    assert (ID.china, receives, ID.myanmar) in data.closure
    assert (ID.china, receives, ID.myanmar) not in data.asserted
    # the default graph (the closure), the asserted and inferred graphs, one graph a source
    sources = NamedGraphs.of(data.asserted)
    assert len(data.store) == 2 * len(data.closure) + len(data.asserted) + len(sources)
    assert (None, RDF.type, URIRef("http://rdfs.org/ns/void#Dataset")) in data.void
