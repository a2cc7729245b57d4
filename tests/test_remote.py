"""`rekg push`, `rekg query --endpoint` and `rekg build --endpoint` against a real Oxigraph
server on loopback, the error cases against small real HTTP servers, and the push code's
requests against the W3C Graph Store Protocol tests."""

import base64
import json
import os
import time
import urllib.parse
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

import pytest
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.compare import isomorphic
from rdflib.namespace import XSD

from rekg.core.errors import DataError, UsageError
from rekg.query.bind import bindings_for
from rekg.remote.endpoint import Endpoint, answerer, rows_from_json, run_stored
from rekg.remote.gsp import DEFAULT, GraphStore, RemoteError, graph_url
from rekg.remote.push import (
    PushFailed,
    chunks,
    push,
    read_dataset,
    services_for,
    staging_graph,
)

from .conftest import copy_project, run_cli
from .remote_helpers import Canned, LoopbackServer, Oxigraph, closed_port, gsp_tests

G = "https://w3id.org/rekg/dist/rekg-inferred.ttl"


@pytest.fixture(scope="module")
def oxigraph(tmp_path_factory):
    server = Oxigraph(tmp_path_factory.mktemp("oxigraph")).start()
    yield server
    server.stop()


@dataclass
class Dataset:
    path: Path
    graph: Graph  # as written
    stored: Graph  # as Oxigraph gives it back

    def __len__(self):
        return len(self.graph)


@pytest.fixture(scope="module")
def inferred(built):
    path = built.out / "rekg-inferred.ttl"
    graph = Graph().parse(path, format="turtle")
    return Dataset(path, graph, as_oxigraph_keeps_it(graph))


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


@pytest.fixture(scope="module")
def pushed(oxigraph, built):
    """The article's inferred graph in the default graph and in the named graph G."""
    result = run_cli("push", "--store", oxigraph.store, "--default", "--dist", str(built.out))
    assert result.returncode == 0, result.stderr
    result = run_cli(
        "push", "--store", oxigraph.store, "--graph", G, "--replace", "--dist", str(built.out)
    )
    assert result.returncode == 0, result.stderr
    return oxigraph


# --- push, then every stored query remotely ---------------------------------------


def test_push_reports_the_verified_count(oxigraph, built, inferred):
    n = len(inferred)
    result = run_cli("push", "--store", oxigraph.store, "--default", "--dist", str(built.out))
    assert result.returncode == 0
    assert result.stdout == ""
    assert result.stderr.startswith(
        f"rekg push: {n} triples of {built.out / 'rekg-inferred.ttl'} replaced into the "
        f"default graph at {oxigraph.store} in 1 request; verified: it holds {n} triples ("
    )


@pytest.mark.parametrize("graph", [None, G], ids=["default-graph", "named-graph"])
def test_every_stored_query_gives_the_local_rows(pushed, built, graph, inferred):
    remote = answerer(endpoint(pushed, graph))(inferred.graph, _catalogue(built))
    assert sorted(remote) == sorted(built.answers)
    for name, local in built.answers.items():
        assert remote[name].variables == local.variables, name
        assert remote[name].as_tuples() == local.as_tuples(), name  # terms and order
        assert len(local) > 0, name


def test_pushed_graphs_are_the_dataset(pushed, inferred):
    assert isomorphic(fetch(pushed, DEFAULT), inferred.stored)
    assert isomorphic(fetch(pushed, G), inferred.stored)


def test_build_endpoint_writes_the_same_answers(pushed, built, tmp_path):
    result = run_cli("build", "--endpoint", pushed.query, "--out", str(tmp_path / "d"))
    assert result.returncode == 0, result.stderr
    assert (tmp_path / "d" / "answers.md").read_bytes() == built.files["answers.md"]


def test_query_cli_remote_equals_local(pushed):
    args = ("query", "disruption-exposure", "--param", "country=Myanmar", "--format", "csv")
    local = run_cli(*args)
    remote = run_cli(*args, "--endpoint", pushed.query, "--graph", G)
    assert local.returncode == remote.returncode == 0, remote.stderr
    assert remote.stdout == local.stdout
    assert len(remote.stdout.splitlines()) == 10


def test_query_cli_remote_file(pushed, tmp_path):
    q = tmp_path / "q.rq"
    q.write_text(
        "PREFIX rekg: <https://w3id.org/rekg/ontology#>\n"
        "SELECT ?s WHERE { ?s rekg:suppliesFeedstockTo <https://w3id.org/rekg/id/china> }"
        " ORDER BY ?s\n"
    )
    result = run_cli("query", "--file", str(q), "--format", "tsv", "--endpoint", pushed.query)
    assert result.returncode == 0, result.stderr
    assert result.stdout == "?s\n<https://w3id.org/rekg/id/myanmar>\n"


@pytest.mark.parametrize(
    "text, kind",
    [
        ("PREFIX x: <urn:x#>\nDELETE WHERE { ?s ?p ?o }", "DELETE"),
        ("INSERT DATA { <urn:a> <urn:b> <urn:c> }", "INSERT"),
        ("CONSTRUCT WHERE { ?s ?p ?o }", "CONSTRUCT"),
    ],
)
def test_only_select_and_ask_are_sent(pushed, inferred, tmp_path, text, kind):
    q = tmp_path / "q.rq"
    q.write_text(text)
    result = run_cli("query", "--file", str(q), "--endpoint", pushed.query)
    assert result.returncode == 2
    assert result.stderr.startswith(
        f"rekg: rekg runs SELECT and ASK queries on an endpoint, not {kind}\n"
    )
    assert len(fetch(pushed, DEFAULT)) == len(inferred)


def test_replace_into_the_default_graph(pushed, built, inferred):
    done = run_cli(
        "push",
        "--store",
        pushed.store,
        "--default",
        "--replace",
        "--verbose",
        "--dist",
        str(built.out),
    )
    assert done.returncode == 0, done.stderr
    staging = staging_graph(DEFAULT)
    assert f"rekg push: swap it in: MOVE GRAPH <{staging}> TO DEFAULT\n" in done.stderr
    assert isomorphic(fetch(pushed, DEFAULT), inferred.stored)


def test_parameters_are_bound_as_terms_not_text(pushed, built, inferred):
    """A label with a quote cannot break out of the query: it is resolved to an IRI or
    refused before anything is sent."""
    result = run_cli(
        "query",
        "country-profile",
        "--param",
        'country=x" } DROP ALL #',
        "--endpoint",
        pushed.query,
    )
    assert result.returncode == 2
    assert "parameter country" in result.stderr
    assert len(fetch(pushed, DEFAULT)) == len(inferred)


def test_push_and_catalogue_take_under_five_seconds(pushed, built, inferred):
    start = time.perf_counter()
    push(inferred.path, GraphStore(pushed.store), endpoint(pushed), G, "replace")
    answerer(endpoint(pushed, G))(inferred.graph, _catalogue(built))
    seconds = time.perf_counter() - start
    print(f"push --replace + {len(built.answers)} stored queries remotely: {seconds:.2f} s")
    assert seconds < 5


# --- chunks, formats, append ---------------------------------------------------------


def test_chunks_keep_blank_nodes_together(inferred):
    triples = read_dataset(inferred.path)
    parts = chunks(triples, 100)
    assert sum(len(p) for p in parts) == len(triples)
    assert len(parts) > 10
    owner = {}
    for i, part in enumerate(parts):
        for t in part:
            for node in (t.subject, t.object):
                if type(node).__name__ == "BlankNode":
                    assert owner.setdefault(node, i) == i
    assert owner  # the article's graph has blank nodes (OWL restrictions, lists)


@pytest.mark.parametrize("body_format", ["ntriples", "turtle"])
def test_chunked_push_is_isomorphic(oxigraph, inferred, body_format):
    graph = f"urn:test:chunked:{body_format}"
    result = push(
        inferred.path,
        GraphStore(oxigraph.store),
        endpoint(oxigraph),
        graph,
        "put",
        250,
        body_format,
    )
    assert result.requests > 10
    assert result.counted == result.triples == len(inferred)
    assert isomorphic(fetch(oxigraph, graph), inferred.stored)


def test_append_adds_and_verifies(oxigraph, built):
    nt = built.out / "rekg.nt"
    asserted = Graph().parse(nt, format="nt")
    graph = "urn:test:append"
    store, ep = GraphStore(oxigraph.store), endpoint(oxigraph)
    store.put(graph, b"<urn:a> <urn:b> <urn:c> .\n", "application/n-triples")
    first = push(nt, store, ep, graph, "append")
    assert first.counted == len(asserted) + 1
    # the same file again: a graph is a set, but blank nodes are new in every document, so
    # exactly the triples with blank nodes come in a second time
    again = push(nt, store, ep, graph, "append")
    with_blank_nodes = sum(1 for t in asserted if any(isinstance(x, BNode) for x in t))
    assert with_blank_nodes > 0
    assert again.counted == len(asserted) + 1 + with_blank_nodes


def test_put_into_default_graph_of_a_union_store_fails_verification(tmp_path, built, inferred):
    """With --union-default-graph the default graph counts every named graph too: the
    push says so, and names the remedy; a named graph queried with default-graph-uri gives
    the local answers whatever the store's setting."""
    server = Oxigraph(None, union=True).start()
    try:
        GraphStore(server.store).put(
            "urn:other", b"<urn:a> <urn:b> <urn:c> .\n", "application/n-triples"
        )
        result = run_cli("push", "--store", server.store, "--default", "--dist", str(built.out))
        n = len(inferred)
        assert result.returncode == 1
        assert result.stderr == (
            f"rekg: verification failed: the default graph holds {n + 1} triples, expected {n}"
            " (a store whose default graph is the union of all its graphs counts them all:"
            " push into a named graph with --graph IRI)\n"
        )
        # a named graph and default-graph-uri give the local answers on a union store too
        ok = run_cli("push", "--store", server.store, "--graph", G, "--dist", str(built.out))
        assert ok.returncode == 0, ok.stderr
        remote = answerer(endpoint(server, G))(inferred.graph, _catalogue(built))
        assert {k: v.as_tuples() for k, v in remote.items()} == {
            k: v.as_tuples() for k, v in built.answers.items()
        }
        # without it, the union of the two copies (default graph and G) answers: Oxigraph
        # matches each triple pattern once per graph, so rows multiply
        query = _catalogue(built)["feedstock-suppliers"]
        union = run_stored(endpoint(server), query, bindings_for(query, {}, None))
        local = built.answers["feedstock-suppliers"].as_tuples()
        assert set(union.as_tuples()) == set(local)
        assert len(union) > len(local)
    finally:
        server.stop()


# --- --replace ---------------------------------------------------------------------------


def test_replace_swaps_and_leaves_no_staging_graph(oxigraph, inferred):
    graph = "urn:test:replace"
    store, ep = GraphStore(oxigraph.store), endpoint(oxigraph)
    store.put(graph, b"<urn:old> <urn:old> <urn:old> .\n", "application/n-triples")
    seen = []
    result = push(inferred.path, store, ep, graph, "replace", 1000, progress=seen.append)
    assert isomorphic(fetch(oxigraph, graph), inferred.stored)
    assert result.counted == len(inferred)
    staging = staging_graph(graph)
    assert seen == [
        *(f"load chunk {i}/5 into the staging graph <{staging}>" for i in range(1, 6)),
        f"count the staging graph <{staging}>",
        f"swap it in: MOVE GRAPH <{staging}> TO GRAPH <{graph}>",
        f"count <{graph}>",
    ]
    assert store.get(staging).status == 404


def test_replace_interrupted_by_stopping_the_server_keeps_the_old_graph(tmp_path, built, inferred):
    """The server is stopped after two chunks reached the staging graph: the push says
    which step failed, and after a restart on the same --location the old graph is whole."""
    server = Oxigraph(tmp_path / "store").start()
    try:
        nt, inferred_path = built.out / "rekg.nt", built.out / "rekg-inferred.ttl"
        old = as_oxigraph_keeps_it(Graph().parse(nt, format="nt"))
        store, ep = GraphStore(server.store, timeout=5), endpoint(server, timeout=5)
        push(nt, store, ep, G, "put")

        def stop_before_third_chunk(step):
            if step.startswith("load chunk 3/"):
                server.stop()

        with pytest.raises(PushFailed) as failed:
            push(inferred_path, store, ep, G, "replace", 500, progress=stop_before_third_chunk)
        staging = staging_graph(G)
        assert failed.value.message == (
            f"push failed at step 3 (load chunk 3/9 into the staging graph <{staging}>): "
            f"POST {graph_url(server.store, staging)}: connection refused (is the store "
            f"running?); <{G}> was left as it was"
        )
        server.start()
        assert isomorphic(fetch(server, G), old)
        # the next push overwrites what the interrupted one left in the staging graph
        result = push(inferred_path, store, ep, G, "replace", 500)
        assert result.counted == len(inferred)
        new = as_oxigraph_keeps_it(Graph().parse(inferred_path, format="turtle"))
        assert isomorphic(fetch(server, G), new)
        assert store.get(staging).status == 404
    finally:
        server.stop()


def test_replace_failing_at_the_move_says_so(inferred):
    """A store without MOVE (QLever) answers the update with an error: the push names the
    step, and the target graph was never written."""
    fake = LoopbackServer(_store_without_move(len(inferred)))
    with fake, pytest.raises(PushFailed) as failed:
        push(
            inferred.path,
            GraphStore(fake.url + "/store"),
            Endpoint(fake.url + "/query", update_url=fake.url + "/update"),
            G,
            "replace",
        )
    staging = staging_graph(G)
    assert failed.value.message == (
        f"push failed at step 3 (swap it in: MOVE GRAPH <{staging}> TO GRAPH <{G}>): "
        f"update {fake.url}/update: HTTP 400: MOVE is not supported; <{G}> was left as it "
        "was unless the store applied the MOVE"
    )
    assert [(r.method, r.path.split("?")[0]) for r in fake.requests] == [
        ("PUT", "/store"),
        ("POST", "/query"),
        ("POST", "/update"),
        ("DELETE", "/store"),  # the staging graph, dropped
    ]


def _store_without_move(n):
    def respond(rec):
        if rec.path.startswith("/store"):
            return Canned(204)
        if rec.path == "/query":
            return _count_answer(n)
        return Canned(400, b"MOVE is not supported")

    return respond


def _count_answer(n):
    cell = {"type": "literal", "value": str(n), "datatype": str(XSD.integer)}
    doc = {"head": {"vars": ["n"]}, "results": {"bindings": [{"n": cell}]}}
    return Canned(200, json.dumps(doc).encode(), "application/sparql-results+json")


# --- errors: one line, exit 2 ------------------------------------------------------------


def _query_cli(url, *extra):
    return run_cli("query", "feedstock-suppliers", "--endpoint", url, *extra)


def test_unreachable_endpoint(tmp_path):
    url = f"http://127.0.0.1:{closed_port()}/query"
    result = _query_cli(url)
    assert (result.returncode, result.stdout) == (2, "")
    assert result.stderr == f"rekg: query {url}: connection refused (is the store running?)\n"


def test_unreachable_store(built):
    url = f"http://127.0.0.1:{closed_port()}/store"
    result = run_cli("push", "--store", url, "--default", "--dist", str(built.out))
    assert result.returncode == 2
    assert result.stderr == (
        f"rekg: push failed at step 1 (PUT chunk 1/1 into the default graph): PUT {url}?default:"
        " connection refused (is the store running?); the default graph was not changed\n"
    )


@pytest.mark.parametrize(
    "canned, message",
    [
        (
            Canned(401, b"who are you"),
            "HTTP 401 Unauthorized: the store needs credentials: give --user U --password-env VAR"
            " (or --token-env VAR)",
        ),
        (
            Canned(500, b"Internal error:\n  out of memory"),
            "HTTP 500: Internal error: out of memory",
        ),
        (Canned(200, b"{}", delay=3), "no answer in time"),
        (
            Canned(200, b"<html>not json</html>", "text/html"),
            "the answer is not SPARQL JSON results (Expecting value: line 1 column 1 (char 0))",
        ),
    ],
    ids=["401", "500", "timeout", "not-json"],
)
def test_http_failures_are_one_line(canned, message):
    with LoopbackServer(lambda rec: canned) as fake:
        url = fake.url + "/query"
        start = time.perf_counter()
        result = _query_cli(url, "--timeout", "1")
        took = time.perf_counter() - start
    assert (result.returncode, result.stdout) == (2, "")
    assert result.stderr == f"rekg: query {url}: {message}\n"
    assert took < 10


def test_the_client_is_careful():
    """POST, a form body, no format parameter, JSON asked for by content negotiation,
    default-graph-uri when a graph is named."""
    doc = {"head": {"vars": ["x"]}, "results": {"bindings": []}}
    with LoopbackServer(
        lambda rec: Canned(200, json.dumps(doc).encode(), "application/sparql-results+json")
    ) as fake:
        Endpoint(fake.url + "/sparql", G).select("SELECT ?x WHERE { ?x ?p ?o }")
    (rec,) = fake.requests
    assert (rec.method, rec.path) == ("POST", "/sparql")
    assert rec.headers["content-type"] == "application/x-www-form-urlencoded"
    assert rec.headers["accept"].split(",")[0] == "application/sparql-results+json"
    assert urllib.parse.parse_qs(rec.body.decode()) == {
        "query": ["SELECT ?x WHERE { ?x ?p ?o }"],
        "default-graph-uri": [G],
    }
    assert "authorization" not in rec.headers


def test_credentials_sent_only_when_given_and_read_from_the_environment(built):
    answers = []

    def respond(rec):
        answers.append(rec.headers.get("authorization"))
        if rec.headers.get("authorization") != "Basic " + base64.b64encode(b"ana:s3cr=t").decode():
            return Canned(401, b"no")
        return Canned(
            200,
            b'{"head": {"vars": ["s"]}, "results": {"bindings": []}}',
            "application/sparql-results+json",
        )

    env = {**os.environ, "REKG_TEST_PASSWORD": "s3cr=t"}
    with LoopbackServer(respond) as fake:
        url = fake.url + "/query"
        anonymous = _query_cli(url)
        wrong = run_cli(
            "query",
            "feedstock-suppliers",
            "--endpoint",
            url,
            "--user",
            "bob",
            "--password-env",
            "REKG_TEST_PASSWORD",
            env=env,
        )
        right = run_cli(
            "query",
            "feedstock-suppliers",
            "--endpoint",
            url,
            "--user",
            "ana",
            "--password-env",
            "REKG_TEST_PASSWORD",
            env=env,
        )
        missing = run_cli(
            "query",
            "feedstock-suppliers",
            "--endpoint",
            url,
            "--user",
            "ana",
            "--password-env",
            "REKG_NO_SUCH_VARIABLE",
        )
        no_env = run_cli("query", "feedstock-suppliers", "--endpoint", url, "--user", "ana")
        gsp = GraphStore(fake.url + "/store", auth=None)
        with pytest.raises(RemoteError):
            gsp.put(DEFAULT, b"", "application/n-triples")
    assert answers[0] is None and answers[-1] is None  # anonymous: no header at all
    assert anonymous.returncode == 2
    assert wrong.stderr == (
        f"rekg: query {url}: HTTP 401 Unauthorized: the store refused the credentials given\n"
    )
    assert right.returncode == 0, right.stderr
    assert right.stdout == "s\n-\n(0 rows)\n"
    assert len(answers) == 4  # the two misuses below were refused before any request
    assert missing.returncode == no_env.returncode == 2
    assert missing.stderr.startswith(
        "rekg: --password-env REKG_NO_SUCH_VARIABLE: no such environment variable\n"
    )
    assert no_env.stderr.startswith("rekg: --user needs --password-env VAR\n")


def test_remote_options_need_an_endpoint():
    result = run_cli("query", "feedstock-suppliers", "--graph", G)
    assert result.returncode == 2
    assert result.stderr.startswith("rekg: --graph needs --endpoint URL\n")


# --- Graph Store Protocol: the client's requests against the W3C tests -----------------


def _client_requests():
    """The requests of the W3C tests a client like ours makes: indirect graph
    identification, no multipart bodies, no server-chosen graph names."""
    for test in gsp_tests("manifest-indirect.ttl"):
        for req in test.requests:
            if (
                req.indirect
                and "$LOCATION$" not in req.path
                and "multipart" not in req.headers.get("content-type", "")
            ):
                yield test.name, req


def _send(store: GraphStore, req):
    return store.request(
        req.method,
        req.graph,
        req.body.encode("utf-8") if req.body is not None else None,
        req.headers.get("content-type"),
        req.headers.get("accept"),
        ok_missing=True,
    )


def test_gsp_requests_match_the_w3c_tests():
    cases = list(_client_requests())
    assert len(cases) == 22
    # the requests go one after another, so the n-th answer is the n-th expected status
    statuses = iter([min(req.expected) for _, req in cases])
    with LoopbackServer(lambda rec: Canned(next(statuses))) as fake:
        store = GraphStore(fake.url + "/gsp")
        for _, req in cases:
            assert _send(store, req).status in req.expected
    assert len(fake.requests) == len(cases)
    for (name, req), rec in zip(cases, fake.requests, strict=True):
        assert rec.method == req.method, name
        path, _, query = rec.path.partition("?")
        assert path == "/gsp", name
        if req.graph is None:
            assert query == "default", name
        else:
            assert urllib.parse.unquote(query[len("graph=") :]) == req.graph, name
            if req.path == "/gsp?graph=" + urllib.parse.quote(req.graph, safe=""):
                assert rec.path == req.path, name  # the manifest's own encoding, byte for byte
        assert rec.headers.get("content-type") == req.headers.get("content-type"), name
        assert rec.headers.get("accept") == req.headers.get("accept"), name
        assert rec.body == (req.body or "").encode("utf-8"), name


def test_gsp_never_sends_a_bare_post():
    """The W3C test post_get_new_graph: a POST to the bare endpoint creates a new graph.
    Our client names the graph on every POST."""
    with LoopbackServer(lambda rec: Canned(204)) as fake:
        store = GraphStore(fake.url + "/gsp")
        store.post(DEFAULT, b"", "application/n-triples")
        store.post("urn:x", b"", "application/n-triples")
    assert [r.path for r in fake.requests] == ["/gsp?default", "/gsp?graph=urn%3Ax"]


def test_gsp_sequences_on_oxigraph(oxigraph):
    """Each W3C test's requests, in order, on a real store emptied before each test:
    expected statuses, and GET bodies isomorphic to the expected ones."""
    store, ep = GraphStore(oxigraph.store), endpoint(oxigraph)
    checked = 0
    for test in gsp_tests("manifest-indirect.ttl"):
        ep.update("DROP SILENT ALL")
        for req in test.requests:
            if "$LOCATION$" in req.path or "multipart" in req.headers.get("content-type", ""):
                break  # the rest of this test depends on what we do not send
            if not req.indirect:
                continue
            resp = _send(store, req)
            assert resp.status in req.expected, (test.name, req.method, req.path)
            if req.method == "GET" and req.expected_body is not None:
                got = Graph().parse(data=resp.body, format="turtle")
                assert isomorphic(got, Graph().parse(data=req.expected_body, format="turtle"))
            checked += 1
    assert checked == 21


# --- small units -------------------------------------------------------------------------


def test_services_beside_each_store():
    assert services_for("http://h:7878/store") == ("http://h:7878/query", "http://h:7878/update")
    assert services_for("http://h:3030/ds/data") == (
        "http://h:3030/ds/query",
        "http://h:3030/ds/update",
    )
    assert services_for("http://h:7200/repositories/r/rdf-graphs/service") == (
        "http://h:7200/repositories/r",
        "http://h:7200/repositories/r/statements",
    )
    assert services_for("http://h:7001/") == ("http://h:7001/", "http://h:7001/")


def test_json_results_become_rdflib_terms():
    rows = rows_from_json(
        {
            "head": {"vars": ["a", "b", "c", "d", "e"]},
            "results": {
                "bindings": [
                    {
                        "a": {"type": "uri", "value": "urn:a"},
                        "b": {"type": "literal", "value": "x", "xml:lang": "en"},
                        "c": {"type": "literal", "value": "5", "datatype": str(XSD.integer)},
                        "d": {"type": "literal", "value": "s", "datatype": str(XSD.string)},
                        "e": {"type": "bnode", "value": "b0"},
                    }
                ]
            },
        }
    )
    assert rows.as_tuples() == [
        (URIRef("urn:a"), Literal("x", lang="en"), Literal(5), Literal("s"), BNode("b0"))
    ]
    assert rows_from_json({"head": {}, "boolean": True}).rows == [{"ask": Literal(True)}]


def test_failed_verification_is_exit_1(inferred):
    def respond(rec):
        return Canned(204) if rec.path.startswith("/store") else _count_answer(7)

    with LoopbackServer(respond) as fake, pytest.raises(DataError) as failed:
        push(
            inferred.path,
            GraphStore(fake.url + "/store"),
            Endpoint(fake.url + "/query"),
            G,
            "put",
        )
    assert failed.value.exit_code == 1
    assert failed.value.message == (
        f"verification failed: <{G}> holds 7 triples, expected {len(inferred)}"
    )


def _catalogue(built):
    from rekg.query.catalogue import load_catalogue

    from .conftest import ROOT

    return load_catalogue(ROOT / "queries")


def test_bearer_token_from_the_environment(monkeypatch):
    """QLever's access token (and other stores' tokens) go as 'Authorization: Bearer'."""
    from rekg.remote.endpoint import auth_from

    monkeypatch.setenv("REKG_TEST_TOKEN", "t0k3n")
    auth = auth_from(None, None, "REKG_TEST_TOKEN")
    empty = b'{"head": {"vars": []}, "results": {"bindings": []}}'
    with LoopbackServer(lambda rec: Canned(200, empty, "application/sparql-results+json")) as fake:
        Endpoint(fake.url + "/", auth=auth).select("ASK {}")
        GraphStore(fake.url + "/", auth=auth).put(G, b"", "application/n-triples")
    assert [r.headers["authorization"] for r in fake.requests] == ["Bearer t0k3n"] * 2
    with pytest.raises(UsageError) as both:
        auth_from("ana", "REKG_TEST_TOKEN", "REKG_TEST_TOKEN")
    assert both.value.message == "give --token-env or --user with --password-env, not both"


def test_the_documented_oxigraph_commands_run(tmp_path, built):
    """The README's Oxigraph commands ("Running on a triple store"), as written, on a free port and a
    temporary --location (push reads the test build, build writes to a temporary dist)."""
    from .conftest import ROOT

    text = (ROOT / "README.md").read_text(encoding="utf-8")
    block = text.split("### Oxigraph (tested)\n", 1)[1].split("```sh\n", 1)[1].split("```")[0]
    lines = [line.split("#")[0].split() for line in block.splitlines()]
    assert [line[:2] for line in lines] == [
        ["oxigraph", "serve"],
        ["rekg", "push"],
        ["rekg", "query"],
        ["rekg", "build"],
    ]
    serve = lines[0]
    server = Oxigraph(tmp_path / "store")
    assert serve[serve.index("--bind") + 1] == "127.0.0.1:7878"
    server.start()
    try:
        for args in lines[1:]:
            args = [a.replace("127.0.0.1:7878", f"127.0.0.1:{server.port}") for a in args[1:]]
            extra = {"push": ["--dist", str(built.out)], "build": ["--out", str(tmp_path / "d")]}
            done = run_cli(*args, *extra.get(args[0], []))
            assert done.returncode == 0, (args, done.stderr)
            if args[0] == "query":
                assert done.stdout.endswith("(5 rows)\n")
        assert (tmp_path / "d" / "answers.md").read_bytes() == built.files["answers.md"]
    finally:
        server.stop()


def test_push_needs_a_fresh_build(tmp_path, oxigraph):
    project = copy_project(tmp_path)
    missing = run_cli("--root", str(tmp_path), "push", "--store", oxigraph.store, "--default")
    assert missing.returncode == 2
    assert missing.stderr == (
        "rekg: dist/rekg-inferred.ttl does not exist\n  fix: run 'rekg build' first\n"
    )
    project.dist.mkdir()
    (project.dist / "rekg-inferred.ttl").write_text("")
    os.utime(project.dist / "rekg-inferred.ttl", (1, 1))  # older than every input
    stale = run_cli("--root", str(tmp_path), "push", "--store", oxigraph.store, "--default")
    assert stale.returncode == 2
    assert stale.stderr == (
        "rekg: dist/rekg-inferred.ttl is older than the ontology or data/\n"
        "  fix: run 'rekg build' first\n"
    )


def test_push_the_asserted_dataset(oxigraph, built):
    asserted = Graph().parse(built.out / "rekg.nt", format="nt")
    done = run_cli(
        "push",
        "--store",
        oxigraph.store,
        "--graph",
        "urn:test:asserted",
        "--dataset",
        "asserted",
        "--dist",
        str(built.out),
    )
    assert done.returncode == 0, done.stderr
    assert f"verified: it holds {len(asserted)} triples" in done.stderr
    assert isomorphic(fetch(oxigraph, "urn:test:asserted"), as_oxigraph_keeps_it(asserted))
