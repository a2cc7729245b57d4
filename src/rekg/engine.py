"""The one seam between rekg and a SPARQL engine. Everything that runs a query goes
through `select`.

Two engines answer: "fast" (pyoxigraph, the default) and "reference" (rdflib's own SPARQL
engine, the design card's library, kept as the fallback and as the oracle of the parity
tests). `select` takes an rdflib Graph (copied into a pyoxigraph store once, see
`store.store_for_graph`) or a pyoxigraph Store (what the build holds at scale)."""

import os
from contextlib import contextmanager
from dataclasses import dataclass

import pyoxigraph as ox
from rdflib import Graph, Literal

from .errors import UsageError

ENGINES = ("fast", "reference")
_current = [os.environ.get("REKG_ENGINE", "fast")]


@dataclass
class Rows:
    variables: list[str]
    rows: list[dict]  # variable name -> rdflib term (absent when unbound)

    def __len__(self):
        return len(self.rows)

    def as_tuples(self) -> list[tuple]:
        return [tuple(row.get(v) for v in self.variables) for row in self.rows]


def current() -> str:
    name = _current[0]
    if name not in ENGINES:
        raise UsageError(
            f"unknown engine {name!r}", remedy=f"choose one of {', '.join(ENGINES)} (REKG_ENGINE)"
        )
    return name


def use(name: str | None) -> None:
    """Select the engine for this process (None keeps the current one)."""
    if name is not None:
        _current[0] = name
        current()


@contextmanager
def using(name: str | None):
    before = _current[0]
    use(name)
    try:
        yield
    finally:
        _current[0] = before


def select(graph, text: str, engine: str | None = None) -> Rows:
    if isinstance(graph, ox.Store):
        return _select_store(graph, text)
    if (engine or current()) == "reference":
        return _select_rdflib(graph, text)
    from .store import store_for_graph

    return _select_store(store_for_graph(graph), text)


def _select_rdflib(graph: Graph, text: str) -> Rows:
    result = graph.query(text)
    if result.type == "ASK":
        return Rows(["ask"], [{"ask": Literal(bool(result.askAnswer))}])
    variables = [str(v) for v in result.vars]
    rows = []
    for binding in result.bindings:
        rows.append({str(k): v for k, v in binding.items() if v is not None})
    return Rows(variables, rows)


def _select_store(store: ox.Store, text: str) -> Rows:
    from .store import from_ox_cached

    try:
        result = store.query(text)
    except SyntaxError as exc:
        raise UsageError(f"SPARQL syntax error: {exc}", remedy="correct the query text") from None
    if isinstance(result, ox.QueryBoolean):
        return Rows(["ask"], [{"ask": Literal(bool(result))}])
    if not isinstance(result, ox.QuerySolutions):
        raise UsageError("only SELECT and ASK queries give rows", remedy="use SELECT or ASK")
    variables = [v.value for v in result.variables]
    rows = []
    for solution in result:
        rows.append(
            {
                name: from_ox_cached(value)
                for name, value in zip(variables, solution, strict=True)
                if value is not None
            }
        )
    return Rows(variables, rows)
