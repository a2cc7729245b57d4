"""The benchmark's generator and harness on tiny sizes: the grown graph is deterministic,
passes every check on both engines, and the harness measures, caps and reports exactly."""

import json

import pytest
from rdflib import Namespace
from rdflib.namespace import RDF

from rekg.bench import harness, report
from rekg.bench.generate import (
    CLAIMS_PER_SOURCE,
    CORROBORATING,
    FAULTS,
    OBSERVATIONS_PER_SOURCE,
    grow,
)
from rekg.core.namespaces import ID
from rekg.core.project import Project
from rekg.ingest.load import load_project
from rekg.pipeline import build

from .conftest import ROOT, run_cli

R = Namespace("https://w3id.org/rekg/ontology#")


@pytest.fixture(scope="module")
def grown(tmp_path_factory):
    root = tmp_path_factory.mktemp("grown") / "p"
    return root, grow(ROOT, root, 6000)


def test_the_generator_is_seeded_and_sized(grown, tmp_path):
    root, info = grown
    assert info["sources"] == 2
    again = grow(ROOT, tmp_path / "again", 6000)
    assert again["sources"] == 2
    for name in ("gen-00001.ttl", "gen-00002.ttl"):
        assert (root / "data/generated" / name).read_bytes() == (
            tmp_path / "again/data/generated" / name
        ).read_bytes()
    text = (root / "data/sources/gen-00002.txt").read_text(encoding="utf-8")
    assert text.count("(report 2, item ") == CLAIMS_PER_SOURCE


def test_a_generated_claim_is_about_what_the_claim_compiler_would_say(grown):
    """rekg:about holds a claim's subject, object, counterpart and speaker (ingest/claims.py):
    a claim retold of a generated actor is about that actor, and about the article's subject
    it replaces only where that is also its object, counterpart, speaker or event. (It was
    left about the article's subject: at 1M, 3,996 of the 4,131 claims Myanmar's profile
    listed never named Myanmar.)"""
    root, _ = grown
    graph = load_project(Project(root)).graph
    retold = 0
    for claim, actor in graph.subject_objects(RDF.subject):
        if "/id/gen-actor-" not in str(actor):
            continue
        retold += 1
        replaced = ID[str(actor).split("-", 4)[-1]]  # gen-actor-KKKKK-<the article's slug>
        others = {o for p in (RDF.object, R.counterpart, R.speaker, R.event)
                  for o in graph.objects(claim, p)}  # fmt: skip
        about = set(graph.objects(claim, R.about))
        assert actor in about, claim
        assert (replaced in about) == (replaced in others), claim
    assert retold == 2 * (CLAIMS_PER_SOURCE - CORROBORATING)


@pytest.mark.slow
def test_the_grown_graph_passes_every_check_on_both_engines(grown, tmp_path):
    root, _ = grown
    project = Project(root)
    fast = build(project, tmp_path / "fast", engine="fast")
    claims = 100 + 2 * CLAIMS_PER_SOURCE
    assert fast.files["void.ttl"].count(f'"{claims} claims"@en'.encode()) == 1
    observations = len({s for s in fast.loaded.graph.subjects() if "/id/obs/gen-" in str(s)})
    assert observations == 2 * OBSERVATIONS_PER_SOURCE
    ref = build(project, tmp_path / "ref", engine="reference")
    for name in ("rekg.ttl", "rekg.nt", "rekg.jsonld", "rekg-inferred.ttl", "void.ttl"):
        assert fast.files[name] == ref.files[name], name
    # every stored query breaks its ties by ?claim, so even with several sources the two
    # engines give the same rows in the same order
    for name, rows in ref.answers.items():
        assert fast.answers[name].as_tuples() == rows.as_tuples(), name
    assert len(fast.loaded) == len(ref.loaded.graph)


@pytest.mark.slow
def test_faults_put_in_are_found_alike_by_both_validators(grown, tmp_path):
    """One claim in five gets a fault, each kind in turn; the fast validator and pyshacl
    with the reference checks give the same report, and every kind of fault shows in it."""
    root, _ = grown
    faults = harness.fault_agreement(root, tmp_path, cap_s=300, every=5)
    assert faults["finished"] and faults["engines_agree"], faults["differing_lines"]
    assert faults["exit_codes"] == {"fast": 1, "reference": 1}
    assert set(faults["injected"]) == {kind for kind, _, _ in FAULTS}
    assert min(faults["injected"].values()) >= 2
    assert faults["findings"] >= sum(faults["injected"].values())
    text = run_cli("--root", str(tmp_path / f"{root.name}-faults"), "validate").stdout
    # the SPARQL-based quote constraint is reported as the shape holding it (sh:sourceShape)
    for check in ("ClaimModality", "ClaimNegated", "ClaimShape", "ClaimSource"):
        assert f"check:   rekgsh:{check}" in text, check


def test_a_stage_over_its_cap_is_killed_and_named(grown, tmp_path):
    root, _ = grown
    run = harness.run_worker(root, "fast", tmp_path / "d", cap_s=0.01, query_runs=1)
    assert not run.ok
    assert run.failed == "imports: not finished in 0 s (killed)"


@pytest.mark.slow
def test_a_reference_stage_over_its_cpu_cap_is_stopped_by_the_kernel(grown, tmp_path):
    root, _ = grown
    run = harness.run_worker(
        root, "reference", tmp_path / "d", cap_s=1, query_runs=1, skip=("reason", "queries"),
        cpu_cap=True,
    )  # fmt: skip
    assert not run.ok
    assert list(run.cpu) == ["load"]  # pyshacl needs more than a second here
    assert run.failed == "validate: not finished in 1 s of CPU (stopped)"


def test_the_reference_runs_combine_into_one_entry():
    def ref(cpu, failed="", sums="x  rekg.ttl\n", queries=None):
        done = {"triples": 100, "peak_rss_mib": 80.0, "sums": sums, "query_median_ms": queries}
        return harness.Run(ok=not failed, cpu=cpu, failed=failed, done={} if failed else done)

    runs = {
        "validate": ref({"load": 1.0}, failed="validate: not finished in 9 s of CPU (stopped)"),
        "reason": ref({"load": 3.0, "reason": 5.0, "queries": 0.1, "export": 2.0}),
        "queries": ref(
            {"load": 2.0, "reason": 0.2, "queries": 7.0, "export": 4.0}, queries={"a": 70.0}
        ),
    }
    entry = harness.combine_reference(runs)
    assert entry["seconds_by_stage"] == {"load": 2.0, "reason": 5.0, "queries": 7.0, "export": 3.0}
    assert entry["capped"] == {"validate": "validate: not finished in 9 s of CPU (stopped)"}
    assert entry["finished"] is False and "build_total_s" not in entry
    assert entry["sums_by_run"] == {"reason": "x  rekg.ttl\n", "queries": "x  rekg.ttl\n"}
    assert (entry["query_max_median_ms"], entry["peak_rss_mib"]) == (70.0, 80.0)
    runs["validate"] = ref({"load": 1.0, "validate": 4.0, "export": 1.0})
    entry = harness.combine_reference(runs)
    assert entry["finished"] is True and entry["capped"] == {}
    assert entry["build_total_s"] == 2.0 + 4.0 + 5.0 + 7.0 + 2.0


def test_one_worker_run_reports_every_stage(grown, tmp_path):
    root, _ = grown
    run = harness.run_worker(root, "fast", tmp_path / "d", cap_s=120, query_runs=1)
    assert run.ok, run.failed
    assert list(run.stages) == ["imports", *harness.STAGES]
    assert run.done["triples"] > 6000
    assert set(run.done["query_median_ms"]) == set(run.done["rows"])
    assert "rekg.ttl" in run.done["sums"]


def _run(stages, query_ms, triples=100, peak=50.0):
    done = {
        "triples": triples,
        "entailments": 7,
        "process_s": 1.0,
        "peak_rss_mib": peak,
        "query_median_ms": query_ms,
        "sums": "x  rekg.ttl\n",
    }
    return harness.Run(ok=True, stages=dict(zip(harness.STAGES, stages, strict=True)), done=done)


def test_summary_takes_medians_and_the_worst_peak():
    runs = [
        _run([1, 2, 3, 4, 5], {"a": 10.0, "b": 1.0}, peak=50.0),
        _run([3, 2, 1, 4, 5], {"a": 30.0, "b": 3.0}, peak=70.0),
        _run([2, 2, 2, 4, 5], {"a": 20.0, "b": 2.0}, peak=60.0),
    ]
    s = harness.summarise(runs)
    assert s["seconds_by_stage"] == {
        "load": 2,
        "validate": 2,
        "reason": 2,
        "queries": 4,
        "export": 5,
    }
    assert s["build_total_s"] == 15
    assert s["query_median_ms"] == {"a": 20.0, "b": 2.0}
    assert s["query_max_median_ms"] == 20.0
    assert s["peak_rss_mib"] == 70.0
    assert harness.summarise([harness.Run(ok=False, failed="load: boom")]) == {
        "finished": False,
        "failed": "load: boom",
    }


def test_targets_compare_with_the_anchor_and_the_smaller_size():
    results = {
        "sizes": {
            "100": {"fast": harness.summarise([_run([1, 1, 1, 1, 1], {"a": 5.0})])},
            "1000": {
                "fast": harness.summarise([_run([2, 13, 3, 4, 5], {"a": 150.0}, triples=1000)]),
                "reference": harness.summarise(
                    [_run([10, 10, 10, 10, 10], {"a": 1500.0}, triples=1000, peak=100.0)]
                ),
            },
        },
        "article_build": {"finished": True, "median_s": 0.9},
    }
    rows = {r["target"]: r for r in report.targets(results)}
    build_row = rows["rekg build at 1,000 triples"]
    assert (build_row["measured"], build_row["met"], build_row["ratio"]) == (27, True, 1.9)
    assert rows["slowest stored query at 1,000 triples (median)"]["met"] is False
    assert rows["slowest stored query at 1,000 triples (median)"]["ratio"] == 10.0
    assert rows["growth of validate, 100 to 1,000"]["measured"] == 13.0
    assert rows["growth of validate, 100 to 1,000"]["met"] is False
    assert rows["growth of load, 100 to 1,000"]["met"] is True
    assert rows["article: rekg build, process start to exit"]["met"] is True
    md = report.markdown({**results, "targets": report.targets(results)})
    assert "| 1,000 | fast | 2.00 s | 13.00 s | 3.00 s | 4.00 s | 5.00 s | 27.00 s |" in md
    assert "| growth of validate, 100 to 1,000 | <= 12x | 13.0 | NO |" in md


def test_bad_sizes_are_a_usage_error(tmp_path):
    done = run_cli("bench", "--sizes", "ten/20", "--out", str(tmp_path))
    assert done.returncode == 2
    assert "--sizes 'ten/20': give triple counts joined by '/'" in done.stderr
    assert not (tmp_path / "results.json").exists()


@pytest.mark.slow
def test_bench_end_to_end_on_tiny_sizes(tmp_path):
    done = run_cli(
        "bench", "--sizes", "3600/4000", "--cap", "120", "--out", str(tmp_path), "--work",
        str(tmp_path),
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    results = json.loads((tmp_path / "results.json").read_text())
    assert sorted(results["sizes"]) == ["3600", "4000"]
    for entry in results["sizes"].values():
        assert entry["engines_agree"] is True
        assert entry["fast"]["runs"] == 5
        assert set(entry["seconds_by_stage"]) == set(harness.STAGES)
        reference = entry["reference"]
        assert reference["finished"] is True and reference["capped"] == {}
        assert set(reference["sums_by_run"]) == {"validate", "reason", "queries"}
        assert set(reference["seconds_by_stage"]) == set(harness.STAGES)
        assert set(reference["query_median_ms"]) == set(entry["fast"]["query_median_ms"])
    assert (tmp_path / "results.md").read_text() in done.stdout
    # the sizes take turns, a warm-up each first, so that both meet the same machine
    turns = [line.split(": fast run ")[0].strip() + " " + line.split(": fast run ")[1][0]
             for line in done.stdout.splitlines() if ": fast run " in line]  # fmt: skip
    assert turns == [f"{size} {turn}" for turn in range(6) for size in ("3,600", "4,000")]


@pytest.mark.store
def test_the_server_under_load_beside_oxigraph(grown, tmp_path):
    """Both servers answer the same bound stored query with the same rows, and each is
    measured; the figures themselves are benchmark output, never asserted here."""
    from rekg.bench.serve_load import compare

    root, _ = grown
    dist = tmp_path / "dist"
    build(Project(root), dist)
    result = compare(root, dist, tmp_path / "work", clients=4, seconds=0.5, mixed=(4, 3.0))
    assert result.get("error") is None, result
    assert result["query"] == "feedstock-suppliers"
    assert result["rows"] >= 5
    for side in ("rekg", "oxigraph"):
        assert result[side]["finished"] and result[side]["requests"] > 0
        assert result[side]["p50_ms"] <= result[side]["p99_ms"]
    assert result["throughput_ratio"] == round(
        result["rekg"]["requests_per_s"] / result["oxigraph"]["requests_per_s"], 3
    )
    # the mixed load: every request answered, every runaway stopped with 503
    assert result["mixed"]["errors"] == []
    assert result["mixed"]["requests"] > 0
    assert set(result["mixed"]["runaways"]) == {503}


def test_serve_targets_are_reported_beside_the_anchor():
    serve = {"query": "q", "rows": 5, "throughput_ratio": 0.5,
             "rekg": {"finished": True, "requests_per_s": 400.0, "p99_ms": 120.0, "clients": 16},
             "oxigraph": {"finished": True, "requests_per_s": 800.0, "p99_ms": 10.0}}  # fmt: skip
    results = {"sizes": {"100000": {"fast": {}, "reference": {}, "serve": serve}}}
    rows = {r["target"]: r for r in report.targets(results)}
    rps = rows["/api/queries/q at 100,000 triples, 16 clients"]
    assert (rps["measured"], rps["met"], rps["ratio"]) == (400.0, True, 0.5)
    assert rps["anchor"] == "oxigraph serve: 800.0 requests/s"
    p99 = rows["/api/queries/q at 100,000 triples, p99 latency"]
    assert (p99["measured"], p99["met"], p99["ratio"]) == (120.0, False, 12.0)
