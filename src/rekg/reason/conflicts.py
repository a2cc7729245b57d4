"""The inconsistencies of a closure, as values: the rules owlrl reports (cax-dw, cax-adc,
prp-pdw, eq-diff1, cls-nothing2) checked on a closure's triples, whichever reasoner made
it, each a `Conflict` that names its terms. `Conflict.owlrl_message` is owlrl's wording,
with which the fast engine reports what owlrl would; explain.py traces each conflict back
to the statements behind it."""

from collections import defaultdict
from dataclasses import dataclass

from rdflib.namespace import OWL, RDF

DISJOINT_CLASSES = "cax-dw"  # terms: (class, class, individual); cax-adc gives the same
DISJOINT_PROPERTIES = "prp-pdw"  # terms: (property, property, subject, object)
SAME_AND_DIFFERENT = "eq-diff1"  # terms: (individual, individual)
NOTHING = "cls-nothing2"  # terms: (individual,)


@dataclass(frozen=True)
class Conflict:
    rule: str
    terms: tuple

    def owlrl_message(self) -> str:
        t = self.terms
        if self.rule == DISJOINT_CLASSES:
            return f"Disjoint classes {t[0]} and {t[1]} have a common individual {t[2]}"
        if self.rule == DISJOINT_PROPERTIES:
            return f"Erroneous usage of disjoint properties {t[0]} and {t[1]} on {t[2]} and {t[3]}"
        if self.rule == SAME_AND_DIFFERENT:
            return (
                "'sameAs' and 'differentFrom' cannot be used on the same subject-object "
                f"pair: ({t[0]}, {t[1]})"
            )
        return f"{t[0]} is defined of type 'Nothing'"


def _rdf_list(head, first, rest) -> list:
    items, seen = [], set()
    while head in first and head not in seen:
        seen.add(head)
        items.append(first[head])
        head = rest.get(head, RDF.nil)
    return items


def find_conflicts(closure) -> list[Conflict]:
    """The conflicts of `closure` (rdflib triples), each once, in owlrl's order."""
    types = defaultdict(set)
    by_pred = defaultdict(set)
    first, rest = {}, {}
    for s, p, o in closure:
        if p == RDF.type:
            types[o].add(s)
        elif p == RDF.first:
            first[s] = o
        elif p == RDF.rest:
            rest[s] = o
        by_pred[p].add((s, o))
    found: dict[str, Conflict] = {}

    def add(conflict: Conflict) -> None:
        found.setdefault(conflict.owlrl_message(), conflict)

    for c1, c2 in sorted(by_pred[OWL.disjointWith]):
        for x in sorted(types[c1] & types[c2]):
            add(Conflict(DISJOINT_CLASSES, (c1, c2, x)))
    for axiom in sorted(types[OWL.AllDisjointClasses]):
        for _, members in sorted(pair for pair in by_pred[OWL.members] if pair[0] == axiom):
            classes = _rdf_list(members, first, rest)
            for i, cl1 in enumerate(classes[:-1]):
                for z in sorted(types[cl1]):
                    for cl2 in classes[i + 1 :]:
                        if z in types[cl2]:
                            add(Conflict(DISJOINT_CLASSES, (cl1, cl2, z)))
    for p1, p2 in sorted(by_pred[OWL.propertyDisjointWith]):
        for x, y in sorted(by_pred[p1] & by_pred[p2]):
            add(Conflict(DISJOINT_PROPERTIES, (p1, p2, x, y)))
    different = by_pred[OWL.differentFrom]
    for s, o in sorted(by_pred[OWL.sameAs]):
        if s != o and ((s, o) in different or (o, s) in different):
            add(Conflict(SAME_AND_DIFFERENT, (s, o)))
    for x in sorted(types[OWL.Nothing]):
        add(Conflict(NOTHING, (x,)))
    return list(found.values())
