"""The one seam between rekg and a SPARQL engine. Everything that runs a query goes
through `select`, so the store can change (rdflib now; pyoxigraph or a remote endpoint
later) without touching the callers."""

from dataclasses import dataclass

from rdflib import Graph, Literal


@dataclass
class Rows:
    variables: list[str]
    rows: list[dict]  # variable name -> rdflib term (absent when unbound)

    def __len__(self):
        return len(self.rows)

    def as_tuples(self) -> list[tuple]:
        return [tuple(row.get(v) for v in self.variables) for row in self.rows]


def select(graph: Graph, text: str) -> Rows:
    result = graph.query(text)
    if result.type == "ASK":
        return Rows(["ask"], [{"ask": Literal(bool(result.askAnswer))}])
    variables = [str(v) for v in result.vars]
    rows = []
    for binding in result.bindings:
        rows.append({str(k): v for k, v in binding.items() if v is not None})
    return Rows(variables, rows)
