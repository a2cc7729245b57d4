"""The SHACL shapes, evaluated set-wise on the fast loader's quads instead of node by
node in pyshacl: each property shape reads its path's triples once (one index look-up per
predicate), every focus node's values come from that table, and the SPARQL-based
constraints run once on the pyoxigraph store for all focus nodes together.

It covers the SHACL Core components ontology/shapes.ttl uses (targetClass, property paths
and inverse paths, minCount, maxCount, class, datatype, in, hasValue, nodeKind, pattern,
minLength, minInclusive, languageIn, uniqueLang, lessThan, or, qualifiedValueShape with
qualifiedMinCount/qualifiedMaxCount) and SPARQL-based constraints, and reports exactly
what pyshacl reports: which results, their values and their messages
(tests/test_parity.py runs both on every shape's violating fixture). A shapes file that
uses a component not listed here is refused rather than half-checked."""

import re
from collections import defaultdict
from datetime import date, datetime, time
from decimal import Decimal

import pyoxigraph as ox
from rdflib import BNode, Graph, Literal
from rdflib.collection import Collection
from rdflib.namespace import RDF, RDFS, SH, XSD

from rekg.check.shapes import path_text, shape_name
from rekg.core.errors import UsageError
from rekg.core.report import Finding, short
from rekg.graph.quads import Quads
from rekg.graph.store import from_ox, to_ox
from rekg.ingest.load import Loaded

_SUPPORTED = {
    SH.targetClass, SH.property, SH.path, SH.minCount, SH.maxCount, SH["class"],
    SH.datatype, SH["in"], SH.hasValue, SH.nodeKind, SH.pattern, SH.minLength,
    SH.minInclusive, SH.languageIn, SH.uniqueLang, SH.lessThan, SH["or"],
    SH.qualifiedValueShape, SH.qualifiedMinCount, SH.qualifiedMaxCount, SH.sparql,
    SH.message, RDF.type, RDFS.comment, RDFS.label, SH.declare, SH.name, SH.description,
}  # fmt: skip
_PY_TYPES = {
    XSD.string: (str, bytes),
    RDF.langString: (str, bytes),
    XSD.integer: int,
    XSD.float: float,
    XSD.decimal: Decimal,
    XSD.boolean: bool,
    XSD.date: date,
    XSD.time: time,
    XSD.dateTime: datetime,
}


class _Data:
    """The data's per-predicate tables (quads.py), by rdflib predicate, and its classes."""

    def __init__(self, quads: Quads):
        self.quads = quads
        self._nodes = {}
        self._sub_memo = {}

    def _node(self, p) -> ox.NamedNode:
        node = self._nodes.get(p)
        if node is None:
            node = self._nodes[p] = ox.NamedNode(str(p))
        return node

    def out(self, p) -> dict:
        return self.quads.out(self._node(p))

    def inv(self, p) -> dict:
        return self.quads.inv(self._node(p))

    def subclasses(self, c) -> set:
        """c and every class under it by rdfs:subClassOf, in the data graph."""
        if c in self._sub_memo:
            return self._sub_memo[c]
        seen, todo = {c}, [c]
        below = self.inv(RDFS.subClassOf)
        while todo:
            for s in below.get(todo.pop(), ()):
                if s not in seen:
                    seen.add(s)
                    todo.append(s)
        self._sub_memo[c] = seen
        return seen

    def instances(self, c) -> set:
        members, typed = set(), self.inv(RDF.type)
        for k in self.subclasses(c):
            members.update(typed.get(k, ()))
        return members

    def is_instance(self, node, c) -> bool:
        types = self.out(RDF.type).get(node, ())
        return bool(types) and not self.subclasses(c).isdisjoint(types)


def _ox(term):
    return to_ox(term)


def _compare(a, b):
    """a.value, b.value ordered as pyshacl orders them, or None when not comparable."""
    if not (isinstance(a, Literal) and isinstance(b, Literal)):
        return None
    try:
        if a.value is None or b.value is None:
            return None
        return (a.value > b.value) - (a.value < b.value)
    except TypeError:
        return None


class _Fail(Exception):
    """Raised inside `conforms`: the first violation settles it."""


class _Checker:
    def __init__(self, loaded: Loaded, shapes: Graph):
        self.loaded, self.shapes = loaded, shapes
        self.data = _Data(loaded.quads)
        self._memo = {}
        self.emit = self.report
        self.findings: list[Finding] = []
        for s, p, _o in shapes:
            if str(p).startswith(str(SH)) and p not in _SUPPORTED and p not in (
                SH.prefix, SH.namespace, SH.select, SH.prefixes, SH.inversePath,
            ):  # fmt: skip
                raise UsageError(
                    f"the fast SHACL engine does not implement {short(p)} (used by {short(s)})",
                    remedy="run with --engine reference, or extend src/rekg/fast_shacl.py",
                )

    def objs(self, node, pred) -> list:
        key = (node, pred)
        if key not in self._memo:
            self._memo[key] = list(self.shapes.objects(node, pred))
        return self._memo[key]

    def one(self, node, pred):
        found = self.objs(node, pred)
        return found[0] if found else None

    def members(self, head) -> list:
        key = ("list", head)
        if key not in self._memo:
            self._memo[key] = list(Collection(self.shapes, head))
        return self._memo[key]

    def ox_set(self, head) -> frozenset:
        key = ("oxset", head)
        if key not in self._memo:
            self._memo[key] = frozenset(_ox(m) for m in self.members(head))
        return self._memo[key]

    # ------------------------------------------------------------------ values

    def values(self, focus, path) -> list:
        if isinstance(path, BNode):
            inverse = self.one(path, SH.inversePath)
            return list(self.data.inv(inverse).get(focus, ()))
        return list(self.data.out(path).get(focus, ()))

    # ------------------------------------------------------------------ reporting

    def report(self, shape, focus, path, value, message=None):
        g = self.shapes
        text = message if message is not None else g.value(shape, SH.message)
        if text is None:
            owner = next(g.subjects(SH.property, shape), None)
            text = g.value(owner, SH.message) if owner is not None else None
        text = str(text) if text is not None else "violates the shape"
        focus_r = from_ox(focus)
        value_r = from_ox(value) if value is not None else None
        if value_r is not None and "{?value}" not in text and str(value_r) not in text:
            text += f" (value: {short(value_r)})"
        self.findings.append(
            Finding(
                place=self.loaded.place(focus_r),
                focus=short(focus_r),
                path=path_text(g, path) if path is not None else "",
                message=text,
                check=shape_name(g, shape),
                severity="Violation",
            )
        )

    # ------------------------------------------------------------------ value tests

    def value_ok(self, constraint, rule, v) -> bool:
        """Does value node v satisfy one value-type constraint?"""
        if constraint == SH["class"]:
            return self.data.is_instance(v, _ox(rule))
        if constraint == SH.datatype:
            quick = _quick_datatype(v, rule)
            if quick is not None:
                return quick
            return self.datatype_ok(from_ox(v), rule)
        if constraint == SH.nodeKind:
            kind = {
                SH.IRI: (ox.NamedNode,),
                SH.BlankNode: (ox.BlankNode,),
                SH.Literal: (ox.Literal,),
                SH.BlankNodeOrIRI: (ox.NamedNode, ox.BlankNode),
                SH.BlankNodeOrLiteral: (ox.BlankNode, ox.Literal),
                SH.IRIOrLiteral: (ox.NamedNode, ox.Literal),
            }[rule]
            return isinstance(v, kind)
        if constraint == SH.datatype:
            return self.datatype_ok(from_ox(v), rule)
        if constraint == SH["in"]:
            return v in self.ox_set(rule)
        if constraint == SH.pattern:
            return not isinstance(v, ox.BlankNode) and re.search(str(rule), v.value) is not None
        if constraint == SH.minLength:
            return not isinstance(v, ox.BlankNode) and len(v.value) >= int(rule)
        if constraint == SH.minInclusive:
            order = _compare(from_ox(v), rule)
            return order is not None and order >= 0
        if constraint == SH.languageIn:
            if not isinstance(v, ox.Literal) or not v.language:
                return False
            tag = v.language.lower()
            return any(
                tag == str(r).lower() or tag.startswith(str(r).lower() + "-")
                for r in self.members(rule)
            )
        raise AssertionError(constraint)

    @staticmethod
    def datatype_ok(v, rule) -> bool:
        if not isinstance(v, Literal):
            return False
        if v.datatype == rule:
            if getattr(v, "ill_typed", None) is True:
                return False
            wanted = _PY_TYPES.get(rule)
            return wanted is None or isinstance(v.value, wanted)
        if rule == RDFS.Literal:
            return True
        if v.datatype is None and v.language is None and rule == XSD.string:
            return isinstance(v.value, (str, bytes))
        return bool(rule == RDF.langString and v.language)

    def conforms(self, node, shape) -> bool:
        """Does node conform to an (anonymous) shape used inside sh:or or a qualified
        value shape?"""
        saved = self.emit
        self.emit = _fail
        try:
            self.node_constraints(shape, [node])
            for prop in self.objs(shape, SH.property):
                self.property_shape(prop, [node])
            return True
        except _Fail:
            return False
        finally:
            self.emit = saved

    # ------------------------------------------------------------------ shapes

    _VALUE_TYPE = (
        SH["class"], SH.nodeKind, SH.datatype, SH["in"], SH.pattern, SH.minLength,
        SH.minInclusive, SH.languageIn,
    )  # fmt: skip

    def node_constraints(self, shape, foci):
        for constraint in self._VALUE_TYPE:
            for rule in self.objs(shape, constraint):
                for f in foci:
                    if not self.value_ok(constraint, rule, f):
                        self.emit(shape, f, None, f)
        for rule in self.objs(shape, SH.hasValue):
            for f in foci:
                if f != _ox(rule):
                    self.emit(shape, f, None, f)
        for rule in self.objs(shape, SH["or"]):
            members = self.members(rule)
            for f in foci:
                if not any(self.conforms(f, m) for m in members):
                    self.emit(shape, f, None, f)

    def property_shape(self, prop, foci):
        path = self.one(prop, SH.path)
        min_count = self.one(prop, SH.minCount)
        max_count = self.one(prop, SH.maxCount)
        value_rules = [(c, r) for c in self._VALUE_TYPE for r in self.objs(prop, c)]
        has_values = [_ox(r) for r in self.objs(prop, SH.hasValue)]
        ors = [self.members(r) for r in self.objs(prop, SH["or"])]
        unique_lang = any(bool(r.toPython()) for r in self.objs(prop, SH.uniqueLang))
        less_than = self.objs(prop, SH.lessThan)
        qualified = [
            (q, self.one(prop, SH.qualifiedMinCount), self.one(prop, SH.qualifiedMaxCount))
            for q in self.objs(prop, SH.qualifiedValueShape)
        ]
        emit = self.emit
        for f in foci:
            values = self.values(f, path)
            if min_count is not None and len(values) < int(min_count):
                emit(prop, f, path, None)
            if max_count is not None and len(values) > int(max_count):
                emit(prop, f, path, None)
            for constraint, rule in value_rules:
                for v in values:
                    if not self.value_ok(constraint, rule, v):
                        emit(prop, f, path, v)
            for wanted in has_values:
                if wanted not in values:
                    emit(prop, f, path, None)
            for members in ors:
                for v in values:
                    if not any(self.conforms(v, m) for m in members):
                        emit(prop, f, path, v)
            if unique_lang:
                tags = defaultdict(int)
                for v in values:
                    if isinstance(v, ox.Literal) and v.language:
                        tags[v.language.lower()] += 1
                for _tag in sorted(t for t, n in tags.items() if n > 1):
                    emit(prop, f, path, None)
            for other in less_than:
                bounds = self.data.out(other).get(f, ())
                for v in values:
                    for w in bounds:
                        order = _compare(from_ox(v), from_ox(w))
                        if order is None or order >= 0:
                            emit(prop, f, path, v)
            for shape, qmin, qmax in qualified:
                count = sum(1 for v in values if self.conforms(v, shape))
                if qmin is not None and count < int(qmin):
                    emit(prop, f, path, None)
                if qmax is not None and count > int(qmax):
                    emit(prop, f, path, None)

    def sparql_constraint(self, shape, constraint, foci: set):
        g = self.shapes
        prefixes = []
        for holder in g.objects(constraint, SH.prefixes):
            for decl in g.objects(holder, SH.declare):
                prefixes.append(
                    f"PREFIX {g.value(decl, SH.prefix)}: <{g.value(decl, SH.namespace)}>"
                )
        text = "\n".join(sorted(prefixes)) + "\n" + str(g.value(constraint, SH.select))
        text = text.replace("$this", "?this")
        message = g.value(constraint, SH.message)
        # the store the SPARQL checks use too: a second copy of a large graph costs seconds
        result = self.loaded.store.query(text)
        names = [v.value for v in result.variables]
        for solution in result:
            row = dict(zip(names, solution, strict=True))
            focus = row.get("this")
            if focus not in foci:
                continue
            value = row.get("value") or focus
            text = str(message) if message is not None else "violates the shape"
            for name, bound in row.items():
                if bound is not None:
                    text = text.replace("{?" + name + "}", str(from_ox(bound)))
                    text = text.replace("{$" + name + "}", str(from_ox(bound)))
            self.report(constraint, focus, None, value, message=text)

    def run(self) -> list[Finding]:
        g = self.shapes
        self.loaded.make_store_soon()  # for the SPARQL constraints, which come last
        targets = []
        for shape in sorted(set(g.subjects(SH.targetClass, None)), key=str):
            foci = set()
            for c in g.objects(shape, SH.targetClass):
                foci |= self.data.instances(_ox(c))
            targets.append((shape, foci))
            ordered = sorted(foci, key=str)
            self.node_constraints(shape, ordered)
            for prop in g.objects(shape, SH.property):
                self.property_shape(prop, ordered)
        for shape, foci in targets:
            for constraint in g.objects(shape, SH.sparql):
                self.sparql_constraint(shape, constraint, foci)
        return self.findings


def _fail(*_args, **_kwargs):
    raise _Fail


_INTEGER = re.compile(r"[+-]?[0-9]+")
_NON_NEGATIVE = re.compile(r"\+?[0-9]+|-0+")
_DECIMAL = re.compile(r"[+-]?([0-9]+(\.[0-9]*)?|\.[0-9]+)")
_QUICK = {
    str(XSD.integer): _INTEGER,
    str(XSD.decimal): _DECIMAL,
    str(XSD.nonNegativeInteger): _NON_NEGATIVE,
    str(XSD.boolean): re.compile(r"true|false|1|0"),
}


def _quick_datatype(v, rule):
    """sh:datatype without making an rdflib Literal, for the common cases; None when
    only rdflib's own check (ill-typed lexical forms, value types) can tell."""
    if not isinstance(v, ox.Literal):
        return False
    if v.language:
        return None
    datatype = v.datatype.value
    if datatype != str(rule):
        return None if rule in (RDFS.Literal, RDF.langString) else False
    if datatype == str(XSD.string):
        return True
    pattern = _QUICK.get(datatype)
    if pattern is None or not pattern.fullmatch(v.value):
        return None
    return True


def shacl_findings(loaded: Loaded, shapes: Graph) -> list[Finding]:
    return _Checker(loaded, shapes).run()
