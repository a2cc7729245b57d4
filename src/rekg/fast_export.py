"""Deterministic RDF files, fast: a graph becomes its sorted, de-duplicated canonical
N-Triples lines once (blank nodes labelled by RDFC-1.0 from their content, so labels do not
depend on parse order), and every format is written by pyoxigraph from those lines in that
order. Equal graphs give equal bytes, whatever engine or store held them."""

import operator
from dataclasses import dataclass
from itertools import islice

import pyoxigraph as ox
from rdflib import Graph, URIRef
from rdflib.namespace import RDF

from .namespaces import ID, PREFIXES, REKG
from .store import ox_triples

_FORMATS = {"turtle": ox.RdfFormat.TURTLE, "jsonld": ox.RdfFormat.JSON_LD}
_PREFIXES = dict(sorted(PREFIXES.items()))


@dataclass
class Stats:
    entities: int
    subjects: int
    properties: int
    classes: int
    sources: list
    claims: int


def _split_out(text: bytes, needle: bytes) -> tuple[bytes, list[bytes]]:
    """The text without the lines that contain needle, and those lines, found by searching
    rather than by looking at every line."""
    kept, found, done, at = [], [], 0, text.find(needle)
    while at != -1:
        start = text.rfind(b"\n", 0, at) + 1
        end = text.find(b"\n", at)
        end = len(text) if end == -1 else end + 1
        kept.append(text[done:start])
        found.append(text[start:end].rstrip(b"\n"))
        done, at = end, text.find(needle, end)
    kept.append(text[done:])
    return b"".join(kept), found


def _sorted_unique(lines: list[bytes]) -> list[bytes]:
    """Sorted in place; duplicates (rare: the same triple in two graphs) kept once."""
    lines.sort()
    if any(map(operator.eq, lines, islice(lines, 1, None))):
        lines = list(dict.fromkeys(lines))
    return lines


class Dump:
    """A graph as sorted canonical N-Triples lines (bytes, no line breaks)."""

    def __init__(self, lines: list[bytes]):
        self.lines = lines
        self._ntriples = None

    @classmethod
    def of(cls, source) -> "Dump":
        if isinstance(source, Dump):
            return source
        if isinstance(source, Graph):
            source = ox_triples(source)
        # pyoxigraph writes every triple at once; only the lines that mention a blank node
        # (a handful, found by searching the text) go back through Python to be relabelled
        text = ox.serialize(
            (q.triple if isinstance(q, ox.Quad) else q for q in source),
            format=ox.RdfFormat.N_TRIPLES,
        )
        text, blank = _split_out(text, b"_:")
        lines = text.splitlines()
        if blank:
            # RDFC-1.0 labels a blank node from the quads that mention it, all of them here;
            # a line that only quotes "_:" in a literal or IRI passes through unchanged
            dataset = ox.Dataset(
                ox.Quad(t.subject, t.predicate, t.object)
                for t in ox.parse(b"\n".join(blank), format=ox.RdfFormat.N_TRIPLES)
            )
            dataset.canonicalize(ox.CanonicalizationAlgorithm.RDFC_1_0)
            relabelled = ox.serialize((q.triple for q in dataset), format=ox.RdfFormat.N_TRIPLES)
            lines.extend(relabelled.splitlines())
        return cls(_sorted_unique(lines))

    def merged(self, more: "Dump") -> "Dump":
        """This graph plus another without blank nodes (the kept entailments have none).
        Both are sorted, and Python's sort merges sorted runs in linear time."""
        return Dump(_sorted_unique(self.lines + more.lines))

    def __len__(self) -> int:
        return len(self.lines)

    def ntriples(self) -> bytes:
        # joined once: every format is written from it (140 MB at 1M triples, and joining
        # it grew 24x from 100k to 1M)
        if self._ntriples is None:
            self._ntriples = b"\n".join(self.lines) + b"\n" if self.lines else b""
        return self._ntriples

    def triples(self):
        return ox.parse(self.ntriples(), format=ox.RdfFormat.N_TRIPLES)

    def serialize(self, format_name: str) -> bytes:
        if format_name == "ntriples":
            return self.ntriples()
        if format_name not in _FORMATS:
            raise ValueError(format_name)
        return ox.serialize(self.triples(), format=_FORMATS[format_name], prefixes=_PREFIXES)

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
