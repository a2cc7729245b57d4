"""`rekg query --endpoint` and `rekg build --endpoint` against a real Oxigraph server on
loopback, holding what `rekg push` sent: every stored query gives the local rows, only
SELECT and ASK are sent, parameters are bound as terms; and the Oxigraph commands of
docs/triple-stores.md run as written."""

import time

import pytest
from rdflib import BNode, Literal, URIRef
from rdflib.compare import isomorphic

from rekg.remote.endpoint import answerer, rows_from_json
from rekg.remote.gsp import DEFAULT, GraphStore
from rekg.remote.push import push

from .conftest import run_cli
from .remote_helpers import G, Oxigraph, endpoint, fetch, stored_queries

# rdflib's XSD namespace object, imported here, makes pytest warn as it collects
XSD = "http://www.w3.org/2001/XMLSchema#"

# --- every stored query remotely ------------------------------------------------------


@pytest.mark.store
@pytest.mark.parametrize("graph", [None, G], ids=["default-graph", "named-graph"])
def test_every_stored_query_gives_the_local_rows(pushed, built, graph, inferred):
    remote = answerer(endpoint(pushed, graph))(inferred.graph, stored_queries())
    assert sorted(remote) == sorted(built.answers)
    for name, local in built.answers.items():
        assert remote[name].variables == local.variables, name
        assert remote[name].as_tuples() == local.as_tuples(), name  # terms and order
    # the questions that compare sources are empty on the article alone; the corpus tests
    # (test_corpus_questions.py) give them rows
    empty = {name for name, rows in built.answers.items() if not rows}
    assert empty == {"contradictions", "corroboration"}


@pytest.mark.store
def test_pushed_graphs_are_the_dataset(pushed, inferred):
    assert isomorphic(fetch(pushed, DEFAULT), inferred.stored)
    assert isomorphic(fetch(pushed, G), inferred.stored)


@pytest.mark.store
def test_build_endpoint_writes_the_same_answers(pushed, built, tmp_path):
    result = run_cli("build", "--endpoint", pushed.query, "--out", str(tmp_path / "d"))
    assert result.returncode == 0, result.stderr
    assert (tmp_path / "d" / "answers.md").read_bytes() == built.files["answers.md"]


@pytest.mark.store
def test_query_cli_remote_equals_local(pushed):
    args = ("query", "disruption-exposure", "--param", "country=Myanmar", "--format", "csv")
    local = run_cli(*args)
    remote = run_cli(*args, "--endpoint", pushed.query, "--graph", G)
    assert local.returncode == remote.returncode == 0, remote.stderr
    assert remote.stdout == local.stdout
    assert len(remote.stdout.splitlines()) == 10


@pytest.mark.store
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


@pytest.mark.store
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


@pytest.mark.store
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


@pytest.mark.store
def test_push_and_catalogue_take_under_five_seconds(pushed, built, inferred):
    start = time.perf_counter()
    push(inferred.path, GraphStore(pushed.store), endpoint(pushed), G, "replace")
    answerer(endpoint(pushed, G))(inferred.graph, stored_queries())
    seconds = time.perf_counter() - start
    print(f"push --replace + {len(built.answers)} stored queries remotely: {seconds:.2f} s")
    assert seconds < 5


@pytest.mark.store
def test_the_documented_oxigraph_commands_run(tmp_path, built):
    """The Oxigraph commands of docs/triple-stores.md ("Oxigraph (tested)"), as written, on a
    free port and a temporary --location (push reads the test build, build writes to a
    temporary dist)."""
    from .conftest import ROOT

    text = (ROOT / "docs" / "triple-stores.md").read_text(encoding="utf-8")
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


# --- small units ----------------------------------------------------------------------


def test_json_results_become_rdflib_terms():
    rows = rows_from_json(
        {
            "head": {"vars": ["a", "b", "c", "d", "e"]},
            "results": {
                "bindings": [
                    {
                        "a": {"type": "uri", "value": "urn:a"},
                        "b": {"type": "literal", "value": "x", "xml:lang": "en"},
                        "c": {"type": "literal", "value": "5", "datatype": XSD + "integer"},
                        "d": {"type": "literal", "value": "s", "datatype": XSD + "string"},
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


# --- SPARQLWrapper, the library rekg's client replaced, kept as the oracle ---------------


@pytest.mark.store
@pytest.mark.parametrize("graph", [None, G], ids=["default-graph", "named-graph"])
def test_sparqlwrapper_reads_the_same_rows_as_rekgs_client(pushed, graph):
    """rekg's endpoint client (remote/transport.py) replaced SPARQLWrapper for what the
    library cannot do: credentials in the scheme the server's challenge asks for (Digest
    for Virtuoso, Basic elsewhere) and the store's answer read after a refused upload. On
    every stored question, with its defaults bound as rekg binds them, SPARQLWrapper must
    read exactly the rows rekg's client reads.

    SPARQLWrapper guesses a query's form with regular expressions that comments mislead
    (it takes disruption-exposure for a DROP and sends it as an update, and
    partners-hedging for an ASK): the oracle gets the text without its comment lines."""
    from SPARQLWrapper import JSON, POST, URLENCODED, SPARQLWrapper

    from rekg.query.bind import bind, bindings_for

    ours = endpoint(pushed, graph)
    for name, query in sorted(stored_queries().items()):
        text = bind(query.text, bindings_for(query, {}, None))
        text = "\n".join(x for x in text.splitlines() if not x.lstrip().startswith("#"))
        oracle = SPARQLWrapper(pushed.query)
        oracle.setMethod(POST)
        oracle.setRequestMethod(URLENCODED)
        oracle.setOnlyConneg(True)  # no format= parameter, which Oxigraph refuses
        oracle.setReturnFormat(JSON)
        oracle.setQuery(text)
        if graph is not None:
            oracle.addDefaultGraph(graph)
        expected = rows_from_json(oracle.queryAndConvert())
        got = ours.select(text)
        assert got.variables == expected.variables, name
        assert got.as_tuples() == expected.as_tuples(), name
