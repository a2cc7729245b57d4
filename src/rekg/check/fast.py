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
# rdflib's namespace looks each name up anew: the terms the checks compare with, once
_CLASS, _DATATYPE, _NODE_KIND, _IN = SH["class"], SH.datatype, SH.nodeKind, SH["in"]
_PATTERN, _MIN_LENGTH, _MIN_INCLUSIVE = SH.pattern, SH.minLength, SH.minInclusive
_LANGUAGE_IN = SH.languageIn
_XSD_STRING = str(XSD.string)
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


def _ox(term):
    return to_ox(term)


def _int(term) -> int | None:
    return int(term) if term is not None else None


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


def _order(v, w, w_value=None):
    """_compare of two pyoxigraph terms, without making rdflib Literals when both are
    integers or decimals written plainly (every offset and order number of every claim);
    w_value: w's value, when the caller has it already."""
    a = _number(v)
    b = _number(w) if w_value is None else w_value
    if a is not None and b is not None:
        return (a > b) - (a < b)
    return _compare(from_ox(v), w if isinstance(w, Literal) else from_ox(w))


def _number(v):
    """The value rdflib gives an xsd:integer, xsd:nonNegativeInteger or xsd:decimal
    literal whose lexical form is plainly valid; None otherwise (rdflib tells)."""
    if not isinstance(v, ox.Literal):
        return None
    kind = _NUMBERS.get(v.datatype.value)
    if kind is None or not kind[0].fullmatch(v.value):
        return None
    return kind[1](v.value)


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
                    remedy="run with --engine reference, or extend src/rekg/check/fast.py",
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

    def path_table(self, path) -> dict:
        """focus -> its values by `path`: a predicate, or the inverse of one."""
        if isinstance(path, BNode):
            return self.data.inv(self.one(path, SH.inversePath))
        return self.data.out(path)

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

    def value_test(self, constraint, rule):
        """Whether a value node satisfies one value-type constraint, as a function made
        once per constraint and rule: the shapes run it for every value of every focus."""
        key = ("test", constraint, rule)
        test = self._memo.get(key)
        if test is None:
            test = self._memo[key] = self._make_test(constraint, rule)
        return test

    def _make_test(self, constraint, rule):
        if constraint == _CLASS:
            below, types = self.data.subclasses(_ox(rule)), self.data.out(RDF.type)
            return lambda v: not below.isdisjoint(types.get(v, ()))
        if constraint == _DATATYPE:
            name, loose = str(rule), rule in (RDFS.Literal, RDF.langString)
            pattern, datatype_ok = _QUICK.get(name), self.datatype_ok

            def datatype(v) -> bool:
                quick = _quick_datatype(v, name, loose, pattern)
                return quick if quick is not None else datatype_ok(from_ox(v), rule)

            return datatype
        if constraint == _NODE_KIND:
            kind = {
                SH.IRI: (ox.NamedNode,),
                SH.BlankNode: (ox.BlankNode,),
                SH.Literal: (ox.Literal,),
                SH.BlankNodeOrIRI: (ox.NamedNode, ox.BlankNode),
                SH.BlankNodeOrLiteral: (ox.BlankNode, ox.Literal),
                SH.IRIOrLiteral: (ox.NamedNode, ox.Literal),
            }[rule]
            return lambda v: isinstance(v, kind)
        if constraint == _IN:
            members = self.ox_set(rule)
            return lambda v: v in members
        if constraint == _PATTERN:
            regex = re.compile(str(rule))
            return lambda v: not isinstance(v, ox.BlankNode) and regex.search(v.value) is not None
        if constraint == _MIN_LENGTH:
            least = int(rule)
            return lambda v: not isinstance(v, ox.BlankNode) and len(v.value) >= least
        if constraint == _MIN_INCLUSIVE:
            bound = rule.value if isinstance(rule, Literal) else None
            bound = bound if type(bound) in (int, Decimal) else None  # not a bool

            def at_least(v) -> bool:
                order = _order(v, rule, bound)
                return order is not None and order >= 0

            return at_least
        if constraint == _LANGUAGE_IN:
            tags = [str(r).lower() for r in self.members(rule)]

            def language(v) -> bool:
                if not isinstance(v, ox.Literal) or not v.language:
                    return False
                tag = v.language.lower()
                return any(tag == t or tag.startswith(t + "-") for t in tags)

            return language
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
        key = ("conforms", shape)
        if key not in self._memo:
            self._memo[key] = self._plain_test(shape)
        plain = self._memo[key]
        if plain is not None:
            return plain(node)
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

    def _plain_test(self, shape):
        """For a shape of value-type constraints and sh:hasValue alone (every sh:or member
        and qualified value shape in ontology/shapes.ttl), the test `conforms` makes, as one
        function: called for every value of every focus, it should not swap `emit` and
        raise to say no. None for any other shape."""
        if self.objs(shape, SH.property) or self.objs(shape, SH["or"]):
            return None
        tests = [self.value_test(c, r) for c in self._VALUE_TYPE for r in self.objs(shape, c)]
        wanted = [_ox(r) for r in self.objs(shape, SH.hasValue)]
        return lambda node: all(t(node) for t in tests) and all(node == w for w in wanted)

    # ------------------------------------------------------------------ shapes

    _VALUE_TYPE = (
        _CLASS, _NODE_KIND, _DATATYPE, _IN, _PATTERN, _MIN_LENGTH, _MIN_INCLUSIVE, _LANGUAGE_IN,
    )  # fmt: skip

    def node_constraints(self, shape, foci):
        for constraint in self._VALUE_TYPE:
            for rule in self.objs(shape, constraint):
                test = self.value_test(constraint, rule)
                for f in foci:
                    if not test(f):
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
        table = self.path_table(path)
        tests = [self.value_test(c, r) for c in self._VALUE_TYPE for r in self.objs(prop, c)]
        has_values = [_ox(r) for r in self.objs(prop, SH.hasValue)]
        ors = [self.members(r) for r in self.objs(prop, SH["or"])]
        unique_lang = any(bool(r.toPython()) for r in self.objs(prop, SH.uniqueLang))
        less_than = self.objs(prop, SH.lessThan)
        qualified = [
            (
                q,
                _int(self.one(prop, SH.qualifiedMinCount)),
                _int(self.one(prop, SH.qualifiedMaxCount)),
            )
            for q in self.objs(prop, SH.qualifiedValueShape)
        ]
        min_count, max_count = _int(min_count), _int(max_count)
        emit = self.emit
        for f in foci:
            values = table.get(f, ())
            if min_count is not None and len(values) < min_count:
                emit(prop, f, path, None)
            if max_count is not None and len(values) > max_count:
                emit(prop, f, path, None)
            for test in tests:
                for v in values:
                    if not test(v):
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
                        order = _order(v, w)
                        if order is None or order >= 0:
                            emit(prop, f, path, v)
            for shape, qmin, qmax in qualified:
                count = sum(1 for v in values if self.conforms(v, shape))
                if qmin is not None and count < qmin:
                    emit(prop, f, path, None)
                if qmax is not None and count > qmax:
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
            # sh:sourceShape is the shape holding the constraint, as the standard has it
            self.report(shape, focus, None, value, message=text)

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
_NUMBERS = {
    str(XSD.integer): (_INTEGER, int),
    str(XSD.nonNegativeInteger): (_NON_NEGATIVE, int),
    str(XSD.decimal): (_DECIMAL, Decimal),
}
_QUICK = {
    str(XSD.integer): _INTEGER,
    str(XSD.decimal): _DECIMAL,
    str(XSD.nonNegativeInteger): _NON_NEGATIVE,
    str(XSD.boolean): re.compile(r"true|false|1|0"),
}


def _quick_datatype(v, name: str, loose: bool, pattern):
    """sh:datatype `name` without making an rdflib Literal, for the common cases; None
    when only rdflib's own check (ill-typed lexical forms, value types) can tell. `loose`:
    the datatype is rdfs:Literal or rdf:langString, which other datatypes can satisfy;
    `pattern`: the lexical form of `name`, when _QUICK knows it."""
    if not isinstance(v, ox.Literal):
        return False
    if v.language:
        return None
    datatype = v.datatype.value
    if datatype != name:
        return None if loose else False
    if datatype == _XSD_STRING:
        return True
    if pattern is None or not pattern.fullmatch(v.value):
        return None
    return True


def shacl_findings(loaded: Loaded, shapes: Graph) -> list[Finding]:
    return _Checker(loaded, shapes).run()
