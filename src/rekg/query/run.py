"""Running stored and ad-hoc queries against a graph, with typed parameters."""

from rdflib import Graph

from rekg.core.engines import Engine
from rekg.graph.engine import Rows, select
from rekg.query.bind import bind, bindings_for
from rekg.query.catalogue import StoredQuery


def run_stored(
    graph: Graph,
    query: StoredQuery,
    given: dict[str, str] | None = None,
    resolver: Graph | None = None,
    engine: Engine = Engine.FAST,
) -> Rows:
    """Rows of a stored query; parameters resolved against `resolver` (default: `graph`)."""
    bindings = bindings_for(query, given or {}, resolver if resolver is not None else graph)
    return select(graph, bind(query.text, bindings), engine)


def run_catalogue(
    graph: Graph, catalogue: dict[str, StoredQuery], engine: Engine = Engine.FAST
) -> dict[str, Rows]:
    """Every stored query with its default parameters, by name."""
    return {
        name: run_stored(graph, query, engine=engine) for name, query in sorted(catalogue.items())
    }
