"""Running stored and ad-hoc queries against a graph, with typed parameters."""

from rdflib import Graph

from . import engine
from .bind import bind, bindings_for
from .catalogue import StoredQuery
from .engine import Rows


def run_stored(
    graph: Graph,
    query: StoredQuery,
    given: dict[str, str] | None = None,
    resolver: Graph | None = None,
) -> Rows:
    """Rows of a stored query; parameters resolved against `resolver` (default: `graph`)."""
    bindings = bindings_for(query, given or {}, resolver if resolver is not None else graph)
    return engine.select(graph, bind(query.text, bindings))


def run_catalogue(graph: Graph, catalogue: dict[str, StoredQuery]) -> dict[str, Rows]:
    """Every stored query with its default parameters, by name."""
    return {name: run_stored(graph, query) for name, query in sorted(catalogue.items())}
