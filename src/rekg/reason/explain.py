"""Where an inconsistency comes from: each conflict of the closure (conflicts.py) traced
back to the asserted statements that make it, and each statement to the file and line it
is written on and the claim that states it. A report that says only "the closure is
inconsistent" leaves the author to search the whole graph.

The trace is a small forward reasoner that remembers how it got each fact, run over the
statements about the individuals in conflict (and the nodes a transitive property leads
to) with the ontology's schema: sub-classes and equivalent classes (cax-sco, cax-eqc),
sub-properties (prp-spo1, prp-eqp), domains and ranges (prp-dom, prp-rng), inverses
(prp-inv), symmetry (prp-symp), transitivity (prp-trp) and hasValue restrictions (cls-hv1,
cls-hv2): the rules by which OWL 2 RL gives an individual a class or a relation. It goes
breadth first and keeps the first derivation of each fact, so the statements it names
are few. It runs only when the closure is inconsistent."""

import re
from collections import defaultdict, deque
from pathlib import Path

import pyoxigraph as ox
from rdflib import Graph, Literal
from rdflib.namespace import OWL, RDF, RDFS

from rekg.core.namespaces import REKG
from rekg.core.report import Finding, short
from rekg.graph.store import from_ox, to_ox
from rekg.ingest.load import turtle_places
from rekg.reason.conflicts import (
    DISJOINT_CLASSES,
    DISJOINT_PROPERTIES,
    NOTHING,
    SAME_AND_DIFFERENT,
    Conflict,
)

CHECK = "OWL 2 RL consistency"
FIX = "correct or remove one of the statements below"
_MAX_NODES = 200  # nodes whose statements one trace reads: bounds it on a large graph
_MAX_FACTS = 200_000
_PREFIX = re.compile(r"(?:@prefix|PREFIX)\s+([\w-]*):\s*<([^>]*)>", re.IGNORECASE)


class _Schema:
    """The ontology's axioms the trace applies, read from the asserted triples."""

    def __init__(self, triples):
        self.sub_c, self.sub_p = defaultdict(set), defaultdict(set)
        self.dom, self.rng, self.inv = defaultdict(set), defaultdict(set), defaultdict(set)
        self.symmetric, self.transitive = set(), set()
        on_property, has_value = {}, {}
        for s, p, o in triples:
            if p == RDFS.subClassOf:
                self.sub_c[s].add(o)
            elif p == OWL.equivalentClass:
                self.sub_c[s].add(o)
                self.sub_c[o].add(s)
            elif p == RDFS.subPropertyOf:
                self.sub_p[s].add(o)
            elif p == OWL.equivalentProperty:
                self.sub_p[s].add(o)
                self.sub_p[o].add(s)
            elif p == RDFS.domain:
                self.dom[s].add(o)
            elif p == RDFS.range:
                self.rng[s].add(o)
            elif p == OWL.inverseOf:
                self.inv[s].add(o)
                self.inv[o].add(s)
            elif p == RDF.type and o == OWL.SymmetricProperty:
                self.symmetric.add(s)
            elif p == RDF.type and o == OWL.TransitiveProperty:
                self.transitive.add(s)
            elif p == OWL.onProperty:
                on_property[s] = o
            elif p == OWL.hasValue:
                has_value[s] = o
        self.value_of = {r: (on_property[r], v) for r, v in has_value.items() if r in on_property}
        self.by_value = defaultdict(set)
        for r, pair in self.value_of.items():
            self.by_value[pair].add(r)
        self._above: dict = {}

    def above(self, table: dict, start) -> list:
        """Everything `start` is under in `table` (sub-classes or sub-properties), nearest
        first, without `start` itself."""
        key = (id(table), start)
        if key not in self._above:
            seen, order, todo = {start}, [], deque([start])
            while todo:
                for nxt in sorted(table.get(todo.popleft(), ())):
                    if nxt not in seen:
                        seen.add(nxt)
                        order.append(nxt)
                        todo.append(nxt)
            self._above[key] = order
        return self._above[key]

    def classes_of(self, table: dict, p) -> list:
        """The domains (or ranges) of p: its own and its super-properties', and every
        class above them."""
        out = []
        for q in [p, *self.above(self.sub_p, p)]:
            for c in sorted(table.get(q, ())):
                for d in [c, *self.above(self.sub_c, c)]:
                    if d not in out:
                        out.append(d)
        return out


class _Trace:
    """Facts about a few nodes, each with the facts it was derived from (none: asserted)."""

    def __init__(self, by_node: dict, schema: _Schema):
        self.by_node, self.schema = by_node, schema
        self.facts: dict = {}
        self.nodes: set = set()
        self._todo: deque = deque()
        self._out, self._into = defaultdict(set), defaultdict(set)  # transitive pairs seen

    def read(self, node) -> None:
        if node in self.nodes or len(self.nodes) >= _MAX_NODES or isinstance(node, Literal):
            return
        self.nodes.add(node)
        for triple in self.by_node.get(node, ()):
            self._add(triple, ())

    def _add(self, fact, premises) -> None:
        if fact not in self.facts and len(self.facts) < _MAX_FACTS:
            self.facts[fact] = premises
            self._todo.append(fact)

    def run(self) -> "_Trace":
        schema, add = self.schema, self._add
        while self._todo:
            fact = self._todo.popleft()
            s, p, o = fact
            if p == RDF.type:
                for c in schema.above(schema.sub_c, o):
                    add((s, RDF.type, c), (fact,))
                for c in [o, *schema.above(schema.sub_c, o)]:
                    if c in schema.value_of:
                        q, v = schema.value_of[c]
                        add((s, q, v), (fact,))
                continue
            for q in schema.above(schema.sub_p, p):
                add((s, q, o), (fact,))
            for c in schema.classes_of(schema.dom, p):
                add((s, RDF.type, c), (fact,))
            for r in sorted(schema.by_value.get((p, o), ())):
                add((s, RDF.type, r), (fact,))
            if isinstance(o, Literal):
                continue
            for c in schema.classes_of(schema.rng, p):
                add((o, RDF.type, c), (fact,))
            for q in sorted(schema.inv.get(p, ())):
                add((o, q, s), (fact,))
            if p in schema.symmetric:
                add((o, p, s), (fact,))
            if p in schema.transitive:
                self.read(s)
                self.read(o)
                for z in sorted(self._out[(o, p)]):
                    add((s, p, z), (fact, (o, p, z)))
                for w in sorted(self._into[(p, s)]):
                    add((w, p, o), ((w, p, s), fact))
                self._out[(s, p)].add(o)
                self._into[(p, o)].add(s)
        return self

    def leaves(self, fact) -> list:
        """The asserted facts `fact` was derived from, in order, each once."""
        out, seen, todo = [], set(), [fact]
        while todo:
            current = todo.pop()
            if current in seen or current not in self.facts:
                continue
            seen.add(current)
            premises = self.facts[current]
            if not premises:
                out.append(current)
            todo.extend(reversed(premises))
        return out


def _triples(loaded) -> list:
    written = loaded.as_written()
    if isinstance(written, Graph):
        return list(written)
    return [(from_ox(q.subject), from_ox(q.predicate), from_ox(q.object)) for q in written]


def _shown(triple) -> str:
    return " ".join(t.n3() if isinstance(t, Literal) else short(t) for t in triple)


_HEDGED = {
    (REKG.modality, m) for m in (REKG.Expected, REKG.Likely, REKG.Possible, REKG.Unlikely)
} | {(REKG.negated, Literal(True)), (REKG.draft, Literal(True))}


class _Places:
    """Where an asserted triple is written: the claims that state it (their file, line and
    number), and the Turtle files that hold it (the line of its predicate)."""

    def __init__(self, loaded, triples):
        self.loaded = loaded
        parts = defaultdict(dict)
        self.numbers, hedged = {}, set()
        for s, p, o in triples:
            if p in (RDF.subject, RDF.predicate, RDF.object):
                parts[s][p] = o
            elif p == REKG.sourceOrder:
                self.numbers[s] = o
            elif (p, o) in _HEDGED:
                hedged.add(s)
        self.stating = defaultdict(list)
        for claim, spo in parts.items():
            # only a claim stated as fact, not denied and reviewed, writes the plain triple
            if len(spo) == 3 and claim not in hedged:
                self.stating[(spo[RDF.subject], spo[RDF.predicate], spo[RDF.object])].append(claim)
        self._files = None

    def _claim(self, claim) -> str:
        n = self.numbers.get(claim)
        return f"{short(claim)}" + (f" (n {n})" if n is not None else "")

    def _turtle(self) -> list:
        """Each Turtle file read, with its path and its triples (parsed on first use)."""
        if self._files is None:
            self._files = []
            root = self.loaded.project.root
            for display in self.loaded.files:
                path = Path(display) if Path(display).is_absolute() else root / display
                if path.suffix != ".ttl" or not path.is_file():
                    continue
                try:
                    quads = set(ox.parse(path=str(path), format=ox.RdfFormat.TURTLE))
                except (OSError, SyntaxError, ValueError):
                    continue
                self._files.append((display, path, {q.triple for q in quads}))
        return self._files

    def of(self, triple) -> list[tuple[str, str]]:
        """(place, what is written there) for each place the triple is written."""
        out = []
        for claim in sorted(self.stating.get(triple, ())):
            place = self.loaded.places.get(claim, "(generated)")
            out.append((place, f"{self._claim(claim)} states {_shown(triple)}"))
        subject = triple[0]
        if subject in self.numbers:
            out.append((self.loaded.places.get(subject, "(generated)"),
                        f"{_shown(triple)} (in {self._claim(subject)})"))  # fmt: skip
        wanted = ox.Triple(*(to_ox(t) for t in triple))
        for display, path, held in self._turtle():
            if wanted in held:
                out.append((f"{display}:{_line(path, display, triple)}", _shown(triple)))
        if not out:
            out.append((self.loaded.place(subject), _shown(triple)))
        return out


def _tokens(term, prefixes: dict) -> list[str]:
    text = str(term)
    out = [f"<{text}>"]
    out += [f"{p}:{text[len(ns) :]}" for p, ns in prefixes.items() if ns and text.startswith(ns)]
    if term == RDF.type:
        out.append("a")
    return out


def _has(line: str, tokens: list[str]) -> bool:
    return any(
        re.search(r"(?:^|(?<=[\s;,\[(]))" + re.escape(t) + r"(?=[\s;,.\])]|$)", line)
        for t in tokens
    )


def _line(path: Path, display: str, triple) -> int:
    """The line a triple is written on: in the block of its subject, the line with its
    predicate (and object, where several lines have the predicate); else the subject's."""
    lines = path.read_text(encoding="utf-8").splitlines()
    prefixes = {}
    for line in lines:
        match = _PREFIX.match(line.strip())
        if match:
            prefixes[match.group(1)] = match.group(2)
    s, p, o = triple
    start = turtle_places(path, display).get(s)
    if start is None:
        return 1
    first = int(start.rsplit(":", 1)[1])
    predicate, obj = _tokens(p, prefixes), [] if isinstance(o, Literal) else _tokens(o, prefixes)
    candidates = []
    for number in range(first, len(lines) + 1):
        line = lines[number - 1]
        if number > first and line and line[0] not in " \t#":
            break  # the next block starts at the beginning of a line
        if number == first:
            line = line.split(None, 1)[1] if len(line.split(None, 1)) > 1 else ""
        if _has(line, predicate):
            candidates.append(number)
            if not obj or _has(line, obj):
                return number
    return candidates[0] if candidates else first


def _goals(conflict: Conflict):
    """(focus nodes, facts that make the conflict, focus, path, message)."""
    t = [short(x) for x in conflict.terms]
    if conflict.rule == DISJOINT_CLASSES:
        c1, c2, x = conflict.terms
        goals = [(x, RDF.type, c1), (x, RDF.type, c2)]
        message = f"Disjoint classes {t[0]} and {t[1]} have a common individual {t[2]}"
        return [x], goals, t[2], "rdf:type", message
    if conflict.rule == DISJOINT_PROPERTIES:
        p1, p2, x, y = conflict.terms
        message = f"Disjoint properties {t[0]} and {t[1]} both relate {t[2]} to {t[3]}"
        return [x, y], [(x, p1, y), (x, p2, y)], t[2], t[0], message
    if conflict.rule == SAME_AND_DIFFERENT:
        x, y = conflict.terms
        goals = [(x, OWL.sameAs, y), (x, OWL.differentFrom, y), (y, OWL.differentFrom, x)]
        message = f"{t[0]} and {t[1]} are said to be both the same and different"
        return [x, y], goals, t[0], "owl:sameAs", message
    x = conflict.terms[0]
    message = "is a member of owl:Nothing: the ontology's axioms make it impossible"
    return [x], [(x, RDF.type, OWL.Nothing)], t[0], "rdf:type", message


def explain(reasoned, loaded) -> list:
    """The findings of an inconsistent closure, each naming the statements behind it.
    `reasoned.conflicts` are traced on `loaded` (its triples, places, files and project)."""
    conflicts = reasoned.conflicts
    triples = _triples(loaded)
    schema = _Schema(triples)
    by_node = defaultdict(list)
    for triple in triples:
        by_node[triple[0]].append(triple)
        if not isinstance(triple[2], Literal):
            by_node[triple[2]].append(triple)
    places = _Places(loaded, triples)
    # a member of owl:Nothing is a member of every class, and so meets every disjointness
    # axiom: those conflicts only repeat the one that says so
    impossible = {c.terms[0] for c in conflicts if c.rule == NOTHING}
    findings = []
    for conflict in conflicts:
        if conflict.rule == DISJOINT_CLASSES and conflict.terms[2] in impossible:
            continue
        nodes, goals, focus, path, message = _goals(conflict)
        trace = _Trace(by_node, schema)
        for node in nodes:
            trace.read(node)
        trace.run()
        because = []
        for goal in goals:
            for leaf in trace.leaves(goal):
                so = "" if leaf == goal else f", so {_shown(goal)}"
                because += [(place, f"{place}: {what}{so}") for place, what in places.of(leaf)]
        if not because:
            place = loaded.place(conflict.terms[-1])
            because = [(place, f"{place}: {focus} is written here")]
        data = [place for place, _ in because if not place.startswith(("ontology/", "("))]
        lines = tuple(dict.fromkeys(line for _, line in because))
        findings.append(
            Finding(
                (data or [because[0][0]])[0], focus, path, f"{message}; {FIX}", CHECK, because=lines
            )
        )
    known = {c.owlrl_message() for c in conflicts}
    # what the reasoner reports beyond the rules conflicts.py knows, as it words it
    findings += [
        f for f in reasoned.findings if f.focus == "owl:Nothing" and f.message not in known
    ]
    return findings
