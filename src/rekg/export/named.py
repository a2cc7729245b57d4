"""The claims by source, as named graphs (dist/rekg.trig, dist/rekg.nq): one graph a
source document, `https://w3id.org/rekg/graph/source/<slug>`, holding

- the source document's own description (the triples with `source:<slug>` as subject);
- every claim derived from it (`?claim a rekg:Claim ; prov:wasDerivedFrom source:<slug>`)
  with all its triples, its evidence (`rekg:evidence`), the evidence's selectors
  (`oa:hasSelector`) and any blank nodes these reach;
- the plain triple of each of those claims stated as fact: modality `rekg:Asserted`, not
  `rekg:negated true`, not `rekg:draft true`, with `rdf:subject`, `rdf:predicate` and
  `rdf:object`, and only where the asserted graph holds it. So
  `GRAPH ?g { id:myanmar rekg:suppliesFeedstockTo id:china }` gives the sources that state
  it as fact, and the union of the graphs is part of the asserted graph.

The graphs are a pure function of the asserted graph's Dump (its sorted canonical
N-Triples lines), so both engines give the same bytes. Nothing is parsed: a node's
triples are the lines that start with its N-Triples term and a space, found by binary
search in the sorted lines, and a graph is a set of positions in them, so its lines come
out sorted and keep the Dump's blank node labels (in N-Quads as in N-Triples, a label
names the same node in every graph of the file)."""

import io
from bisect import bisect_left
from dataclasses import dataclass
from itertools import product

import pyoxigraph as ox
from rdflib.namespace import PROV, RDF

from rekg.core.namespaces import OA, PREFIXES, REKG, SOURCE, SOURCE_GRAPH
from rekg.export.dump import Dump

_PREFIXES = dict(sorted(PREFIXES.items()))
_PIECE = 1 << 14  # lines a piece


def _term(iri) -> bytes:
    return f"<{iri}>".encode()


_TYPE_SUFFIXES = (
    b" " + _term(RDF.type) + b" " + _term(REKG.Claim) + b" .",
    b" " + _term(RDF.type) + b" " + _term(REKG.SourceDocument) + b" .",
)
_SOURCE_PREFIX = b"<" + str(SOURCE).encode()
_DERIVED = _term(PROV.wasDerivedFrom)
_MODALITY = _term(REKG.modality)
_ASSERTED = _term(REKG.Asserted)
_NEGATED = _term(REKG.negated)
_DRAFT = _term(REKG.draft)
_SPO = (_term(RDF.subject), _term(RDF.predicate), _term(RDF.object))
_BOOLEAN = "^^<http://www.w3.org/2001/XMLSchema#boolean>"
_TRUE = {f'"true"{_BOOLEAN}'.encode(), f'"1"{_BOOLEAN}'.encode()}
# from a claim to the nodes that belong to it alone: its evidence, the evidence's selectors
_FOLLOW = frozenset({_term(REKG.evidence), _term(OA.hasSelector)})
# what a claim's lines say about where it comes from and what it states
_WANTED = frozenset({_DERIVED, _MODALITY, _NEGATED, _DRAFT, *_SPO})


@dataclass(frozen=True)
class SourceGraph:
    name: str  # the graph's IRI
    source: str  # the source document's IRI
    claims: int  # the claims derived from it
    rows: list[int]  # positions of its triples in the asserted Dump, ascending

    def __len__(self) -> int:
        return len(self.rows)


def _is_node(term: bytes) -> bool:
    return term.startswith((b"<", b"_:"))


def _node(lines: list[bytes], node: bytes) -> tuple[range, list]:
    """The positions of the lines whose subject is `node`, and their (predicate, object)
    pairs. The sort puts them side by side (an N-Triples term holds no space): from
    `node + b" "` up to, not including, `node + b"!"`."""
    low = bisect_left(lines, node + b" ")
    high = bisect_left(lines, node + b"!", low)
    cut = len(node) + 1
    return range(low, high), [line[cut:-2].split(b" ", 1) for line in lines[low:high]]


def _closure(lines: list[bytes], start: bytes, follow=frozenset(), first=None) -> list[int]:
    """The positions of the triples of `start`, and of the nodes reached from it by a
    predicate of `follow` or through a blank node, again and again. `first`: what `_node`
    gives for `start`, when the caller has it."""
    out, todo, seen = [], [start], {start}
    while todo:
        node = todo.pop()
        span, pairs = first if node is start and first is not None else _node(lines, node)
        out.extend(span)
        for predicate, obj in pairs:
            if (predicate in follow or obj[:2] == b"_:") and obj not in seen and _is_node(obj):
                seen.add(obj)
                todo.append(obj)
    return out


def _plain_rows(lines: list[bytes], values: dict) -> list[int]:
    """Where the asserted graph holds the plain triple of a claim stated as fact: its
    modality rekg:Asserted, neither negated nor a draft."""
    if values.get(_MODALITY) != [_ASSERTED]:
        return []
    if _TRUE & {*values.get(_NEGATED, ()), *values.get(_DRAFT, ())}:
        return []
    found = []
    for s, p, o in product(*(values.get(key, ()) for key in _SPO)):
        line = b"%s %s %s ." % (s, p, o)
        i = bisect_left(lines, line)
        if i < len(lines) and lines[i] == line:
            found.append(i)
    return found


def source_graphs(asserted: Dump) -> list[SourceGraph]:
    """One graph for each source document under https://w3id.org/rekg/id/source/, in the
    order of their IRIs (a source without claims has one too: its description). Nothing
    is parsed: a node's triples are found by binary search in the Dump's sorted lines, and
    each of them is split once."""
    lines = asserted.lines
    sources, claims = [], []
    for line in (line for line in lines if line.endswith(_TYPE_SUFFIXES)):
        if line.endswith(_TYPE_SUFFIXES[0]):
            claims.append(line[: -len(_TYPE_SUFFIXES[0])])
        elif line.startswith(_SOURCE_PREFIX):
            sources.append(line[: -len(_TYPE_SUFFIXES[1])])
    rows: dict[bytes, list[int]] = {s: _closure(lines, s) for s in sources}
    counts = dict.fromkeys(sources, 0)
    for claim in claims:
        first = _node(lines, claim)
        values: dict[bytes, list[bytes]] = {}
        for predicate, obj in first[1]:
            if predicate in _WANTED:
                values.setdefault(predicate, []).append(obj)
        into = [s for s in dict.fromkeys(values.get(_DERIVED, ())) if s in rows]
        if not into:
            continue
        mine = _closure(lines, claim, _FOLLOW, first) + _plain_rows(lines, values)
        for source in into:
            rows[source] += mine
            counts[source] += 1
    graphs = []
    for source in sources:
        iri = source[1:-1].decode("utf-8")
        name = str(SOURCE_GRAPH) + iri[len(str(SOURCE)) :]
        graphs.append(SourceGraph(name, iri, counts[source], sorted(set(rows[source]))))
    return sorted(graphs, key=lambda g: g.name)


def _after_prefixes(text: bytes) -> int:
    """Where the Turtle writer's @prefix lines end (no line of triples starts with '@')."""
    at = 0
    while text.startswith(b"@prefix ", at):
        at = text.index(b"\n", at) + 1
    return at


class NamedGraphs:
    """The source graphs of an asserted graph, as N-Quads and TriG: graphs in the order of
    their IRIs, each graph's triples in the order of the Dump's lines."""

    def __init__(self, asserted: Dump, graphs: list[SourceGraph]):
        self.asserted = asserted
        self.graphs = graphs

    @classmethod
    def of(cls, asserted) -> "NamedGraphs":
        """`asserted`: a Dump, or what Dump.of takes (an rdflib Graph, pyoxigraph quads)."""
        asserted = Dump.of(asserted)
        return cls(asserted, source_graphs(asserted))

    def __len__(self) -> int:
        return sum(len(g) for g in self.graphs)

    def quads(self) -> list:
        """Every triple of every graph as a pyoxigraph quad in its graph, in file order
        (slow for a large graph: each term crosses from pyoxigraph to Python and back)."""
        triples = self.asserted.quads
        out = []
        for graph in self.graphs:
            name = ox.NamedNode(graph.name)
            for i in graph.rows:
                t = triples[i]
                out.append(ox.Quad(t.subject, t.predicate, t.object, name))
        return out

    def write(self, format_name: str, out) -> None:
        """'nquads': each N-Triples line with its graph put before the final ' .';
        'trig': what pyoxigraph's TriG writer gives for `quads()` (a test holds them
        equal), made as it makes it: each graph written by its Turtle writer from the
        Dump's own quads (no new quad a triple, which would cost more than the writing),
        its lines indented by a tab inside `<graph> { ... }`, and the prefixes once at the
        top. The Turtle writer escapes line breaks in literals, so a line of its output is
        a line of Turtle."""
        if format_name == "nquads":
            lines = self.asserted.lines
            for graph in self.graphs:
                # a line ends with " ." and holds no line break: " .\n" is where one ends
                tail = b" <" + graph.name.encode("utf-8") + b"> .\n"
                rows = graph.rows
                for start in range(0, len(rows), _PIECE):
                    text = b"\n".join([lines[i] for i in rows[start : start + _PIECE]]) + b"\n"
                    out.write(text.replace(b" .\n", tail))
        elif format_name == "trig":
            triples = self.asserted.quads
            for n, graph in enumerate(self.graphs):
                text = ox.serialize(
                    [triples[i] for i in graph.rows], format=ox.RdfFormat.TURTLE, prefixes=_PREFIXES
                )
                cut = _after_prefixes(text)
                body = text[cut:].rstrip(b"\n").replace(b"\n", b"\n\t")
                head = text[:cut] if n == 0 else b""
                out.write(b"%s<%s> {\n\t%s\n}\n" % (head, graph.name.encode("utf-8"), body))
        else:
            raise ValueError(format_name)

    def serialize(self, format_name: str) -> bytes:
        buffer = io.BytesIO()
        self.write(format_name, buffer)
        return buffer.getvalue()
