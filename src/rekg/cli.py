"""The rekg command line: parses arguments, calls the operations, prints, and maps errors
to exit codes (0 success, 1 the data or a check failed, 2 bad usage or unreadable input)."""

import argparse
import importlib
import importlib.util
import sys
from pathlib import Path

from . import __version__
from .errors import EXIT_DATA, EXIT_OK, CheckFailed, RekgError, UsageError
from .formats import RESULT_FORMATS

# Command groups kept in their own modules; each has register(add), where
# add(name, func, help) returns the sub-parser to give arguments to.
EXTENSIONS = ("rekg.cli_remote", "rekg.cli_site", "rekg.cli_serve", "rekg.cli_bench")

EPILOG = """exit codes: 0 success; 1 the data or a check failed (SHACL violation, a quote not
in its source, an inconsistent closure); 2 bad usage or unreadable input (a Turtle
syntax error, an unknown query or parameter)."""


def _project(args):
    from .project import find_project

    return find_project(args.root)


def cmd_build(args) -> int:
    from .build import build

    project = _project(args)
    answer = None
    if args.endpoint:
        from .cli_remote import endpoint_from
        from .remote import answerer

        answer = answerer(endpoint_from(args, args.endpoint))
    else:
        from .cli_remote import refuse_remote_options

        refuse_remote_options(args)
    result = build(project, Path(args.out) if args.out else None, answer=answer)
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
    return EXIT_OK


def cmd_validate(args) -> int:
    from .load import load_project
    from .validate import validate

    project = _project(args)
    loaded = load_project(project, strict=False)
    report = validate(loaded, Path(args.shapes) if args.shapes else None)
    print(report.render())
    return EXIT_OK if report.conforms else EXIT_DATA


def cmd_reason(args) -> int:
    from .build import write_inferred

    project = _project(args)
    reasoned, target = write_inferred(project, Path(args.out) if args.out else None)
    print(
        f"rekg reason: {len(reasoned.inferred)} entailments about the project's resources; "
        f"wrote {project.relative(target)} ({len(reasoned.closure)} triples)",
        file=sys.stderr,
    )
    return EXIT_OK


def cmd_export(args) -> int:
    from .build import build

    project = _project(args)
    result = build(project, Path(args.out) if args.out else None, validate_first=False)
    print(
        f"rekg export: wrote {', '.join(sorted(result.files))} to {project.relative(result.out)}/",
        file=sys.stderr,
    )
    return EXIT_OK


def cmd_queries(args) -> int:
    from .catalogue import load_catalogue

    project = _project(args)
    catalogue = load_catalogue(project.queries, args.group)
    for name, query in catalogue.items():
        params = " ".join(f"--param {p.name}=..." for p in query.params)
        print(f"{name}{'  ' + params if params else ''}")
        print(f"    {query.summary}")
        for p in query.params:
            default = f" (default: {p.default})" if p.default else ""
            print(f"      {p.name} [{p.kind}]: {p.description}{default}")
    return EXIT_OK


def cmd_query(args) -> int:
    from . import engine
    from .bind import bind, bindings_for, parse_assignments
    from .catalogue import find_query, load_catalogue, parse_query_file
    from .graphcache import closure_graph
    from .results import WRITERS

    project = _project(args)
    given = parse_assignments(args.param)
    if args.file and args.name:
        raise UsageError("give a stored query NAME or --file, not both")
    if args.file:
        path = Path(args.file)
        if not path.is_file():
            raise UsageError(f"no such query file: {path}", remedy="check the path")
        query = (
            parse_query_file(path, "adhoc")
            if path.read_text(encoding="utf-8").startswith("#+")
            else None
        )
        text = path.read_text(encoding="utf-8")
    elif args.name:
        query = find_query(load_catalogue(project.queries), args.name)
        text = query.text
    else:
        raise UsageError(
            "name a stored query or give --file q.rq",
            remedy="run 'rekg queries' to list the stored queries",
        )
    if query is None and given:
        raise UsageError("--param needs a stored query or a query file with a '#+' header")
    if args.endpoint:
        from .cli_remote import endpoint_from
        from .graphcache import is_fresh

        endpoint = endpoint_from(args, args.endpoint)
        if query is not None:
            # names and labels are resolved on the local closure when it is at hand; a
            # remote query needs no local build when every value is an IRI or a slug
            fresh = is_fresh(project, project.dist / "rekg-inferred.ttl")
            try:
                bindings = bindings_for(query, given, closure_graph(project) if fresh else None)
            except UsageError:
                if fresh:
                    raise
                bindings = bindings_for(query, given, closure_graph(project))
            text = bind(text, bindings)
        rows = endpoint.select(text)
    else:
        from .cli_remote import refuse_remote_options

        refuse_remote_options(args)
        graph = closure_graph(project)
        if query is not None:
            text = bind(text, bindings_for(query, given, graph))
        rows = engine.select(graph, text)
    sys.stdout.write(WRITERS[args.format](rows))
    return EXIT_OK


def _remote_options(p, endpoint_help: str) -> None:
    from .cli_remote import add_client_options

    p.add_argument("--endpoint", metavar="URL", help=endpoint_help)
    p.add_argument(
        "--graph",
        metavar="IRI",
        help="with --endpoint: query this named graph as the default graph (default-graph-uri)",
    )
    add_client_options(p)


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
        choices=["fast", "reference"],
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

    p = add(
        "build", cmd_build, "validate, reason, answer every stored question and export to dist/"
    )
    p.add_argument("--out", metavar="DIR", help="write there instead of dist/")
    p.add_argument("--answers", action="store_true", help="print dist/answers.md when done")
    _remote_options(p, "answer the stored questions on this SPARQL endpoint instead")
    p = add(
        "validate", cmd_validate, "run the SHACL shapes and the checks; exit 1 on any violation"
    )
    p.add_argument("--shapes", metavar="FILE", help="shapes file (default ontology/shapes.ttl)")
    p = add("reason", cmd_reason, "compute the OWL 2 RL closure into dist/rekg-inferred.ttl")
    p.add_argument("--out", metavar="DIR", help="write there instead of dist/")
    p = add("export", cmd_export, "write the datasets to dist/ without running the SHACL checks")
    p.add_argument("--out", metavar="DIR", help="write there instead of dist/")
    p = add("queries", cmd_queries, "list the stored queries with their parameters")
    p.add_argument(
        "--group",
        default="questions",
        choices=["questions", "checks"],
        help="which folder under queries/ (default: questions)",
    )
    p = add("query", cmd_query, "run a stored query (or --file q.rq) on the inferred closure")
    p.add_argument("name", nargs="?", metavar="NAME", help="a stored query (see 'rekg queries')")
    p.add_argument(
        "--param",
        action="append",
        default=[],
        metavar="NAME=VALUE",
        help="a parameter value: a slug (myanmar), a label (Myanmar) or an IRI; repeatable",
    )
    p.add_argument(
        "--format",
        default="table",
        choices=[f.name for f in RESULT_FORMATS],
        help="output format (default: table)",
    )
    p.add_argument("--file", metavar="FILE", help="run the SPARQL query in FILE instead")
    _remote_options(p, "run the query on this SPARQL endpoint instead")
    for module in EXTENSIONS:
        if importlib.util.find_spec(module) is not None:
            importlib.import_module(module).register(add)
    return top


def main(argv=None) -> int:
    args = parser().parse_args(argv)
    if not getattr(args, "func", None):
        parser().print_help()
        return 2
    try:
        if args.engine:
            from . import engine

            engine.use(args.engine)
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
