"""The benchmark harness: grows the project to each size, runs the build on the fast
engines (a warm-up, then the median of five runs, three at the largest size) and once on
each reference engine (side by side, each stage capped in CPU seconds), checks that the
engines wrote byte-identical files, times the SHACL shapes alone on the fast engine and on
the independent validators (rekg.check.independent) and compares their results, times the
real `rekg build` on the article and `rekg publish` where it exists, and writes
bench/results.json and bench/results.md. Every run is its own process (`worker.py`), so
peak memory is per run and a capped stage can be killed."""

import json
import os
import select
import shutil
import signal
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

from rekg.bench import serve_load
from rekg.bench.generate import grow, inject_faults
from rekg.bench.report import (
    STAGES,
    faults_line,
    markdown,
    median,
    serve_line,
    shapes_line,
    targets,
)
from rekg.check.independent import VALIDATORS
from rekg.core.engines import Engine


@dataclass
class Run:
    ok: bool
    stages: dict = field(default_factory=dict)  # wall seconds
    cpu: dict = field(default_factory=dict)  # CPU seconds
    done: dict = field(default_factory=dict)
    failed: str = ""  # the stage that did not finish, and why
    skipped: list = field(default_factory=list)


def run_worker(
    root: Path,
    engine: str,
    out: Path,
    cap_s: float,
    query_runs: int,
    skip=(),
    cpu_cap: bool = False,
) -> Run:
    """One build in a subprocess. A stage past cap_s seconds is stopped: wall-clock seconds,
    or with cpu_cap CPU seconds (the kernel stops it), for workers that share the cores."""
    cmd = [sys.executable, "-m", "rekg.bench.worker", str(root), engine, str(out), str(query_runs),
           ",".join(skip), *([str(cap_s)] if cpu_cap else [])]  # fmt: skip
    return _watch(cmd, ("imports", *STAGES, "queries timing"), cap_s, cpu_cap)


def _watch(cmd: list[str], stages: tuple, cap_s: float, cpu_cap: bool = False) -> Run:
    """A worker's stage lines as they come, until its summary; a stage past its cap (wall
    seconds, or CPU seconds with cpu_cap) is named, in `stages`' order, as the one that
    did not finish."""
    proc = subprocess.Popen(
        cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, bufsize=0, start_new_session=True
    )
    run = Run(ok=False)
    fd = proc.stdout.fileno()
    buffer = b""
    # a CPU-capped stage may wait for a core; the wall clock only guards against a hang
    wall_cap = cap_s * (os.cpu_count() or 1) * 2 + 60 if cpu_cap else cap_s
    deadline = time.monotonic() + wall_cap
    stage_index = 0

    def pending() -> str:
        return stages[min(stage_index, len(stages) - 1)]

    while True:
        # every complete line first: several can arrive at once (a skipped stage is instant)
        while b"\n" in buffer:
            line, buffer = buffer.split(b"\n", 1)
            msg = json.loads(line)
            if msg["stage"] == "done":
                proc.wait()
                run.ok, run.done = True, msg
                return run
            if msg.get("skipped"):
                run.skipped.append(msg["stage"])
            else:
                run.stages[msg["stage"]] = msg["s"]
                if "cpu" in msg:
                    run.cpu[msg["stage"]] = msg["cpu"]
            stage_index += 1
            deadline = time.monotonic() + wall_cap
        remaining = deadline - time.monotonic()
        ready, _, _ = select.select([fd], [], [], max(remaining, 0))
        if not ready:
            proc.kill()
            proc.wait()
            run.failed = f"{pending()}: not finished in {wall_cap:.0f} s (killed)"
            return run
        chunk = os.read(fd, 65536)
        if not chunk:
            proc.wait()
            if proc.returncode == -signal.SIGXCPU:
                run.failed = f"{pending()}: not finished in {cap_s:.0f} s of CPU (stopped)"
                return run
            err = proc.stderr.read().decode("utf-8", "replace").strip().splitlines()
            run.failed = f"exit {proc.returncode}: {err[-1] if err else ''}"
            return run
        buffer += chunk


def summarise(runs: list[Run]) -> dict:
    ok = [r for r in runs if r.ok]
    if not ok:
        return {"finished": False, "failed": runs[-1].failed if runs else "not run"}
    by_stage = {s: median([r.stages[s] for r in ok]) for s in STAGES}
    queries = {
        name: median([r.done["query_median_ms"][name] for r in ok])
        for name in ok[0].done["query_median_ms"]
    }
    return {
        "finished": True,
        "runs": len(ok),
        "triples": ok[0].done["triples"],
        "entailments": ok[0].done["entailments"],
        "seconds_by_stage": by_stage,
        "build_total_s": median([sum(r.stages[s] for s in STAGES) for r in ok]),
        "process_s": median([r.done["process_s"] for r in ok]),
        "peak_rss_mib": max(r.done["peak_rss_mib"] for r in ok),
        "query_median_ms": queries,
        "query_max_median_ms": max(queries.values()),
        "sums": ok[0].done["sums"],
    }


def partial(run: Run) -> dict:
    """What a reference run measured before it was stopped."""
    out = summarise([run])
    if not out["finished"]:
        out["seconds_by_stage"] = dict(run.stages)
    return out


# One process per reference engine, side by side: each measures its own stage and takes
# the fast engines' output for the other two, so that an engine over the cap does not keep
# the others from being measured, and three capped stages cost one cap of wall time, not
# three. They share the cores, so their stages are timed and capped in CPU seconds.
REFERENCE_JOBS = {
    "validate": ("reason", "queries"),  # pyshacl
    "reason": ("validate", "queries"),  # owlrl
    "queries": ("validate", "reason"),  # rdflib's SPARQL engine
}


def reference_runs(root: Path, out: Path, cap_s: float, log) -> dict:
    """The reference engines once each, each stage capped at cap_s CPU seconds."""
    with ThreadPoolExecutor(len(REFERENCE_JOBS)) as pool:
        futures = {
            stage: pool.submit(
                run_worker, root, "reference", out / stage, cap_s, 0, skip, cpu_cap=True
            )
            for stage, skip in REFERENCE_JOBS.items()
        }
        runs = {stage: future.result() for stage, future in futures.items()}
    return combine_reference(runs, log)


def combine_reference(runs: dict, log=lambda m: None) -> dict:
    """One entry from the per-engine runs: each engine's own stage from its run, load and
    export as the median of the runs that reached them (CPU seconds throughout)."""
    stages, capped, failed = {}, {}, []
    for stage, run in runs.items():
        if run.failed:
            log(f"    reference {stage}: {run.failed}")
            if run.failed.startswith(f"{stage}:"):
                capped[stage] = run.failed
            else:
                failed.append(f"{stage} run: {run.failed}")
        if stage in run.cpu:
            stages[stage] = run.cpu[stage]
    for stage in ("load", "export"):
        values = [run.cpu[stage] for run in runs.values() if stage in run.cpu]
        if values:
            stages[stage] = median(values)
    ok = {stage: run for stage, run in runs.items() if run.ok}
    entry = {
        "timing": "CPU seconds, one process per reference engine, side by side",
        "finished": len(ok) == len(runs),
        "seconds_by_stage": {s: stages[s] for s in STAGES if s in stages},
        "capped": capped,
        "sums_by_run": {stage: run.done["sums"] for stage, run in ok.items()},
    }
    if failed:
        entry["failed"] = "; ".join(failed)
    if ok:
        entry["peak_rss_mib"] = max(run.done["peak_rss_mib"] for run in ok.values())
        entry["triples"] = next(iter(ok.values())).done["triples"]
    queries = runs.get("queries")
    if queries is not None and queries.ok and queries.done["query_median_ms"]:
        entry["query_median_ms"] = queries.done["query_median_ms"]
        entry["query_max_median_ms"] = max(queries.done["query_median_ms"].values())
    if entry["finished"] and all(s in stages for s in STAGES):
        entry["build_total_s"] = round(sum(stages[s] for s in STAGES), 4)
    return entry


def time_command(args: list[str], runs: int, cwd: Path, cap_s: float = 600.0) -> dict:
    """Wall time of a real command, process start to exit: median after a warm-up."""
    times = []
    for i in range(runs + 1):
        t = time.perf_counter()
        try:
            done = subprocess.run(args, cwd=cwd, capture_output=True, text=True, timeout=cap_s)
        except subprocess.TimeoutExpired:
            return {"finished": False, "failed": f"not finished in {cap_s:.0f} s (killed)"}
        elapsed = time.perf_counter() - t
        if done.returncode != 0:
            return {"finished": False, "failed": done.stderr.strip().splitlines()[-1:]}
        if i:
            times.append(elapsed)
    return {"finished": True, "runs": runs, "median_s": median(times), "all_s": times}


def runs_for(size: int, largest: int) -> int:
    """Measured runs after the warm-up: five, three at the largest size from 1M up."""
    return 3 if size == largest and size >= 1_000_000 else 5


def fast_runs(roots: dict, work: Path, cap_s: float, log=print) -> dict:
    """The fast engines' runs at every size, a warm-up each and then the sizes in turn
    (10k, 100k, 1M, 10k, ...), so that every size meets the machine as it is at that time:
    run one size after the other and a machine 10% slower for a few minutes shows as 10%
    more growth from one size to the next."""
    largest = max(roots)
    by_size = {size: [] for size in roots}
    for turn in range(max(runs_for(size, largest) for size in roots) + 1):
        for size, root in roots.items():
            if turn > runs_for(size, largest):
                continue
            r = run_worker(root, "fast", work / f"dist-fast-{size}", cap_s, 5)
            log(
                f"    {size:,}: fast run {turn}{' (warm-up)' if turn == 0 else ''}: "
                + (f"{sum(r.stages.get(s, 0) for s in STAGES):.2f} s" if r.ok else r.failed)
            )
            if turn:
                by_size[size].append(r)
    return by_size


def fault_agreement(root: Path, work: Path, cap_s: float, every: int = 20) -> dict:
    """Both validators (the fast one and pyshacl with the reference checks) on a copy of a
    grown graph with faults put into one claim in `every`: `rekg validate` must exit 1 on
    both (0 when no claim got a fault) with the same report, line for line."""
    faulty = work / f"{root.name}-faults"
    if faulty.exists():
        shutil.rmtree(faulty)
    shutil.copytree(root, faulty)
    injected = inject_faults(faulty, every)
    reports = {}
    for name in ("fast", "reference"):
        cmd = [rekg_command(), "--root", str(faulty), "--engine", name, "validate"]
        try:
            done = subprocess.run(cmd, capture_output=True, text=True, timeout=cap_s)
        except subprocess.TimeoutExpired:
            return {"finished": False, "failed": f"{name}: not finished in {cap_s:.0f} s"}
        reports[name] = (done.returncode, done.stdout)
    (code, text), other = reports["fast"], reports["reference"]
    expected = 1 if sum(injected.values()) else 0
    return {
        "finished": True,
        "injected": injected,
        "exit_codes": {name: r[0] for name, r in reports.items()},
        "findings": sum(1 for line in text.splitlines() if line.startswith("Violation: ")),
        "engines_agree": code == expected and other == (code, text),
        "differing_lines": sorted(set(text.splitlines()) ^ set(other[1].splitlines()))[:20],
    }


SHAPES_VALIDATORS = (str(Engine.FAST), *VALIDATORS)


def shapes_runs(root: Path, cap_s: float, log=print) -> dict:
    """The SHACL shapes alone on the fast engine and on each independent validator, one
    process each, one after the other (wall-clock seconds, each stage capped at cap_s):
    their times, and whether each gave the fast engine's results."""
    out = {}
    for validator in SHAPES_VALIDATORS:
        cmd = [sys.executable, "-m", "rekg.bench.worker", str(root), "shapes", validator]
        run = _watch(cmd, ("imports", "load", "ntriples", "read", "validate"), cap_s)
        if not run.ok:
            out[validator] = {"finished": False, "failed": run.failed}
        else:
            out[validator] = {
                "finished": True,
                "read_s": run.stages["read"],
                "validate_s": run.stages["validate"],
                **{
                    k: run.done[k]
                    for k in ("triples", "conforms", "results", "digest", "peak_rss_mib")
                },
            }
    fast = out[Engine.FAST]
    for validator in SHAPES_VALIDATORS:
        mine = out[validator]
        if validator in VALIDATORS and fast.get("finished") and mine.get("finished"):
            mine["agrees"] = (mine["conforms"], mine["digest"]) == (
                fast["conforms"],
                fast["digest"],
            )
        log(f"    shapes on {validator}: {shapes_line(mine)}")
    return out


def rekg_command() -> str:
    return str(Path(sys.executable).with_name("rekg"))


def has_command(name: str) -> bool:
    done = subprocess.run([rekg_command(), name, "--help"], capture_output=True, text=True)
    return done.returncode == 0


def run(
    base: Path,
    out_dir: Path,
    work: Path,
    sizes=(10_000, 100_000, 1_000_000),
    cap_s: float = 600.0,
    queries_dir: Path | None = None,
    log=print,
) -> dict:
    results = {
        "machine": {"cpus": os.cpu_count(), "python": sys.version.split()[0]},
        "cap_s": cap_s,
        "queries_dir": str(queries_dir) if queries_dir else "queries",
        "sizes": {},
    }
    log(f"rekg bench: article, then sizes {', '.join(f'{s:,}' for s in sizes)}")
    article = time_command([rekg_command(), "build", "--out", str(work / "article-dist")], 5, base)
    results["article_build"] = article
    log(f"  article: rekg build {article.get('median_s')} s (median of 5, process start to exit)")
    roots, generated = {}, {}
    for size in sizes:
        roots[size] = root = work / f"g{size}"
        t = time.perf_counter()
        generated[size] = grow(base, root, size)
        if queries_dir is not None:
            shutil.rmtree(root / "queries")
            shutil.copytree(queries_dir, root / "queries")
        log(
            f"  {size:,}: generated {generated[size]['sources']} sources in "
            f"{time.perf_counter() - t:.1f} s"
        )
    runs_by_size = fast_runs(roots, work, cap_s, log)
    smallest = min(sizes)
    results["faults"] = {"size": smallest, **fault_agreement(roots[smallest], work, cap_s)}
    log(f"  {smallest:,} with faults put in: {faults_line(results['faults'])}")
    if results["faults"]["finished"]:
        faulty = work / f"{roots[smallest].name}-faults"
        results["faults"]["shapes"] = shapes_runs(faulty, cap_s, log)
    for size in sizes:
        root, fast_runs_here = roots[size], runs_by_size[size]
        reference = reference_runs(root, work / f"dist-ref-{size}", cap_s, log)
        log(
            f"  {size:,}: reference {reference['seconds_by_stage']}, "
            f"over the cap: {list(reference['capped'])}"
        )
        entry = {
            "generated_sources": generated[size]["sources"],
            "fast": summarise(fast_runs_here),
            "reference": reference,
        }
        log(f"  {size:,}: the SHACL shapes alone, fast beside {', '.join(VALIDATORS)}")
        entry["shapes"] = shapes_runs(root, cap_s, log)
        fast = entry["fast"]
        if fast.get("finished"):
            entry["triples"] = fast["triples"]
            for key in ("build_total_s", "peak_rss_mib", "query_max_median_ms", "seconds_by_stage"):
                entry[key] = fast[key]
        if fast.get("finished") and entry["reference"].get("sums_by_run"):
            fast_sums = set(fast["sums"].splitlines())
            differing = set()
            for sums in entry["reference"]["sums_by_run"].values():
                differing |= {line.split()[-1] for line in fast_sums ^ set(sums.splitlines())}
            entry["engines_agree"] = not differing
            entry["files_differing"] = sorted(differing)
            log(
                f"    engines agree (byte-identical files): {entry['engines_agree']}"
                + ("" if entry["engines_agree"] else f" {entry['files_differing']}")
            )
        if size <= 100_000 and has_command("publish"):
            site = work / f"site-{size}"
            entry["publish"] = time_command(
                [rekg_command(), "--root", str(root), "publish", "--out", str(site),
                 "--dist", str(work / f"dist-fast-{size}")],
                1 if size > 10_000 else 3,
                base,
                cap_s,
            )  # fmt: skip
            log(f"    publish: {entry['publish'].get('median_s')} s")
        if size == max(s for s in sizes if s <= 100_000) and has_command("serve"):
            entry["serve"] = serve_load.compare(root, work / f"dist-fast-{size}", work)
            log(f"    serve under load: {serve_line(entry['serve'])}")
        results["sizes"][str(size)] = entry
        out_dir.mkdir(parents=True, exist_ok=True)
        (out_dir / "results.json").write_text(json.dumps(results, indent=1, sort_keys=True) + "\n")
    results["targets"] = targets(results)
    (out_dir / "results.json").write_text(json.dumps(results, indent=1, sort_keys=True) + "\n")
    (out_dir / "results.md").write_text(markdown(results))
    return results
