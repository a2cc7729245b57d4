"""`rekg serve`: the site and the live graph over HTTP (see rekg.serve.app); its limits are
options, with the defaults of rekg.serve.limits.Limits (docs/limits.md)."""

import signal
import sys
from pathlib import Path

from rekg.cli.common import project_of
from rekg.core.errors import EXIT_OK, UsageError

# option, Limits field, type, metavar, help (the default is appended)
LIMIT_OPTIONS = (
    ("--timeout", "timeout", float, "SECONDS", "time limit of a query, from its arrival"),
    ("--row-cap", "row_cap", int, "N", "most rows or triples a query returns"),
    (
        "--query-memory",
        "query_memory",
        int,
        "MB",
        "memory a query may take in its worker, beyond the graph",
    ),
    (
        "--max-queries",
        "max_queries",
        int,
        "N",
        "queries evaluated at once, one worker process each",
    ),
    ("--queue", "queue", int, "N", "queries that may wait for a worker (0: none wait)"),
    ("--max-body", "max_body", int, "BYTES", "largest request body"),
    (
        "--read-timeout",
        "read_timeout",
        float,
        "SECONDS",
        "time for a request's headers and body; idle connections close after it",
    ),
    ("--max-connections", "max_connections", int, "N", "connections served at once"),
)


def cmd_serve(args) -> int:
    from rekg.query.catalogue import load_catalogue
    from rekg.serve.app import App, make_server
    from rekg.serve.data import ServedData
    from rekg.serve.http import HttpError
    from rekg.serve.limits import Limits

    project = project_of(args)
    limits = {field: getattr(args, field) for _, field, *_ in LIMIT_OPTIONS}
    for option, field, *_ in LIMIT_OPTIONS:
        value, least = limits[field], "0 or more" if field == "queue" else "positive"
        if value < 0 or (value == 0 and field != "queue"):
            raise UsageError(
                f"{option} must be {least}, not {value:g}",
                remedy=f"for example {option} {getattr(Limits(), field)} (the default)",
            )
    site = Path(args.site) if args.site else project.root / "site"
    if args.site and not site.is_dir():
        raise UsageError(f"no site folder at {site}", remedy="run 'rekg publish' first")
    data = ServedData.from_project(project, args.engine)
    app = App(data, site if site.is_dir() else None, load_catalogue(project.queries), **limits)
    try:
        try:
            server = make_server(app, args.host, args.port, quiet=args.quiet)
        except OSError as exc:
            raise UsageError(
                f"cannot listen on {args.host}:{args.port}: {exc.strerror}",
                remedy="choose another --port (0 picks a free one)",
            ) from None
        try:
            app.start()
        except HttpError as error:
            server.server_close()
            raise UsageError(
                f"the query workers cannot start: {error.message}",
                remedy="lower --max-queries, or raise --query-memory",
            ) from None
        host, port = server.server_address[:2]
        shown = project.relative(site) + "/" if app.site else "none (run 'rekg publish')"
        print(
            f"rekg serve: http://{host}:{port}/ ({len(data.closure)} triples; site: {shown}; "
            f"SPARQL at /sparql, time limit {args.timeout:g} s, row cap {args.row_cap}, "
            f"{args.max_queries} queries at once)",
            file=sys.stderr,
            flush=True,
        )
        # a terminated server stops its query workers on the way out, as Ctrl-C does
        signal.signal(signal.SIGTERM, _interrupt)
        try:
            server.serve_forever()
        except KeyboardInterrupt:
            pass
        finally:
            server.server_close()
    finally:
        app.close()
    return EXIT_OK


def _interrupt(signum, frame):
    raise KeyboardInterrupt


def register(add):
    from rekg.serve.limits import Limits

    p = add("serve", cmd_serve, "serve the site, the resources and a read-only SPARQL endpoint")
    p.add_argument("--host", default="127.0.0.1", help="address to listen on (default 127.0.0.1)")
    p.add_argument("--port", type=int, default=8000, help="port (default 8000; 0 picks a free one)")
    p.add_argument("--site", metavar="DIR", help="the published site (default: site/)")
    defaults = Limits()
    for option, field, kind, metavar, text in LIMIT_OPTIONS:
        default = getattr(defaults, field)
        shown = f"{default:g}" if isinstance(default, float) else default
        p.add_argument(
            option,
            dest=field,
            type=kind,
            default=default,
            metavar=metavar,
            help=f"{text} (default {shown})",
        )
    p.add_argument("--quiet", action="store_true", help="do not log each request")
