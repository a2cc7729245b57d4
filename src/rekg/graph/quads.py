"""The loaded graph as written, on the fast engine: each distinct quad once, in the order
it was first loaded, with per-predicate tables made on first use.

It stands where a pyoxigraph Dataset stood. A Dataset keeps six B-tree indexes over
interned terms, and filling them grows faster than the graph, while the pipeline only
ever reads the whole graph, the pairs of one predicate, or asks whether a quad is in it.
A dict of the parsed quads answers all three, faster and in less memory (measured in
docs/performance.md). Literals stay as written, unlike in the Store (see load.py)."""

from collections import defaultdict

import pyoxigraph as ox


class Quads:
    def __init__(self, quads=()):
        self._quads: dict = dict.fromkeys(quads)
        self._by_predicate: dict | None = None
        self._out: dict = {}
        self._in: dict = {}

    def extend(self, quads) -> None:
        if self._by_predicate is None:
            self._quads.update(dict.fromkeys(quads))
            return
        for quad in quads:
            self.add(quad)

    def add(self, quad: ox.Quad) -> None:
        if quad in self._quads:
            return
        self._quads[quad] = None
        if self._by_predicate is not None:
            self._by_predicate[quad.predicate].append(quad)
            self._out.pop(quad.predicate, None)
            self._in.pop(quad.predicate, None)

    def __iter__(self):
        return iter(self._quads)

    def __len__(self) -> int:
        return len(self._quads)

    def __contains__(self, quad) -> bool:
        return quad in self._quads

    def for_predicate(self, predicate: ox.NamedNode) -> list:
        if self._by_predicate is None:
            table = defaultdict(list)
            for quad in self._quads:
                table[quad.predicate].append(quad)
            self._by_predicate = table
        return self._by_predicate.get(predicate, [])

    def out(self, predicate: ox.NamedNode) -> dict:
        """subject -> its objects by this predicate."""
        if predicate not in self._out:
            self._tables(predicate)
        return self._out[predicate]

    def inv(self, predicate: ox.NamedNode) -> dict:
        """object -> the subjects that have it by this predicate."""
        if predicate not in self._in:
            self._tables(predicate)
        return self._in[predicate]

    def _tables(self, predicate: ox.NamedNode) -> None:
        out, inv = defaultdict(list), defaultdict(list)
        for q in self.for_predicate(predicate):
            out[q.subject].append(q.object)
            inv[q.object].append(q.subject)
        self._out[predicate], self._in[predicate] = out, inv

    def subjects(self) -> set:
        return {q.subject for q in self._quads}
