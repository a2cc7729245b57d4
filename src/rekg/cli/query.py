"""`rekg queries` and `rekg query`: list the stored questions, and run one, or any SPARQL
query (a file, standard input, or inline), on the closure, locally or on a remote
endpoint."""

import argparse
import sys
import textwrap
from pathlib import Path

from rekg.cli.common import endpoint_from, project_of, refuse_remote_options, remote_options
from rekg.core.errors import EXIT_OK, UsageError
from rekg.core.formats import RDF_FORMATS, RESULT_FORMATS
from rekg.core.namespaces import PREFIXES

QUERY_EPILOG = (
    textwrap.fill(
        "The query is one of: a stored query NAME (with its --param values), the SPARQL "
        "query in --file FILE (on standard input with --file -), or the SPARQL query TEXT "
        "of --sparql. A query may use the project's prefixes without declaring them ("
        + ", ".join(f"{p}:" for p in PREFIXES)
        + "); a PREFIX the query declares wins. CONSTRUCT and DESCRIBE print Turtle.",
        width=88,
    )
    + """

examples:
  rekg query country-profile --param country=myanmar
  rekg query --sparql 'SELECT (COUNT(?c) AS ?n) WHERE { ?c a rekg:Claim }'
  echo 'DESCRIBE id:myanmar' | rekg query --file -
  rekg query --file q.rq --format csv"""
)


def cmd_queries(args) -> int:
    from rekg.query.catalogue import load_catalogue

    project = project_of(args)
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
    from rdflib import Graph

    from rekg.graph.cache import is_fresh
    from rekg.pipeline import closure_graph
    from rekg.query.adhoc import for_endpoint, query_form, result_format, run, write_graph
    from rekg.query.bind import bind, bindings_for, parse_assignments
    from rekg.query.results import WRITERS

    project = project_of(args)
    given = parse_assignments(args.param)
    query, text = _query_of(args, project)
    if query is None and given:
        raise UsageError("--param needs a stored query or a query file with a '#+' header")
    fmt = result_format(query_form(text), args.format)
    if args.endpoint:
        endpoint = endpoint_from(args, args.endpoint)
        if query is not None:
            # names and labels are resolved on the local closure when it is at hand; a
            # remote query needs no local build when every value is an IRI or a slug
            fresh = is_fresh(project, project.dist / "rekg-inferred.ttl")
            try:
                bindings = bindings_for(
                    query, given, closure_graph(project, args.engine) if fresh else None
                )
            except UsageError:
                if fresh:
                    raise
                bindings = bindings_for(query, given, closure_graph(project, args.engine))
            text = bind(text, bindings)
        result = endpoint.select(for_endpoint(text))
    else:
        refuse_remote_options(args)
        graph = closure_graph(project, args.engine)
        if query is not None:
            text = bind(text, bindings_for(query, given, graph))
        result = run(graph, text, args.engine)
    if isinstance(result, Graph):
        sys.stdout.write(write_graph(result, fmt))
    else:
        sys.stdout.write(WRITERS[fmt](result))
    return EXIT_OK


def _query_of(args, project):
    """The stored query (None for plain SPARQL) and the text to run, from exactly one of
    NAME, --file FILE (- for standard input) and --sparql TEXT."""
    from rekg.query.adhoc import check_text
    from rekg.query.catalogue import find_query, load_catalogue, parse_query_file

    given = [
        form
        for form, value in (("NAME", args.name), ("--file", args.file), ("--sparql", args.sparql))
        if value is not None
    ]
    if len(given) > 1:
        raise UsageError(
            f"give one query, not {' and '.join(given)}",
            remedy="name a stored query, or give --file FILE (- for stdin) or --sparql TEXT",
        )
    if not given:
        raise UsageError(
            "name a stored query, or give --file FILE (- for stdin) or --sparql TEXT",
            remedy="run 'rekg queries' to list the stored queries",
        )
    if args.name is not None:
        query = find_query(load_catalogue(project.queries), args.name)
        return query, query.text
    if args.sparql is not None:
        return None, check_text(args.sparql, "given with --sparql")
    if args.file == "-":
        try:
            text = sys.stdin.buffer.read().decode("utf-8")
        except UnicodeDecodeError as exc:
            raise UsageError(
                f"the query on standard input is not UTF-8 (byte {exc.start})",
                remedy="send the query encoded as UTF-8",
            ) from None
        return None, check_text(text, "on standard input")
    path = Path(args.file)
    if not path.is_file():
        raise UsageError(f"no such query file: {path}", remedy="check the path")
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        raise UsageError(
            f"{path} is not UTF-8 (byte {exc.start})", remedy="save the query as UTF-8"
        ) from None
    check_text(text, f"in {path}")
    return (parse_query_file(path, "adhoc") if text.startswith("#+") else None), text


def register(add) -> None:
    p = add("queries", cmd_queries, "list the stored queries with their parameters")
    p.add_argument(
        "--group",
        default="questions",
        choices=["questions", "checks"],
        help="which folder under queries/ (default: questions)",
    )
    p = add(
        "query",
        cmd_query,
        "run a stored query, or any SPARQL query, on the inferred closure",
    )
    p.usage = (
        "rekg query NAME [--param NAME=VALUE ...] [options]\n"
        "       rekg query --file FILE [options]    (FILE '-': read the query from stdin)\n"
        "       rekg query --sparql TEXT [options]"
    )
    p.epilog = QUERY_EPILOG + "\n\n" + p.epilog
    p.formatter_class = argparse.RawDescriptionHelpFormatter
    p.add_argument("name", nargs="?", metavar="NAME", help="a stored query (see 'rekg queries')")
    p.add_argument(
        "--file",
        metavar="FILE",
        help="run the SPARQL query in FILE instead; '-' reads it from standard input",
    )
    p.add_argument("--sparql", metavar="TEXT", help="run the SPARQL query TEXT instead")
    p.add_argument(
        "--param",
        action="append",
        default=[],
        metavar="NAME=VALUE",
        help="a parameter value: a slug (myanmar), a label (Myanmar) or an IRI; repeatable",
    )
    p.add_argument(
        "--format",
        choices=[f.name for f in RESULT_FORMATS] + [f.name for f in RDF_FORMATS],
        help="output format: for SELECT and ASK table (default), csv, tsv, json or md; "
        "for CONSTRUCT and DESCRIBE turtle (default), ntriples or jsonld",
    )
    remote_options(p, "run the query on this SPARQL endpoint instead (SELECT and ASK)")
