"""Source texts and the Web Annotation selectors computed from them. Offsets count Unicode
code points of the NFC-normalised text, as the contract says; they are never typed by hand."""

import unicodedata
from dataclasses import dataclass
from pathlib import Path

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
    def read(cls, slug: str, path: Path) -> "SourceText":
        raw = path.read_text(encoding="utf-8")
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
