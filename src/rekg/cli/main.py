"""The rekg command line: parses arguments, calls the operations, prints, and maps errors
to exit codes (0 success, 1 the data or a check failed, 2 bad usage or unreadable input)."""

import argparse
import os
import sys

from rekg import __version__
from rekg.cli import answers, bench, claims, graph, query, remote, serve, site, sources
from rekg.core.engines import Engine
from rekg.core.errors import EXIT_OK, EXIT_USAGE, CheckFailed, RekgError

# Each command group's module has register(add), where add(name, func, help) returns the
# sub-parser to give arguments to; the groups appear in `rekg --help` in this order.
GROUPS = (graph, query, answers, sources, claims, remote, site, serve, bench)

EPILOG = """exit codes: 0 success; 1 the data or a check failed (SHACL violation, a quote not
in its source, an inconsistent closure); 2 bad usage or unreadable input (a Turtle
syntax error, an unknown query or parameter)."""


def parser() -> argparse.ArgumentParser:
    top = argparse.ArgumentParser(
        prog="rekg",
        description="Build, check and query the rekg knowledge graph of China's "
        "engagement with Southeast Asia on rare earths.",
        epilog=EPILOG,
    )
    top.add_argument("--version", action="version", version=f"rekg {__version__}")
    top.add_argument(
        "--engine",
        choices=[e.value for e in Engine],
        help="fast (default: pyoxigraph, reasonable, compiled shapes) or reference "
        "(rdflib, owlrl, pyshacl); also $REKG_ENGINE",
    )
    top.add_argument(
        "--root",
        metavar="DIR",
        help="the project folder (default: $REKG_ROOT, "
        "or the current folder or a parent holding ontology/rekg.ttl)",
    )
    sub = top.add_subparsers(dest="command", metavar="COMMAND")

    def add(name, func, help_text):
        p = sub.add_parser(name, help=help_text, description=help_text, epilog=EPILOG)
        p.set_defaults(func=func)
        return p

    for group in GROUPS:
        group.register(add)
    return top


def main(argv=None) -> int:
    args = parser().parse_args(argv)
    if not getattr(args, "func", None):
        parser().print_help()
        return EXIT_USAGE
    try:
        # the one place the engine is chosen; every command hands it down
        args.engine = Engine.named(args.engine or os.environ.get("REKG_ENGINE") or "fast")
        return args.func(args)
    except CheckFailed as exc:
        if exc.report is not None:
            print(exc.report.render(), file=sys.stderr)
        print(f"rekg: {exc.message}", file=sys.stderr)
        return exc.exit_code
    except RekgError as exc:
        print(f"rekg: {exc}", file=sys.stderr)
        return exc.exit_code
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        # the reader (head, less) went away: not an error of ours
        sys.stderr.close()
        return EXIT_OK


if __name__ == "__main__":
    sys.exit(main())
