"""`rekg serve`: the site and the live graph over HTTP (see rekg.serve.app)."""

import sys
from pathlib import Path

from rekg.cli.common import project_of
from rekg.core.errors import EXIT_OK, UsageError


def cmd_serve(args) -> int:
    from rekg.query.catalogue import load_catalogue
    from rekg.serve.app import App, make_server
    from rekg.serve.data import ServedData

    project = project_of(args)
    if args.timeout <= 0 or args.row_cap <= 0 or args.max_body <= 0:
        raise UsageError(
            "--timeout, --row-cap and --max-body must be positive",
            remedy="for example --timeout 10 --row-cap 10000 --max-body 1048576",
        )
    site = Path(args.site) if args.site else project.root / "site"
    if args.site and not site.is_dir():
        raise UsageError(f"no site folder at {site}", remedy="run 'rekg publish' first")
    data = ServedData.from_project(project, args.engine)
    app = App(
        data,
        site if site.is_dir() else None,
        load_catalogue(project.queries),
        timeout=args.timeout,
        row_cap=args.row_cap,
        max_body=args.max_body,
    )
    try:
        server = make_server(app, args.host, args.port, quiet=args.quiet)
    except OSError as exc:
        raise UsageError(
            f"cannot listen on {args.host}:{args.port}: {exc.strerror}",
            remedy="choose another --port (0 picks a free one)",
        ) from None
    host, port = server.server_address[:2]
    shown = project.relative(site) + "/" if app.site else "none (run 'rekg publish')"
    print(
        f"rekg serve: http://{host}:{port}/ ({len(data.closure)} triples; site: {shown}; "
        f"SPARQL at /sparql, time limit {args.timeout:g} s, row cap {args.row_cap})",
        file=sys.stderr,
        flush=True,
    )
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()
    return EXIT_OK


def register(add):
    p = add("serve", cmd_serve, "serve the site, the resources and a read-only SPARQL endpoint")
    p.add_argument("--host", default="127.0.0.1", help="address to listen on (default 127.0.0.1)")
    p.add_argument("--port", type=int, default=8000, help="port (default 8000; 0 picks a free one)")
    p.add_argument("--site", metavar="DIR", help="the published site (default: site/)")
    p.add_argument(
        "--timeout", type=float, default=10.0, help="time limit per query in seconds (default 10)"
    )
    p.add_argument(
        "--row-cap",
        type=int,
        default=10000,
        help="most rows or triples a query returns (default 10000)",
    )
    p.add_argument(
        "--max-body",
        type=int,
        default=1 << 20,
        help="largest request body in bytes (default 1048576)",
    )
    p.add_argument("--quiet", action="store_true", help="do not log each request")
