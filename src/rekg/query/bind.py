"""Binding parameter values as typed RDF terms. Values are resolved and checked against
their declared kind, turned into RDF terms, and each bound parameter variable of the query
is replaced by its term, written in canonical N-Triples form: the term takes the variable's
place in the triple patterns and expressions, so every engine's planner starts from it as
from a constant written in the query (Oxigraph's from the most bound pattern, Virtuoso's
cost estimator, which refuses some queries whose value comes in a VALUES block). It is a
replacement of whole variable tokens by one RDF term each, checked before and after: user
text is never spliced into query text. grlc binds its parameters the same way, so a stored
query means the same under grlc as under rekg; a parameter left unbound (an optional one
omitted) stays a variable and matches everything.

The variable may stand wherever a term may: in triple patterns, property paths and
expressions, and as `(?_name AS ?shown)` in a SELECT clause. Where only a variable may stand
(a bare SELECT item, `AS ?_name`, a VALUES header, a bare GROUP BY or ORDER BY item) the
binding is refused."""

import difflib
import re

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import RDFS, SKOS, XSD

from rekg.core.errors import UsageError
from rekg.core.namespaces import ID, PREFIXES, REKG
from rekg.graph.store import to_ox
from rekg.query.catalogue import StoredQuery

_KIND_DATATYPES = {
    "integer": XSD.integer,
    "decimal": XSD.decimal,
    "boolean": XSD.boolean,
    "date": XSD.date,
}
_IRI_SAFE = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*:[^\s<>\"{}|\\^`]*$")
# How alike a mistyped name must be to a known one to be suggested (difflib's ratio): a
# typo ("myanmr", "vietnem") scores 0.85 or more, a name the graph does not hold at all
# ("Narnia" against "australia") about 0.5, which would mislead.
SUGGESTION_CUTOFF = 0.75


def is_absolute_iri(value: str) -> bool:
    """Whether `value` is an absolute IRI that can be written between <> in SPARQL."""
    return bool(_IRI_SAFE.match(value))


def resolve_iri(value: str, graph: Graph | None, what: str) -> URIRef:
    """An IRI from a full IRI, a prefixed name (id:malaysia, rekg:suppliesFeedstockTo),
    a slug (malaysia), an ontology term's local name, or a label (Malaysia)."""
    value = value.strip()
    if value.startswith("<") and value.endswith(">"):
        value = value[1:-1]
    prefix, _, local = value.partition(":")
    if local and prefix in PREFIXES:
        value = PREFIXES[prefix] + local
    if "://" in value or value.startswith("urn:"):
        if not is_absolute_iri(value):
            raise UsageError(
                f"{what}: {value!r} is not a valid IRI",
                remedy="IRIs may not contain spaces, quotes or <>{}|\\^`",
            )
        return URIRef(value)
    if graph is None:
        if re.fullmatch(r"[a-z0-9][a-z0-9/-]*", value):
            return ID[value]
        raise UsageError(
            f"{what}: {value!r} is not an IRI or a slug",
            remedy="give a full IRI, a prefixed name such as id:malaysia, or a slug",
        )
    candidates = [ID[value], REKG._NS[value]]
    for iri in candidates:
        if (iri, None, None) in graph:
            return iri
    lowered = value.lower()
    for prop in (RDFS.label, SKOS.altLabel):
        for s, label in graph.subject_objects(prop):
            if str(label).lower() == lowered and isinstance(s, URIRef):
                return s
    # one pass over the subjects: on a large store each pass reads every quad
    subjects = {str(s) for s in graph.subjects()}
    known = sorted(
        {s[len(str(ID)) :] for s in subjects if s.startswith(str(ID)) and "#" not in s}
        | {s[len(str(REKG._NS)) :] for s in subjects if s.startswith(str(REKG._NS))}
    )
    close = difflib.get_close_matches(value.lower(), known, n=3, cutoff=SUGGESTION_CUTOFF)
    raise UsageError(
        f"{what}: nothing in the graph is called {value!r}",
        remedy=f"did you mean {', '.join(close)}?"
        if close
        else "give a slug (malaysia), a label (Malaysia) or a full IRI",
    )


def to_term(kind: str, value: str, graph: Graph | None, what: str):
    if kind == "iri":
        return resolve_iri(value, graph, what)
    if kind == "en":
        return Literal(value, lang="en")
    if kind == "string":
        return Literal(value)
    datatype = _KIND_DATATYPES[kind]
    term = Literal(value, datatype=datatype)
    if term.ill_typed:
        raise UsageError(
            f"{what}: {value!r} is not a valid {kind}", remedy=f"give a value of type xsd:{kind}"
        )
    return term


def parse_assignments(pairs: list[str]) -> dict[str, str]:
    out = {}
    for pair in pairs or []:
        name, sep, value = pair.partition("=")
        if not sep or not name:
            raise UsageError(
                f"--param {pair!r} is not NAME=VALUE",
                remedy="write for example --param country=myanmar",
            )
        out[name.strip()] = value
    return out


def bindings_for(
    query: StoredQuery, given: dict[str, str], graph: Graph | None, use_defaults: bool = True
) -> dict[str, object]:
    """Typed terms for the query's parameters, by variable name."""
    for name in given:
        if name not in query.param_names:
            close = difflib.get_close_matches(name, query.param_names, n=1, cutoff=0.3)
            listed = ", ".join(query.param_names) or "none"
            raise UsageError(
                f"query {query.name!r} has no parameter {name!r} (its parameters: {listed})",
                remedy=f"did you mean --param {close[0]}=...?"
                if close
                else f"run 'rekg queries' to see the parameters of {query.name}",
            )
    out = {}
    for param in query.params:
        value = given.get(param.name)
        if value is None and use_defaults:
            value = param.default
        if value is None:
            if param.optional:
                continue
            raise UsageError(
                f"query {query.name!r} needs --param {param.name}=VALUE",
                remedy=param.description or f"a value of kind {param.kind}",
            )
        out[param.variable] = to_term(param.kind, value, graph, f"parameter {param.name}")
    return out


# What a variable can be mistaken in: comments, strings and IRIs are skipped whole; then
# variables, keywords (not the parts of prefixed names) and brackets, which say where a
# variable stands.
_TOKEN = re.compile(
    r"(?P<skip>#[^\n]*"
    r'|"""(?:[^"\\]|\\.|"(?!""))*"""'
    r"|'''(?:[^'\\]|\\.|'(?!''))*'''"
    r'|"(?:[^"\\\n]|\\.)*"'
    r"|'(?:[^'\\\n]|\\.)*'"
    r'|<[^<>"{}|^`\\\s]*>)'
    r"|[?$](?P<var>\w+)"
    r"|(?<![\w:.-])(?P<word>[A-Za-z]+)(?![\w:.-])"
    r"|(?P<bracket>[(){}])"
)
# the clauses whose bare variables name variables rather than stand for values, and the
# keywords that end them (a brace ends each of them too)
_CLAUSES = {
    "SELECT": "a bare SELECT item",
    "VALUES": "a VALUES header",
    "BY": "GROUP BY or ORDER BY",
}
_CLAUSE_ENDS = {"WHERE", "FROM", "LIMIT", "OFFSET", "HAVING"}


def bind(text: str, bindings: dict[str, object]) -> str:
    """The query with each bound parameter variable (?name or $name) replaced by its term
    in canonical N-Triples form; refused where a term cannot stand."""
    if not bindings:
        return text
    terms = {name: str(to_ox(term)) for name, term in bindings.items()}
    out, done = [], 0
    depth, clause, clause_depth, previous = 0, None, 0, None
    for match in _TOKEN.finditer(text):
        kind = match.lastgroup
        if kind == "skip":
            continue
        value = match.group(kind)
        if kind == "bracket":
            depth += 1 if value == "(" else -1 if value == ")" else 0
            if value in "{}":
                clause = None
        elif kind == "word":
            word = value.upper()
            if word in _CLAUSES:
                clause, clause_depth = word, depth
            elif word in _CLAUSE_ENDS:
                clause = None
        elif value in terms:
            where = (
                "AS ?" + value
                if previous == "AS"
                else _CLAUSES[clause]
                if clause is not None and (clause == "VALUES" or depth == clause_depth)
                else None
            )
            if where is not None:
                line = text.count("\n", 0, match.start()) + 1
                raise UsageError(
                    f"cannot bind parameter ?{value} at line {line}: it stands where only a "
                    f"variable may ({where})",
                    remedy=f"use ?{value} in triple patterns and expressions only; to show "
                    f"its value, select it as (?{value} AS ?another)",
                )
            out += [text[done : match.start()], terms[value]]
            done = match.end()
        previous = value.upper() if kind == "word" else None
    out.append(text[done:])
    return "".join(out)
