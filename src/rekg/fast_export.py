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
        plain, blank = [], []
        for q in source:
            t = q.triple if isinstance(q, ox.Quad) else q
            if isinstance(t.subject, ox.BlankNode) or isinstance(t.object, ox.BlankNode):
                blank.append(t)
            else:
                plain.append(t)
        if blank:
            # RDFC-1.0 labels a blank node from the quads that mention it, all of them here
            dataset = ox.Dataset(ox.Quad(t.subject, t.predicate, t.object) for t in blank)
            dataset.canonicalize(ox.CanonicalizationAlgorithm.RDFC_1_0)
            plain.extend(q.triple for q in dataset)
        text = ox.serialize(plain, format=ox.RdfFormat.N_TRIPLES)
        return cls(sorted(set(text.splitlines())))

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
        rdf_type, ns = str(RDF.type), str(ID)
        subjects, properties, classes = set(), set(), set()
        sources, claims = [], 0
        source_class, claim_class = str(REKG.SourceDocument), str(REKG.Claim)
        for t in self.triples():
            s = t.subject
            subjects.add(s)
            properties.add(t.predicate)
            if t.predicate.value == rdf_type:
                classes.add(t.object)
                if t.object.value == source_class:
                    sources.append(URIRef(s.value))
                elif t.object.value == claim_class:
                    claims += 1
        entities = sum(
            1 for s in subjects if isinstance(s, ox.NamedNode) and s.value.startswith(ns)
        )
        return Stats(
            entities, len(subjects), len(properties), len(classes), sorted(sources), claims
        )
