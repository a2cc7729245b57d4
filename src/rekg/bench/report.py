"""The benchmark's report: each target beside its measured value and its anchor
(`targets`), and the Markdown table of every stage at every size (`markdown`)."""

import statistics

from rekg.check.independent import VALIDATORS
from rekg.core.engines import Engine

STAGES = ("load", "validate", "reason", "queries", "export")

TARGETS = {
    "build_1m_s": 60.0,
    "peak_1m_mib": 4096.0,
    "query_1m_ms": 100.0,
    "growth": 12.0,
    "article_s": 1.5,
    "serve_rps": 300.0,
    "serve_p99_ms": 100.0,
}


def median(values):
    return round(statistics.median(values), 4) if values else None


def faults_line(faults: dict) -> str:
    if not faults.get("finished"):
        return f"not finished ({faults.get('failed')})"
    return (
        f"{sum(faults['injected'].values())} faults, {faults['findings']} findings, "
        f"engines agree: {faults['engines_agree']}"
    )


def shapes_line(run: dict) -> str:
    if not run.get("finished"):
        return f"not finished ({run.get('failed')})"
    agrees = "" if "agrees" not in run else f", the fast engine's results: {run['agrees']}"
    return (
        f"read {run['read_s']:.2f} s, validate {run['validate_s']:.2f} s, "
        f"{run['results']} results{agrees}"
    )


def serve_line(serve: dict) -> str:
    if not serve.get("rekg", {}).get("finished"):
        return f"not finished ({serve.get('error') or serve.get('rekg', {}).get('error')})"
    mine, anchor = serve["rekg"], serve["oxigraph"]
    return (
        f"rekg {mine['requests_per_s']} requests/s (p99 {mine['p99_ms']} ms), "
        f"oxigraph serve {anchor['requests_per_s']} requests/s (p99 {anchor['p99_ms']} ms)"
    )


def _ratio(a, b):
    return round(a / b, 1) if a and b else None


def targets(results: dict) -> list[dict]:
    """Each target beside its measured value and the anchor (the reference engines, or the
    size before), measured in the same run."""
    sizes = sorted(int(s) for s in results["sizes"])
    big = results["sizes"][str(sizes[-1])]
    fast, ref = big["fast"], big["reference"]
    rows = []

    def row(name, target, measured, ok, anchor, ratio):
        rows.append(
            {
                "target": name,
                "goal": target,
                "measured": measured,
                "met": ok,
                "anchor": anchor,
                "ratio": ratio,
            }  # fmt: skip
        )

    if fast.get("finished"):
        ref_total = ref.get("build_total_s")
        row(
            f"rekg build at {fast['triples']:,} triples",
            f"< {TARGETS['build_1m_s']:.0f} s",
            fast["build_total_s"],
            fast["build_total_s"] < TARGETS["build_1m_s"],
            f"reference engines: {ref_total} s"
            if ref_total
            else f"reference: over the {results.get('cap_s', 0):.0f} s CPU cap in "
            f"{', '.join(ref.get('capped', {})) or ref.get('failed')}",
            _ratio(ref_total, fast["build_total_s"]),
        )
        row(
            f"peak memory at {fast['triples']:,} triples",
            f"< {TARGETS['peak_1m_mib']:.0f} MiB",
            fast["peak_rss_mib"],
            fast["peak_rss_mib"] < TARGETS["peak_1m_mib"],
            f"reference: {ref.get('peak_rss_mib')} MiB" if ref.get("peak_rss_mib") else "-",
            _ratio(ref.get("peak_rss_mib"), fast["peak_rss_mib"]),
        )
        ref_q = ref.get("query_max_median_ms")
        row(
            f"slowest stored query at {fast['triples']:,} triples (median)",
            f"< {TARGETS['query_1m_ms']:.0f} ms",
            fast["query_max_median_ms"],
            fast["query_max_median_ms"] < TARGETS["query_1m_ms"],
            f"rdflib: {ref_q} ms" if ref_q else "rdflib: not finished",
            _ratio(ref_q, fast["query_max_median_ms"]),
        )
        ref_stages = ref.get("seconds_by_stage", {})
        for stage in STAGES:
            if stage in ("load", "validate", "reason", "queries"):
                a, b = ref_stages.get(stage), fast["seconds_by_stage"][stage]
                row(
                    f"{stage} at {fast['triples']:,} triples, fast vs reference",
                    "faster than the reference",
                    b,
                    a is None or b < a,
                    f"reference: {a} s"
                    if a is not None
                    else f"reference: over the {results.get('cap_s', 0):.0f} s CPU cap",
                    _ratio(a, b),
                )
    if len(sizes) >= 2:
        small = results["sizes"][str(sizes[-2])]["fast"]
        if small.get("finished") and fast.get("finished"):
            for stage in STAGES:
                a, b = small["seconds_by_stage"][stage], fast["seconds_by_stage"][stage]
                growth = round(b / a, 1) if a else None
                row(
                    f"growth of {stage}, {sizes[-2]:,} to {sizes[-1]:,}",
                    f"<= {TARGETS['growth']:.0f}x",
                    growth,
                    growth is not None and growth <= TARGETS["growth"],
                    f"{a} s at {sizes[-2]:,}",
                    growth,
                )
    for size in sizes:
        serve = results["sizes"][str(size)].get("serve")
        if not serve:
            continue
        mine, anchor = serve.get("rekg", {}), serve.get("oxigraph", {})
        finished = bool(mine.get("finished"))
        row(
            f"/api/queries/{serve['query']} at {size:,} triples, {mine.get('clients', 16)} clients",
            f">= {TARGETS['serve_rps']:.0f} requests/s",
            mine.get("requests_per_s"),
            finished and mine["requests_per_s"] >= TARGETS["serve_rps"],
            f"oxigraph serve: {anchor.get('requests_per_s')} requests/s",
            serve.get("throughput_ratio"),
        )
        row(
            f"/api/queries/{serve['query']} at {size:,} triples, p99 latency",
            f"< {TARGETS['serve_p99_ms']:.0f} ms",
            mine.get("p99_ms"),
            finished and mine["p99_ms"] < TARGETS["serve_p99_ms"],
            f"oxigraph serve: {anchor.get('p99_ms')} ms",
            _ratio(mine.get("p99_ms"), anchor.get("p99_ms")),
        )
        mixed = serve.get("mixed")
        if mixed:
            label = (
                f"mixed load at {size:,} triples: {mixed['clients']} clients for "
                f"{mixed['seconds']:.0f} s, {len(mixed['runaways'])} runaway queries meanwhile"
            )
            row(f"{label}: errors", "0", len(mixed["errors"]), not mixed["errors"],
                f"{mixed['requests']} requests, {mixed['requests_per_s']} requests/s", None)  # fmt: skip
            row(f"{label}: p50 / p99 latency", "reported", f"{mixed['p50_ms']} / {mixed['p99_ms']} ms",
                mixed["p50_ms"] is not None, "runaways answered " + ", ".join(
                    str(s) for s in sorted(set(mixed["runaways"]))), None)  # fmt: skip
    shapes = big.get("shapes", {})
    mine = shapes.get(Engine.FAST, {})
    for name in VALIDATORS if mine.get("finished") else ():
        run = shapes.get(name, {"failed": "not run"})
        other = run.get("validate_s") if run.get("finished") else None
        row(
            f"SHACL shapes alone at {mine_triples(big, sizes[-1]):,} triples, fast vs {name}",
            f"faster than {name}",
            mine["validate_s"],
            other is None or mine["validate_s"] < other,
            f"{name}: {other} s (and {run['read_s']} s reading)"
            if other is not None
            else f"{name}: {run.get('failed')}",
            _ratio(other, mine["validate_s"]),
        )
    shapes_sizes = [s for s in sizes if results["sizes"][str(s)].get("shapes")]
    if shapes_sizes:
        agreeing = all(
            run.get("agrees", True) and run.get("finished")
            for s in shapes_sizes
            for run in results["sizes"][str(s)]["shapes"].values()
        )
        row(
            f"SHACL results at {', '.join(f'{s:,}' for s in shapes_sizes)} triples: "
            "the same on every validator",
            " == ".join((Engine.FAST, *VALIDATORS)),
            mine.get("results"),
            agreeing,
            "same conformance, focus nodes, shapes and paths",
            None,
        )
    faults = results.get("faults")
    if faults:
        size = results["sizes"].get(str(faults["size"]), {}).get("triples", faults["size"])
        row(
            f"validation at {size:,} triples with "
            f"{sum(faults.get('injected', {}).values())} faults put in: the same report",
            "fast == reference",
            faults.get("findings"),
            bool(faults.get("engines_agree")),
            "pyshacl and the reference checks",
            None,
        )
        shapes = faults.get("shapes")
        if shapes:
            row(
                f"SHACL shapes at {size:,} triples with faults put in: the same results",
                " == ".join((Engine.FAST, *VALIDATORS)),
                shapes.get(Engine.FAST, {}).get("results"),
                all(shapes.get(name, {}).get("agrees") for name in VALIDATORS),
                "same conformance, focus nodes, shapes and paths",
                None,
            )
    article = results.get("article_build", {})
    if article.get("finished"):
        row(
            "article: rekg build, process start to exit",
            f"< {TARGETS['article_s']} s",
            article["median_s"],
            article["median_s"] < TARGETS["article_s"],
            "-",
            None,
        )
    return rows


def mine_triples(entry: dict, size: int) -> int:
    """The triples a size's graph holds, as measured, else the size asked for."""
    runs = entry.get("shapes", {}).values()
    return entry.get("triples") or next((r["triples"] for r in runs if "triples" in r), size)


def shapes_table(results: dict) -> list[str]:
    """The SHACL shapes alone, on the fast engine and the independent validators."""
    lines = [
        "",
        "| triples | SHACL validator | read | validate | results | the fast engine's results "
        "| peak RSS |",
        "| ---: | --- | ---: | ---: | ---: | --- | ---: |",
    ]
    cap = f"> {results.get('cap_s', 0):.0f} s"
    for size, entry in sorted(results["sizes"].items(), key=lambda kv: int(kv[0])):
        for name, run in entry.get("shapes", {}).items():
            triples = f"{mine_triples(entry, int(size)):,}"
            if not run.get("finished"):
                lines.append(f"| {triples} | {name} | {cap} | — | — | — | — |")
                continue
            agrees = "—" if "agrees" not in run else ("yes" if run["agrees"] else "NO")
            lines.append(
                f"| {triples} | {name} | {run['read_s']:.2f} s | {run['validate_s']:.2f} s | "
                f"{run['results']} | {agrees} | {run['peak_rss_mib']:.0f} MiB |"
            )
    if len(lines) == 3:
        return []
    return lines + [
        "",
        "The SHACL shapes alone (no SPARQL checks, no quote check), each validator in its own "
        "process after rekg's fast loader, wall-clock seconds. Read: the shapes, and the data "
        "as N-Triples text where the validator's API reads it apart from validating "
        "(pyrudof); pyshacl-turbo parses it inside validate.",
    ]


def markdown(results: dict) -> str:
    lines = ["# rekg bench results", ""]
    lines += [
        "| triples | engine | load | validate | reason | queries | export | build total | "
        "peak RSS | slowest query (median) |",
        "| ---: | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for size, entry in sorted(results["sizes"].items(), key=lambda kv: int(kv[0])):
        for engine in ("fast", "reference"):
            e = entry.get(engine)
            if e is None:
                continue
            st = e.get("seconds_by_stage", {})
            capped = e.get("capped", {})
            cells = [
                f"{st[s]:.2f} s" if st.get(s) is not None
                else (f"> {results.get('cap_s', 0):.0f} s CPU" if s in capped else "—")
                for s in STAGES
            ]  # fmt: skip
            if e.get("build_total_s"):
                total = f"{e['build_total_s']:.2f} s"
            elif capped:
                total = f"stages over the cap: {', '.join(capped)}"
            else:
                total = f"not finished ({e.get('failed')})"
            peak = f"{e['peak_rss_mib']:.0f} MiB" if e.get("peak_rss_mib") else "—"
            q = f"{e['query_max_median_ms']:.1f} ms" if e.get("query_max_median_ms") else "—"
            triples = e.get("triples") or entry.get("triples") or size
            lines.append(f"| {triples:,} | {engine} | " + " | ".join(cells)
                         + f" | {total} | {peak} | {q} |")  # fmt: skip
    lines += [
        "",
        "Fast engines: wall-clock seconds, each run alone. Reference engines: CPU seconds, one "
        "process per engine side by side (pyshacl, owlrl, rdflib's SPARQL engine), each stage "
        f"capped at {results.get('cap_s', 0):.0f} CPU seconds.",
    ]
    lines += shapes_table(results)
    lines += [
        "",
        "| target | goal | measured | met | anchor | ratio |",
        "| --- | --- | --- | --- | --- | --- |",
    ]
    for t in results.get("targets", []):
        lines.append(
            f"| {t['target']} | {t['goal']} | {t['measured']} | {'yes' if t['met'] else 'NO'} | "
            f"{t['anchor']} | {t['ratio'] if t['ratio'] is not None else '—'} |"
        )
    return "\n".join(lines) + "\n"
