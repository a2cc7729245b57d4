"""The SHACL shapes on two validators that are no part of rekg, pyshacl-turbo and pyrudof,
beside rekg's engines (the fast one, and pySHACL as the reference): on every shape's
violating fixture, on the article, and on graphs grown to 10k and 100k triples, clean and
with faults put in. Each comparison is exact: the same conformance, and the same results,
each a focus node, the shape named as SHACL's sh:sourceShape, and the path."""

import sys
from collections import Counter

import pytest
from rdflib import Graph

from rekg.bench import harness, report
from rekg.bench.generate import FAULTS, grow, inject_faults
from rekg.check.independent import (
    VALIDATORS,
    Outcome,
    Result,
    ntriples,
    prepare,
    results_of,
    validate,
)
from rekg.check.shapes import load_shapes
from rekg.check.validate import shacl_findings
from rekg.core.engines import Engine
from rekg.core.errors import UsageError
from rekg.core.project import Project
from rekg.ingest.load import Loaded, load_project

from .conftest import ROOT
from .test_shapes import CASES, PREFIXES


@pytest.fixture(scope="module")
def shapes(project):
    return load_shapes(project.shapes, "ontology/shapes.ttl")


def outcomes(loaded: Loaded, shapes: Graph, engines=(Engine.FAST,)) -> dict[str, Outcome]:
    """Every validator's outcome on the loaded graph: rekg's engines and the two others."""
    found = {}
    for engine in engines:
        results = results_of(shacl_findings(loaded, shapes, engine))
        found[str(engine)] = Outcome(not results, results)
    text = ntriples(loaded.as_written())
    for name in VALIDATORS:
        found[name] = validate(name, text, shapes)
    return found


def assert_all_agree(found: dict[str, Outcome]) -> Outcome:
    first, *others = found
    for name in others:
        assert found[name].conforms == found[first].conforms, name
        assert found[name].results == found[first].results, name
    return found[first]


@pytest.mark.parametrize(
    "shape,focus,path,turtle", CASES, ids=[f"{c[0]}-{i}" for i, c in enumerate(CASES)]
)
def test_every_violating_fixture_reads_the_same_on_every_validator(
    project, base, shapes, shape, focus, path, turtle
):
    g = Graph()
    for triple in base:
        g.add(triple)
    g.parse(data=PREFIXES + turtle, format="turtle")
    agreed = assert_all_agree(outcomes(Loaded(project, g), shapes))
    assert agreed.conforms is False
    assert Result(focus, shape, path) in agreed.results


def test_the_sparql_constraints_are_reported_as_their_shape(project, base, shapes):
    """The four SHACL-SPARQL constraints of rekgsh:ClaimShape: every engine names the
    shape that holds them, as sh:sourceShape is defined, never the constraint node."""
    claims = [c for c in CASES if c[0] == "rekgsh:ClaimShape"]
    assert len(claims) == 4
    g = Graph()
    for triple in base:
        g.add(triple)
    g.parse(data=PREFIXES + claims[0][3], format="turtle")
    found = outcomes(Loaded(project, g), shapes, engines=(Engine.FAST, Engine.REFERENCE))
    assert assert_all_agree(found).results == [Result("claim:t-001", "rekgsh:ClaimShape", "")]


def test_the_article_conforms_on_every_validator(loaded, shapes):
    found = outcomes(loaded, shapes)
    assert assert_all_agree(found) == Outcome(True, [])
    assert len(found) == 1 + len(VALIDATORS)


def test_an_unknown_validator_is_a_usage_error(shapes):
    with pytest.raises(UsageError) as caught:
        prepare("jena", "", shapes)
    assert caught.value.message == "no independent SHACL validator named 'jena'"
    assert caught.value.remedy == "use one of pyshacl-turbo, pyrudof"


def test_a_validator_not_installed_says_how_to_install_it(monkeypatch, shapes):
    monkeypatch.setitem(sys.modules, "pyrudof", None)  # what an absent package gives
    with pytest.raises(UsageError) as caught:
        prepare("pyrudof", "", shapes)
    assert caught.value.message == (
        "the SHACL validator pyrudof is not installed (import of pyrudof halted; None in "
        "sys.modules)"
    )
    assert caught.value.remedy == (
        "install the development dependencies: make install (pip install -e '.[dev]')"
    )


def test_a_triple_they_cannot_read_stops_both_instead_of_being_left_out(shapes):
    """Both read strictly: a reader that skipped what it cannot parse would call a graph
    with a broken triple conforming."""
    for name in VALIDATORS:
        with pytest.raises(Exception) as caught:  # noqa: B017 - each library has its own
            validate(name, "<urn:a> <urn:b> .\n", shapes)
        assert "line 1 column 17: The object of a triple must be an IRI" in str(caught.value)


# --- literals at the edge of their datatype ------------------------------------------

_CLAIM = "https://w3id.org/rekg/id/claim/china-sea-rare-earths-001"
_SUMMIT = (
    'id:summit a rekg:Event ; rdfs:label "summit"@en . id:china rekg:participatesIn id:summit .\n'
)

# (what is added to the article, as Turtle; the results the standard gives, each for the
# same focus, shape and path; how many a validator gives where it reads it otherwise)
EDGES = {
    "a second negation, TRUE": (
        f'<{_CLAIM}> rekg:negated "TRUE"^^xsd:boolean .',
        # two values, the claim's own true and TRUE, which is not in xsd:boolean's lexical
        # space (true, false, 1, 0); rdflib rewrites TRUE as true, the claim's own term,
        # and pySHACL on rdflib sees one value
        Result("claim:china-sea-rare-earths-001", "rekgsh:ClaimNegated", "rekg:negated"), 2,
        {Engine.REFERENCE: 1},
    ),
    "a second number, 01": (
        f'<{_CLAIM}> rekg:sourceOrder "01"^^xsd:integer .',
        # "01" and "1" are two RDF terms with one value; rdflib makes them one term
        Result("claim:china-sea-rare-earths-001", "rekgsh:ClaimOrder", "rekg:sourceOrder"), 1,
        {Engine.REFERENCE: 0},
    ),
    "a second start, -3": (
        f'<{_CLAIM}#position> oa:start "-3"^^xsd:nonNegativeInteger .',
        # not a non-negative integer; pyrudof also finds it not less than oa:end, reading
        # the ill-typed literal as not comparable, where the others compare -3 with the end
        Result(f"<{_CLAIM}#position>", "rekgsh:PositionSelectorShape", "oa:start"), 2,
        {"pyrudof": 3},
    ),
    "a second start, a double": (
        f'<{_CLAIM}#position> oa:start "1.0E0"^^xsd:double .',
        # the wrong datatype; pyrudof also does not compare a double with oa:end's integer,
        # which SPARQL's < does (1.0 < the end)
        Result(f"<{_CLAIM}#position>", "rekgsh:PositionSelectorShape", "oa:start"), 2,
        {"pyrudof": 3},
    ),
    "a second start, 0100": (
        f'<{_CLAIM}#position> oa:start "0100"^^xsd:nonNegativeInteger .',
        Result(f"<{_CLAIM}#position>", "rekgsh:PositionSelectorShape", "oa:start"), 1,
        {},
    ),
    "a date that does not exist": (
        _SUMMIT + 'id:summit rekg:date "2025-02-29"^^xsd:date .',
        # 2025 is not a leap year; pyrudof does not look into xsd:date's value space
        Result("id:summit", "rekgsh:EventShape", "rekg:date"), 1,
        {"pyrudof": 0},
    ),
    "a month that does not exist": (
        _SUMMIT + 'id:summit rekg:date "2025-13"^^xsd:gYearMonth .',
        Result("id:summit", "rekgsh:EventShape", "rekg:date"), 1,
        {},
    ),
}  # fmt: skip


def edge_outcomes(scratch: Project, turtle: str, engines) -> dict[str, Outcome]:
    (scratch.data / "edge.ttl").write_text(PREFIXES + turtle + "\n", encoding="utf-8")
    shapes = load_shapes(scratch.shapes, "ontology/shapes.ttl")
    found = {}
    for engine in engines:  # each engine on the graph its own loader reads
        results = results_of(shacl_findings(load_project(scratch, engine=engine), shapes, engine))
        found[str(engine)] = Outcome(not results, results)
    text = ntriples(load_project(scratch).as_written())
    return found | {name: validate(name, text, shapes) for name in VALIDATORS}


def assert_edge(found: dict, result: Result, count: int, otherwise: dict):
    for name, outcome in found.items():
        expected = otherwise.get(name, count)
        assert outcome.results == [result] * expected, name
        assert outcome.conforms is (expected == 0), name


@pytest.mark.parametrize("name", sorted(EDGES))
def test_literals_at_the_edge_of_their_datatype(scratch, name):
    """Read by each validator from the files as written: the fast engine gives what the
    standard gives, and where an independent validator reads it otherwise, it is named."""
    turtle, result, count, otherwise = EDGES[name]
    assert_edge(edge_outcomes(scratch, turtle, (Engine.FAST,)), result, count, otherwise)


@pytest.mark.slow
@pytest.mark.parametrize("name", sorted(n for n in EDGES if Engine.REFERENCE in EDGES[n][3]))
def test_where_pyshacl_on_rdflib_reads_a_literal_otherwise(scratch, name):
    """rdflib normalises a literal's lexical form as it reads it ("01" becomes "1", "TRUE"
    becomes "true"), so the reference engine checks terms that are not the ones written:
    the fast engine and both independent validators agree against it."""
    turtle, result, count, otherwise = EDGES[name]
    found = edge_outcomes(scratch, turtle, (Engine.FAST, Engine.REFERENCE))
    assert_edge(found, result, count, otherwise)


# --- grown graphs --------------------------------------------------------------------


def expected_by_shape(injected: dict) -> Counter:
    """The results each kind of fault put in must give (one each): the shape that
    catches it."""
    shape = {
        "no modality": "rekgsh:ClaimModality",
        "a second modality": "rekgsh:ClaimModality",
        "a negation that is not a boolean": "rekgsh:ClaimNegated",
        "a quote other than its evidence's": "rekgsh:ClaimShape",  # a SPARQL constraint
        "no source": "rekgsh:ClaimSource",
    }
    assert set(shape) == {kind for kind, _, _ in FAULTS}
    counts = Counter()
    for kind, n in injected.items():
        counts[shape[kind]] += n
    return counts


def grown_pair(tmp_path_factory, triples: int):
    """A graph grown to `triples`, and a copy of it with a fault in one claim in ten."""
    root = tmp_path_factory.mktemp(f"grown-{triples}") / "clean"
    grow(ROOT, root, triples)
    faulty = root.parent / "faults"
    grow(ROOT, faulty, triples)
    injected = inject_faults(faulty, every=10)
    return Project(root), Project(faulty), injected


def check_grown(clean: Project | None, faulty: Project, injected: dict, shapes, engines):
    if clean is not None:
        found = outcomes(load_project(clean), shapes, engines)
        assert assert_all_agree(found) == Outcome(True, [])
    found = outcomes(load_project(faulty), shapes, engines)
    agreed = assert_all_agree(found)
    assert agreed.conforms is False
    assert Counter(r.shape for r in agreed.results) == expected_by_shape(injected)
    # each fault is in a claim of its own: as many focus nodes as faults
    assert len({r.focus for r in agreed.results}) == sum(injected.values())
    assert all(r.focus.startswith("claim:gen-") for r in agreed.results)


@pytest.fixture(scope="module")
def grown_10k(tmp_path_factory):
    return grown_pair(tmp_path_factory, 10_000)


def test_a_graph_of_10k_triples_clean_and_with_faults(grown_10k, shapes):
    clean, faulty, injected = grown_10k
    assert min(injected.values()) >= 1
    check_grown(clean, faulty, injected, shapes, engines=(Engine.FAST,))


@pytest.mark.slow
def test_pyshacl_agrees_at_10k_triples_with_faults(grown_10k, shapes):
    """pySHACL takes half a minute here: the graph with faults only (a clean grown graph
    builds on the reference engines in tests/test_bench.py)."""
    _clean, faulty, injected = grown_10k
    check_grown(None, faulty, injected, shapes, engines=(Engine.FAST, Engine.REFERENCE))


@pytest.mark.slow
def test_a_graph_of_100k_triples_clean_and_with_faults(tmp_path_factory, shapes):
    clean, faulty, injected = grown_pair(tmp_path_factory, 100_000)
    assert len(load_project(clean)) >= 100_000
    assert min(injected.values()) >= 10
    check_grown(clean, faulty, injected, shapes, engines=(Engine.FAST,))


# --- the benchmark -------------------------------------------------------------------


def test_the_benchmark_times_the_shapes_on_every_validator(grown_10k):
    """One process per validator on the graph with faults: each finishes, and each gives
    the fast engine's results (the digest of the same sorted list)."""
    _clean, faulty, injected = grown_10k
    logged = []
    runs = harness.shapes_runs(faulty.root, cap_s=120, log=logged.append)
    assert list(runs) == ["fast", *VALIDATORS]
    for name, run in runs.items():
        assert run["finished"], run
        assert run["conforms"] is False
        assert run["results"] == sum(injected.values())
        assert run["validate_s"] > 0 and run["peak_rss_mib"] > 0
        assert run.get("agrees", name == "fast") is True, name
    assert runs["fast"]["read_s"] == 0.0
    assert len({run["digest"] for run in runs.values()}) == 1
    assert [line.split(":")[0] for line in logged] == [f"    shapes on {name}" for name in runs]
    assert logged[1].endswith(f"{sum(injected.values())} results, the fast engine's results: True")


def test_a_validator_over_its_cap_is_named(grown_10k):
    _clean, faulty, _ = grown_10k
    runs = harness.shapes_runs(faulty.root, cap_s=0.01, log=lambda m: None)
    assert runs["fast"] == {"finished": False, "failed": "imports: not finished in 0 s (killed)"}
    assert "agrees" not in runs["pyrudof"]


def _shapes(fast_s, turbo_s, rudof_s=None, triples=1000, agree=True):
    def run(validate_s, read_s=0.0):
        return {"finished": True, "read_s": read_s, "validate_s": validate_s,
                "triples": triples, "conforms": True, "results": 0, "digest": "d",
                "peak_rss_mib": 100.0}  # fmt: skip

    runs = {"fast": run(fast_s), "pyshacl-turbo": {**run(turbo_s, 0.01), "agrees": agree}}
    runs["pyrudof"] = (
        {**run(rudof_s, 2.0), "agrees": True}
        if rudof_s is not None
        else {"finished": False, "failed": "validate: not finished in 120 s (killed)"}
    )
    return runs


def test_the_targets_give_the_ratio_against_each_validator():
    results = {
        "cap_s": 120,
        "sizes": {
            "100": {
                "triples": 100,
                "fast": {},
                "reference": {},
                "shapes": _shapes(0.5, 0.4, 1.5, triples=100),
            },
            "1000": {"triples": 1000, "fast": {}, "reference": {}, "shapes": _shapes(2.0, 5.0)},
        },
    }
    rows = {r["target"]: r for r in report.targets(results)}
    turbo = rows["SHACL shapes alone at 1,000 triples, fast vs pyshacl-turbo"]
    assert (turbo["goal"], turbo["measured"], turbo["met"]) == (
        "faster than pyshacl-turbo",
        2.0,
        True,
    )
    assert (turbo["anchor"], turbo["ratio"]) == ("pyshacl-turbo: 5.0 s (and 0.01 s reading)", 2.5)
    rudof = rows["SHACL shapes alone at 1,000 triples, fast vs pyrudof"]
    assert (rudof["met"], rudof["ratio"]) == (True, None)
    assert rudof["anchor"] == "pyrudof: validate: not finished in 120 s (killed)"
    same = rows["SHACL results at 100, 1,000 triples: the same on every validator"]
    assert (same["goal"], same["met"]) == ("fast == pyshacl-turbo == pyrudof", False)
    results["sizes"]["1000"]["shapes"] = _shapes(2.0, 1.0, 3.0)
    rows = {r["target"]: r for r in report.targets(results)}
    turbo = rows["SHACL shapes alone at 1,000 triples, fast vs pyshacl-turbo"]
    assert (turbo["met"], turbo["ratio"]) == (False, 0.5)
    assert rows["SHACL results at 100, 1,000 triples: the same on every validator"]["met"]
    md = report.markdown({**results, "targets": report.targets(results)})
    assert "| 100 | pyrudof | 2.00 s | 1.50 s | 0 | yes | 100 MiB |" in md
    assert "| 1,000 | fast | 0.00 s | 2.00 s | 0 | — | 100 MiB |" in md
    assert (
        "| SHACL shapes alone at 1,000 triples, fast vs pyshacl-turbo | faster than "
        "pyshacl-turbo | 2.0 | NO | pyshacl-turbo: 1.0 s (and 0.01 s reading) | 0.5 |"
    ) in md
    results["sizes"]["1000"]["shapes"] = _shapes(2.0, 1.0, 3.0, agree=False)
    md = report.markdown({**results, "targets": report.targets(results)})
    assert "| 1,000 | pyshacl-turbo | 0.01 s | 1.00 s | 0 | NO | 100 MiB |" in md
