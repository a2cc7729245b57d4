"""`rekg publish`: render the static linked-data site from the built graph."""

import sys
from pathlib import Path

from rekg.cli.common import project_of
from rekg.core.errors import EXIT_OK


def cmd_publish(args) -> int:
    from rekg.site.render import publish

    project = project_of(args)
    out = Path(args.out) if args.out else None
    dist = Path(args.dist) if args.dist else None
    result = publish(project, out, dist, engine=args.engine)
    pages = sum(1 for name in result.files if name.endswith(".html"))
    timings = ", ".join(f"{k} {v:.2f} s" for k, v in result.seconds.items())
    built = "built dist/ first; " if result.built else ""
    print(
        f"rekg publish: {built}wrote {len(result.files)} files ({pages} pages) to "
        f"{project.relative(result.out)}/ ({timings})",
        file=sys.stderr,
    )
    return EXIT_OK


def register(add) -> None:
    p = add(
        "publish",
        cmd_publish,
        "render the static linked-data site (a page and Turtle, JSON-LD and N-Triples for "
        "every resource) into site/, building dist/ first when it is missing or stale",
    )
    p.add_argument("--out", metavar="DIR", help="write the site there instead of site/")
    p.add_argument(
        "--dist", metavar="DIR", help="read (or build) the dataset there instead of dist/"
    )
