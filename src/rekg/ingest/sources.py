"""Source texts and the Web Annotation selectors computed from them. Offsets count Unicode
code points of the NFC-normalised text, as the contract says; they are never typed by hand.
A text whose bytes no longer match the rekg:sha256 recorded for it is refused
(`check_copies`): its claims' offsets and the published checksum would describe another
text."""

import hashlib
import unicodedata
from dataclasses import dataclass
from pathlib import Path

from rdflib import URIRef

from rekg.core.errors import IntegrityError, decode_utf8, iconv_command
from rekg.core.namespaces import SOURCE
from rekg.core.project import Project
from rekg.ingest.files import read_bytes

CONTEXT = 32  # characters of prefix and suffix kept with each quote


@dataclass(frozen=True)
class Selector:
    exact: str
    start: int
    end: int
    prefix: str
    suffix: str


@dataclass(frozen=True)
class SourceText:
    slug: str
    path: Path
    text: str

    @classmethod
    def read(cls, slug: str, path: Path, display: str | None = None) -> "SourceText":
        display = display or str(path)
        return cls.of_bytes(slug, path, read_bytes(path, display), display)

    @classmethod
    def of_bytes(cls, slug: str, path: Path, data: bytes, display: str) -> "SourceText":
        """The text of a source's bytes; InputSyntaxError at a byte that is not UTF-8."""
        remedy = (
            f"convert the text to UTF-8 ({iconv_command(display)}), then record its new "
            f"checksum: rekg source rehash {slug}"
        )
        raw = decode_utf8(data, display, remedy)
        return cls(slug, path, unicodedata.normalize("NFC", raw))

    def occurrences(self, quote: str) -> list[int]:
        quote = unicodedata.normalize("NFC", quote)
        found, at = [], self.text.find(quote)
        while at != -1:
            found.append(at)
            at = self.text.find(quote, at + 1)
        return found

    def select(self, quote: str, start: int) -> Selector:
        quote = unicodedata.normalize("NFC", quote)
        end = start + len(quote)
        return Selector(
            exact=quote,
            start=start,
            end=end,
            prefix=self.text[max(0, start - CONTEXT) : start],
            suffix=self.text[end : end + CONTEXT],
        )

    def sentences(self) -> list[tuple[int, int]]:
        """Spans of the content sentences and headings (one per line or per '. '),
        used for the coverage figure."""
        spans, offset = [], 0
        for line in self.text.split("\n"):
            start = offset
            offset += len(line) + 1
            if not line.strip():
                continue
            cursor = start
            for piece in _split_sentences(line):
                spans.append((cursor, cursor + len(piece)))
                cursor += len(piece)
        return spans


def _split_sentences(line: str) -> list[str]:
    pieces, current = [], ""
    for i, ch in enumerate(line):
        current += ch
        if ch == "." and (i + 1 == len(line) or line[i + 1] == " "):
            pieces.append(current)
            current = ""
    if current:
        pieces.append(current)
    return pieces


# --- the recorded checksums -------------------------------------------------------------


@dataclass(frozen=True)
class Copy:
    """What a source document records about its local copy: its rekg:localCopy,
    rekg:sha256 and dcat:byteSize values (lexical forms), as lists since the data may give
    several (the shapes report that)."""

    source: str  # the source document's IRI
    local: tuple[str, ...]
    sha256: tuple[str, ...]
    size: tuple[str, ...] = ()


def check_copies(project: Project, copies, digests: dict, places) -> None:
    """Refuse (IntegrityError, exit 2) a source whose local copy is missing, lies outside
    the project, or whose bytes no longer give the recorded sha256 (or byte size).
    `digests` holds (sha256, size) of the texts read already, by resolved path; `places`
    maps a source IRI to its "file:line"."""
    problems = []
    for copy in sorted(copies, key=lambda c: c.source):
        if len(copy.local) != 1 or len(copy.sha256) != 1:
            continue  # none or several: the shapes report it
        problem = _copy_problem(project, copy, digests)
        if problem is not None:
            problems.append((copy, *problem))
    if not problems:
        return
    copy, message, remedy, needle = problems[0]
    if len(problems) > 1:
        others = ", ".join(_slug(c.source) for c, *_ in problems[1:])
        message += f" (and {len(problems) - 1} more: {others})"
    raise IntegrityError(message, place=_place(project, places, copy.source, needle), remedy=remedy)


def _copy_problem(project: Project, copy: Copy, digests: dict):
    """(message, remedy, the text to point at) of what is wrong with a copy, or None."""
    local, recorded = copy.local[0], copy.sha256[0]
    slug, name = _slug(copy.source), _name(copy.source)
    root = project.root.resolve()
    try:
        path = (project.root / local).resolve()
        inside = root in path.parents and path.is_file()
        where = "does not exist" if not path.exists() else "is not a file inside the project"
    except (OSError, ValueError):  # a NUL in the path, a name too long
        inside, where = False, "is not a path of a file"
    if not inside:
        return (
            f"the local copy of {name}, {local!r}, {where}",
            f"restore the text at {local!r}, or correct rekg:localCopy to the text's path "
            f"relative to the project folder (data/sources/{slug}.txt)",
            local,
        )
    if path not in digests:
        data = read_bytes(path, local)
        digests[path] = (hashlib.sha256(data).hexdigest(), len(data))
    digest, size = digests[path]
    sizes = [v for v in copy.size if v.isdigit() and int(v) != size]
    if digest == recorded.lower() and not sizes:
        return None
    what = (
        f"recorded sha256 {recorded[:12]}…, the file's bytes give {digest[:12]}…"
        if digest != recorded.lower()
        else f"recorded dcat:byteSize {sizes[0]}, the file has {size} bytes"
    )
    return (
        f"{local} no longer matches what {name} records of it: {what}",
        f"if the text was edited on purpose, record its new checksum with "
        f"`rekg source rehash {slug}`, then run `rekg validate` to check the claims' quotes "
        f"against it; otherwise restore the registered text (e.g. git checkout -- {local})",
        recorded if digest != recorded.lower() else sizes[0],
    )


def _slug(iri: str) -> str:
    return iri[len(str(SOURCE)) :] if iri.startswith(str(SOURCE)) else iri


def _name(iri: str) -> str:
    return f"src:{_slug(iri)}" if iri.startswith(str(SOURCE)) else f"<{iri}>"


def _place(project: Project, places, iri: str, needle: str) -> str:
    """The line that records `needle` for the source, from the line where the source's
    description starts; that line itself when the needle is not found after it."""
    place = places.get(URIRef(iri))
    if not place or ":" not in place:
        return place or iri
    display, line = place.rsplit(":", 1)
    try:
        lines = (project.root / display).read_text(encoding="utf-8", errors="replace")
    except OSError:
        return place
    for number, text in enumerate(lines.splitlines()[int(line) - 1 :], start=int(line)):
        if needle in text:
            return f"{display}:{number}"
    return place
