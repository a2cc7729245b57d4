"""The fast store: pyoxigraph, and the conversions between its terms and rdflib's.

rdflib stays the public face (callers hold rdflib Graphs and terms); pyoxigraph does the
work where the graph is large. Plain strings are kept as rdflib plain literals on the way
back, never as xsd:string-typed ones: rdflib treats the two as different terms."""

import weakref

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
