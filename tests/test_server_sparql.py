"""The server's SPARQL endpoint, in-process: queries by GET and POST, every result format
and its negotiation, the dataset's graphs, the row cap, the time limit, refusals (updates,
anything that would fetch or read, protocol misuse) and the query page."""

import csv
import io
import json
import os
import socket
import time
from urllib.parse import urlencode

import pytest
from rdflib import Graph
from rdflib.compare import isomorphic
from rdflib.namespace import RDF

from rekg.core.namespaces import ID, REKG, SOURCE_GRAPH
from rekg.serve.app import App
from rekg.serve.data import ASSERTED_GRAPH, INFERRED_GRAPH

from .server_helpers import (
    JSONLD,
    MYANMAR_CHINA,
    NT,
    RDFLIB,
    SPARQL_JSON,
    SUPPLIERS,
    TTL,
    call,
    error_of,
    get,
    rows_of,
    sparql_get,
)

# --- SPARQL ---------------------------------------------------------------------------


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


def test_plain_json_is_answered_as_sparql_json(app):
    """As Oxigraph does: grlc's web form asks for application/json."""
    for query in (SUPPLIERS, "ASK {}"):
        response = sparql_get(app, query, "application/json")
        assert response.status == 200
        assert response.content_type == SPARQL_JSON
    assert rows_of(sparql_get(app, SUPPLIERS, "application/json")) == MYANMAR_CHINA
    either = sparql_get(app, SUPPLIERS, "application/json, text/csv;q=0.9")
    assert either.content_type == SPARQL_JSON
    assert sparql_get(app, SUPPLIERS, "application/json;q=0.5, text/csv").content_type == (
        "text/csv; charset=utf-8"
    )


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


def test_dataset_graphs(app, served, built):
    """Default graph: the closure; named graphs: the asserted graph, the closure, and the
    article's source graph (as many triples as its lines in dist/rekg.nq)."""
    count = "SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g ORDER BY ?g"
    doc = json.loads(sparql_get(app, count.replace("SELECT", "SELECT ?g")).body)
    counts = {b["g"]["value"]: int(b["n"]["value"]) for b in doc["results"]["bindings"]}
    article = str(SOURCE_GRAPH["china-sea-rare-earths"])
    assert counts == {
        ASSERTED_GRAPH: len(served.asserted),
        INFERRED_GRAPH: len(served.closure),
        article: built.files["rekg.nq"].count(f"<{article}> .\n".encode()),
    }
    assert counts[article] > 2000
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


@pytest.mark.slow
def test_time_limit(served):
    """A query over its time limit is answered 503 on time, and it is stopped then: its
    worker process is gone and the next query is answered at once by a fresh one."""
    app = App(served, None, {}, timeout=1, max_queries=1)
    try:
        assert sparql_get(app, "ASK {}").status == 200
        [first] = app.endpoint.pool.pids()
        slow = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f }"
        started = time.monotonic()
        response = sparql_get(app, slow)
        assert 1.0 <= time.monotonic() - started < 1.5
        assert response.status == 503
        assert error_of(response)["error"] == "the query ran over the time limit of 1 s"
        assert not os.path.exists(f"/proc/{first}")
        assert app.endpoint.pool.running() == 0
        after = sparql_get(app, "ASK {}")
        assert after.status == 200
        assert app.endpoint.pool.pids() != [first]
    finally:
        app.close()


def test_query_page(app, catalogue):
    response = get(app, "/sparql", "text/html,*/*;q=0.8")
    assert response.status == 200
    page = response.body.decode()
    for name in catalogue:
        assert f'<option value="{name}">' in page
    # scripts from this server only, and no inline code (the CSP allows neither)
    import re

    assert re.findall(r'<script src="([^"]*)"', page) == [
        "/static/yasgui/yasgui.min.js",
        "/static/rekg-sparql.js",
    ]
    inline = re.findall(r"<script( [^>]*)?>(?!</script>)", page)
    assert inline == [
        ' type="application/json" id="examples"',
        ' type="application/json" id="prefixes"',
    ]
