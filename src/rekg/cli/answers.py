"""`rekg answers`: compare the answers of the stored questions on the current data with the
reviewed files queries/questions/NAME.expected.csv, or rewrite those files (--write)."""

import argparse
import sys

from rekg.cli.common import project_of
from rekg.core.errors import EXIT_OK, DataError


def cmd_answers(args) -> int:
    from rekg.pipeline import closure_graph
    from rekg.query import answers
    from rekg.query.catalogue import load_catalogue
    from rekg.query.run import run_catalogue

    project = project_of(args)
    folder = project.queries / "questions"
    catalogue = load_catalogue(project.queries)
    # the closure and the engine `rekg query` uses, so each file is what it prints
    rows = run_catalogue(closure_graph(project, args.engine), catalogue, args.engine)
    where = project.relative(folder)
    if args.write:
        changes = answers.write(catalogue, rows, folder)
        for change in changes:
            verb = "removed" if change.kind == "orphan" else "wrote"
            print(f"{verb} {project.relative(change.path)} ({change.counts()})")
            if args.diff:
                sys.stdout.write(change.diff())
        removed = sum(change.kind == "orphan" for change in changes)
        wrote = len(changes) - removed
        print(
            f"rekg answers: wrote {wrote}, removed {removed} and left "
            f"{len(catalogue) - wrote} of the expected files in {where}/ as they were",
            file=sys.stderr,
        )
        return EXIT_OK
    changes = answers.compare(catalogue, rows, folder)
    differing = {d.name: d for d in changes if d.kind != "orphan"}
    for name in sorted(catalogue):
        if name in differing:
            print(differing[name].line())
            if args.diff:
                sys.stdout.write(differing[name].diff())
        else:
            print(f"ok {name} ({answers.plural(len(rows[name]))})")
    for change in changes:
        if change.kind == "orphan":
            print(change.line())
    if changes:
        verb = "disagrees" if len(changes) == 1 else "disagree"
        raise DataError(
            f"{answers.plural(len(changes), 'stored answer')} in {where}/ {verb} "
            "with the current data",
            remedy="review the change (rekg answers --diff); when every changed row follows "
            "from it, run 'make answers' (rekg answers --write) and commit the new files",
        )
    return EXIT_OK


def register(add) -> None:
    p = add(
        "answers",
        cmd_answers,
        "compare every stored question's answer with queries/questions/NAME.expected.csv "
        "(exit 1 when one differs or is missing), or rewrite those files (--write)",
    )
    mode = p.add_mutually_exclusive_group()
    mode.add_argument(
        "--check",
        action="store_true",
        help="compare, print one line per question, exit 1 on any difference (the default)",
    )
    mode.add_argument(
        "--write",
        action="store_true",
        help="rewrite the expected files that differ, remove those of removed questions",
    )
    # also after the command (`rekg answers --root DIR`), as before it
    p.add_argument("--root", metavar="DIR", default=argparse.SUPPRESS, help=argparse.SUPPRESS)
    p.add_argument(
        "--diff",
        action="store_true",
        help="also print a unified diff of each expected file that differs (or was rewritten)",
    )
