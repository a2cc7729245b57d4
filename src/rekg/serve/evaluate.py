"""One SPARQL query, from its text to the bytes of its answer, over a pyoxigraph store.

This is what a query worker (worker.py) runs, so it imports nothing heavy: pyoxigraph, the
format table and the server's request and response types; no rdflib. The protocol and the
refusals (updates, SERVICE, FROM) are checked before a query gets here (sparql.py)."""

import html
import json
import time
from dataclasses import dataclass, field

import pyoxigraph as ox

from rekg.core.formats import RDF_FORMATS, SPARQL_BOOLEAN_FORMATS, SPARQL_RESULT_FORMATS
from rekg.serve.conneg import negotiate
from rekg.serve.http import HttpError, Response

XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"
_OX_RDF = {
    "text/turtle": ox.RdfFormat.TURTLE,
    "application/n-triples": ox.RdfFormat.N_TRIPLES,
    "application/ld+json": ox.RdfFormat.JSON_LD,
}
GRAPH_MEDIA_TYPES = [f.media_type for f in RDF_FORMATS]
JSON_MEDIA_TYPE = "application/json"


@dataclass
class QueryRequest:
    text: str
    default_graphs: list[str] = field(default_factory=list)
    named_graphs: list[str] = field(default_factory=list)
    base_iri: str | None = None  # relative IRIs in the query resolve against the endpoint


# --- result writers over pyoxigraph terms -------------------------------------------------


def _term_json(term) -> dict:
    if isinstance(term, ox.NamedNode):
        return {"type": "uri", "value": term.value}
    if isinstance(term, ox.BlankNode):
        return {"type": "bnode", "value": term.value}
    if isinstance(term, ox.Literal):
        out = {"type": "literal", "value": term.value}
        if term.language:
            out["xml:lang"] = term.language
        elif term.datatype.value != XSD_STRING:
            out["datatype"] = term.datatype.value
        return out
    return {"type": "literal", "value": str(term)}


def _term_xml(term) -> str:
    if isinstance(term, ox.NamedNode):
        return f"<uri>{html.escape(term.value)}</uri>"
    if isinstance(term, ox.BlankNode):
        return f"<bnode>{html.escape(term.value)}</bnode>"
    if isinstance(term, ox.Literal):
        if term.language:
            attr = f' xml:lang="{html.escape(term.language)}"'
        elif term.datatype.value != XSD_STRING:
            attr = f' datatype="{html.escape(term.datatype.value)}"'
        else:
            attr = ""
        return f"<literal{attr}>{html.escape(term.value, quote=False)}</literal>"
    return f"<literal>{html.escape(str(term))}</literal>"


def _csv_cell(term) -> str:
    if term is None:
        return ""
    value = f"_:{term.value}" if isinstance(term, ox.BlankNode) else term.value
    if any(c in value for c in ',"\r\n'):
        value = '"' + value.replace('"', '""') + '"'
    return value


def write_rows(variables: list[str], rows: list[list], fmt: str) -> bytes:
    if fmt == "json":
        bindings = [
            {v: _term_json(t) for v, t in zip(variables, row, strict=True) if t is not None}
            for row in rows
        ]
        doc = {"head": {"vars": variables}, "results": {"bindings": bindings}}
        return json.dumps(doc, ensure_ascii=False).encode("utf-8")
    if fmt == "xml":
        out = [
            '<?xml version="1.0"?>\n<sparql xmlns="http://www.w3.org/2005/sparql-results#">',
            "<head>" + "".join(f'<variable name="{v}"/>' for v in variables) + "</head>",
            "<results>",
        ]
        for row in rows:
            cells = "".join(
                f'<binding name="{v}">{_term_xml(t)}</binding>'
                for v, t in zip(variables, row, strict=True)
                if t is not None
            )
            out.append(f"<result>{cells}</result>")
        out.append("</results>\n</sparql>\n")
        return "\n".join(out).encode("utf-8")
    if fmt == "csv":
        lines = [",".join(variables)] + [",".join(_csv_cell(t) for t in row) for row in rows]
        return ("\r\n".join(lines) + "\r\n").encode("utf-8")
    if fmt == "tsv":
        lines = ["\t".join("?" + v for v in variables)]
        lines += ["\t".join("" if t is None else str(t) for t in row) for row in rows]
        return ("\n".join(lines) + "\n").encode("utf-8")
    raise KeyError(fmt)


def write_boolean(value: bool, fmt: str) -> bytes:
    if fmt == "json":
        return json.dumps({"head": {}, "boolean": value}).encode("utf-8")
    return (
        '<?xml version="1.0"?>\n<sparql xmlns="http://www.w3.org/2005/sparql-results#">'
        f"<head/><boolean>{'true' if value else 'false'}</boolean></sparql>\n"
    ).encode()


# --- evaluation ------------------------------------------------------------------------


@dataclass
class Outcome:
    kind: str  # "rows", "boolean" or "graph"
    variables: list[str] = field(default_factory=list)
    rows: list = field(default_factory=list)
    boolean: bool = False
    truncated: bool = False


class Timeout(Exception):
    """The query was still collecting rows at its deadline."""


def time_limit_error(timeout: float) -> HttpError:
    return HttpError(
        503,
        f"the query ran over the time limit of {timeout:g} s",
        remedy="make the query more selective, or add LIMIT",
    )


def evaluate(store: ox.Store, query: QueryRequest, deadline: float, row_cap: int) -> Outcome:
    """The query's outcome, at most `row_cap` rows. Raises HttpError (400) when it does not
    parse, Timeout when it is still collecting rows at `deadline` (time.monotonic), and
    whatever pyoxigraph raises when the evaluation fails."""
    options = {}
    if query.default_graphs or query.named_graphs:
        # The protocol's dataset replaces the query's FROM clauses (SPARQL 1.1 Protocol 2.1.4).
        options["default_graph"] = [ox.NamedNode(g) for g in query.default_graphs]
        options["named_graphs"] = [ox.NamedNode(g) for g in query.named_graphs]
    try:
        result = store.query(query.text, base_iri=query.base_iri, **options)
    except SyntaxError as exc:
        raise HttpError(400, f"the query does not parse: {exc}", remedy="fix the syntax") from None
    if isinstance(result, ox.QueryBoolean):
        return Outcome("boolean", boolean=bool(result))
    outcome = Outcome("rows" if isinstance(result, ox.QuerySolutions) else "graph")
    if outcome.kind == "rows":
        outcome.variables = [v.value for v in result.variables]
    for count, item in enumerate(result):
        if count >= row_cap:
            outcome.truncated = True
            break
        if count % 256 == 0 and time.monotonic() > deadline:
            raise Timeout()
        if outcome.kind == "rows":
            outcome.rows.append([item[v] for v in outcome.variables])
        else:
            outcome.rows.append(item)
    return outcome


def _content_type(media_type: str) -> str:
    return f"{media_type}; charset=utf-8" if media_type.startswith("text/") else media_type


def respond(outcome: Outcome, accept: str | None, row_cap: int, prefixes: dict) -> Response:
    """The outcome as bytes, in the format the Accept header asks for (406 if none fits)."""
    if outcome.kind == "graph":
        media_type = negotiate(accept, GRAPH_MEDIA_TYPES)
        offers = GRAPH_MEDIA_TYPES
    else:
        formats = SPARQL_BOOLEAN_FORMATS if outcome.kind == "boolean" else SPARQL_RESULT_FORMATS
        offers = [f.media_type for f in formats]
        # plain JSON is SPARQL JSON (as Oxigraph answers it): what clients such as grlc's
        # web form ask for; last, so that it never wins over a SPARQL results type
        media_type = negotiate(accept, [*offers, JSON_MEDIA_TYPE])
        if media_type == JSON_MEDIA_TYPE:
            media_type = offers[0]
    if media_type is None:
        what = {"rows": "SELECT", "boolean": "ASK", "graph": "CONSTRUCT or DESCRIBE"}
        raise HttpError(
            406,
            f"a {what[outcome.kind]} result is not available as {accept}",
            remedy="accept one of: " + ", ".join(offers),
            headers={"Vary": "Accept"},
            extra={"available": offers},
        )
    if outcome.kind == "graph":
        body = ox.serialize(outcome.rows, format=_OX_RDF[media_type], prefixes=prefixes)
    elif outcome.kind == "boolean":
        name = next(f.name for f in SPARQL_BOOLEAN_FORMATS if f.media_type == media_type)
        body = write_boolean(outcome.boolean, name)
    else:
        name = next(f.name for f in SPARQL_RESULT_FORMATS if f.media_type == media_type)
        body = write_rows(outcome.variables, outcome.rows, name)
    headers = {"Vary": "Accept"}
    if outcome.truncated:
        # as Virtuoso does: the first rows, and a header saying the cap cut the rest
        headers["X-SPARQL-MaxRows"] = str(row_cap)
    return Response(200, body, _content_type(media_type), headers)
