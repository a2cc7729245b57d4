"""What the server tests send and read: a request to the handler in-process, a SPARQL
query by GET, the rows or the error of an answer, the queries several files ask, and the
app served over a real socket on loopback (`serving`, `fetch`)."""

import json
import threading
import urllib.error
import urllib.request
from contextlib import contextmanager
from urllib.parse import quote, urlencode

from rekg.serve.app import make_server
from rekg.serve.http import Request

HTML, TTL, JSONLD, NT = "text/html", "text/turtle", "application/ld+json", "application/n-triples"
RDFLIB = {TTL: "turtle", JSONLD: "json-ld", NT: "nt"}
SPARQL_JSON = "application/sparql-results+json"

SUPPLIERS = "PREFIX rekg: <https://w3id.org/rekg/ontology#> SELECT ?s ?o WHERE { ?s rekg:suppliesFeedstockTo ?o }"
MYANMAR_CHINA = {("https://w3id.org/rekg/id/myanmar", "https://w3id.org/rekg/id/china")}


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


@contextmanager
def serving(app, quiet=True, close=True):
    """The app over a real socket on 127.0.0.1 (a free port), served by a thread: yields the
    server and its base URL. The server and the app's query workers are stopped on the way
    out, whether the test passed or not."""
    server = make_server(app, "127.0.0.1", 0, quiet=quiet)
    # a short poll, so that stopping the server takes no half-second per test
    thread = threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    try:
        yield server, f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()
        if close:  # not the session's shared app, which later tests still use
            app.close()
        thread.join(10)


def fetch(url, accept=None, data=None, headers=None, timeout=30):
    """(status, headers, body) of one request over a new connection; errors included."""
    request = urllib.request.Request(url, data=data, headers=headers or {})
    if accept:
        request.add_header("Accept", accept)
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            return response.status, dict(response.headers), response.read()
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers), error.read()


def sparql_url(base, query):
    return base + "/sparql?" + urlencode({"query": query}, quote_via=quote)
