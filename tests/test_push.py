"""`rekg push` against a real Oxigraph server on loopback, and against small real HTTP
servers for what Oxigraph never does: chunks that keep blank nodes together, formats,
append, --replace through a staging graph (interrupted, or refused at the MOVE), and the
verification that counts what the store holds."""

import os

import pytest
from rdflib import BNode, Graph
from rdflib.compare import isomorphic

from rekg.core.errors import DataError
from rekg.query.bind import bindings_for
from rekg.remote.endpoint import Endpoint, answerer, run_stored
from rekg.remote.gsp import DEFAULT, GraphStore, graph_url
from rekg.remote.push import PushFailed, chunks, push, read_dataset, services_for, staging_graph

from .conftest import copy_project, run_cli
from .remote_helpers import (
    Canned,
    G,
    LoopbackServer,
    Oxigraph,
    as_oxigraph_keeps_it,
    closed_port,
    count_answer,
    endpoint,
    fetch,
    stored_queries,
)

# --- push, and what it reports --------------------------------------------------------


@pytest.mark.store
def test_push_reports_the_verified_count(oxigraph, built, inferred):
    n = len(inferred)
    result = run_cli("push", "--store", oxigraph.store, "--default", "--dist", str(built.out))
    assert result.returncode == 0
    assert result.stdout == ""
    assert result.stderr.startswith(
        f"rekg push: {n} triples of {built.out / 'rekg-inferred.ttl'} replaced into the "
        f"default graph at {oxigraph.store} in 1 request; verified: it holds {n} triples ("
    )


@pytest.mark.store
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


@pytest.mark.store
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


@pytest.mark.store
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


def test_unreachable_store(built):
    url = f"http://127.0.0.1:{closed_port()}/store"
    result = run_cli("push", "--store", url, "--default", "--dist", str(built.out))
    assert result.returncode == 2
    assert result.stderr == (
        f"rekg: push failed at step 1 (PUT chunk 1/1 into the default graph): PUT {url}?default:"
        " connection refused (is the store running?); the default graph was not changed\n"
    )


# --- chunks, formats, append ----------------------------------------------------------


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


@pytest.mark.store
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


@pytest.mark.store
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


@pytest.mark.store
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
        remote = answerer(endpoint(server, G))(inferred.graph, stored_queries())
        assert {k: v.as_tuples() for k, v in remote.items()} == {
            k: v.as_tuples() for k, v in built.answers.items()
        }
        # without it, the union of the two copies (default graph and G) answers: Oxigraph
        # matches each triple pattern once per graph, so rows multiply
        query = stored_queries()["feedstock-suppliers"]
        union = run_stored(endpoint(server), query, bindings_for(query, {}, None))
        local = built.answers["feedstock-suppliers"].as_tuples()
        assert set(union.as_tuples()) == set(local)
        assert len(union) > len(local)
    finally:
        server.stop()


def test_failed_verification_is_exit_1(inferred):
    def respond(rec):
        return Canned(204) if rec.path.startswith("/store") else count_answer(7)

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


# --- --replace ------------------------------------------------------------------------


@pytest.mark.store
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


@pytest.mark.store
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
            return count_answer(n)
        return Canned(400, b"MOVE is not supported")

    return respond


# --- small units ----------------------------------------------------------------------


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
    assert services_for("http://h:8890/sparql-graph-crud-auth") == (
        "http://h:8890/sparql-auth",
        "http://h:8890/sparql-auth",
    )
    assert services_for("http://h:8890/sparql-graph-crud") == (
        "http://h:8890/sparql",
        "http://h:8890/sparql",
    )
    # a URL rekg does not know: updates to it, and no query service assumed
    assert services_for("http://h:7001/") == (None, "http://h:7001/")


def test_without_a_query_service_the_push_counts_by_fetching_the_graph(inferred, built):
    """A Graph Store URL of no known layout is never asked a query (Virtuoso's answers
    406): the graph is fetched back with a GET and its triples counted."""
    body = b"".join(f"<urn:s> <urn:p> <urn:o{i}> .\n".encode() for i in range(len(inferred)))

    def respond(rec):
        if rec.method == "GET":
            return Canned(200, body, "application/n-triples; charset=UTF-8")
        return Canned(201)

    with LoopbackServer(respond) as fake:
        url = fake.url + "/gsp"
        done = run_cli("push", "--store", url, "--graph", G, "--dist", str(built.out), "--verbose")
    assert done.returncode == 0, done.stderr
    assert done.stderr.splitlines()[:2] == [
        f"rekg push: PUT chunk 1/1 into <{G}>",
        f"rekg push: count <{G}> (Graph Store GET)",
    ]
    assert f"verified: it holds {len(inferred)} triples (" in done.stderr
    assert [(r.method, r.path.split("?")[0]) for r in fake.requests] == [
        ("PUT", "/gsp"),
        ("GET", "/gsp"),
    ]
    assert fake.requests[1].headers["accept"].startswith("application/n-triples")


def test_a_fetched_graph_that_is_not_rdf_is_said_so(inferred):
    def respond(rec):
        if rec.method == "GET":
            return Canned(200, b"<html>welcome</html>", "text/html")
        return Canned(201)

    with LoopbackServer(respond) as fake, pytest.raises(PushFailed) as failed:
        push(inferred.path, GraphStore(fake.url + "/gsp"), Endpoint(None), G, "put")
    assert failed.value.message == (
        f"push failed at step 2 (count <{G}> (Graph Store GET)): GET "
        f"{graph_url(fake.url + '/gsp', G)}: the answer is not RDF (text/html), so the push "
        f"cannot count what the store holds: give --endpoint URL; <{G}> was written but not "
        "verified"
    )


# --- graph by graph (--dataset sources) ---------------------------------------------

TWO_GRAPHS = (
    "<urn:s> <urn:p> <urn:o> <urn:g:2> .\n"
    "<urn:s> <urn:p> <urn:o> <urn:g:1> .\n"
    "<urn:s> <urn:p> <urn:o> <urn:g:1> .\n"
    '<urn:s> <urn:p> "x" <urn:g:1> .\n'
)


def test_read_graphs_groups_by_graph_in_iri_order(tmp_path):
    from rekg.core.errors import UsageError
    from rekg.remote.push import read_graphs

    path = tmp_path / "two.nq"
    path.write_text(TWO_GRAPHS)
    graphs = read_graphs(path)
    assert list(graphs) == ["urn:g:1", "urn:g:2"]
    assert [len(t) for t in graphs.values()] == [2, 1]  # the repeated quad once
    path.write_text(TWO_GRAPHS + "<urn:s> <urn:p> <urn:o> .\n")
    with pytest.raises(UsageError) as refused:
        read_graphs(path)
    assert refused.value.message == (
        f"cannot push {path} graph by graph: it has triples in the default graph"
    )


def test_a_graph_failing_names_the_graphs_pushed_before_it(tmp_path):
    """Each graph is PUT and counted on its own; the second graph's PUT fails: the error
    names the step and the graph, and says which graphs were pushed."""
    from rekg.remote.push import push_graphs

    path = tmp_path / "two.nq"
    path.write_text(TWO_GRAPHS)

    def respond(rec):
        if rec.path.startswith("/store") and "urn%3Ag%3A2" in rec.path:
            return Canned(500, b"disk full")
        if rec.path.startswith("/store"):
            return Canned(204)
        return count_answer(2)

    with LoopbackServer(respond) as fake, pytest.raises(PushFailed) as failed:
        push_graphs(path, GraphStore(fake.url + "/store"), Endpoint(fake.url + "/query"))
    assert failed.value.message == (
        "push failed at step 1 (PUT chunk 1/1 into <urn:g:2>): PUT "
        f"{fake.url}/store?graph=urn%3Ag%3A2: HTTP 500: disk full; <urn:g:2> was not changed"
    )
    assert failed.value.remedy == (
        "graph 2 of 2 failed; the graphs before it were pushed (<urn:g:1>): push again"
    )
    assert [(r.method, r.path) for r in fake.requests] == [
        ("PUT", "/store?graph=urn%3Ag%3A1"),
        ("POST", "/query"),
        ("PUT", "/store?graph=urn%3Ag%3A2"),
    ]
