"""A small runner for the W3C SPARQL 1.1 Protocol tests (the manifest in
tests/conformance/w3c-sparql11-protocol/): it loads each test's named data graphs into
the endpoint's store, sends each request over a real socket exactly as written (method,
path, headers, body in its declared encoding), and checks status, result format and boolean.

The endpoint is read-only, so an update test passes when its update is refused cleanly: a
403 with a JSON message, and nothing changed. Query and bad-request tests must pass as the
manifest says."""

import http.client
import json
import threading
import xml.etree.ElementTree as ET
from dataclasses import dataclass, field
from pathlib import Path

import pyoxigraph as ox
from rdflib import RDF, RDFS, Graph, Namespace
from rdflib.collection import Collection

SUITE = Path(__file__).resolve().parent / "conformance" / "w3c-sparql11-protocol"
MANIFEST = SUITE / "manifest.ttl"
MF = Namespace("http://www.w3.org/2001/sw/DataAccess/tests/test-manifest#")
HT = Namespace("http://www.w3.org/2011/http#")
CNT = Namespace("http://www.w3.org/2011/content#")
UT = Namespace("http://www.w3.org/2009/sparql/tests/test-update#")
HTS = Namespace("http://www.w3.org/2011/http-statusCodes#")

BOOLEAN_TYPES = {"application/sparql-results+json", "application/sparql-results+xml"}
TABULAR_TYPES = BOOLEAN_TYPES | {"text/csv", "text/tab-separated-values"}
RDF_TYPES = {
    "text/turtle": "turtle",
    "application/n-triples": "nt",
    "application/rdf+xml": "xml",
    "application/ld+json": "json-ld",
}


@dataclass
class HttpRequest:
    method: str
    path: str
    headers: dict[str, str]
    body: bytes | None
    statuses: set[int]  # the acceptable status classes: 2, 3, 4
    format: str | None
    boolean: bool | None

    @property
    def is_update(self) -> bool:
        content_type = self.headers.get("content-type", "")
        return "sparql-update" in content_type or (self.body or b"").startswith(b"update=")


@dataclass
class ProtocolTest:
    name: str
    title: str
    graphs: dict[str, Path]  # graph IRI -> data file
    requests: list[HttpRequest]

    @property
    def kind(self) -> str:
        if self.name.startswith("update_"):
            return "update"
        return "bad request" if self.name.startswith("bad_") else "query"


@dataclass
class Outcome:
    test: ProtocolTest
    passed: bool
    detail: str = ""
    statuses: list[int] = field(default_factory=list)


def load_manifest(path: Path = MANIFEST) -> list[ProtocolTest]:
    g = Graph().parse(path, format="turtle")
    manifest = next(g.subjects(RDF.type, MF.Manifest))
    tests = []
    for node in Collection(g, g.value(manifest, MF.entries)):
        graphs = {}
        for data in g.objects(node, UT.graphData):
            graphs[str(g.value(data, RDFS.label))] = Path(str(g.value(data, UT.graph))[7:])
        requests = []
        action = g.value(node, MF.action)
        for req in Collection(g, g.value(action, HT.requests)):
            headers = {}
            if (listed := g.value(req, HT.headers)) is not None:
                for header in Collection(g, listed):
                    headers[str(g.value(header, HT.fieldName)).lower()] = str(
                        g.value(header, HT.fieldValue)
                    )
            body = None
            if (content := g.value(req, HT.body)) is not None:
                encoding = str(g.value(content, CNT.characterEncoding) or "UTF-8")
                body = str(g.value(content, CNT.chars)).encode(encoding)
            resp = g.value(req, HT.resp)
            statuses = {
                int(str(s).rsplit("StatusCode", 1)[1][0])
                for s in g.objects(resp, MF.expectedStatus)
            }
            fmt = g.value(resp, MF.expectedFormat)
            boolean = g.value(resp, MF.expectedBoolean)
            requests.append(
                HttpRequest(
                    str(g.value(req, HT.methodName)),
                    str(g.value(req, HT.absolutePath)),
                    headers,
                    body,
                    statuses,
                    str(fmt) if fmt is not None else None,
                    boolean.toPython() if boolean is not None else None,
                )
            )
        tests.append(
            ProtocolTest(str(node).rsplit("#", 1)[1], str(g.value(node, MF.name)), graphs, requests)
        )
    return tests


def store_for(tests: list[ProtocolTest]) -> ox.Store:
    """Every data graph the tests name, each loaded as the named graph its label gives."""
    store = ox.Store()
    loaded = {}
    for test in tests:
        loaded.update(test.graphs)
    for name, path in sorted(loaded.items()):
        store.load(path=str(path), format=ox.RdfFormat.N_TRIPLES, to_graph=ox.NamedNode(name))
    return store


def _send(host: str, port: int, request: HttpRequest):
    connection = http.client.HTTPConnection(host, port, timeout=30)
    try:
        connection.putrequest(request.method, request.path, skip_accept_encoding=True)
        for name, value in request.headers.items():
            connection.putheader(name, value)
        connection.putheader("Content-Length", str(len(request.body or b"")))
        connection.endheaders(request.body)
        response = connection.getresponse()
        return response.status, response.getheader("Content-Type") or "", response.read()
    finally:
        connection.close()


def _check(request: HttpRequest, status: int, content_type: str, body: bytes) -> str | None:
    """What is wrong with this response, or None."""
    if status // 100 not in request.statuses:
        return f"status {status}, expected {sorted(request.statuses)}xx"
    media_type = content_type.split(";")[0].strip().lower()
    if request.format == "boolean" or request.boolean is not None:
        if media_type not in BOOLEAN_TYPES:
            return f"a boolean result as {media_type!r}"
        if media_type.endswith("json"):
            value = json.loads(body).get("boolean")
        else:
            node = ET.fromstring(body).find("{http://www.w3.org/2005/sparql-results#}boolean")
            value = None if node is None else node.text == "true"
        if not isinstance(value, bool):
            return "no boolean in the result"
        if request.boolean is not None and value is not request.boolean:
            return f"boolean {value}, expected {request.boolean}"
    elif request.format == "tabular":
        if media_type not in TABULAR_TYPES:
            return f"a tabular result as {media_type!r}"
        if media_type.endswith("json"):
            json.loads(body)["results"]["bindings"]
    elif request.format == "RDF":
        if media_type not in RDF_TYPES:
            return f"an RDF result as {media_type!r}"
        Graph().parse(data=body, format=RDF_TYPES[media_type])
    return None


def run(tests: list[ProtocolTest], host: str, port: int) -> list[Outcome]:
    outcomes = []
    for test in tests:
        outcome = Outcome(test, True)
        for request in test.requests:
            status, content_type, body = _send(host, port, request)
            outcome.statuses.append(status)
            if test.kind == "update" and request.is_update:
                error = (
                    json.loads(body).get("error", "")
                    if content_type.startswith("application/json")
                    else ""
                )
                if status != 403 or "read-only" not in error:
                    outcome.passed, outcome.detail = (
                        False,
                        f"update answered {status}: {body[:200]!r}",
                    )
                # the update was refused, so the requests that check its effect do not apply
                break
            problem = _check(request, status, content_type, body)
            if problem:
                outcome.passed, outcome.detail = (
                    False,
                    f"{request.method} {request.path}: {problem}",
                )
                break
        outcomes.append(outcome)
    return outcomes


def serve_store(store: ox.Store):
    """A real `rekg serve` server on a free port of 127.0.0.1 over `store`."""
    from rekg.serve.app import App, make_server
    from rekg.serve.data import ServedData

    empty = Graph()
    app = App(ServedData(empty, empty, empty, store), None, {})
    server = make_server(app, "127.0.0.1", 0, quiet=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


def summary(outcomes: list[Outcome]) -> str:
    passed = sum(o.passed for o in outcomes)
    updates = [o for o in outcomes if o.test.kind == "update"]
    others = [o for o in outcomes if o.test.kind != "update"]
    return (
        f"W3C SPARQL 1.1 Protocol: {passed}/{len(outcomes)} passed "
        f"({sum(o.passed for o in others)}/{len(others)} query and bad-request tests passed, "
        f"{sum(o.passed for o in updates)}/{len(updates)} update tests refused with 403)"
    )


if __name__ == "__main__":
    tests = load_manifest()
    server = serve_store(store_for(tests))
    results = run(tests, *server.server_address[:2])
    for o in results:
        print(
            f"{'PASS' if o.passed else 'FAIL'} {o.test.kind:11} {o.test.name} {o.statuses} {o.detail}"
        )
    print(summary(results))
    server.shutdown()
