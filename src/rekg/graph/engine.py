"""The one seam between rekg and a SPARQL engine. Everything that runs a query goes
through `answer`: `select` for the rows of a SELECT or ASK, `construct` for the triples of
a CONSTRUCT or DESCRIBE.

Two engines answer (core.engines): FAST (pyoxigraph, the default) and REFERENCE (rdflib's
own SPARQL engine, the design card's library, the oracle of the parity tests). Each takes
an rdflib Graph (copied into a pyoxigraph store once, see `store.store_for_graph`) or a
pyoxigraph Store (what the build holds at scale).

`prefixes` (name -> IRI) are predeclared with the engine's own mechanism (pyoxigraph's
`prefixes=`, rdflib's `initNs=`): the query text is never rewritten, so the line and
column of a syntax error are those of the text given, and a PREFIX the query declares
itself wins. A syntax error becomes one line: where it is, and what was expected."""

import re
from dataclasses import dataclass

import pyoxigraph as ox
from pyparsing import ParseBaseException
from rdflib import BNode, Graph, Literal

from rekg.core.engines import Engine
from rekg.core.errors import UsageError
from rekg.graph.store import from_ox, from_ox_cached, store_for_graph


@dataclass
class Rows:
    variables: list[str]
    rows: list[dict]  # variable name -> rdflib term (absent when unbound)

    def __len__(self):
        return len(self.rows)

    def as_tuples(self) -> list[tuple]:
        return [tuple(row.get(v) for v in self.variables) for row in self.rows]


def answer(
    graph, text: str, engine: Engine = Engine.FAST, prefixes: dict[str, str] | None = None
) -> "Rows | Graph":
    """The answer of any query: Rows for SELECT and ASK, an rdflib Graph of the triples
    for CONSTRUCT and DESCRIBE. A pyoxigraph Store is always queried by pyoxigraph; an
    rdflib Graph by rdflib on the reference engine, or copied once into a store on the
    fast one."""
    if isinstance(graph, ox.Store):
        return _from_store(_query_store(graph, text, prefixes))
    if Engine.named(engine) is Engine.REFERENCE:
        return _from_rdflib(_query_rdflib(graph, text, prefixes))
    return _from_store(_query_store(store_for_graph(graph), text, prefixes))


def select(
    graph, text: str, engine: Engine = Engine.FAST, prefixes: dict[str, str] | None = None
) -> Rows:
    """The rows of a SELECT or ASK query."""
    result = answer(graph, text, engine, prefixes)
    if not isinstance(result, Rows):
        raise UsageError("only SELECT and ASK queries give rows", remedy="use SELECT or ASK")
    return result


def construct(
    graph, text: str, engine: Engine = Engine.FAST, prefixes: dict[str, str] | None = None
) -> Graph:
    """The triples of a CONSTRUCT or DESCRIBE query, as an rdflib Graph."""
    result = answer(graph, text, engine, prefixes)
    if not isinstance(result, Graph):
        raise UsageError(
            "only CONSTRUCT and DESCRIBE queries give a graph",
            remedy="use CONSTRUCT { ... } WHERE { ... } or DESCRIBE",
        )
    return result


# -- rdflib (the reference engine)


class _Describing(Graph):
    """A view of a graph whose DESCRIBE gives what pyoxigraph's does: the resource's
    concise bounded description without the reifications rdflib's `cbd` adds (the triples
    with the resource as subject, and those of their blank-node objects, recursively)."""

    def cbd(self, resource, *, target_graph=None):
        out = target_graph if target_graph is not None else Graph()
        todo, seen = [resource], set()
        while todo:
            node = todo.pop()
            if node in seen:
                continue
            seen.add(node)
            for p, o in self.predicate_objects(node):
                out.add((node, p, o))
                if isinstance(o, BNode):
                    todo.append(o)
        return out


def _query_rdflib(graph: Graph, text: str, prefixes: dict[str, str] | None):
    if type(graph) is Graph and query_form(text) == "DESCRIBE":
        graph = _Describing(graph.store, graph.identifier, graph.namespace_manager)
    try:
        if prefixes is None:
            return graph.query(text)
        return graph.query(text, initNs=prefixes)
    except ParseBaseException as exc:
        found = getattr(exc, "found", "")
        what = exc.msg[:1].lower() + exc.msg[1:]
        raise syntax_error(
            exc.lineno, exc.col, f"{what}, found {found}" if found else what
        ) from None
    except Exception as exc:
        # rdflib resolves prefixed names after parsing, with a bare Exception and no place
        unknown = re.fullmatch(r"Unknown namespace prefix : (.*)", str(exc))
        if unknown is None:
            raise
        name = unknown.group(1)
        line, column = next(
            ((ln, col) for p, ln, col in prefixed_names(text) if p == name), (None, None)
        )
        raise _unknown_prefix(name, line, column, prefixes) from None


def _from_rdflib(result) -> "Rows | Graph":
    if result.type == "ASK":
        return Rows(["ask"], [{"ask": Literal(bool(result.askAnswer))}])
    if result.type in ("CONSTRUCT", "DESCRIBE"):
        out = Graph()
        for triple in result.graph:
            out.add(triple)
        return out
    variables = [str(v) for v in result.vars]
    rows = []
    for binding in result.bindings:
        rows.append({str(k): v for k, v in binding.items() if v is not None})
    return Rows(variables, rows)


# -- pyoxigraph (the fast engine)

# "error at 2:35: expected one of ABS, AVG, ..., [_]" (a range "2:35-2:40" for some errors)
_OX_ERROR = re.compile(r"error at (\d+):(\d+)(?:-\d+:\d+)?: (.*)", re.DOTALL)
_LISTED = 8  # expected tokens named before "..."
_TOKEN = re.compile(r'"[^"]+"|[A-Za-z][A-Za-z0-9 ]*')
_AFTER = 24  # characters of the line before an error's place, to show where it is


def _query_store(store: ox.Store, text: str, prefixes: dict[str, str] | None):
    try:
        return store.query(text, prefixes=prefixes)
    except SyntaxError as exc:
        message = str(exc)
        where = _OX_ERROR.fullmatch(message)
        if where is None:
            raise UsageError(
                f"SPARQL syntax error: {' '.join(message.split()) or 'no detail'}",
                remedy="correct the query text",
            ) from None
        line, column = int(where.group(1)), int(where.group(2))
        # pyoxigraph says "expected OPTIONAL" past a prefix nobody declared: name it
        known = set(declared_prefixes(text)) | set(prefixes or ())
        for name, at_line, at_column in prefixed_names(text):
            if (at_line, at_column) > (line, column):
                break
            if name not in known:
                raise _unknown_prefix(name, at_line, at_column, prefixes) from None
        what = _ox_expected(where.group(3))
        lines = text.split("\n")
        before = " ".join(lines[line - 1][: column - 1].split()) if line <= len(lines) else ""
        if len(before) > _AFTER:
            before = before[-_AFTER:].partition(" ")[2] or before[-_AFTER:]
        raise syntax_error(line, column, f"{what}, after '{before}'" if before else what) from None


def _ox_expected(what: str) -> str:
    """pyoxigraph's list of expected tokens, short: keywords and quoted punctuation, not
    its internal '[_]' and character classes."""
    what = " ".join(what.split())
    listed = re.fullmatch(r"expected (?:one of )?(.*)", what)
    if listed is None:
        return what
    tokens = [t for t in listed.group(1).split(", ") if _TOKEN.fullmatch(t)]
    if not tokens:
        return "unexpected text here"
    if len(tokens) == 1:
        return f"expected {tokens[0]}"
    shown = ", ".join(tokens[:_LISTED]) + (", ..." if len(tokens) > _LISTED else "")
    return f"expected one of {shown}"


def _from_store(result) -> "Rows | Graph":
    if isinstance(result, ox.QueryBoolean):
        return Rows(["ask"], [{"ask": Literal(bool(result))}])
    if isinstance(result, ox.QueryTriples):
        out = Graph()
        for triple in result:
            out.add((from_ox(triple.subject), from_ox(triple.predicate), from_ox(triple.object)))
        return out
    variables = [v.value for v in result.variables]
    rows = []
    for solution in result:
        rows.append(
            {
                name: from_ox_cached(value)
                for name, value in zip(variables, solution, strict=True)
                if value is not None
            }
        )
    return Rows(variables, rows)


def syntax_error(line: int, column: int, what: str) -> UsageError:
    """The one-line error for a query that does not parse, at a place in its text."""
    what = " ".join(what.split())
    if len(what) > 160:
        what = what[:157] + "..."
    return UsageError(
        f"SPARQL syntax error at line {line}, column {column}: {what}",
        remedy="correct the query text",
    )


def _unknown_prefix(name, line, column, prefixes) -> UsageError:
    where = f" at line {line}, column {column}" if line is not None else ""
    known = f", or use a predeclared one: {', '.join(prefixes)}" if prefixes else ""
    return UsageError(
        f"SPARQL syntax error{where}: unknown prefix '{name}:'",
        remedy=f"declare it (PREFIX {name}: <IRI>){known}",
    )


# -- reading query text: its prologue, and the prefixed names it uses

_FORM = re.compile(r"(SELECT|ASK|CONSTRUCT|DESCRIBE)\b", re.IGNORECASE)
_PN_PREFIX = r"[^\W\d_](?:[\w.-]*[\w-])?"
# one item of a query's prologue: white space, a comment, a PREFIX or a BASE declaration
_PROLOGUE_ITEM = re.compile(
    r"\s+|#[^\n]*"
    rf"|(?i:PREFIX)\s+({_PN_PREFIX})?:\s*<([^<>\s]*)>"
    r"|(?i:BASE)\s*<[^<>\s]*>"
)
# what may hold a colon that is not a prefixed name (a comment, a string, an IRI, a
# variable) is skipped; a prefixed name's prefix is empty for the default prefix ':'
_SCAN = re.compile(
    r"(?P<skip>#[^\n]*"
    r'|"""(?:[^"\\]|\\.|"(?!""))*"""'
    r"|'''(?:[^'\\]|\\.|'(?!''))*'''"
    r'|"(?:[^"\\\n]|\\.)*"'
    r"|'(?:[^'\\\n]|\\.)*'"
    r'|<[^<>"{}|^`\\\s]*>'
    r"|[?$]\w+)"
    rf"|(?<![\w.:-])(?P<prefix>{_PN_PREFIX})?:"
)


def prologue(text: str) -> tuple[dict[str, str], int]:
    """The prefixes a query declares (name -> IRI as written) and where its prologue
    (white space, comments, PREFIX and BASE declarations) ends."""
    declared, at = {}, 0
    while (item := _PROLOGUE_ITEM.match(text, at)) is not None:
        if item.group(2) is not None:
            declared[item.group(1) or ""] = item.group(2)
        at = item.end()
    return declared, at


def declared_prefixes(text: str) -> dict[str, str]:
    return prologue(text)[0]


def prefixed_names(text: str):
    """(prefix, line, column) of each prefixed name in the text, in order, outside
    comments, strings and IRIs; lines and columns count from 1, in characters."""
    line, line_start, counted = 1, 0, 0
    for match in _SCAN.finditer(text):
        if match.group("skip") is not None:
            continue
        at = match.start()
        newlines = text.count("\n", counted, at)
        if newlines:
            line += newlines
            line_start = text.rfind("\n", 0, at) + 1
        counted = at
        yield match.group("prefix") or "", line, at - line_start + 1


def query_form(text: str) -> str | None:
    """SELECT, ASK, CONSTRUCT or DESCRIBE: the word after the prologue; None when there
    is none (the engine then says what is wrong)."""
    form = _FORM.match(text, prologue(text)[1])
    return form.group(1).upper() if form else None
