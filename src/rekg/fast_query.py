"""What the stored questions need on the fast store besides the engine: a small rdflib
graph to resolve parameter values (slugs, labels) against, made from the closure's labels
rather than from the whole closure."""

import pyoxigraph as ox
from rdflib import Graph
from rdflib.namespace import RDFS, SKOS

from .store import graph_of


def resolver_graph(store: ox.Store) -> Graph:
    graph = Graph()
    for prop in (RDFS.label, SKOS.altLabel):
        graph_of(store.quads_for_pattern(None, ox.NamedNode(str(prop)), None), graph)
    return graph
