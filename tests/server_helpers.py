"""What the server tests send and read: a request to the handler in-process, a SPARQL
query by GET, the rows or the error of an answer, and the queries several files ask."""

import json
from urllib.parse import quote, urlencode

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
