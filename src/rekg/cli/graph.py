"""`rekg build`, `validate`, `reason` and `export`: the pipeline's commands."""

import sys
from pathlib import Path

from rekg.cli.common import endpoint_from, project_of, refuse_remote_options, remote_options
from rekg.core.errors import EXIT_DATA, EXIT_OK


def cmd_build(args) -> int:
    from rekg.pipeline import build
    from rekg.remote.endpoint import answerer

    project = project_of(args)
    answer = None
    if args.endpoint:
        answer = answerer(endpoint_from(args, args.endpoint))
    else:
        refuse_remote_options(args)
    result = build(project, Path(args.out) if args.out else None, answer=answer, engine=args.engine)
    # counts, not .graph: materialising an rdflib graph at a million triples costs gigabytes
    asserted, closure = len(result.loaded), len(result.reasoned)
    timings = ", ".join(f"{k} {v:.2f} s" for k, v in result.seconds.items())
    print(
        f"rekg build: {asserted} asserted triples, {closure - asserted} entailments, "
        f"{len(result.answers)} questions answered; wrote {len(result.files)} files to "
        f"{project.relative(result.out)}/ ({timings})",
        file=sys.stderr,
    )
    if args.answers:
        sys.stdout.write(result.files["answers.md"].decode("utf-8"))
    elif args.summary:
        sys.stdout.write(answers_summary(result, project))
    return EXIT_OK


def answers_summary(result, project) -> str:
    """One line a question (rows, then the question), then where the full answers are: the
    whole answers.md is hundreds of lines, which bury the build's summary."""
    from rekg.query.catalogue import load_catalogue

    catalogue = load_catalogue(project.queries)
    width = max((len(name) for name in result.answers), default=0)
    lines = [f"{len(result.answers)} stored questions answered:"]
    for name, rows in sorted(result.answers.items()):
        lines.append(f"  {name:<{width}}  {len(rows):>4} rows  {catalogue[name].summary}")
    lines.append(f"Every answer in full: {project.relative(result.out)}/answers.md")
    lines.append("Ask one: .venv/bin/rekg query NAME (list them: .venv/bin/rekg queries)")
    return "\n".join(lines) + "\n"


def cmd_validate(args) -> int:
    from rekg.check import validate
    from rekg.ingest.load import load_project

    project = project_of(args)
    loaded = load_project(project, strict=False, engine=args.engine)
    report = validate(loaded, args.engine, Path(args.shapes) if args.shapes else None)
    print(report.render())
    return EXIT_OK if report.conforms else EXIT_DATA


def cmd_reason(args) -> int:
    from rekg.pipeline import write_inferred

    project = project_of(args)
    done = write_inferred(project, Path(args.out) if args.out else None, engine=args.engine)
    reasoned, shown = done.reasoned, project.relative(done.target)
    how = "wrote" if done.written else "unchanged:"
    print(
        f"rekg reason: {len(reasoned.inferred)} entailments about the project's resources; "
        f"{how} {shown} ({len(reasoned.closure)} triples)",
        file=sys.stderr,
    )
    if done.dropped:
        folder = project.relative(done.target.parent)
        print(
            f"rekg reason: {folder}/ held a build of other inputs; so as not to leave "
            f"{', '.join(done.dropped)} beside a closure they do not describe, {folder}/ now "
            "holds the closure alone; run 'rekg build' to write every file",
            file=sys.stderr,
        )
    return EXIT_OK


def cmd_export(args) -> int:
    from rekg.pipeline import build

    project = project_of(args)
    result = build(
        project, Path(args.out) if args.out else None, validate_first=False, engine=args.engine
    )
    print(
        f"rekg export: wrote {', '.join(sorted(result.files))} to {project.relative(result.out)}/",
        file=sys.stderr,
    )
    return EXIT_OK


def register(add) -> None:

    p = add(
        "build", cmd_build, "validate, reason, answer every stored question and export to dist/"
    )
    p.add_argument("--out", metavar="DIR", help="write there instead of dist/")
    shown = p.add_mutually_exclusive_group()
    shown.add_argument("--answers", action="store_true", help="print dist/answers.md when done")
    shown.add_argument(
        "--summary",
        action="store_true",
        help="print each stored question with its number of rows, and where the answers are",
    )
    remote_options(p, "answer the stored questions on this SPARQL endpoint instead")
    p = add(
        "validate", cmd_validate, "run the SHACL shapes and the checks; exit 1 on any violation"
    )
    p.add_argument("--shapes", metavar="FILE", help="shapes file (default ontology/shapes.ttl)")
    p = add("reason", cmd_reason, "compute the OWL 2 RL closure into dist/rekg-inferred.ttl")
    p.add_argument("--out", metavar="DIR", help="write there instead of dist/")
    p = add("export", cmd_export, "write the datasets to dist/ without running the SHACL checks")
    p.add_argument("--out", metavar="DIR", help="write there instead of dist/")
