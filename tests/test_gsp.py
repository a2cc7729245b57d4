"""The push code's Graph Store Protocol requests against the W3C Graph Store Protocol
tests: as a small real HTTP server records them, and in sequence on a real Oxigraph."""

import urllib.parse

import pytest
from rdflib import Graph
from rdflib.compare import isomorphic

from rekg.remote.gsp import DEFAULT, GraphStore

from .remote_helpers import Canned, LoopbackServer, endpoint, gsp_tests

# --- Graph Store Protocol: the client's requests against the W3C tests ----------------


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


@pytest.mark.store
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
