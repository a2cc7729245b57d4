"""`rekg bench`: the benchmark (see src/rekg/bench/), and the engine switch."""

import sys
import tempfile
from pathlib import Path

from rekg.cli.common import project_of
from rekg.core.errors import EXIT_DATA, EXIT_OK, UsageError


def cmd_bench(args) -> int:
    from rekg.bench import harness, report

    project = project_of(args)
    try:
        sizes = tuple(int(s.replace("_", "").replace(",", "")) for s in args.sizes.split("/"))
    except ValueError:
        raise UsageError(
            f"--sizes {args.sizes!r}: give triple counts joined by '/'",
            remedy="for example --sizes 10000/100000/1000000",
        ) from None
    out = Path(args.out) if args.out else project.root / "bench"
    queries = Path(args.queries) if args.queries else None
    if queries is not None and not (queries / "questions").is_dir():
        raise UsageError(
            f"--queries {queries}: no questions/ folder there", remedy="check the path"
        )
    with tempfile.TemporaryDirectory(prefix="rekg-bench-", dir=args.work) as work:
        results = harness.run(
            project.root,
            out,
            Path(work),
            sizes,
            args.cap,
            queries,
            log=lambda m: print(m, flush=True),
        )
    sys.stdout.write(report.markdown(results))
    print(f"rekg bench: wrote {out / 'results.json'} and {out / 'results.md'}", file=sys.stderr)
    disagree = [s for s, e in results["sizes"].items() if e.get("engines_agree") is False]
    if disagree:
        print(
            f"rekg bench: the engines wrote different files at {', '.join(disagree)} triples "
            "(see files_differing in results.json)",
            file=sys.stderr,
        )
        return EXIT_DATA
    if not results.get("faults", {}).get("engines_agree", True):
        print(
            "rekg bench: the validators reported different findings on the graph with faults "
            "(see faults in results.json)",
            file=sys.stderr,
        )
        return EXIT_DATA
    runs = [
        run
        for entry in (*results["sizes"].values(), results.get("faults", {}))
        for run in entry.get("shapes", {}).values()
    ]
    if any(run.get("agrees") is False for run in runs):
        print(
            "rekg bench: an independent SHACL validator gave other results than the fast "
            "engine (see shapes in results.json)",
            file=sys.stderr,
        )
        return EXIT_DATA
    return EXIT_OK


def register(add) -> None:
    p = add(
        "bench", cmd_bench, "time every stage of the build on generated graphs, fast vs reference"
    )
    p.add_argument(
        "--sizes",
        default="10000/100000/1000000",
        help="triple counts (default 10000/100000/1000000)",
    )
    p.add_argument(
        "--cap",
        type=float,
        default=600.0,
        help="seconds a stage may take before it is stopped (default 600): wall-clock for "
        "the fast engines, CPU seconds for the reference engines, which run side by side",
    )
    p.add_argument(
        "--out", metavar="DIR", help="where results.json and results.md go (default bench/)"
    )
    p.add_argument(
        "--work",
        metavar="DIR",
        help="where the generated projects go (default: a temporary folder)",
    )
    p.add_argument(
        "--queries", metavar="DIR", help="take queries/ from DIR instead of the project's"
    )
