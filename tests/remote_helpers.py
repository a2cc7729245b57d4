"""Real servers for the remote tests: an `oxigraph serve` process on a free loopback port,
small standard-library HTTP servers that answer with a chosen status (or too late) and
record what they were sent, and the W3C Graph Store Protocol test manifest as plain data;
and what the tests say to a store: an endpoint beside it, a graph fetched back, the
dataset as Oxigraph keeps it."""

import http.server
import json
import socket
import subprocess
import sys
import threading
import time
import urllib.parse
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

from rdflib import Graph, Literal, Namespace
from rdflib.collection import Collection
from rdflib.namespace import RDF, XSD

from rekg.query.catalogue import load_catalogue
from rekg.remote.endpoint import Endpoint
from rekg.remote.gsp import GraphStore

OXIGRAPH = Path(sys.executable).with_name("oxigraph")
# vendored with their licence (tests/conformance/LICENSE-W3C-TESTS.md): a clone is self-contained
GSP_TESTS = Path(__file__).resolve().parent / "conformance" / "w3c-graph-store-protocol"
QUERIES = Path(__file__).resolve().parent.parent / "queries"
# the named graph the remote tests push the article's inferred graph into
G = "https://w3id.org/rekg/dist/rekg-inferred.ttl"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Oxigraph:
    """`oxigraph serve` on 127.0.0.1; restartable on the same --location and port."""

    def __init__(self, location: Path | None, union: bool = False):
        self.location = location
        self.union = union
        self.port = free_port()
        self.process = None

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    store = property(lambda self: self.base + "/store")
    query = property(lambda self: self.base + "/query")
    update = property(lambda self: self.base + "/update")

    def start(self) -> "Oxigraph":
        args = [str(OXIGRAPH), "serve", "--bind", f"127.0.0.1:{self.port}"]
        if self.location is not None:
            args += ["--location", str(self.location)]
        if self.union:
            args.append("--union-default-graph")
        self.process = subprocess.Popen(args, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"oxigraph exited with {self.process.returncode}")
            try:
                socket.create_connection(("127.0.0.1", self.port), timeout=0.2).close()
                return self
            except OSError:
                time.sleep(0.05)
        self.stop()
        raise RuntimeError("oxigraph did not start listening within 20 s")

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.kill()
            self.process.wait(timeout=10)
        self.process = None


@dataclass
class Recorded:
    method: str
    path: str
    headers: dict
    body: bytes


@dataclass
class Canned:
    """What a `LoopbackServer` answers: a status, a body, a content type, after a delay."""

    status: int = 200
    body: bytes = b""
    content_type: str = "text/plain"
    delay: float = 0.0
    headers: dict = field(default_factory=dict)


class LoopbackServer:
    """A standard-library HTTP server on 127.0.0.1 that records every request and answers
    with `respond(recorded) -> Canned`."""

    def __init__(self, respond):
        self.requests: list[Recorded] = []
        outer = self

        class Handler(http.server.BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def _handle(self):
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length) if length else b""
                rec = Recorded(
                    self.command, self.path, {k.lower(): v for k, v in self.headers.items()}, body
                )
                outer.requests.append(rec)
                answer = respond(rec)
                if answer.delay:
                    time.sleep(answer.delay)
                try:
                    self.send_response(answer.status)
                    self.send_header("Content-Type", answer.content_type)
                    self.send_header("Content-Length", str(len(answer.body)))
                    for key, value in answer.headers.items():
                        self.send_header(key, value)
                    self.end_headers()
                    if self.command != "HEAD":
                        self.wfile.write(answer.body)
                except (BrokenPipeError, ConnectionResetError):
                    pass  # the client gave up waiting: that is the point of a slow answer

            do_GET = do_POST = do_PUT = do_DELETE = do_HEAD = _handle

            def log_message(self, *args):
                pass

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        # polled often, so that leaving the `with` block (shutdown) takes no half second
        self.thread = threading.Thread(
            target=self.server.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True
        )

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}"

    def __enter__(self) -> "LoopbackServer":
        self.thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self.server.shutdown()
        self.server.server_close()


def closed_port() -> int:
    """A loopback port nobody listens on."""
    return free_port()


def count_answer(n) -> Canned:
    """A store's answer to a COUNT query: n triples."""
    cell = {"type": "literal", "value": str(n), "datatype": str(XSD.integer)}
    doc = {"head": {"vars": ["n"]}, "results": {"bindings": [{"n": cell}]}}
    return Canned(200, json.dumps(doc).encode(), "application/sparql-results+json")


# --- what the tests send to a store and read back -----------------------------------


@dataclass
class Dataset:
    path: Path
    graph: Graph  # as written
    stored: Graph  # as Oxigraph gives it back

    def __len__(self):
        return len(self.graph)


def endpoint(server, graph=None, **kw) -> Endpoint:
    return Endpoint(server.query, graph, update_url=server.update, **kw)


def fetch(server, graph) -> Graph:
    body = GraphStore(server.store).get(graph).body
    return Graph().parse(data=body, format="nt")


def as_oxigraph_keeps_it(graph: Graph) -> Graph:
    """Oxigraph stores numbers by value: an xsd:nonNegativeInteger comes back as the
    xsd:integer of the same lexical form, a decimal in canonical form ("270000.0" as
    "270000"). Everything else must come back exactly as sent."""
    out = Graph()
    for s, p, o in graph:
        if isinstance(o, Literal) and o.datatype == XSD.nonNegativeInteger:
            o = Literal(str(o), datatype=XSD.integer)
        elif isinstance(o, Literal) and o.datatype == XSD.decimal:
            o = Literal(format(Decimal(str(o)).normalize(), "f"), datatype=XSD.decimal)
        out.add((s, p, o))
    return out


def stored_queries():
    """The project's stored queries, as the local run reads them."""
    return load_catalogue(QUERIES)


# --- the W3C Graph Store Protocol tests, as data ------------------------------------

HT = Namespace("http://www.w3.org/2011/http#")
CNT = Namespace("http://www.w3.org/2011/content#")
MF = Namespace("http://www.w3.org/2001/sw/DataAccess/tests/test-manifest#")
HTS = Namespace("http://www.w3.org/2011/http-statusCodes#")
STATUS = {"OK": 200, "Created": 201, "NoContent": 204, "NotFound": 404}


@dataclass
class GspRequest:
    method: str
    path: str  # as written in the manifest, starting with /gsp
    headers: dict
    body: str | None
    expected: set  # status codes
    expected_body: str | None = None  # Turtle the response must be isomorphic to

    @property
    def indirect(self) -> bool:
        query = urllib.parse.urlsplit(self.path).query
        return query == "default" or query.startswith("graph=")

    @property
    def graph(self) -> str | None:
        """The graph IRI the request names, its query parameter decoded once."""
        query = urllib.parse.urlsplit(self.path).query
        if query == "default":
            return None
        return urllib.parse.unquote(query[len("graph=") :])


@dataclass
class GspTest:
    name: str
    requests: list


def gsp_tests(manifest: str) -> list[GspTest]:
    graph = Graph().parse(GSP_TESTS / manifest, format="turtle")
    tests = []
    (manifest_node,) = graph.subjects(RDF.type, MF.Manifest)
    for test in Collection(graph, graph.value(manifest_node, MF.entries)):
        action = graph.value(test, MF.action)
        requests = []
        for req in Collection(graph, graph.value(action, HT.requests)):
            headers = {}
            hlist = graph.value(req, HT.headers)
            if hlist is not None:
                for h in Collection(graph, hlist):
                    headers[str(graph.value(h, HT.fieldName)).lower()] = str(
                        graph.value(h, HT.fieldValue)
                    )
            body_node = graph.value(req, HT.body)
            body = str(graph.value(body_node, CNT.chars)) if body_node is not None else None
            resp = graph.value(req, HT.resp)
            expected = {
                STATUS[str(s)[len(str(HTS)) :]]
                for s in graph.objects(resp, MF.expectedStatus)
                if str(s)[len(str(HTS)) :] in STATUS
            }
            resp_body = graph.value(resp, HT.body)
            requests.append(
                GspRequest(
                    str(graph.value(req, HT.methodName)),
                    str(graph.value(req, HT.absolutePath)),
                    headers,
                    body,
                    expected,
                    str(graph.value(resp_body, CNT.chars)) if resp_body is not None else None,
                )
            )
        tests.append(GspTest(str(test).rsplit("#", 1)[-1], requests))
    return tests
