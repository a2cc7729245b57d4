"""OWL 2 RL on the fast path: the `reasonable` reasoner (Rust) over the same reasoning
input as owlrl, with the gaps that separate it from owlrl closed here so that the kept
entailments and the inconsistency messages are the same (tests/test_parity.py):

- reasonable types plain strings as xsd:string; rdflib treats those as different terms, so
  they are made plain again before anything is compared;
- it keeps numbers by value ("05"^^xsd:integer comes back as "5"), so an entailment is
  kept only with a literal the input holds (no OWL 2 RL rule makes a new literal);
- it leaves out schema rules owlrl applies (scm-dom1, scm-dom2, scm-rng1, scm-rng2 and the
  sub-property chains they need; scm-cls's owl:Nothing under every class), computed here
  on the small schema;
- it reports no inconsistencies, so the rules owlrl reports (cax-dw, cax-adc, prp-pdw,
  eq-diff1, cls-nothing2) are checked on the closure (conflicts.py), with owlrl's wording."""

import tempfile
from collections import defaultdict
from pathlib import Path

import pyoxigraph as ox
import reasonable
from rdflib import Literal, URIRef
from rdflib.namespace import OWL, RDF, RDFS, XSD

from rekg.core.namespaces import ID, OA
from rekg.graph.quads import Quads
from rekg.graph.store import from_ox, to_ox
from rekg.reason.conflicts import NOTHING, find_conflicts
from rekg.reason.model import Reasoned, error_findings, keep, nothing_finding

_SKIPPED = {str(p) for p in (OA.exact, OA.prefix, OA.suffix, OA.start, OA.end)}
_ID = str(ID)
_PROJECT = "https://w3id.org/rekg/"


def reasoning_input(asserted: Quads) -> list:
    """reason.reasoning_input, on the fast store's quads."""
    out = []
    for q in asserted:
        s = q.subject
        if isinstance(s, ox.NamedNode) and "#" in s.value and s.value.startswith(_ID):
            continue
        if q.predicate.value in _SKIPPED:
            continue
        out.append(q.triple)
    return out


def _norm(term):
    if isinstance(term, Literal) and term.datatype == XSD.string and not term.language:
        return Literal(str(term))
    return term


def _schema_rules(triples: set) -> set:
    """scm-spo (with scm-eqp1/2), scm-dom1/2 and scm-rng1/2 to a fixpoint."""
    spo, sco = defaultdict(set), defaultdict(set)
    dom, rng = defaultdict(set), defaultdict(set)
    for s, p, o in triples:
        if p == RDFS.subPropertyOf:
            spo[s].add(o)
        elif p == OWL.equivalentProperty:
            spo[s].add(o)
            spo[o].add(s)
        elif p == RDFS.subClassOf:
            sco[s].add(o)
        elif p == OWL.equivalentClass:
            sco[s].add(o)
            sco[o].add(s)
        elif p == RDFS.domain:
            dom[s].add(o)
        elif p == RDFS.range:
            rng[s].add(o)
    changed = True
    while changed:
        changed = False
        for table in (spo, sco):
            for a in list(table):
                for b in list(table[a]):
                    new = table.get(b, set()) - table[a]
                    if new:
                        table[a] |= new
                        changed = True
        for table in (dom, rng):
            for p in list(table):
                for c in list(table[p]):
                    new = sco.get(c, set()) - table[p]
                    if new:
                        table[p] |= new
                        changed = True
            for p1 in list(spo):
                for p2 in list(spo[p1]):
                    new = table.get(p2, set()) - table.get(p1, set())
                    if new:
                        table[p1] |= new
                        changed = True
    out = set()
    for table, prop in ((spo, RDFS.subPropertyOf), (dom, RDFS.domain), (rng, RDFS.range)):
        for s, objects in table.items():
            out.update((s, prop, o) for o in objects)
    return out


def _nothing_is_everything(closure: set) -> set:
    """owlrl's scm-cls makes owl:Nothing a sub-class of every class, so a member of
    owl:Nothing is a member of every class (and meets every disjointness axiom)."""
    members = [s for s, p, o in closure if p == RDF.type and o == OWL.Nothing]
    if not members:
        return set()
    classes = [s for s, p, o in closure if p == RDF.type and o == OWL.Class]
    return {(m, RDF.type, c) for m in members for c in classes}


def reason_fast(asserted: Quads, places: dict) -> Reasoned:
    work = reasoning_input(asserted)
    core, satellites = split_satellites(work)
    closure = _reasonable(core)
    closure |= _schema_rules(closure)
    derived = satellite_closure(satellites, closure)
    if derived is None:  # a case the satellite rules leave to the full reasoner
        closure = _reasonable(work)
        closure |= _schema_rules(closure)
        derived, literal_source = [], work
    else:
        literal_source = core
    closure |= _relevant(derived, closure)
    closure |= _nothing_is_everything(closure)
    conflicts = find_conflicts(closure)
    nothing = [c.terms[0] for c in conflicts if c.rule == NOTHING]
    messages = [c.owlrl_message() for c in conflicts]
    findings = error_findings(messages) + [nothing_finding(m, places) for m in nothing]
    literals = {from_ox(t.object) for t in literal_source if isinstance(t.object, ox.Literal)}
    # in the order found, each satellite's together: sorting them for the export, and
    # adding them to the store, then reads memory in order rather than by hash
    entailed = {}
    for s, p, o in closure:
        if isinstance(o, Literal) and o not in literals:
            continue
        if not keep((s, p, o)):
            continue
        quad = ox.Quad(to_ox(s), to_ox(p), to_ox(o))
        if quad not in asserted:
            entailed[quad] = None
    for s, p, o in derived:
        if keep_ox(s, p, o):
            quad = ox.Quad(s, p, o)
            if quad not in asserted:
                entailed[quad] = None
    return Reasoned(
        findings=findings, asserted=asserted, entailed=list(entailed), conflicts=conflicts
    )


def _relevant(derived, closure) -> set:
    """The satellites' triples the consistency rules can use, as rdflib terms."""
    classes, props = {str(OWL.Nothing), str(OWL.Class)}, {str(OWL.sameAs)}
    for s, p, o in closure:
        if p in (OWL.disjointWith, OWL.propertyDisjointWith):
            (classes if p == OWL.disjointWith else props).update((str(s), str(o)))
        elif p == RDF.first:
            classes.add(str(o))
    out = set()
    for s, p, o in derived:
        if (p.value == _TYPE and o.value in classes) or p.value in props:
            out.add((from_ox(s), from_ox(p), from_ox(o)))
    return out


_TYPE = str(RDF.type)
_VOCABS = tuple(str(v) for v in (RDF, RDFS, OWL)) + ("http://www.w3.org/2001/XMLSchema#",)
_TRIVIAL_S = {str(p) for p in (RDFS.subClassOf, OWL.equivalentClass, RDFS.subPropertyOf,
                               OWL.equivalentProperty)}  # fmt: skip
_ALLOWED = _TRIVIAL_S | {str(p) for p in (RDF.type, OWL.inverseOf, OWL.differentFrom,
                                          RDFS.domain, RDFS.range)}  # fmt: skip
_NOT_OBJECTS = {str(OWL.Thing), str(RDFS.Resource)}


def keep_ox(s, p, o) -> bool:
    """reason.keep, on pyoxigraph terms."""
    if not isinstance(s, ox.NamedNode) or isinstance(o, ox.BlankNode):
        return False
    if not s.value.startswith(_PROJECT):
        return False
    pv = p.value
    if isinstance(o, ox.Literal):
        return pv != _TYPE and (not pv.startswith(_VOCABS) or pv in _ALLOWED)
    ov = o.value
    if pv == str(OWL.sameAs) and s == o:
        return False
    if ov in _NOT_OBJECTS or (pv in _TRIVIAL_S and s == o):
        return False
    if pv == _TYPE and ov.startswith(_VOCABS):
        return False
    return not (pv.startswith(_VOCABS) and pv not in _ALLOWED)


def _reasonable(triples: list) -> set:
    with tempfile.TemporaryDirectory(prefix="rekg-reason-") as tmp:
        # reasonable reads Turtle files in Rust, far faster than taking Python tuples
        path = Path(tmp) / "input.ttl"
        ox.serialize(triples, str(path), format=ox.RdfFormat.N_TRIPLES)
        reasoner = reasonable.PyReasoner()
        reasoner.load_file(str(path))
        out = reasoner.reason()
    return {tuple(_norm(term) for term in triple) for triple in out}


_VOCAB = (str(RDF), str(RDFS), str(OWL))
# predicates that make their subject part of the schema (or of an axiom's list)
_SCHEMA = {
    str(p)
    for p in (
        RDFS.subClassOf, RDFS.subPropertyOf, RDFS.domain, RDFS.range, RDF.first, RDF.rest,
    )
}  # fmt: skip


def split_satellites(work: list) -> tuple[list, dict]:
    """Claims and observations are satellites: IRIs that are only ever subjects, with no
    schema vocabulary about them. reasonable's time and memory grow much faster than
    linearly with the graph, so it reasons over the rest (the
    core), and the satellites get the rules that can reach them (`satellite_closure`)."""
    objects = {t.object for t in work}
    by_subject = defaultdict(list)
    core_subjects = set()
    for t in work:
        s = t.subject
        if (
            not isinstance(s, ox.NamedNode)
            or s in objects
            or t.predicate.value.startswith(str(OWL))
            or t.predicate.value in _SCHEMA
            or (t.predicate.value == str(RDF.type) and t.object.value.startswith(_VOCAB))
        ):
            core_subjects.add(s)
        by_subject[s].append(t)
    core, satellites = [], {}
    for s, triples in by_subject.items():
        if s in core_subjects:
            core.extend(triples)
        else:
            satellites[s] = triples
    return core, satellites


def satellite_closure(satellites: dict, closure: set) -> list | None:
    """OWL 2 RL's rules applied to each satellite with the core's closed schema: super-
    properties (prp-spo1, prp-eqp), domains and ranges (prp-dom, prp-rng), super-classes
    (cax-sco, cax-eqc), inverses and symmetry (prp-inv, prp-symp), hasValue (cls-hv1,
    cls-hv2). Returns the new triples (pyoxigraph terms); None when a rule this does not
    cover could fire: two values of a functional property, a transitive property reaching
    a satellite, or sameAs in the schema."""
    sup_c, sup_p = defaultdict(set), defaultdict(set)
    dom, rng, inv = defaultdict(set), defaultdict(set), defaultdict(set)
    symmetric, transitive, functional = set(), set(), set()
    on_prop, has_value = {}, {}
    for s, p, o in closure:
        if p == RDFS.subClassOf:
            sup_c[s].add(o)
        elif p == RDFS.subPropertyOf:
            sup_p[s].add(o)
        elif p == RDFS.domain:
            dom[s].add(o)
        elif p == RDFS.range:
            rng[s].add(o)
        elif p == OWL.inverseOf:
            inv[s].add(o)
            inv[o].add(s)
        elif p == OWL.onProperty:
            on_prop[s] = o
        elif p == OWL.hasValue:
            has_value[s] = o
        elif p == OWL.sameAs and s != o:
            return None
        elif p == RDF.type and o == OWL.SymmetricProperty:
            symmetric.add(s)
        elif p == RDF.type and o == OWL.TransitiveProperty:
            transitive.add(s)
        elif p == RDF.type and o in (OWL.FunctionalProperty, OWL.InverseFunctionalProperty):
            functional.add(s)
    X = to_ox  # noqa: N806
    up_c = {X(c): {X(c)} | {X(d) for d in sup_c.get(c, ())} for c in sup_c}
    classes_by_hv = defaultdict(set)
    values_by_class = defaultdict(set)
    for r, prop in on_prop.items():
        if r in has_value:
            classes_by_hv[(X(prop), X(has_value[r]))].add(X(r))
            values_by_class[X(r)].add((X(prop), X(has_value[r])))

    def classes_up(c):
        return up_c.get(c) or {c}

    rdf_type = X(RDF.type)
    memo = {}

    def rule(p):
        """What one triple with predicate p gives, besides hasValue."""
        if p not in memo:
            rp = from_ox(p)
            memo[p] = (
                [X(q) for q in sup_p.get(rp, ())],
                {c for d in dom.get(rp, ()) for c in classes_up(X(d))},
                {c for d in rng.get(rp, ()) for c in classes_up(X(d))},
                [X(q) for q in inv.get(rp, ())],
                rp in symmetric,
                rp in transitive,
                rp in functional,
            )
        return memo[p]

    out = []
    for x, triples in satellites.items():
        start = {(t.subject, t.predicate, t.object) for t in triples}
        facts = set(start)
        todo = list(start)
        seen_functional = {}
        while todo:
            s, p, o = todo.pop()
            new = []
            if p == rdf_type:
                if s == x:
                    new += [(s, rdf_type, c) for c in classes_up(o)]
                    new += [(s, q, v) for q, v in values_by_class.get(o, ())]
            else:
                supers, domains, ranges, inverses, sym, trans, func = rule(p)
                if trans:
                    return None
                if func and s == x and seen_functional.setdefault(p, o) != o:
                    return None
                new += [(s, q, o) for q in supers]
                new += [(s, rdf_type, c) for c in domains]
                if not isinstance(o, ox.Literal):
                    new += [(o, rdf_type, c) for c in ranges]
                    new += [(o, q, s) for q in inverses]
                    if sym:
                        new.append((o, p, s))
                new += [(s, rdf_type, r) for r in classes_by_hv.get((p, o), ())]
            for t in new:
                if t not in facts:
                    facts.add(t)
                    todo.append(t)
        out.extend(facts - start)
    return out


__all__ = ["reason_fast", "reasoning_input", "URIRef"]
