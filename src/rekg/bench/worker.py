"""One measured build, in its own process, so that its peak memory is its own and a stage
over its time cap can be killed by the harness:

    python -m rekg.bench.worker ROOT ENGINE OUT [QUERY_RUNS [SKIP [CPU_CAP]]]

Runs the stages of `rekg build` (build.py's own functions, in build's order) and prints one
JSON line as each stage ends ({"stage": ..., "s": wall seconds, "cpu": CPU seconds}), then a
summary line with the time of every stored query (median of QUERY_RUNS runs after one
warm-up), the checksums of the written files (the engines must agree byte for byte) and
the peak RSS. QUERY_RUNS 0 times each query once, inside the queries stage.

With CPU_CAP (seconds), each stage may use that much CPU time and no more: the kernel stops
the process with SIGXCPU past it. The reference engines run side by side, so a wall-clock
cap would charge one engine for the time the others took.

    python -m rekg.bench.worker ROOT shapes VALIDATOR

times the SHACL shapes alone on one validator: `fast` (rekg's engine) or one of the
independent ones (rekg.check.independent). It loads with the fast loader, then says
`ntriples` (the graph as N-Triples text, for the independent ones), `read` (the validator
reads the shapes and, where its API allows, the data) and `validate`, and ends with the
results' count and a digest of them, for the harness to compare across validators."""

import gc
import hashlib
import importlib
import json
import math
import resource
import statistics
import sys
import time
from pathlib import Path


def _say(**fields) -> None:
    print(json.dumps(fields, sort_keys=True), flush=True)


def _cpu_s() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def _cap_cpu(cap_s: float | None) -> None:
    """Allow the next stage cap_s seconds of CPU from now."""
    if cap_s is None:
        return
    _, hard = resource.getrlimit(resource.RLIMIT_CPU)
    soft = math.ceil(_cpu_s() + cap_s)
    resource.setrlimit(
        resource.RLIMIT_CPU, (soft if hard == resource.RLIM_INFINITY else min(soft, hard), hard)
    )


def shapes(root: Path, validator: str) -> int:
    """The SHACL shapes alone on `validator`, after the fast loader, timed stage by stage."""
    start = time.perf_counter()
    from rekg.check.independent import VALIDATORS, Outcome, ntriples, prepare, results_of
    from rekg.check.shapes import load_shapes
    from rekg.check.validate import shacl_findings
    from rekg.core.collector import collect_once
    from rekg.core.engines import Engine
    from rekg.core.errors import UsageError
    from rekg.core.project import Project
    from rekg.ingest.load import load_project

    independent = validator in VALIDATORS
    if independent:
        importlib.import_module(validator.replace("-", "_"))  # its import is not its reading
    elif Engine.named(validator) is not Engine.FAST:
        raise UsageError(
            f"the shapes alone run on rekg's fast engine or on {', '.join(VALIDATORS)}",
            remedy=f"not on {validator}: `rekg bench` times pySHACL within the build",
        )
    _say(stage="imports", s=round(time.perf_counter() - start, 4))

    def timed(stage, func):
        t = time.perf_counter()
        value = func()
        _say(stage=stage, s=round(time.perf_counter() - t, 4))
        return value

    project = Project(root)
    loaded = timed("load", lambda: load_project(project, engine=Engine.FAST))
    gc.freeze()  # as build() does
    graph = load_shapes(project.shapes, project.relative(project.shapes))
    if not independent:
        timed("ntriples", lambda: None)

        def run() -> Outcome:
            # as check() runs it: the collector paused, once at the end
            with collect_once(True):
                results = results_of(shacl_findings(loaded, graph, Engine.FAST))
            return Outcome(not results, results)

        timed("read", lambda: None)
    else:
        text = timed("ntriples", lambda: ntriples(loaded.as_written()))
        run = timed("read", lambda: prepare(validator, text, graph))
    outcome = timed("validate", run)
    listing = "".join(f"{r.focus}\t{r.shape}\t{r.path}\n" for r in outcome.results)
    _say(
        stage="done",
        validator=validator,
        triples=len(loaded),
        conforms=outcome.conforms,
        results=len(outcome.results),
        digest=hashlib.sha256(listing.encode("utf-8")).hexdigest(),
        peak_rss_mib=round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
    )
    return 0


def main(argv: list[str]) -> int:
    if len(argv) > 2 and argv[1] == "shapes":
        return shapes(Path(argv[0]), argv[2])
    start = time.perf_counter()
    root, out = Path(argv[0]), Path(argv[2])
    query_runs = int(argv[3]) if len(argv) > 3 else 5
    skip = set(argv[4].split(",")) if len(argv) > 4 and argv[4] else set()
    cpu_cap = float(argv[5]) if len(argv) > 5 else None
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))  # a stopped stage leaves no core file
    from rekg.core.engines import Engine
    from rekg.core.project import Project
    from rekg.ingest.load import load_project
    from rekg.pipeline import answer_catalogue, check, export_to, reason_checked
    from rekg.query.catalogue import load_catalogue
    from rekg.query.resolver import StoreResolver
    from rekg.query.run import run_stored

    engine = Engine.named(argv[1])
    fast = engine is Engine.FAST
    _say(stage="imports", s=round(time.perf_counter() - start, 4))

    def timed(stage, func, instead=None):
        _cap_cpu(cpu_cap)
        if stage in skip:
            _say(stage=stage, s=None, skipped=True)
            return instead() if instead else None
        t, c = time.perf_counter(), _cpu_s()
        value = func()
        _say(stage=stage, s=round(time.perf_counter() - t, 4), cpu=round(_cpu_s() - c, 4))
        return value

    project = Project(root)
    loaded = timed("load", lambda: load_project(project, engine=engine))
    if fast:
        gc.freeze()  # as build() does (collector.frozen); this process ends with the build
    timed("validate", lambda: check(loaded, engine))

    def reason(name=engine):
        reasoned = reason_checked(loaded, name)
        reasoned.adopt_store(loaded)
        return reasoned

    reasoned = timed("reason", reason, lambda: reason(Engine.FAST))
    catalogue = load_catalogue(project.queries)
    graph = reasoned.store if fast else reasoned.closure
    resolver = StoreResolver(reasoned.store) if fast else graph
    query_ms = {}

    def answer_each_once():
        """What answer_catalogue does on the reference engine, timing each query in CPU
        time (the reference engines share the cores): rdflib takes minutes on a large
        graph, too long to run the catalogue a second time."""
        answers = {}
        for name, query in sorted(catalogue.items()):
            c = _cpu_s()
            answers[name] = run_stored(graph, query, None, resolver, engine)
            query_ms[name] = round((_cpu_s() - c) * 1000, 2)
        return answers

    answers = timed(
        "queries",
        answer_each_once
        if query_runs == 0
        else lambda: answer_catalogue(reasoned, catalogue, engine),
        lambda: answer_catalogue(reasoned, catalogue, Engine.FAST),
    )

    files = timed("export", lambda: export_to(out, loaded, reasoned, catalogue, answers))
    process_s = time.perf_counter() - start
    # each stored query alone, after the build: median of query_runs after a warm-up
    _cap_cpu(cpu_cap)
    for name, query in sorted(catalogue.items()) if "queries" not in skip and query_runs else ():
        times = []
        for _ in range(query_runs + 1):
            t = time.perf_counter()
            run_stored(graph, query, None, resolver, engine)
            times.append((time.perf_counter() - t) * 1000)
        query_ms[name] = round(statistics.median(times[1:]), 2)
    _say(
        stage="done",
        triples=len(loaded),
        entailments=len(reasoned) - len(loaded),
        process_s=round(process_s, 4),
        query_median_ms=query_ms,
        sums=files["SHA256SUMS"].decode("utf-8"),
        skipped=sorted(skip),
        rows={k: len(v) for k, v in answers.items()},
        peak_rss_mib=round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
    )
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
