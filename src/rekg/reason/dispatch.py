"""One function for both reasoners: the engine decides, and each takes the form of the
graph it reads (the fast loader's Quads, or an rdflib Graph)."""

from rdflib import Graph

from rekg.core.engines import Engine
from rekg.graph.quads import Quads
from rekg.graph.store import graph_of, ox_triples
from rekg.reason.derive import derived
from rekg.reason.fast import reason_fast
from rekg.reason.model import Reasoned
from rekg.reason.reference import reason_owlrl


def reason(
    data: Quads | Graph, places: dict | None = None, engine: Engine = Engine.FAST
) -> Reasoned:
    """The OWL 2 RL closure of `data` on `engine`, with the facts derived across the claims
    (derive.py); `places` (node -> "file:line") lets an inconsistency name where its
    resource is written."""
    places = places if places is not None else {}
    if Engine.named(engine) is Engine.FAST:
        data = data if isinstance(data, Quads) else Quads(ox_triples(data))
        reasoned = reason_fast(data, places)
    else:
        data = data if isinstance(data, Graph) else graph_of(data, Graph())
        reasoned = reason_owlrl(data, places)
    reasoned.add_derived(derived(data, reasoned.membership()))
    return reasoned
