"""`rekg source add`, `rekg source rehash` and `rekg source list`: register a source text
with its metadata under data/sources/, record the checksum of a text edited on purpose, and
list the registered sources."""

import argparse
import sys
from pathlib import Path

from rekg.cli.common import project_of
from rekg.core.errors import EXIT_OK, EXIT_USAGE

EPILOG = """exit codes: 0 success; 1 the data or a check failed; 2 bad usage or unreadable
input (a refused source: nothing is written)."""

ADD_EPILOG = (
    """The text is copied byte for byte to data/sources/SLUG.txt and described in
data/sources/SLUG.ttl. Its sha256, media type and size are computed from the bytes; an
option not given is left out of the description, never invented. Refused, with nothing
written: a file that is missing, empty or not UTF-8, a slug in use, a text registered
already, a malformed date, URL or language tag, an empty title.

example:
  rekg source add brief.txt --slug mainland-brief --title 'A brief' --date 2026-03 \\
      --language en --url https://example.org/brief

"""
    + EPILOG
)


def cmd_source(args) -> int:
    args.source_help()
    return EXIT_USAGE


def cmd_add(args) -> int:
    from rekg.ingest.registry import SourceMetadata, register_source

    project = project_of(args)
    meta = SourceMetadata(
        slug=args.slug,
        title=args.title,
        creators=tuple(dict.fromkeys(args.creator or ())),
        publisher=args.publisher,
        date=args.date,
        url=args.url,
        language=args.language,
    )
    done = register_source(project, Path(args.file), meta)
    print(
        f"rekg source add: registered {done.slug} ({done.size} bytes, sha256 "
        f"{done.sha256[:12]}…); wrote {project.relative(done.text)} and "
        f"{project.relative(done.description)}; next: rekg claims draft {done.slug}",
        file=sys.stderr,
    )
    return EXIT_OK


def cmd_rehash(args) -> int:
    from rekg.ingest.registry import rehash_source

    project = project_of(args)
    done = rehash_source(project, args.slug)
    text, description = project.relative(done.text), project.relative(done.description)
    if not done.changed:
        print(
            f"rekg source rehash: {text} matches the sha256 recorded in {description} "
            f"({done.size} bytes); nothing written",
            file=sys.stderr,
        )
        return EXIT_OK
    print(
        f"rekg source rehash: {text} is now recorded as sha256 {done.new[:12]}… "
        f"({done.size} bytes), was {done.old[:12]}…; wrote {description}; next: rekg "
        "validate (checks the claims' quotes against the new text)",
        file=sys.stderr,
    )
    return EXIT_OK


def cmd_list(args) -> int:
    from rekg.ingest.registry import list_sources, render_sources

    sys.stdout.write(render_sources(list_sources(project_of(args)), args.format))
    return EXIT_OK


def register(add) -> None:
    p = add(
        "source",
        cmd_source,
        "register a source text (source add), record an edited text's checksum (source "
        "rehash) and list them (source list)",
    )
    p.set_defaults(source_help=p.print_help)
    sub = p.add_subparsers(dest="source_command", metavar="SUBCOMMAND")

    help_text = "copy a plain-text source to data/sources/SLUG.txt and describe it in SLUG.ttl"
    a = sub.add_parser(
        "add",
        help=help_text,
        description=help_text,
        epilog=ADD_EPILOG,
        formatter_class=_RawEpilog,
    )
    a.set_defaults(func=cmd_add)
    a.add_argument("file", metavar="FILE", help="the source's text, a UTF-8 plain-text file")
    a.add_argument(
        "--slug",
        required=True,
        help="the source's short name, ^[a-z0-9][a-z0-9-]*$: its IRI .../id/source/SLUG, its "
        "files data/sources/SLUG.txt and .ttl, and its claims file data/claims/SLUG.yaml",
    )
    a.add_argument("--title", required=True, help="the title (dcterms:title and rdfs:label)")
    a.add_argument(
        "--creator",
        metavar="C",
        action="append",
        help="an author (dcterms:creator); repeat for several",
    )
    a.add_argument("--publisher", metavar="P", help="the publisher (dcterms:publisher)")
    a.add_argument(
        "--date",
        metavar="YYYY[-MM[-DD]]",
        help="the publication date (dcterms:date, typed xsd:gYear, xsd:gYearMonth or xsd:date)",
    )
    a.add_argument("--url", metavar="URL", help="where it is published (schema:url), http(s)")
    a.add_argument(
        "--language",
        metavar="LANG",
        help="its language, a BCP 47 tag such as en (dcterms:language; also tags rdfs:label)",
    )

    help_text = "record the present checksum of a registered source's edited text"
    r = sub.add_parser(
        "rehash",
        help=help_text,
        description=help_text
        + ": rewrite its rekg:sha256 (and dcat:byteSize, where given) in the Turtle file that "
        "records them, for a text edited on purpose. A build refuses a text whose bytes no "
        "longer match its recorded checksum; run this, then rekg validate, which checks the "
        "claims' quotes against the new text.",
        epilog=EPILOG,
        formatter_class=_RawEpilog,
    )
    r.set_defaults(func=cmd_rehash)
    r.add_argument("slug", metavar="SLUG", help="the source: src:SLUG, data/sources/SLUG.txt")

    help_text = "list the registered sources with their number of claims and drafts"
    lst = sub.add_parser(
        "list", help=help_text, description=help_text, epilog=EPILOG, formatter_class=_RawEpilog
    )
    lst.set_defaults(func=cmd_list)
    lst.add_argument(
        "--format", choices=["table", "csv", "json"], default="table", help="default: table"
    )


class _RawEpilog(argparse.HelpFormatter):
    """Wraps the options' help but keeps the epilog's lines (the example) as written."""

    def _fill_text(self, text, width, indent):
        return "".join(indent + line for line in text.splitlines(keepends=True))
