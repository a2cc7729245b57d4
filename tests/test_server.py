"""The server: the handler in-process (one plain function, Request -> Response), and a few
requests over a real socket on 127.0.0.1, including the `rekg serve` command itself."""

import csv
import io
import json
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path
from urllib.parse import quote, urlencode

import pytest
from rdflib import Graph, Literal, URIRef
from rdflib.compare import isomorphic
from rdflib.namespace import OWL, RDF, RDFS

from rekg.core.namespaces import ID, REKG
from rekg.query.catalogue import load_catalogue
from rekg.serve.app import App, make_server
from rekg.serve.data import ASSERTED_GRAPH, INFERRED_GRAPH, ServedData
from rekg.serve.http import Request

from .conftest import ROOT

HTML, TTL, JSONLD, NT = "text/html", "text/turtle", "application/ld+json", "application/n-triples"
RDFLIB = {TTL: "turtle", JSONLD: "json-ld", NT: "nt"}
SPARQL_JSON = "application/sparql-results+json"


@pytest.fixture(scope="session")
def served(built):
    void = Graph().parse(data=built.files["void.ttl"], format="turtle")
    return ServedData.from_graphs(
        built.loaded.graph, built.reasoned.closure, void, built.files["void.ttl"]
    )


@pytest.fixture(scope="session")
def site(tmp_path_factory):
    """A stand-in for `rekg publish`'s output, enough to check what the server takes from it."""
    root = tmp_path_factory.mktemp("site")
    (root / "id").mkdir()
    (root / "static").mkdir()
    (root / "index.html").write_text("<!DOCTYPE html><title>landing</title><p>landing page</p>")
    (root / "id" / "malaysia.html").write_text(
        "<!DOCTYPE html><title>Malaysia</title><h1>Malaysia</h1>"
    )
    (root / "ontology.html").write_text("<!DOCTYPE html><title>ontology</title>")
    (root / "static" / "site.css").write_text("body { color: black; }\n")
    (root / "ontology").mkdir()
    (root / "ontology" / "0.1.0.html").write_text("<!DOCTYPE html><title>version</title>")
    (root / "ontology" / "0.1.0.ttl").write_text(
        "<https://w3id.org/rekg/ontology/0.1.0> a <http://www.w3.org/2002/07/owl#Ontology> .\n"
    )
    return root


@pytest.fixture(scope="session")
def catalogue(project):
    return load_catalogue(project.queries)


@pytest.fixture(scope="session")
def app(served, site, catalogue):
    return App(served, site, catalogue, timeout=5, row_cap=50, max_body=4096)


def call(app, method, target, headers=None, body=b""):
    return app.handle(Request.make(method, target, headers or {}, body))


def get(app, target, accept=None):
    return call(app, "GET", target, {"Accept": accept} if accept else {})


def sparql_get(app, query, accept=SPARQL_JSON, **params):
    target = "/sparql?" + urlencode([("query", query), *params.items()], quote_via=quote)
    return get(app, target, accept)


def rows_of(response):
    doc = json.loads(response.body)
    return {
        tuple(b.get(v, {}).get("value") for v in doc["head"]["vars"])
        for b in doc["results"]["bindings"]
    }


def error_of(response):
    assert response.content_type == "application/json"
    return json.loads(response.body)


# --- resources ------------------------------------------------------------------------


@pytest.mark.parametrize("media_type", [TTL, JSONLD, NT])
def test_resource_negotiates_rdf(app, served, media_type):
    response = get(app, "/id/malaysia", media_type)
    assert response.status == 200
    assert response.content_type.split(";")[0] == media_type
    assert response.header("Vary") == "Accept"
    extension = {TTL: "ttl", JSONLD: "jsonld", NT: "nt"}[media_type]
    assert response.header("Content-Location") == f"/id/malaysia.{extension}"
    graph = Graph().parse(data=response.body, format=RDFLIB[media_type])
    assert isomorphic(graph, served.describe(ID.malaysia))
    assert (ID.malaysia, RDF.type, REKG.Country) in graph
    assert (ID.malaysia, RDFS.label, Literal("Malaysia", lang="en")) in graph
    # what points at it comes too: the claims about it
    assert (URIRef(str(ID) + "claim/china-sea-rare-earths-006"), REKG.about, ID.malaysia) in graph


def test_resource_html_is_the_published_page(app, site):
    browser = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"
    response = get(app, "/id/malaysia", browser)
    assert response.status == 200
    assert response.content_type == "text/html; charset=utf-8"
    assert response.body == (site / "id" / "malaysia.html").read_bytes()
    assert response.header("Content-Location") == "/id/malaysia.html"
    assert response.header("Vary") == "Accept"


def test_combined_accept_honours_q_values(app):
    response = get(app, "/id/malaysia", "text/html;q=0.5, application/ld+json;q=0.9, */*;q=0.1")
    assert response.content_type == JSONLD
    assert get(app, "/id/malaysia", "text/*, text/html;q=0").content_type.startswith(TTL)


def test_nothing_acceptable_is_406_listing_what_is(app):
    response = get(app, "/id/malaysia", "application/rdf+xml, image/png;q=0.5")
    assert response.status == 406
    assert response.header("Vary") == "Accept"
    assert error_of(response)["available"] == [HTML, TTL, NT, JSONLD]


def test_documents_by_name_are_not_negotiated(app, served):
    response = get(app, "/id/malaysia.nt", "text/html")
    assert response.status == 200
    assert response.content_type == NT
    assert response.header("Vary") is None
    assert isomorphic(Graph().parse(data=response.body, format="nt"), served.describe(ID.malaysia))


def test_claim_description_carries_its_evidence(app):
    response = get(app, "/id/claim/china-sea-rare-earths-065", TTL)
    assert response.status == 200
    graph = Graph().parse(data=response.body, format="turtle")
    claim = URIRef(str(ID) + "claim/china-sea-rare-earths-065")
    evidence = graph.value(claim, REKG.evidence)
    exacts = {str(o) for o in graph.objects(None, URIRef("http://www.w3.org/ns/oa#exact"))}
    assert evidence is not None
    assert exacts == {"Myanmar already plays a pivotal role in China’s rare-earth supply chain"}


def test_unknown_slug_is_404(app):
    response = get(app, "/id/atlantis", TTL)
    assert response.status == 404
    assert error_of(response)["error"] == "nothing in the graph is called id/atlantis"
    page = get(app, "/id/atlantis", "text/html")
    assert page.status == 404
    assert page.content_type == "text/html; charset=utf-8"
    assert b"nothing in the graph is called id/atlantis" in page.body


def test_ontology_negotiates(app, site):
    response = get(app, "/ontology", TTL)
    assert response.status == 200
    assert response.header("Content-Location") == "/ontology.ttl"
    graph = Graph().parse(data=response.body, format="turtle")
    assert (REKG.Country, RDF.type, OWL.Class) in graph
    assert (REKG.Country, RDFS.subClassOf, REKG.Actor) in graph
    assert (ID.malaysia, None, None) not in graph
    html = get(app, "/ontology", "text/html")
    assert html.body == (site / "ontology.html").read_bytes()


def test_void_is_negotiated(app, built):
    turtle = get(app, "/.well-known/void", TTL)
    assert turtle.status == 200
    assert turtle.body == built.files["void.ttl"]
    assert turtle.header("Vary") == "Accept"
    jsonld = get(app, "/.well-known/void", JSONLD)
    expected = Graph().parse(data=built.files["void.ttl"], format="turtle")
    assert isomorphic(Graph().parse(data=jsonld.body, format="json-ld"), expected)
    html = get(app, "/.well-known/void", "text/html")
    assert (html.status, html.header("Location"), html.header("Vary")) == (303, "/", "Accept")
    assert get(app, "/.well-known/void", "image/png").status == 406


def test_other_published_documents_are_negotiated(app, site):
    """The ontology's version IRI is published as files side by side; the server negotiates
    among those that exist."""
    turtle = get(app, "/ontology/0.1.0", "text/turtle, text/html;q=0.5")
    assert turtle.status == 200
    assert turtle.body == (site / "ontology" / "0.1.0.ttl").read_bytes()
    assert turtle.header("Content-Location") == "/ontology/0.1.0.ttl"
    assert turtle.header("Vary") == "Accept"
    html = get(app, "/ontology/0.1.0", "text/html")
    assert html.body == (site / "ontology" / "0.1.0.html").read_bytes()
    missing = get(app, "/ontology/0.1.0", "application/ld+json")
    assert missing.status == 406
    assert error_of(missing)["available"] == [HTML, TTL]


def test_fallback_page_escapes_data(tmp_path):
    """Without a published site the server renders a plain page; data never becomes markup."""
    hostile = "<script>alert(1)</script>"
    graph = Graph()
    graph.add((ID.evil, RDFS.label, Literal(hostile, lang="en")))
    app = App(ServedData.from_graphs(graph, graph, Graph()), None, {})
    response = get(app, "/id/evil", "text/html")
    assert response.status == 200
    assert hostile.encode() not in response.body
    assert b"&lt;script&gt;alert(1)&lt;/script&gt;" in response.body
    home = get(app, "/", "text/html")
    assert home.status == 200
    assert b'href="/sparql"' in home.body


def test_static_files_and_traversal(app):
    css = get(app, "/static/site.css")
    assert css.status == 200
    assert css.content_type == "text/css; charset=utf-8"
    assert get(app, "/").body.startswith(b"<!DOCTYPE html><title>landing")
    assert get(app, "/../../etc/passwd").status == 404
    assert get(app, "/static/%2e%2e/%2e%2e/etc/passwd").status == 404
    assert get(app, "/no/such/page").status == 404


def test_methods_other_than_get_are_405(app):
    response = call(app, "DELETE", "/id/malaysia")
    assert response.status == 405
    assert response.header("Allow") == "GET, HEAD"
    head = call(app, "HEAD", "/id/malaysia", {"Accept": TTL})
    assert head.status == 200
    assert head.body == b""
    assert int(head.header("Content-Length")) == len(get(app, "/id/malaysia", TTL).body)


# --- SPARQL ---------------------------------------------------------------------------

SUPPLIERS = "PREFIX rekg: <https://w3id.org/rekg/ontology#> SELECT ?s ?o WHERE { ?s rekg:suppliesFeedstockTo ?o }"
MYANMAR_CHINA = {("https://w3id.org/rekg/id/myanmar", "https://w3id.org/rekg/id/china")}
INVERSE = (
    "ASK { <https://w3id.org/rekg/id/china> "
    "<https://w3id.org/rekg/ontology#receivesFeedstockFrom> <https://w3id.org/rekg/id/myanmar> }"
)


def test_select_by_get_post_form_and_post_direct(app):
    assert rows_of(sparql_get(app, SUPPLIERS)) == MYANMAR_CHINA
    form = call(
        app,
        "POST",
        "/sparql",
        {"Content-Type": "application/x-www-form-urlencoded", "Accept": SPARQL_JSON},
        urlencode({"query": SUPPLIERS}).encode(),
    )
    assert rows_of(form) == MYANMAR_CHINA
    direct = call(
        app,
        "POST",
        "/sparql",
        {"Content-Type": "application/sparql-query", "Accept": SPARQL_JSON},
        SUPPLIERS.encode(),
    )
    assert direct.status == 200
    assert direct.content_type == SPARQL_JSON
    assert rows_of(direct) == MYANMAR_CHINA


def test_select_as_xml_csv_tsv(app):
    xml = sparql_get(app, SUPPLIERS, "application/sparql-results+xml")
    assert xml.content_type == "application/sparql-results+xml"
    assert b"<uri>https://w3id.org/rekg/id/myanmar</uri>" in xml.body
    import xml.etree.ElementTree as ET

    ET.fromstring(xml.body)  # well-formed
    csv_response = sparql_get(app, SUPPLIERS, "text/csv")
    assert csv_response.content_type == "text/csv; charset=utf-8"
    assert list(csv.reader(io.StringIO(csv_response.body.decode()))) == [
        ["s", "o"],
        ["https://w3id.org/rekg/id/myanmar", "https://w3id.org/rekg/id/china"],
    ]
    tsv = sparql_get(app, SUPPLIERS, "text/tab-separated-values")
    assert tsv.body.decode() == (
        "?s\t?o\n<https://w3id.org/rekg/id/myanmar>\t<https://w3id.org/rekg/id/china>\n"
    )


def test_literals_in_json_results(app):
    query = 'SELECT ?l ?n ?s WHERE { <https://w3id.org/rekg/id/malaysia> <http://www.w3.org/2000/01/rdf-schema#label> ?l BIND(7 AS ?n) BIND("a,\\"b" AS ?s) }'
    doc = json.loads(sparql_get(app, query).body)
    assert doc["results"]["bindings"] == [
        {
            "l": {"type": "literal", "value": "Malaysia", "xml:lang": "en"},
            "n": {
                "type": "literal",
                "value": "7",
                "datatype": "http://www.w3.org/2001/XMLSchema#integer",
            },
            "s": {"type": "literal", "value": 'a,"b'},
        }
    ]
    assert sparql_get(app, query, "text/csv").body.decode() == 'l,n,s\r\nMalaysia,7,"a,""b"\r\n'


def test_ask_as_json_and_xml(app):
    assert json.loads(sparql_get(app, INVERSE).body) == {"head": {}, "boolean": True}
    xml = sparql_get(app, INVERSE, "application/sparql-results+xml")
    assert b"<boolean>true</boolean>" in xml.body
    assert sparql_get(app, INVERSE, "text/csv").status == 406


def test_select_asked_for_turtle_is_406_never_another_format(app):
    response = sparql_get(app, SUPPLIERS, "text/turtle")
    assert response.status == 406
    assert response.header("Vary") == "Accept"
    assert error_of(response)["available"] == [
        "application/sparql-results+json",
        "application/sparql-results+xml",
        "text/csv",
        "text/tab-separated-values",
    ]


@pytest.mark.parametrize("media_type", [TTL, NT, JSONLD])
def test_construct_and_describe_as_rdf(app, served, media_type):
    construct = (
        "CONSTRUCT { ?s ?p ?o } WHERE { BIND(<https://w3id.org/rekg/id/malaysia> AS ?s) ?s ?p ?o }"
    )
    response = sparql_get(app, construct, media_type)
    assert response.status == 200
    assert response.content_type.split(";")[0] == media_type
    graph = Graph().parse(data=response.body, format=RDFLIB[media_type])
    expected = Graph()
    for triple in served.closure.triples((ID.malaysia, None, None)):
        expected.add(triple)
    assert isomorphic(graph, expected)
    describe = sparql_get(app, "DESCRIBE <https://w3id.org/rekg/id/malaysia>", media_type)
    assert describe.status == 200
    described = Graph().parse(data=describe.body, format=RDFLIB[media_type])
    assert (ID.malaysia, RDF.type, REKG.Country) in described
    assert sparql_get(app, construct, SPARQL_JSON).status == 406


def test_dataset_graphs(app, served):
    """Default graph: the closure; named graphs: the asserted graph and the closure."""
    count = "SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g ORDER BY ?g"
    doc = json.loads(sparql_get(app, count.replace("SELECT", "SELECT ?g")).body)
    counts = {b["g"]["value"]: int(b["n"]["value"]) for b in doc["results"]["bindings"]}
    assert counts == {ASSERTED_GRAPH: len(served.asserted), INFERRED_GRAPH: len(served.closure)}
    # an inferred triple: in the default graph, not in the asserted graph
    assert json.loads(sparql_get(app, INVERSE).body)["boolean"] is True
    asserted_only = sparql_get(app, INVERSE, **{"default-graph-uri": ASSERTED_GRAPH})
    assert json.loads(asserted_only.body)["boolean"] is False
    from_clause = INVERSE.replace("ASK {", f"ASK FROM <{ASSERTED_GRAPH}> {{")
    assert json.loads(sparql_get(app, from_clause).body)["boolean"] is False
    named = f"ASK {{ GRAPH <{INFERRED_GRAPH}> {{ ?s ?p ?o }} }}"
    only_asserted = sparql_get(app, named, **{"named-graph-uri": ASSERTED_GRAPH})
    assert json.loads(only_asserted.body)["boolean"] is False


def test_row_cap_truncates_and_says_so(app):
    response = sparql_get(app, "SELECT * WHERE { ?s ?p ?o }")
    assert response.status == 200
    assert len(rows_of(response)) == 50
    assert response.header("X-SPARQL-MaxRows") == "50"
    assert sparql_get(app, SUPPLIERS).header("X-SPARQL-MaxRows") is None


def test_bad_query_is_400_with_the_parsers_message(app):
    response = sparql_get(app, "SELECT * WHERE { ?s ?p ")
    assert response.status == 400
    assert error_of(response)["error"].startswith("the query does not parse: error at 1:24")
    html = sparql_get(app, "SELECT * WHERE { ?s ?p ", "text/html")
    assert html.status == 400
    assert b"<title>400 Bad Request</title>" in html.body


@pytest.mark.parametrize(
    "update",
    [
        "INSERT DATA { <http://a> <http://b> <http://c> }",
        "PREFIX ex: <http://example.org/>\n# a comment\nDELETE WHERE { ?s ?p ?o }",
        "LOAD <http://example.org/data.ttl>",
        "clear all",
        "DROP GRAPH <https://w3id.org/rekg/graph/asserted>",
    ],
)
def test_updates_are_refused(app, served, update):
    before = len(served.store)
    for response in (
        sparql_get(app, update),
        call(
            app,
            "POST",
            "/sparql",
            {"Content-Type": "application/x-www-form-urlencoded"},
            urlencode({"update": update}).encode(),
        ),
        call(
            app, "POST", "/sparql", {"Content-Type": "application/sparql-update"}, update.encode()
        ),
    ):
        assert response.status == 403
        assert error_of(response)["error"] == "this endpoint is read-only: SPARQL Update is refused"
    assert len(served.store) == before


class _Listener:
    """A real socket that counts the connections made to it: the endpoint must make none."""

    def __init__(self):
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(5)
        self.sock.settimeout(0.2)
        self.url = f"http://127.0.0.1:{self.sock.getsockname()[1]}/data"

    def connections(self) -> int:
        count = 0
        while True:
            try:
                conn, _ = self.sock.accept()
            except TimeoutError:
                return count
            conn.close()
            count += 1


@pytest.mark.parametrize(
    ("template", "reason"),
    [
        (
            "SELECT * WHERE { SERVICE <URL> { ?s ?p ?o } }",
            "SERVICE <URL> is refused: the endpoint never fetches",
        ),
        (
            "SELECT * WHERE { ?x ?y ?z OPTIONAL { SERVICE SILENT <URL> { ?s ?p ?o } } }",
            "SERVICE <URL> is refused: the endpoint never fetches",
        ),
        (
            "SELECT * WHERE { \\u0053ERVICE <URL> { ?s ?p ?o } }",
            "SERVICE <URL> is refused: the endpoint never fetches",
        ),
        (
            "SELECT * FROM <URL> WHERE { ?s ?p ?o }",
            "FROM <URL> names a graph this endpoint does not hold (it never fetches one)",
        ),
        (
            "ASK FROM NAMED <URL> { GRAPH ?g { ?s ?p ?o } }",
            "FROM NAMED <URL> names a graph this endpoint does not hold (it never fetches one)",
        ),
        (
            "SELECT * FROM <file:///etc/passwd> WHERE { ?s ?p ?o }",
            "FROM <file:///etc/passwd> names a graph this endpoint does not hold (it never fetches one)",
        ),
    ],
)
def test_nothing_is_fetched_or_read(app, template, reason):
    listener = _Listener()
    query = template.replace("URL", listener.url)
    response = sparql_get(app, query)
    assert response.status == 403
    assert error_of(response)["error"] == "refused before evaluation: " + reason.replace(
        "URL", listener.url
    )
    assert listener.connections() == 0


def test_protocol_refusals(app):
    put = call(app, "PUT", "/sparql?query=ASK%7B%7D")
    assert (put.status, put.header("Allow")) == (405, "GET, POST")
    no_type = call(app, "POST", "/sparql", {}, b"ASK {}")
    assert no_type.status == 415
    wrong_type = call(app, "POST", "/sparql", {"Content-Type": "text/plain"}, b"ASK {}")
    assert wrong_type.status == 415
    utf16 = call(
        app,
        "POST",
        "/sparql",
        {"Content-Type": "application/sparql-query; charset=UTF-16"},
        "ASK {}".encode("utf-16"),
    )
    assert utf16.status == 415
    bad_bytes = call(
        app, "POST", "/sparql", {"Content-Type": "application/sparql-query"}, b"ASK {\xff}"
    )
    assert bad_bytes.status == 400
    two = get(app, "/sparql?query=ASK%7B%7D&query=ASK%7B%7D", SPARQL_JSON)
    assert two.status == 400
    assert error_of(two)["error"] == "the request has 2 'query' parameters; give one"
    big = call(app, "POST", "/sparql", {"Content-Type": "application/sparql-query"}, b" " * 5000)
    assert big.status == 413
    no_query = get(app, "/sparql", SPARQL_JSON)
    assert no_query.status == 400
    bad_graph = sparql_get(app, "ASK {}", **{"default-graph-uri": "not an iri"})
    assert bad_graph.status == 400


def test_time_limit(served):
    """A query over its time limit is answered 503 on time; while it still runs, new queries
    are turned away at once rather than piling up."""
    app = App(served, None, {}, timeout=0.3)
    app.endpoint.max_runaway = 1
    slow = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f }"
    started = time.monotonic()
    response = sparql_get(app, slow)
    assert time.monotonic() - started < 1.0
    assert response.status == 503
    assert error_of(response)["error"] == "the query ran over the time limit of 0.3 s"
    busy = sparql_get(app, "ASK {}")
    assert busy.status == 503
    assert busy.header("Retry-After") == "0"
    deadline = time.monotonic() + 30
    while app.endpoint._runaway and time.monotonic() < deadline:
        time.sleep(0.05)
    assert sparql_get(app, "ASK {}").status == 200


def test_query_page(app, catalogue):
    response = get(app, "/sparql", "text/html,*/*;q=0.8")
    assert response.status == 200
    page = response.body.decode()
    for name in catalogue:
        assert f'<option value="{name}">' in page
    assert "<script src=" not in page  # nothing from elsewhere
    assert "http://" not in page.split("<script>")[1]


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


def test_api_answers_are_kept_per_query_parameters_and_format(served, site, catalogue):
    app = App(served, site, catalogue, timeout=5, row_cap=50, max_body=4096)
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


# --- over a real socket ---------------------------------------------------------------


@pytest.fixture(scope="module")
def live(app):
    server = make_server(app, "127.0.0.1", 0, quiet=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


def fetch(url, accept=None, data=None, headers=None):
    request = urllib.request.Request(url, data=data, headers=headers or {})
    if accept:
        request.add_header("Accept", accept)
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, dict(response.headers), response.read()
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers), error.read()


def test_turtle_over_a_real_socket(live, served, capsys):
    status, headers, body = fetch(live + "/id/malaysia", TTL)
    assert status == 200
    assert headers["Content-Type"] == "text/turtle; charset=utf-8"
    assert headers["Vary"] == "Accept"
    assert isomorphic(Graph().parse(data=body, format="turtle"), served.describe(ID.malaysia))
    timings = []
    for _ in range(50):
        started = time.perf_counter()
        fetch(live + "/id/china", TTL)
        timings.append((time.perf_counter() - started) * 1000)
    timings.sort()
    with capsys.disabled():
        print(
            f"\nresource request over loopback: median {timings[25]:.1f} ms, max {timings[-1]:.1f} ms"
        )


def test_sparql_and_errors_over_a_real_socket(live):
    status, headers, body = fetch(live + "/sparql?" + urlencode({"query": SUPPLIERS}), SPARQL_JSON)
    assert status == 200
    assert rows_of(type("R", (), {"body": body})) == MYANMAR_CHINA
    status, headers, body = fetch(
        live + "/sparql",
        data=b"x" * 5000,
        headers={"Content-Type": "application/sparql-query"},
    )
    assert status == 413
    assert json.loads(body)["error"] == "the request body (5000 bytes) is over 4096 bytes"
    status, _, body = fetch(live + "/sparql?" + urlencode({"query": "ASK {"}), SPARQL_JSON)
    assert status == 400
    assert b"Traceback" not in body


def _start_cli(*args):
    rekg = Path(sys.executable).with_name("rekg")
    process = subprocess.Popen(
        [str(rekg), "serve", "--port", "0", "--quiet", *args],
        cwd=ROOT,
        stderr=subprocess.PIPE,
        text=True,
    )
    line = process.stderr.readline()
    return process, line


def test_rekg_serve_command(tmp_path):
    process, line = _start_cli("--site", str(tmp_path))
    try:
        assert line.startswith("rekg serve: http://127.0.0.1:"), line
        url = line.split()[2].rstrip("/")
        status, headers, body = fetch(url + "/id/malaysia", TTL)
        assert status == 200
        graph = Graph().parse(data=body, format="turtle")
        assert (ID.malaysia, RDF.type, REKG.Country) in graph
    finally:
        process.terminate()
        process.wait(timeout=10)


def test_rekg_serve_bad_usage():
    from .conftest import run_cli

    result = run_cli("serve", "--timeout", "0")
    assert result.returncode == 2
    assert "--timeout, --row-cap and --max-body must be positive" in result.stderr
    result = run_cli("serve", "--site", "/no/such/site")
    assert result.returncode == 2
    assert "no site folder at /no/such/site" in result.stderr


def test_served_data_from_a_project_without_dist(tmp_path):
    """Without a built dist/, the server loads and reasons afresh, and writes nothing."""
    from .conftest import copy_project

    project = copy_project(tmp_path)
    data = ServedData.from_project(project)
    assert not project.dist.exists()
    assert data.knows(ID.malaysia)
    receives = URIRef(str(REKG._NS) + "receivesFeedstockFrom")
    assert (ID.china, receives, ID.myanmar) in data.closure
    assert (ID.china, receives, ID.myanmar) not in data.asserted
    assert len(data.store) == 2 * len(data.closure) + len(data.asserted)
    assert (None, RDF.type, URIRef("http://rdfs.org/ns/void#Dataset")) in data.void


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


def test_every_project_iri_dereferences(app, served):
    """Every IRI of the asserted graph under https://w3id.org/rekg/id/ answers, as Turtle
    and as a page (a hash IRI through the document it belongs to)."""
    base = "https://w3id.org/rekg/"
    documents = {
        str(node).split("#")[0][len(base) :]
        for triple in served.asserted
        for node in triple
        if isinstance(node, URIRef) and str(node).startswith(base + "id/")
    }
    assert len(documents) > 200
    failures = []
    for document in sorted(documents):
        for accept in (TTL, HTML):
            response = get(app, "/" + document, accept)
            if response.status != 200 or not response.body:
                failures.append((document, accept, response.status))
    assert failures == []
