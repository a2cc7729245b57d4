"""Ad-hoc SPARQL at the front door (`rekg query --sparql`, `--file -`): the project's
prefixes predeclared, CONSTRUCT and DESCRIBE as Turtle the same on both engines, syntax
errors as one line with their place, and the query forms exclusive."""

import json
import subprocess
import sys
import urllib.parse
from pathlib import Path

import pyoxigraph as ox
import pytest
from rdflib import Graph, Literal
from rdflib.compare import isomorphic

from rekg.core.errors import UsageError
from rekg.core.namespaces import ID, PREFIXES
from rekg.graph.engine import construct, prefixed_names, query_form, select
from rekg.query.adhoc import check_text, for_endpoint, result_format, run, write_graph

from .conftest import copy_project, run_cli
from .remote_helpers import Canned, LoopbackServer

# the reference engine answers the same in a process of its own: part of `make test`, not of
# the quick `make check`
ENGINE_NAMES = ("fast", "reference")
ENGINES = ("fast", pytest.param("reference", marks=pytest.mark.slow))
COUNTRY_LABELS = """
@prefix id: <https://w3id.org/rekg/id/> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
id:australia rdfs:label "Australia"@en .
id:china rdfs:label "China"@en .
id:malaysia rdfs:label "Malaysia"@en .
id:myanmar rdfs:label "Myanmar"@en .
id:singapore rdfs:label "Singapore"@en .
id:thailand rdfs:label "Thailand"@en .
id:united-states rdfs:label "United States"@en .
id:vietnam rdfs:label "Vietnam"@en .
"""
# a small graph for the direct calls: blank nodes two deep, and a reification of one of
# myanmar's triples (which rdflib's own DESCRIBE would add, and pyoxigraph's does not)
SMALL = """
@prefix rekg: <https://w3id.org/rekg/ontology#> .
@prefix id: <https://w3id.org/rekg/id/> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#> .
id:myanmar a rekg:Country ; rdfs:label "Myanmar"@en ; rekg:suppliesFeedstockTo id:china ;
    rekg:evidence [ rdfs:label "near" ; rekg:evidence [ rdfs:label "far" ] ] .
id:china a rekg:Country ; rdfs:label "China"@en .
id:statement a rdf:Statement ; rdf:subject id:myanmar ;
    rdf:predicate rekg:suppliesFeedstockTo ; rdf:object id:china .
"""
MYANMAR_DESCRIBED = """
@prefix rekg: <https://w3id.org/rekg/ontology#> .
@prefix id: <https://w3id.org/rekg/id/> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
id:myanmar a rekg:Country ; rdfs:label "Myanmar"@en ; rekg:suppliesFeedstockTo id:china ;
    rekg:evidence [ rdfs:label "near" ; rekg:evidence [ rdfs:label "far" ] ] .
"""


@pytest.fixture(scope="module")
def small() -> Graph:
    return Graph().parse(data=SMALL, format="turtle")


@pytest.fixture(scope="module")
def root(tmp_path_factory) -> str:
    """A copy of the project with its closure built into dist/, so that every query below
    reads the closure (about a second) instead of reasoning it anew on its engine."""
    target = tmp_path_factory.mktemp("adhoc")
    copy_project(target)
    done = run_cli("--root", str(target), "build")
    assert done.returncode == 0, done.stderr
    return str(target)


def query(root, *args, engine="fast", stdin=None):
    argv = ["--root", root, "--engine", engine, "query", *args]
    if stdin is None:
        return run_cli(*argv)
    rekg = Path(sys.executable).with_name("rekg")
    return subprocess.run(
        [str(rekg), *argv], input=stdin, capture_output=True, text=True, timeout=300
    )


def _failed(done, stderr: str) -> None:
    assert (done.returncode, done.stdout, done.stderr) == (2, "", stderr)


# -- the project's prefixes, predeclared


def test_predeclared_prefixes_give_the_same_rows_as_declared_ones(root):
    body = "SELECT (COUNT(?c) AS ?n) WHERE { ?c a rekg:Claim ; rekg:about id:myanmar }"
    declared = (
        "PREFIX rekg: <https://w3id.org/rekg/ontology#>\n"
        "PREFIX id: <https://w3id.org/rekg/id/>\n" + body
    )
    for text in (body, declared):
        done = query(root, "--sparql", text, "--format", "csv")
        assert done.returncode == 0, done.stderr
        assert done.stdout.splitlines() == ["n", "11"]


@pytest.mark.parametrize("engine", ENGINES)
def test_predeclared_prefixes_on_both_engines(small, engine):
    rows = run(
        small, "SELECT ?c ?l WHERE { ?c a rekg:Country ; rdfs:label ?l } ORDER BY ?c", engine
    )
    assert rows.variables == ["c", "l"]
    assert rows.as_tuples() == [
        (ID.china, Literal("China", lang="en")),
        (ID.myanmar, Literal("Myanmar", lang="en")),
    ]


@pytest.mark.parametrize("engine", ENGINES)
def test_a_prefix_the_query_declares_wins(small, engine):
    ask = "ASK { id:myanmar rekg:suppliesFeedstockTo id:china }"
    assert run(small, ask, engine).as_tuples() == [(Literal(True),)]
    elsewhere = "PREFIX id: <http://example.org/elsewhere/>\n" + ask
    assert run(small, elsewhere, engine).as_tuples() == [(Literal(False),)]
    # the same name bound to the same namespace another way: found again
    rekg_as_ex = "PREFIX id: <https://w3id.org/rekg/ontology#>\nASK { ?s a id:Country }"
    assert run(small, rekg_as_ex, engine).as_tuples() == [(Literal(True),)]


def test_a_redeclared_prefix_on_the_command_line(root):
    ask = "ASK { id:myanmar rdfs:label ?l }"
    assert query(root, "--sparql", ask, "--format", "csv").stdout.splitlines() == ["ask", "true"]
    moved = "PREFIX id: <http://example.org/elsewhere/> " + ask
    assert query(root, "--sparql", moved, "--format", "csv").stdout.splitlines() == [
        "ask",
        "false",
    ]


def test_without_prefixes_the_seam_predeclares_nothing(small):
    # select() as the stored queries and checks call it: only what the query declares
    with pytest.raises(UsageError, match="unknown prefix 'rekg:'"):
        select(small, "SELECT ?c WHERE { ?c a rekg:Country }")
    assert len(select(small, "SELECT ?c WHERE { ?c a rekg:Country }", prefixes=PREFIXES)) == 2


# -- the query inline, in a file, or on standard input


def test_query_on_standard_input(root):
    text = "# Myanmar's names\nSELECT ?label ?alt WHERE { id:myanmar rdfs:label ?label ; skos:altLabel ?alt }\n"
    done = query(root, "--file", "-", "--format", "csv", stdin=text)
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines() == ["label,alt", "Myanmar,Burma"]


def test_query_from_a_file_without_prefixes(root, tmp_path):
    q = tmp_path / "q.rq"
    q.write_text("SELECT (COUNT(?c) AS ?n) WHERE { ?c a rekg:Country }\n", encoding="utf-8")
    done = query(root, "--file", str(q), "--format", "json")
    assert done.returncode == 0, done.stderr
    doc = json.loads(done.stdout)
    assert doc["results"]["bindings"][0]["n"]["value"] == "8"


FORMS = "name a stored query, or give --file FILE (- for stdin) or --sparql TEXT"


@pytest.mark.parametrize(
    "args, stderr",
    [
        ((), f"rekg: {FORMS}\n  fix: run 'rekg queries' to list the stored queries\n"),
        (
            ("timeline", "--sparql", "ASK {}"),
            f"rekg: give one query, not NAME and --sparql\n  fix: {FORMS}\n",
        ),
        (
            ("timeline", "--file", "q.rq"),
            f"rekg: give one query, not NAME and --file\n  fix: {FORMS}\n",
        ),
        (
            ("--file", "-", "--sparql", "ASK {}"),
            f"rekg: give one query, not --file and --sparql\n  fix: {FORMS}\n",
        ),
        (
            ("--sparql", "  \n# only a comment\n"),
            "rekg: the query text given with --sparql is empty\n"
            "  fix: give a query such as SELECT * WHERE { ?s ?p ?o } LIMIT 10\n",
        ),
        (
            ("--sparql", "ASK {}", "--param", "country=myanmar"),
            "rekg: --param needs a stored query or a query file with a '#+' header\n",
        ),
    ],
    ids=["none", "name-and-sparql", "name-and-file", "file-and-sparql", "empty", "param"],
)
def test_exactly_one_query_is_given(root, args, stderr):
    _failed(query(root, *args), stderr)


def test_empty_standard_input(root):
    _failed(
        query(root, "--file", "-", stdin="\n\n"),
        "rekg: the query text on standard input is empty\n"
        "  fix: give a query such as SELECT * WHERE { ?s ?p ?o } LIMIT 10\n",
    )


def test_check_text():
    assert check_text("ASK {}", "x") == "ASK {}"
    with pytest.raises(UsageError, match="the query text in q.rq is empty"):
        check_text("# a comment\n   # another\n", "in q.rq")


def test_help_shows_the_three_forms():
    done = run_cli("query", "--help")
    assert done.returncode == 0
    assert done.stdout.startswith(
        "usage: rekg query NAME [--param NAME=VALUE ...] [options]\n"
        "       rekg query --file FILE [options]    (FILE '-': read the query from stdin)\n"
        "       rekg query --sparql TEXT [options]\n"
    )
    flat = " ".join(done.stdout.split())
    for needle in (
        "--sparql TEXT run the SPARQL query TEXT instead",
        "'-' reads it from standard input",
        "for CONSTRUCT and DESCRIBE turtle (default), ntriples or jsonld",
        "rekg:, id:, claim:, source:, rdf:",
        "a PREFIX the query declares wins",
    ):
        assert needle in flat, needle


# -- CONSTRUCT and DESCRIBE


def test_construct_prints_turtle_with_the_project_prefixes(root):
    done = query(
        root,
        "--sparql",
        "CONSTRUCT { ?c rdfs:label ?l } WHERE { VALUES ?c { id:vietnam id:myanmar } ?c rdfs:label ?l }",
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout == (
        "@prefix id: <https://w3id.org/rekg/id/> .\n"
        "@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .\n"
        "\n"
        'id:myanmar rdfs:label "Myanmar"@en .\n'
        "\n"
        'id:vietnam rdfs:label "Vietnam"@en .\n'
    )


def test_construct_parses_back_to_the_expected_graph(root):
    text = "CONSTRUCT { ?c rdfs:label ?l } WHERE { ?c a rekg:Country ; rdfs:label ?l }"
    expected = Graph().parse(data=COUNTRY_LABELS, format="turtle")
    for fmt, rdflib_format in (("turtle", "turtle"), ("ntriples", "nt"), ("jsonld", "json-ld")):
        done = query(root, "--sparql", text, "--format", fmt)
        assert done.returncode == 0, done.stderr
        got = Graph().parse(data=done.stdout, format=rdflib_format)
        assert isomorphic(got, expected), fmt


def test_describe_gives_the_resource_and_its_blank_nodes(root):
    described = query(root, "--sparql", "DESCRIBE id:myanmar", "--format", "ntriples")
    constructed = query(
        root, "--sparql", "CONSTRUCT WHERE { id:myanmar ?p ?o }", "--format", "ntriples"
    )
    assert described.returncode == 0, described.stderr
    assert described.stdout == constructed.stdout
    lines = described.stdout.splitlines()
    assert len(lines) == 12
    assert (
        "<https://w3id.org/rekg/id/myanmar> <http://www.w3.org/2004/02/skos/core#altLabel> "
        '"Burma"@en .'
    ) in lines


@pytest.mark.slow  # both engines, a process each
@pytest.mark.parametrize(
    "text, fmt",
    [
        ("CONSTRUCT { ?c rdfs:label ?l } WHERE { ?c a rekg:Country ; rdfs:label ?l }", "turtle"),
        ("DESCRIBE ?c WHERE { ?c a rekg:Claim ; rekg:about id:myanmar }", "turtle"),
        ("DESCRIBE id:myanmar id:china", "jsonld"),
        ("CONSTRUCT { [] rekg:about ?c } WHERE { ?c a rekg:Country }", "ntriples"),
    ],
    ids=["construct", "describe-claims", "describe-jsonld", "blank-nodes"],
)
def test_graph_results_are_the_same_bytes_on_both_engines(root, text, fmt):
    outs = [query(root, "--sparql", text, "--format", fmt, engine=e) for e in ENGINE_NAMES]
    assert [o.returncode for o in outs] == [0, 0], outs[1].stderr
    assert outs[0].stdout == outs[1].stdout
    assert len(outs[0].stdout) > 200


@pytest.mark.parametrize("engine", ENGINES)
def test_describe_is_the_same_on_both_engines_without_reifications(small, engine):
    got = construct(small, "DESCRIBE id:myanmar", engine, PREFIXES)
    assert isomorphic(got, Graph().parse(data=MYANMAR_DESCRIBED, format="turtle"))


def test_write_graph_labels_blank_nodes_from_their_content(small):
    text = (
        "CONSTRUCT { ?c rekg:about [ rdfs:label ?l ] } WHERE { ?c a rekg:Country ; rdfs:label ?l }"
    )
    fast, reference = (run(small, text, e) for e in ENGINE_NAMES)
    assert not isomorphic(fast, Graph()) and isomorphic(fast, reference)
    for fmt in ("turtle", "ntriples", "jsonld"):
        assert write_graph(fast, fmt) == write_graph(reference, fmt)
    assert write_graph(Graph()) == ""


def test_construct_and_select_refuse_the_other_form(small):
    with pytest.raises(UsageError, match="only SELECT and ASK queries give rows"):
        select(small, "DESCRIBE id:myanmar", prefixes=PREFIXES)
    with pytest.raises(UsageError, match="only CONSTRUCT and DESCRIBE queries give a graph"):
        construct(small, "ASK {}")


def test_a_table_format_on_a_graph_result_is_refused(root):
    _failed(
        query(root, "--sparql", "DESCRIBE id:myanmar", "--format", "csv"),
        "rekg: --format csv writes a table; a DESCRIBE query gives a graph\n"
        "  fix: choose --format turtle, ntriples or jsonld (default: turtle)\n",
    )
    _failed(
        query(root, "--sparql", "select * { ?s ?p ?o }", "--format", "turtle"),
        "rekg: --format turtle writes a graph; a SELECT query gives a table\n"
        "  fix: choose --format table, csv, tsv, json or md (default: table)\n",
    )


def test_result_format_and_query_form():
    assert result_format("SELECT", None) == "table"
    assert result_format("ASK", "json") == "json"
    assert result_format("CONSTRUCT", None) == "turtle"
    assert result_format("DESCRIBE", "ntriples") == "ntriples"
    assert result_format(None, "csv") == "csv"  # unknown form: the engine will say why
    assert query_form("# q\nPREFIX a: <urn:a#>\nBASE <urn:b>\n  construct WHERE {}") == "CONSTRUCT"
    assert query_form("PREFIX a: <urn:a#> DESCRIBE a:x") == "DESCRIBE"
    assert query_form("SELEC ?x {}") is None


# -- syntax errors: one line, with the place in the user's text

BROKEN = "SELECT ?c\nWHERE { ?c a rekg:Claim .\n  FILTER(?c = ) }"
BROKEN_SAYS = {
    "fast": "line 3, column 18: expected one of ABS, AVG, DAY, IRI, MAX, MD5, MIN, NOT, ..., "
    "after 'FILTER(?c = ) }'",
    "reference": "line 3, column 3: expected SelectQuery, found 'FILTER'",
}


@pytest.mark.parametrize("engine", ENGINES)
def test_a_syntax_error_is_one_line_with_its_place(root, engine):
    done = query(root, "--sparql", BROKEN, engine=engine)
    _failed(
        done,
        f"rekg: SPARQL syntax error at {BROKEN_SAYS[engine]}\n  fix: correct the query text\n",
    )


@pytest.mark.parametrize("engine", ENGINES)
def test_an_unknown_prefix_is_named_at_its_place(small, engine):
    with pytest.raises(UsageError) as caught:
        run(small, "SELECT ?c\nWHERE {\n  ?c a rekg:Claim ; ex:about id:myanmar }", engine)
    assert caught.value.message == "SPARQL syntax error at line 3, column 21: unknown prefix 'ex:'"
    assert caught.value.remedy.startswith(
        "declare it (PREFIX ex: <IRI>), or use a predeclared one: rekg, id,"
    )


def test_an_unknown_prefix_on_the_command_line(root):
    done = query(root, "--sparql", "ASK { id:myanmar ex:p ?o }")
    assert (done.returncode, done.stdout) == (2, "")
    assert done.stderr.splitlines()[0] == (
        "rekg: SPARQL syntax error at line 1, column 18: unknown prefix 'ex:'"
    )


@pytest.mark.parametrize("engine", ENGINES)
def test_syntax_errors_count_lines_of_the_text_given(small, engine):
    # the predeclared prefixes are not written into the text: line 4 stays line 4
    text = "# a comment\nPREFIX ex: <urn:ex#>\nSELECT ?c WHERE { ?c a rekg:Country }\nLIMIT x"
    with pytest.raises(UsageError) as caught:
        run(small, text, engine)
    assert caught.value.message.startswith("SPARQL syntax error at line 4, column ")
    assert "\n" not in caught.value.message


# -- a remote endpoint gets the declarations it needs


def test_for_endpoint_declares_the_prefixes_used_and_not_declared():
    text = 'PREFIX id: <urn:mine#>\n# rdfs:comment\nSELECT ?x WHERE { id:a rekg:p ?x . ?x skos:note "oa:x" ; wdt:P31 <http://x/y:z> }'
    sent = for_endpoint(text)
    assert sent == (
        "PREFIX rekg: <https://w3id.org/rekg/ontology#> "
        "PREFIX skos: <http://www.w3.org/2004/02/skos/core#> " + text
    )
    assert sent.count("\n") == text.count("\n")  # the lines keep their numbers
    ox.Store().query(sent.replace("wdt:", "rekg:"))  # parses: no SyntaxError
    assert for_endpoint("SELECT * WHERE { ?s ?p ?o }") == "SELECT * WHERE { ?s ?p ?o }"
    with pytest.raises(UsageError, match="not CONSTRUCT") as caught:
        for_endpoint("CONSTRUCT WHERE { ?s ?p ?o }")
    assert "CONSTRUCT on a remote endpoint is not supported yet: run it locally" in str(
        caught.value
    )


def test_the_endpoint_is_sent_the_declarations(root):
    doc = {
        "head": {"vars": ["n"]},
        "results": {"bindings": [{"n": {"type": "literal", "value": "7"}}]},
    }
    with LoopbackServer(
        lambda rec: Canned(200, json.dumps(doc).encode(), "application/sparql-results+json")
    ) as fake:
        text = "SELECT (COUNT(?c) AS ?n) WHERE { ?c a rekg:Claim }"
        done = query(root, "--sparql", text, "--endpoint", fake.url + "/sparql", "--format", "csv")
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines() == ["n", "7"]
    (rec,) = fake.requests
    assert urllib.parse.parse_qs(rec.body.decode())["query"] == [
        "PREFIX rekg: <https://w3id.org/rekg/ontology#> " + text
    ]


def test_describe_on_an_endpoint_is_refused_before_sending(root):
    with LoopbackServer(lambda rec: Canned(500)) as fake:
        done = query(root, "--sparql", "DESCRIBE id:myanmar", "--endpoint", fake.url)
    _failed(
        done,
        "rekg: rekg runs SELECT and ASK queries on an endpoint, not DESCRIBE\n"
        "  fix: DESCRIBE on a remote endpoint is not supported yet: run it locally "
        "(drop --endpoint)\n",
    )
    assert fake.requests == []


def test_prefixed_names_skip_comments_strings_and_iris():
    text = '# id:x\nSELECT ?a WHERE {\n  ?a rdfs:label "rekg:no" ; <urn:x:y> :local ; ?b _:n }'
    assert list(prefixed_names(text)) == [("rdfs", 3, 6), ("", 3, 39)]


# -- parameter suggestions


def test_a_far_away_value_suggests_nothing(root):
    _failed(
        query(root, "country-profile", "--param", "country=Narnia"),
        "rekg: parameter country: nothing in the graph is called 'Narnia'\n"
        "  fix: give a slug (malaysia), a label (Malaysia) or a full IRI\n",
    )


def test_a_typo_suggests_the_near_value(root):
    _failed(
        query(root, "country-profile", "--param", "country=myanmr"),
        "rekg: parameter country: nothing in the graph is called 'myanmr'\n"
        "  fix: did you mean myanmar?\n",
    )


def test_stored_queries_run_as_before(root):
    done = query(root, "strategic-roles", "--format", "csv")
    assert done.returncode == 0, done.stderr
    assert len(done.stdout.splitlines()) == 6
