"""The fast store: pyoxigraph, and the conversions between its terms and rdflib's.

rdflib stays the public face (callers hold rdflib Graphs and terms); pyoxigraph does the
work where the graph is large. Plain strings are kept as rdflib plain literals on the way
back, never as xsd:string-typed ones: rdflib treats the two as different terms."""

import weakref
from concurrent.futures import Future, ThreadPoolExecutor

import pyoxigraph as ox
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import XSD

XSD_STRING = str(XSD.string)
_XSD_STRING_NODE = ox.NamedNode(XSD_STRING)


# rdflib's Literal constructor parses and normalises its value, which costs more than the
# query that found it; terms are immutable, so each one is converted once. Bounded, since
# a server answers queries over the whole graph for as long as it runs.
_CONVERTED: dict = {}
_CONVERTED_MAX = 1 << 18


def from_ox_cached(term):
    """from_ox, remembered: for query rows, where the same terms come back again and again."""
    try:
        return _CONVERTED[term]
    except KeyError:
        pass
    if len(_CONVERTED) >= _CONVERTED_MAX:
        _CONVERTED.clear()
    converted = _CONVERTED[term] = from_ox(term)
    return converted


def from_ox(term):
    if isinstance(term, ox.NamedNode):
        return URIRef(term.value)
    if isinstance(term, ox.BlankNode):
        return BNode(term.value)
    if term.language:
        return Literal(term.value, lang=term.language)
    datatype = term.datatype.value
    return Literal(term.value, datatype=None if datatype == XSD_STRING else URIRef(datatype))


def to_ox(term):
    if isinstance(term, URIRef):
        return ox.NamedNode(str(term))
    if isinstance(term, BNode):
        return ox.BlankNode(str(term))
    if term.language:
        return ox.Literal(str(term), language=term.language)
    if term.datatype is None:
        return ox.Literal(str(term))
    return ox.Literal(str(term), datatype=ox.NamedNode(str(term.datatype)))


def ox_triples(graph: Graph):
    for s, p, o in graph:
        yield ox.Quad(to_ox(s), to_ox(p), to_ox(o))


def lines_with(text: bytes, needle: bytes) -> list[tuple[int, int, int]]:
    """(number, start, end) of each line of text that contains needle, end past its line
    break: found by searching rather than by looking at every line."""
    found, line, counted, at = [], 0, 0, text.find(needle)
    while at != -1:
        line += text.count(b"\n", counted, at)
        counted = at
        start = text.rfind(b"\n", 0, at) + 1
        end = text.find(b"\n", at)
        end = len(text) if end == -1 else end + 1
        found.append((line, start, end))
        at = text.find(needle, end)
    return found


def store_soon(quads) -> Future:
    """A store of the quads, made on a thread of its own while the caller goes on:
    pyoxigraph fills a store from N-Quads text without holding the GIL, where `store_of`
    holds it for every quad it takes from Python: only writing the text stays on the
    caller's core."""
    quads = list(quads)
    text = ox.serialize(quads, format=ox.RdfFormat.N_QUADS)
    # pyoxigraph's parsers give blank nodes labels of their own: the quads that have one
    # (a handful, found by searching the text) go in as they are, labels and all
    blank = lines_with(text, b"_:")
    as_they_are = [quads[number] for number, _, _ in blank]
    pieces, done = [], 0
    for _, start, end in blank:
        pieces.append(text[done:start])
        done = end
    text = b"".join(pieces) + text[done:] if blank else text

    def make() -> ox.Store:
        store = ox.Store()
        store.bulk_load(input=text, format=ox.RdfFormat.N_QUADS)
        store.extend(as_they_are)
        return store

    return _BACKGROUND.submit(make)


_BACKGROUND = ThreadPoolExecutor(max_workers=1, thread_name_prefix="rekg-store")


def store_of(triples) -> ox.Store:
    """A store holding the given ox quads (or triples, put in the default graph)."""
    store = ox.Store()
    store.bulk_extend(
        q if isinstance(q, ox.Quad) else ox.Quad(q.subject, q.predicate, q.object) for q in triples
    )
    return store


def graph_of(quads, graph: Graph | None = None) -> Graph:
    graph = graph if graph is not None else Graph()
    add = graph.add
    for q in quads:
        add((from_ox(q.subject), from_ox(q.predicate), from_ox(q.object)))
    return graph


# An rdflib Graph queried on the fast engine is copied into a store once and reused while
# its size is unchanged (a server answering many requests on one graph pays the copy once).
_COPIES: "weakref.WeakKeyDictionary[Graph, tuple[int, ox.Store]]" = weakref.WeakKeyDictionary()


def store_for_graph(graph: Graph) -> ox.Store:
    size = len(graph)
    cached = _COPIES.get(graph)
    if cached is not None and cached[0] == size:
        return cached[1]
    store = store_of(ox_triples(graph))
    _COPIES[graph] = (size, store)
    return store
