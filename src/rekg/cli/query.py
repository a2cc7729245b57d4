"""`rekg queries` and `rekg query`: list the stored questions, and run one (or any SPARQL)
on the closure, locally or on a remote endpoint."""

import sys
from pathlib import Path

from rekg.cli.common import endpoint_from, project_of, refuse_remote_options, remote_options
from rekg.core.errors import EXIT_OK, UsageError
from rekg.core.formats import RESULT_FORMATS


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
    from rekg.graph.cache import is_fresh
    from rekg.graph.engine import select
    from rekg.pipeline import closure_graph
    from rekg.query.bind import bind, bindings_for, parse_assignments
    from rekg.query.catalogue import find_query, load_catalogue, parse_query_file
    from rekg.query.results import WRITERS

    project = project_of(args)
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
        rows = endpoint.select(text)
    else:
        refuse_remote_options(args)
        graph = closure_graph(project, args.engine)
        if query is not None:
            text = bind(text, bindings_for(query, given, graph))
        rows = select(graph, text, args.engine)
    sys.stdout.write(WRITERS[args.format](rows))
    return EXIT_OK


def register(add) -> None:
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
    remote_options(p, "run the query on this SPARQL endpoint instead")
