"""Facts the build derives across the claims of every source, beside the OWL 2 RL
entailments and kept with them in the closure (dist/rekg-inferred.ttl), alike on both
engines. Each answers in one step what a stored question would otherwise have to work out
from every claim, which at a million triples takes Oxigraph longer than the 100 ms a
stored question may take (docs/performance.md): the build works it out once.

- `rekg:relationSources`: on each claim of a relation (rdf:subject, rdf:predicate,
  rdf:object), how many source documents have a claim of that same relation, its own
  included. `corroboration` reads the claims with 2 or more; grouping every claim by its
  relation instead took 0.4 s.
- `rekg:deniesStatedFact true`: on a claim that denies its relation or calls it unlikely
  (not both), when the closure nevertheless holds the relation as a plain triple (a
  reviewed claim states it as fact, perhaps through a narrower property, or the data
  states it). `contradictions` starts from these; checking the triple of every denying
  claim took 70 to 95 ms."""

from collections import defaultdict

import pyoxigraph as ox
from rdflib import Graph, URIRef
from rdflib.namespace import PROV, RDF

from rekg.core.namespaces import REKG
from rekg.graph.quads import Quads
from rekg.graph.store import to_ox

_XSD = "http://www.w3.org/2001/XMLSchema#"
_RELATION_SOURCES = ox.NamedNode(str(REKG.relationSources))
_DENIES_STATED_FACT = ox.NamedNode(str(REKG.deniesStatedFact))
_TRUE = ox.Literal("true", datatype=ox.NamedNode(_XSD + "boolean"))
_UNLIKELY = ox.NamedNode(str(REKG.Unlikely))
_PARTS = tuple(ox.NamedNode(str(p)) for p in (RDF.subject, RDF.predicate, RDF.object))
_FROM = ox.NamedNode(str(PROV.wasDerivedFrom))
_NEGATED = ox.NamedNode(str(REKG.negated))
_MODALITY = ox.NamedNode(str(REKG.modality))


def derived(data: Quads | Graph, holds) -> list[ox.Quad]:
    """The derived triples of the asserted graph `data`; `holds(quad)` says whether the
    closure holds a triple. The exports sort them."""
    values = _values(data)
    subjects, predicates, objects = (values[part] for part in _PARTS)
    relation_of = {}
    for claim, subject in subjects.items():
        # a claim with more than one value of a part, or with a literal where no triple can
        # have one, is refused by SHACL (ClaimTripleComplete and the ranges) when the build
        # validates; `rekg reason` alone does not validate, so it is left out here
        predicate, object_ = predicates.get(claim, ()), objects.get(claim, ())
        if len(subject) == len(predicate) == len(object_) == 1 and (
            isinstance(subject[0], (ox.NamedNode, ox.BlankNode))
            and isinstance(predicate[0], ox.NamedNode)
        ):
            relation_of[claim] = (subject[0], predicate[0], object_[0])
    stated_in = defaultdict(set)
    for claim, relation in relation_of.items():
        stated_in[relation].update(values[_FROM].get(claim, ()))
    out = [
        ox.Quad(claim, _RELATION_SOURCES, _integer(len(stated_in[relation])))
        for claim, relation in relation_of.items()
        if stated_in[relation]
    ]
    for claim, relation in relation_of.items():
        denied = any(_is_true(v) for v in values[_NEGATED].get(claim, ()))
        unlikely = _UNLIKELY in values[_MODALITY].get(claim, ())
        if denied != unlikely and holds(ox.Quad(*relation)):
            out.append(ox.Quad(claim, _DENIES_STATED_FACT, _TRUE))
    return out


def _integer(n: int) -> ox.Literal:
    return ox.Literal(str(n), datatype=ox.NamedNode(_XSD + "integer"))


def _is_true(value) -> bool:
    return isinstance(value, ox.Literal) and value.value in ("true", "1")


def _values(data: Quads | Graph) -> dict:
    """predicate -> (subject -> its objects), for the predicates read, as pyoxigraph terms
    whichever engine loaded the graph. On the fast path these are the tables the shapes
    already made on the same Quads (check/fast.py), not new ones."""
    predicates = (*_PARTS, _FROM, _NEGATED, _MODALITY)
    if isinstance(data, Quads):
        return {predicate: data.out(predicate) for predicate in predicates}
    out = {}
    for predicate in predicates:
        table = out[predicate] = defaultdict(list)
        for s, o in data.subject_objects(URIRef(predicate.value)):
            table[to_ox(s)].append(to_ox(o))
    return out
