"""Facts the build derives across the claims of every source, beside the OWL 2 RL
entailments and kept with them in the closure (dist/rekg-inferred.ttl), alike on both
engines.

`rekg:relationSources`: on each claim of a relation (rdf:subject, rdf:predicate,
rdf:object), how many source documents have a claim of that same relation, its own
included. Found by a query, it is a grouping of four properties over every claim: at a
million triples that alone took Oxigraph 180 to 230 ms, more than twice the time a stored
question may take (docs/performance.md). Counted here once, by the build, it lets
`corroboration` read the few claims it needs and nothing else."""

from collections import defaultdict

import pyoxigraph as ox
from rdflib import Graph, URIRef
from rdflib.namespace import PROV, RDF

from rekg.core.namespaces import REKG
from rekg.graph.quads import Quads
from rekg.graph.store import to_ox

_XSD_INTEGER = ox.NamedNode("http://www.w3.org/2001/XMLSchema#integer")
_RELATION_SOURCES = ox.NamedNode(str(REKG.relationSources))
_PARTS = tuple(ox.NamedNode(str(p)) for p in (RDF.subject, RDF.predicate, RDF.object))
_FROM = ox.NamedNode(str(PROV.wasDerivedFrom))


def derived(data: Quads | Graph) -> list[ox.Quad]:
    """The derived triples of the asserted graph `data` (the exports sort them)."""
    values = _values(data)
    subjects, predicates, objects = (values[part] for part in _PARTS)
    sources = values[_FROM]
    relation_of = {}
    for claim, subject in subjects.items():
        # a claim with more than one value of a part is refused by SHACL
        # (ClaimTripleComplete) before the build reasons; it is left uncounted here
        if len(subject) == 1 and len(predicates.get(claim, ())) == 1 == len(objects.get(claim, ())):
            relation_of[claim] = (subject[0], predicates[claim][0], objects[claim][0])
    stated_in = defaultdict(set)
    for claim, relation in relation_of.items():
        stated_in[relation].update(sources.get(claim, ()))
    return [
        ox.Quad(claim, _RELATION_SOURCES, ox.Literal(str(len(stated_in[relation])), datatype=_XSD_INTEGER))
        for claim, relation in relation_of.items()
        if stated_in[relation]
    ]


def _values(data: Quads | Graph) -> dict:
    """predicate -> (subject -> its objects), for the four predicates read, as pyoxigraph
    terms whichever engine loaded the graph."""
    out = {}
    for predicate in (*_PARTS, _FROM):
        table = defaultdict(list)
        if isinstance(data, Quads):
            for quad in data.for_predicate(predicate):
                table[quad.subject].append(quad.object)
        else:
            for s, o in data.subject_objects(URIRef(predicate.value)):
                table[to_ox(s)].append(to_ox(o))
        out[predicate] = table
    return out
