"""Deterministic RDF files, fast: a graph becomes its sorted, de-duplicated canonical
N-Triples lines once (blank nodes labelled by RDFC-1.0 from their content, so labels do not
depend on parse order), and every format is written by pyoxigraph in that order. Equal
graphs give equal bytes, whatever engine or store held them.

Text is made and written a piece at a time: a whole dump in one buffer is fresh memory,
which the kernel hands out a page at a time, where pieces of a few MB reuse the same
pages."""

import io
import operator
from bisect import bisect_left
from dataclasses import dataclass
from itertools import islice

import pyoxigraph as ox
from rdflib import Graph, URIRef
from rdflib.namespace import RDF

from rekg.core.namespaces import ID, PREFIXES, REKG
from rekg.graph.store import lines_with, ox_triples

_FORMATS = {"turtle": ox.RdfFormat.TURTLE, "jsonld": ox.RdfFormat.JSON_LD}
_PREFIXES = dict(sorted(PREFIXES.items()))
_PIECE = 1 << 14  # lines a piece: about 2 MB of N-Triples


@dataclass
class Stats:
    entities: int
    subjects: int
    properties: int
    classes: int
    sources: list
    claims: int


def _without(items: list, drop: list[int]) -> list:
    """items less the (few, ascending) positions in drop, by slices rather than a pass."""
    out, done = [], 0
    for i in drop:
        out += items[done:i]
        done = i + 1
    out += items[done:]
    return out


def _interleaved(items: list, places: list[int], extra: list) -> list:
    """items with each of extra put before the item at its (ascending) place."""
    out, done = [], 0
    for place, item in zip(places, extra, strict=True):
        out += items[done:place]
        out.append(item)
        done = place
    out += items[done:]
    return out


def _sorted_unique(lines: list[bytes], quads: list | None) -> tuple[list[bytes], list | None]:
    """The lines sorted, a duplicate (rare: the same triple in two graphs) kept once, and
    the quads, when given, put in the same order. Sorting positions by their line costs
    twice sorting the lines, still little beside the writers (0.2 s at 1M triples)."""
    if quads is None:
        lines.sort()
        if any(map(operator.eq, lines, islice(lines, 1, None))):
            lines = list(dict.fromkeys(lines))
        return lines, None
    assert len(lines) == len(quads), "one N-Triples line per quad"
    order = sorted(range(len(lines)), key=lines.__getitem__)
    lines = [lines[i] for i in order]
    quads = [quads[i] for i in order]
    if any(map(operator.eq, lines, islice(lines, 1, None))):
        keep = [0, *(i for i in range(1, len(lines)) if lines[i] != lines[i - 1])]
        lines, quads = [lines[i] for i in keep], [quads[i] for i in keep]
    return lines, quads


def _as_quad(t) -> ox.Quad:
    return t if isinstance(t, ox.Quad) else ox.Quad(t.subject, t.predicate, t.object)


class Dump:
    """A graph as its sorted, de-duplicated canonical N-Triples lines (bytes, no line
    breaks) and the same triples as pyoxigraph quads, in the same order. The lines give
    the order, the N-Triples file and the statistics; the quads go straight to
    pyoxigraph's Turtle and JSON-LD writers rather than having them read the lines back
    through its parser, which doubled their time. A Dump made from lines alone parses them
    when its quads are first needed."""

    def __init__(self, lines: list[bytes], quads: list | None = None):
        self.lines = lines
        self._quads = quads

    @classmethod
    def of(cls, source) -> "Dump":
        if isinstance(source, Dump):
            return source
        if isinstance(source, Graph):
            source = ox_triples(source)
        quads = [_as_quad(q) for q in source]
        # pyoxigraph writes the triples, one line each in the order given (a quad in a named
        # graph is refused); only the lines that mention a blank node (a handful, found by
        # searching the text) are relabelled
        lines, blank = [], []
        for start in range(0, len(quads), _PIECE):
            text = ox.serialize(quads[start : start + _PIECE], format=ox.RdfFormat.N_QUADS)
            if b"_:" in text:
                blank += (start + i for i, _, _ in lines_with(text, b"_:"))
            lines += text.splitlines()
        if blank:
            # RDFC-1.0 labels a blank node from the quads that mention it, all of them here;
            # a line that only quotes "_:" in a literal or IRI passes through unchanged
            dataset = ox.Dataset(quads[i] for i in blank)
            dataset.canonicalize(ox.CanonicalizationAlgorithm.RDFC_1_0)
            relabelled = list(dataset)
            lines = _without(lines, blank)
            lines += ox.serialize(relabelled, format=ox.RdfFormat.N_QUADS).splitlines()
            quads = _without(quads, blank) + relabelled
        return cls(*_sorted_unique(lines, quads))

    def merged(self, more: "Dump") -> "Dump":
        """This graph plus another without blank nodes (the kept entailments have none).
        Each of the other's lines is placed by a binary search from where the last one
        went, and the lines between are copied as slices, which is cheaper than sorting
        the joined lines again even though Python's sort finds the two runs."""
        lines, places, new = self.lines, [], []
        at = 0
        for n, line in enumerate(more.lines):
            at = bisect_left(lines, line, at)
            if at == len(lines) or lines[at] != line:  # a line in both is kept once
                places.append(at)
                new.append(n)
        merged = _interleaved(lines, places, [more.lines[n] for n in new])
        if self._quads is None or more._quads is None:
            return Dump(merged)
        return Dump(merged, _interleaved(self._quads, places, [more._quads[n] for n in new]))

    @property
    def quads(self) -> list:
        if self._quads is None:
            self._quads = list(ox.parse(self.serialize("ntriples"), format=ox.RdfFormat.N_TRIPLES))
        return self._quads

    def __len__(self) -> int:
        return len(self.lines)

    def write(self, format_name: str, out, prefixes: dict | None = None) -> None:
        """The graph in one of formats.RDF_FORMATS, written to a binary file object;
        `prefixes` (Turtle, JSON-LD): the project's unless given."""
        if format_name == "ntriples":
            lines = self.lines
            for start in range(0, len(lines), _PIECE):
                out.write(b"\n".join(lines[start : start + _PIECE]) + b"\n")
        elif format_name in _FORMATS:
            prefixes = _PREFIXES if prefixes is None else dict(sorted(prefixes.items()))
            ox.serialize(self.quads, out, format=_FORMATS[format_name], prefixes=prefixes)
        else:
            raise ValueError(format_name)

    def serialize(self, format_name: str, prefixes: dict | None = None) -> bytes:
        buffer = io.BytesIO()
        self.write(format_name, buffer, prefixes)
        return buffer.getvalue()

    def stats(self) -> Stats:
        """Counted from the canonical lines themselves: in N-Triples the subject and the
        predicate are the first two space-free tokens, so nothing needs parsing again."""
        rdf_type = f"<{RDF.type}>".encode()
        source_class = f"<{REKG.SourceDocument}> .".encode()
        claim_class = f"<{REKG.Claim}> .".encode()
        entity_prefix = f"<{ID}".encode()
        subjects, properties, classes = set(), set(), set()
        sources, claims = [], 0
        for line in self.lines:
            subject, predicate, rest = line.split(b" ", 2)
            subjects.add(subject)
            properties.add(predicate)
            if predicate == rdf_type:
                classes.add(rest)
                if rest == source_class:
                    sources.append(URIRef(subject[1:-1].decode("utf-8")))
                elif rest == claim_class:
                    claims += 1
        entities = sum(1 for s in subjects if s.startswith(entity_prefix))
        return Stats(
            entities, len(subjects), len(properties), len(classes), sorted(sources), claims
        )
