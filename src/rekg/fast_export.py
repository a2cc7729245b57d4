"""Deterministic RDF files, fast: a graph becomes its sorted, de-duplicated canonical
N-Triples lines once (blank nodes labelled by RDFC-1.0 from their content, so labels do not
depend on parse order), and every format is written by pyoxigraph from those lines in that
order. Equal graphs give equal bytes, whatever engine or store held them."""

import heapq
from dataclasses import dataclass

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


def _lines_mentioning(text: bytes, needle: bytes) -> set[bytes]:
    """The lines of text that contain needle, without splitting the text again."""
    found, at = set(), text.find(needle)
    while at != -1:
        start = text.rfind(b"\n", 0, at) + 1
        end = text.find(b"\n", at)
        end = len(text) if end == -1 else end
        found.add(text[start:end])
        at = text.find(needle, end)
    return found


class Dump:
    """A graph as sorted canonical N-Triples lines (bytes, no line breaks)."""

    def __init__(self, lines: list[bytes]):
        self.lines = lines

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
        lines = set(text.splitlines())
        blank = _lines_mentioning(text, b"_:")
        if blank:
            # RDFC-1.0 labels a blank node from the quads that mention it, all of them here;
            # a line that only quotes "_:" in a literal or IRI passes through unchanged
            lines.difference_update(blank)
            dataset = ox.Dataset(
                ox.Quad(t.subject, t.predicate, t.object)
                for t in ox.parse(b"\n".join(sorted(blank)), format=ox.RdfFormat.N_TRIPLES)
            )
            dataset.canonicalize(ox.CanonicalizationAlgorithm.RDFC_1_0)
            relabelled = ox.serialize((q.triple for q in dataset), format=ox.RdfFormat.N_TRIPLES)
            lines.update(relabelled.splitlines())
        return cls(sorted(lines))

    def merged(self, more: "Dump") -> "Dump":
        """This graph plus another without blank nodes (the kept entailments have none),
        without sorting everything again."""
        lines, last = [], None
        for line in heapq.merge(self.lines, more.lines):
            if line != last:
                lines.append(line)
                last = line
        return Dump(lines)

    def __len__(self) -> int:
        return len(self.lines)

    def ntriples(self) -> bytes:
        return b"\n".join(self.lines) + b"\n" if self.lines else b""

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
