"""What the stored questions need on the fast store besides the engine: something to
resolve parameter values (slugs, labels) against. `bind.resolve_iri` asks a graph three
things; the store answers them directly, so nothing is copied out of it (copying the
labels of a million-triple graph into rdflib took longer than the whole catalogue)."""

import pyoxigraph as ox

from rekg.graph.store import from_ox, to_ox


class StoreResolver:
    """The part of rdflib's Graph interface that `bind.resolve_iri` uses, on a store."""

    def __init__(self, store: ox.Store):
        self.store = store

    def __contains__(self, triple) -> bool:
        pattern = [None if term is None else to_ox(term) for term in triple]
        return next(iter(self.store.quads_for_pattern(*pattern)), None) is not None

    def subject_objects(self, predicate):
        for quad in self.store.quads_for_pattern(None, to_ox(predicate), None):
            yield from_ox(quad.subject), from_ox(quad.object)

    def subjects(self):
        seen = set()
        for quad in self.store.quads_for_pattern(None, None, None):
            if quad.subject not in seen:
                seen.add(quad.subject)
                yield from_ox(quad.subject)
