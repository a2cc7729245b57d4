"""Registering a source text and listing the registered sources (`rekg source add|list`).

A source is two files under data/sources/: SLUG.txt, the text byte for byte, and SLUG.ttl,
its description as a rekg:SourceDocument. The checksum, media type and size are computed
from the bytes, never typed; a field the user does not give is left out, never invented.
Everything is checked before anything is written, and the two files appear together or not
at all. Nothing here builds the graph: adding reads only the data folder's Turtle and texts.
"""

import csv
import datetime
import hashlib
import io
import json
import os
import re
import tempfile
from dataclasses import asdict, dataclass
from pathlib import Path
from urllib.parse import urlsplit

import pyoxigraph as ox
from rdflib import Graph, URIRef
from rdflib.namespace import DCAT, DCTERMS, RDF

from rekg.core.errors import UsageError
from rekg.core.namespaces import REKG, SOURCE
from rekg.core.project import Project, umask
from rekg.graph.rdfio import parse_file
from rekg.ingest.files import load_yaml, read_text

MEDIA_TYPE = "text/plain; charset=utf-8"
SLUG_RULE = "^[a-z0-9][a-z0-9-]*$"
LANGUAGE_RULE = "^[a-zA-Z]{2,3}(-[a-zA-Z0-9]{2,8})*$"
_SLUG = re.compile(SLUG_RULE)
_LANGUAGE = re.compile(LANGUAGE_RULE)
# the form of a date gives its datatype: a year, a month or a day
_DATES = (
    (re.compile(r"([0-9]{4})"), "gYear"),
    (re.compile(r"([0-9]{4})-([0-9]{2})"), "gYearMonth"),
    (re.compile(r"([0-9]{4})-([0-9]{2})-([0-9]{2})"), "date"),
)
_URL_FORBIDDEN = re.compile(r'[\s<>"{}|\\^`\x00-\x1f\x7f]')

PREFIXES = (
    ("rekg", str(REKG._NS)),
    ("src", str(SOURCE)),
    ("rdfs", "http://www.w3.org/2000/01/rdf-schema#"),
    ("dcterms", str(DCTERMS)),
    ("xsd", "http://www.w3.org/2001/XMLSchema#"),
    ("dcat", "http://www.w3.org/ns/dcat#"),
    ("schema", "http://schema.org/"),
)


@dataclass(frozen=True)
class SourceMetadata:
    """What the user says about a source; None (or no creators) where nothing is given."""

    slug: str
    title: str
    creators: tuple[str, ...] = ()
    publisher: str | None = None
    date: str | None = None
    url: str | None = None
    language: str | None = None


@dataclass(frozen=True)
class Registered:
    slug: str
    size: int
    sha256: str
    text: Path  # data/sources/SLUG.txt
    description: Path  # data/sources/SLUG.ttl


@dataclass(frozen=True)
class SourceRow:
    """One registered source as `rekg source list` shows it; None where unknown."""

    slug: str
    title: str | None
    date: str | None
    language: str | None
    bytes: int | None
    claims: int
    drafts: int


# --- adding ------------------------------------------------------------------------------


def register_source(project: Project, file: Path, meta: SourceMetadata) -> Registered:
    """Copy `file` to data/sources/SLUG.txt and describe it in data/sources/SLUG.ttl.
    Refuses (UsageError, nothing written) bad metadata, a text that is missing, empty or
    not UTF-8, a slug in use and a text registered already."""
    check_metadata(meta)
    data = read_source_text(file)
    folder = project.data / "sources"
    check_slug_free(project, meta.slug)
    digest = hashlib.sha256(data).hexdigest()
    check_not_registered(project, digest, str(file))
    text_path, ttl_path = folder / f"{meta.slug}.txt", folder / f"{meta.slug}.ttl"
    turtle = source_turtle(meta, len(data), digest).encode("utf-8")
    _write_together(((text_path, data), (ttl_path, turtle)))
    return Registered(meta.slug, len(data), digest, text_path, ttl_path)


def check_metadata(meta: SourceMetadata) -> None:
    if not _SLUG.fullmatch(meta.slug):
        raise UsageError(
            f"--slug {meta.slug!r} does not match {SLUG_RULE}",
            remedy="use lower-case ASCII letters, digits and hyphens, starting with a letter "
            "or digit, e.g. --slug mainland-brief",
        )
    _check_text("--title", meta.title, "give the source's title, e.g. --title 'A brief'")
    for creator in meta.creators:
        _check_text("--creator", creator, "give a name, or leave --creator out")
    if meta.publisher is not None:
        _check_text("--publisher", meta.publisher, "give a name, or leave --publisher out")
    if meta.date is not None:
        date_datatype(meta.date)
    if meta.url is not None:
        check_url(meta.url)
    if meta.language is not None and not _LANGUAGE.fullmatch(meta.language):
        raise UsageError(
            f"--language {meta.language!r} is not a BCP 47 language tag ({LANGUAGE_RULE})",
            remedy="give a tag such as en, fr or zh-Hans, or leave --language out when unknown",
        )


def _check_text(option: str, value: str, remedy: str) -> None:
    if not value.strip():
        raise UsageError(f"{option} is empty", remedy=remedy)
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        raise UsageError(f"{option} is not valid UTF-8 text", remedy=remedy) from None


def date_datatype(value: str) -> str:
    """The XSD datatype of a date by its form (gYear, gYearMonth, date); UsageError when it
    is of none of the three forms or is not a real date."""
    remedy = "give the date as YYYY, YYYY-MM or YYYY-MM-DD, e.g. --date 2026-03, or leave it out"
    for pattern, datatype in _DATES:
        match = pattern.fullmatch(value)
        if match:
            year, month, day = (int(part) for part in (*match.groups(), 1, 1)[:3])
            try:
                datetime.date(year, month, day)
            except ValueError:
                raise UsageError(f"--date {value!r} is not a real date", remedy=remedy) from None
            return datatype
    raise UsageError(f"--date {value!r} is not YYYY, YYYY-MM or YYYY-MM-DD", remedy=remedy)


def check_url(value: str) -> None:
    bad = UsageError(
        f"--url {value!r} is not an absolute http(s) URL with a host and no spaces",
        remedy="give the full address without spaces, e.g. --url https://example.org/brief, "
        "or leave it out",
    )
    if _URL_FORBIDDEN.search(value):
        raise bad
    try:
        parts = urlsplit(value)
        parts.port  # noqa: B018 -- raises on a port that is not a number
        ox.NamedNode(value)
    except ValueError:
        raise bad from None
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise bad


def read_source_text(file: Path) -> bytes:
    """The bytes of a source text: readable, UTF-8, and not empty."""
    remedy = "give the path of the source's plain-text file, saved as UTF-8"
    try:
        data = Path(file).read_bytes()
    except OSError as exc:
        raise UsageError(
            f"cannot read the source text: {exc.strerror or exc}", place=str(file), remedy=remedy
        ) from None
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise UsageError(
            f"not UTF-8: byte 0x{data[exc.start]:02x} at offset {exc.start}",
            place=str(file),
            remedy=f"convert the text to UTF-8 (e.g. iconv -f WINDOWS-1252 -t UTF-8 {file}) "
            "and add the converted file",
        ) from None
    if not text.strip():
        raise UsageError(
            "the text is empty" if not data else "the text holds only whitespace",
            place=str(file),
            remedy=remedy,
        )
    return data


def check_slug_free(project: Project, slug: str) -> None:
    remedy = "choose another --slug (rekg source list shows the slugs in use)"
    for path in (
        project.data / "sources" / f"{slug}.txt",
        project.data / "sources" / f"{slug}.ttl",
        project.data / "claims" / f"{slug}.yaml",
    ):
        if path.exists():
            raise UsageError(
                f"--slug {slug!r} is in use: {project.relative(path)} exists", remedy=remedy
            )
    iri = SOURCE[slug]
    for path, graph in _data_graphs(project, slug):
        if (iri, None, None) in graph:
            raise UsageError(
                f"--slug {slug!r} is in use: {project.relative(path)} describes src:{slug}",
                remedy=remedy,
            )


def check_not_registered(project: Project, digest: str, place: str) -> None:
    """Refuse bytes already registered: the same sha256 as a text under data/sources/ or
    as a rekg:sha256 recorded anywhere in data/."""
    remedy = "the text is in the project already (rekg source list); nothing to add"
    for path in sorted((project.data / "sources").glob("*.txt")):
        if hashlib.sha256(path.read_bytes()).hexdigest() == digest:
            raise UsageError(
                f"this text is registered already as {path.stem!r}: "
                f"{project.relative(path)} has the same sha256",
                place=place,
                remedy=remedy,
            )
    for path, graph in _data_graphs(project, "sha256"):
        for subject in sorted(graph.subjects(REKG.sha256, None)):
            if any(str(o) == digest for o in graph.objects(subject, REKG.sha256)):
                name = _slug_of(subject)
                raise UsageError(
                    f"this text is registered already as {name!r}: "
                    f"{project.relative(path)} records the same rekg:sha256",
                    place=place,
                    remedy=remedy,
                )


def _data_graphs(project: Project, needle: str):
    """(path, graph) of each Turtle file under data/ that may mention `needle`: a file
    without it (or any \\u escape that could spell it) cannot, and is not parsed."""
    for path in sorted(project.data.rglob("*.ttl")):
        raw = path.read_bytes()
        if needle.encode() in raw or b"\\u" in raw or b"\\U" in raw:
            graph = Graph()
            parse_file(path, graph, project.relative(path))
            yield path, graph


def _slug_of(iri) -> str:
    ns = str(SOURCE)
    return str(iri)[len(ns) :] if str(iri).startswith(ns) else str(iri)


def source_turtle(meta: SourceMetadata, size: int, digest: str) -> str:
    """The description of a source as Turtle, the same bytes for the same inputs."""
    used = {"rekg", "src", "rdfs", "dcterms", "xsd", "dcat"} | ({"schema"} if meta.url else set())
    width = max(len(p) for p, _ in PREFIXES if p in used) + 2
    lines = [f"@prefix {(p + ':').ljust(width)}<{ns}> ." for p, ns in PREFIXES if p in used]
    left_out = [
        name
        for name, value in (
            ("dcterms:creator", meta.creators),
            ("dcterms:publisher", meta.publisher),
            ("dcterms:date", meta.date),
            ("schema:url", meta.url),
            ("dcterms:language", meta.language),
        )
        if not value
    ]
    lines += [
        "",
        "# Registered by `rekg source add`: format, size and sha256 computed from the text.",
    ]
    if left_out:
        lines.append(f"# Not given, so left out rather than invented: {', '.join(left_out)}.")
    label = turtle_string(meta.title) + (f"@{meta.language}" if meta.language else "")
    props = [("rdfs:label", label), ("dcterms:title", turtle_string(meta.title))]
    props += [("dcterms:creator", turtle_string(c)) for c in meta.creators]
    if meta.publisher is not None:
        props.append(("dcterms:publisher", turtle_string(meta.publisher)))
    if meta.date is not None:
        props.append(
            ("dcterms:date", f"{turtle_string(meta.date)}^^xsd:{date_datatype(meta.date)}")
        )
    if meta.url is not None:
        props.append(("schema:url", f"<{meta.url}>"))
    if meta.language is not None:
        props.append(("dcterms:language", turtle_string(meta.language)))
    props += [
        ("dcterms:format", turtle_string(MEDIA_TYPE)),
        ("dcat:byteSize", f'"{size}"^^xsd:nonNegativeInteger'),
        ("rekg:localCopy", turtle_string(f"data/sources/{meta.slug}.txt")),
        ("rekg:sha256", turtle_string(digest)),
    ]
    lines.append(f"src:{meta.slug} a rekg:SourceDocument ;")
    lines += [f"    {p} {o} {';' if i < len(props) - 1 else '.'}" for i, (p, o) in enumerate(props)]
    return "\n".join(lines) + "\n"


_ESCAPES = {"\\": "\\\\", '"': '\\"', "\n": "\\n", "\r": "\\r", "\t": "\\t"}


def turtle_string(value: str) -> str:
    """A Turtle string literal: quotes, backslashes and control characters escaped."""
    out = []
    for ch in value:
        if ch in _ESCAPES:
            out.append(_ESCAPES[ch])
        elif ord(ch) < 0x20 or ord(ch) == 0x7F:
            out.append(f"\\u{ord(ch):04X}")
        else:
            out.append(ch)
    return '"' + "".join(out) + '"'


def _write_together(files) -> None:
    """Write each (path, bytes) to a temporary file beside it, then rename them in turn;
    when a rename fails, the files already renamed are removed: all appear, or none."""
    staged, done = [], []
    try:
        for path, data in files:
            path.parent.mkdir(parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
            staged.append(Path(tmp))
            with os.fdopen(fd, "wb") as handle:
                handle.write(data)
            # mkstemp makes the file private: a file replaced keeps its mode, a new one gets
            # what a normal write gives
            os.chmod(tmp, path.stat().st_mode & 0o7777 if path.exists() else 0o666 & ~umask())
        for (path, _), tmp in zip(files, staged, strict=True):
            os.replace(tmp, path)
            done.append(path)
    except BaseException:
        for path in done:
            path.unlink(missing_ok=True)
        for tmp in staged:
            tmp.unlink(missing_ok=True)
        raise


# --- re-registering an edited text -------------------------------------------------------


@dataclass(frozen=True)
class Rehashed:
    slug: str
    text: Path  # the source's text
    description: Path  # the Turtle file that records its checksum
    old: str
    new: str
    size: int

    @property
    def changed(self) -> bool:
        return self.old != self.new


def rehash_source(project: Project, slug: str) -> Rehashed:
    """Record the present bytes of a registered source's text, for a text edited on purpose
    (a typo fixed): its rekg:sha256, and its dcat:byteSize where one is given, are rewritten
    in place in the Turtle file that records them, the rest of that file kept byte for byte.
    Refuses (UsageError, nothing written) an unknown source, a text that is missing, empty
    or not UTF-8, and a checksum or size written in a way it cannot rewrite safely."""
    iri = SOURCE[slug]
    found = [
        (path, graph)
        for path, graph in _data_graphs(project, "sha256")
        if (iri, REKG.sha256, None) in graph
    ]
    if not found:
        known = ", ".join(row.slug for row in list_sources(project)) or "none"
        raise UsageError(
            f"no file under data/ records a rekg:sha256 of src:{slug}; known sources: {known}",
            remedy="give the slug of a registered source (rekg source list), or register a "
            "new text with rekg source add",
        )
    path, graph = found[0]
    display = project.relative(path)
    digests = sorted(str(o) for _p, g in found for o in g.objects(iri, REKG.sha256))
    if len(digests) != 1:
        raise UsageError(
            f"src:{slug} has {len(digests)} rekg:sha256 values",
            place=display,
            remedy="keep exactly one rekg:sha256 in its description, then run this again",
        )
    old = digests[0]
    text_path = _text_of(project, slug, graph.value(iri, REKG.localCopy))
    data = read_source_text(text_path)
    new = hashlib.sha256(data).hexdigest()
    turtle = read_text(path, display)
    sizes = sorted(str(o) for o in graph.objects(iri, DCAT.byteSize))
    if new == old and sizes in ([], [str(len(data))]):
        return Rehashed(slug, text_path, path, old, new, len(data))
    turtle = _rewrite(turtle, f'"{old}"', f'"{new}"', "rekg:sha256", display, new)
    for size in sizes:
        turtle = _rewrite_size(turtle, size, len(data), display)
    check = Graph()
    check.parse(data=turtle, format="turtle")
    if [str(o) for o in check.objects(iri, REKG.sha256)] != [new]:
        raise UsageError(
            f"could not rewrite the rekg:sha256 of src:{slug} safely",
            place=display,
            remedy=f'write rekg:sha256 "{new}" into its description by hand',
        )
    _write_together(((path, turtle.encode("utf-8")),))
    return Rehashed(slug, text_path, path, old, new, len(data))


def _text_of(project: Project, slug: str, local) -> Path:
    """The text a source's rekg:localCopy names (data/sources/SLUG.txt when none does),
    refused when it lies outside the project."""
    if local is None:
        return project.data / "sources" / f"{slug}.txt"
    path = (project.root / str(local)).resolve()
    if project.root.resolve() not in path.parents:
        raise UsageError(
            f"the rekg:localCopy of src:{slug}, {str(local)!r}, lies outside the project",
            remedy=f"give the text's path relative to the project, e.g. data/sources/{slug}.txt",
        )
    return path


def _rewrite(turtle: str, old: str, new: str, what: str, display: str, value: str) -> str:
    """`turtle` with the one occurrence of `old` replaced; UsageError when there is not
    exactly one (the value is written another way, or in several places)."""
    if turtle.count(old) != 1:
        raise UsageError(
            f"the {what} of the source is not written once as {old} in {display}; it is not "
            "rewritten automatically",
            place=display,
            remedy=f"write {what} {value} into the description by hand",
        )
    return turtle.replace(old, new)


def _rewrite_size(turtle: str, old: str, size: int, display: str) -> str:
    pattern = re.compile(r'(byteSize>?\s+"?)' + re.escape(old) + r'(?=["\s;.,])')
    if len(pattern.findall(turtle)) != 1:
        raise UsageError(
            f"the dcat:byteSize of the source is not written once as {old} in {display}; it "
            "is not rewritten automatically",
            place=display,
            remedy=f'write dcat:byteSize "{size}"^^xsd:nonNegativeInteger into the '
            "description by hand",
        )
    return pattern.sub(lambda m: m.group(1) + str(size), turtle)


# --- listing -----------------------------------------------------------------------------


def list_sources(project: Project) -> list[SourceRow]:
    """Every registered source (a SourceDocument described in data/sources/*.ttl, or a text
    data/sources/*.txt), sorted by slug, with its counts of claims and drafts."""
    folder = project.data / "sources"
    graph = Graph()
    for path in sorted(folder.glob("*.ttl")):
        parse_file(path, graph, project.relative(path))
    described = {
        _slug_of(s): s
        for s in graph.subjects(RDF.type, REKG.SourceDocument)
        if isinstance(s, URIRef) and str(s).startswith(str(SOURCE))
    }
    texts = {path.stem: path for path in folder.glob("*.txt")}
    rows = []
    for slug in sorted(described.keys() | texts.keys()):
        iri = described.get(slug)

        def value(prop, iri=iri):
            found = sorted(str(o) for o in graph.objects(iri, prop)) if iri is not None else []
            return "; ".join(found) if found else None

        text = texts.get(slug)
        claims, drafts = count_claims(project, slug)
        rows.append(
            SourceRow(
                slug,
                value(DCTERMS.title),
                value(DCTERMS.date),
                value(DCTERMS.language),
                text.stat().st_size if text is not None else None,
                claims,
                drafts,
            )
        )
    return rows


def count_claims(project: Project, slug: str) -> tuple[int, int]:
    """(claims, drafts) in data/claims/SLUG.yaml; (0, 0) when there is no such file."""
    path = project.data / "claims" / f"{slug}.yaml"
    if not path.is_file():
        return 0, 0
    _root, doc = load_yaml(path, project.relative(path), "a claim file")
    entries = doc.get("claims") if isinstance(doc, dict) else None
    if not isinstance(entries, list):
        return 0, 0
    drafts = sum(1 for e in entries if isinstance(e, dict) and e.get("draft") is True)
    return len(entries), drafts


COLUMNS = ("slug", "title", "date", "language", "bytes", "claims", "drafts")
_NUMERIC = {"bytes", "claims", "drafts"}


def render_sources(rows: list[SourceRow], fmt: str = "table") -> str:
    """The rows as an aligned table, CSV or JSON; unknown fields empty (null in JSON)."""
    if fmt == "json":
        return json.dumps([asdict(r) for r in rows], ensure_ascii=False, indent=1) + "\n"
    cells = [
        ["" if v is None else str(v).replace("\n", " ") for v in (getattr(r, c) for c in COLUMNS)]
        for r in rows
    ]
    if fmt == "csv":
        buffer = io.StringIO()
        writer = csv.writer(buffer, lineterminator="\n")
        writer.writerow(COLUMNS)
        writer.writerows(cells)
        return buffer.getvalue()
    widths = [max([len(c)] + [len(line[i]) for line in cells]) for i, c in enumerate(COLUMNS)]

    def row(line):
        return "  ".join(
            v.rjust(w) if c in _NUMERIC else v.ljust(w)
            for c, v, w in zip(COLUMNS, line, widths, strict=True)
        ).rstrip()

    out = [row(COLUMNS), "  ".join("-" * w for w in widths)]
    out += [row(line) for line in cells]
    out.append(f"({len(rows)} source{'s' * (len(rows) != 1)})")
    return "\n".join(out) + "\n"
