"""The read-only SPARQL 1.1 Protocol endpoint, evaluated by pyoxigraph.

Safe by default:
- updates (INSERT, DELETE, LOAD, CLEAR, ...) are refused with 403 before anything else;
- nothing a query says can make the server fetch a URL or read a file. pyoxigraph would
  evaluate `SERVICE <url>` by fetching it, so any query whose text could hold SERVICE or
  FROM (the words, or a \\u escape that could spell them) is parsed with rdflib and its
  parse tree walked before evaluation: SERVICE is refused, and FROM / FROM NAMED may only
  name graphs the endpoint holds. The protocol's default-graph-uri / named-graph-uri only
  select among the graphs held: one not held is an empty graph, never fetched;
- every evaluation runs under a time limit and a row cap. pyoxigraph cannot cancel a query
  already running, so a query over its time limit is answered 503 and left to finish in
  its thread; while too many such runaway queries are still running, new queries get 503
  at once rather than piling up.
"""

import html
import json
import re
import threading
import time
from dataclasses import dataclass, field
from functools import lru_cache
from urllib.parse import parse_qs

import pyoxigraph as ox

from rekg.core.formats import (
    FORM_MEDIA_TYPE,
    RDF_FORMATS,
    SPARQL_BOOLEAN_FORMATS,
    SPARQL_QUERY_MEDIA_TYPE,
    SPARQL_RESULT_FORMATS,
    SPARQL_UPDATE_MEDIA_TYPE,
)
from rekg.core.namespaces import BASE, PREFIXES
from rekg.serve.conneg import negotiate
from rekg.serve.http import HttpError, Request, Response

XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"
_OX_RDF = {
    "text/turtle": ox.RdfFormat.TURTLE,
    "application/n-triples": ox.RdfFormat.N_TRIPLES,
    "application/ld+json": ox.RdfFormat.JSON_LD,
}
GRAPH_MEDIA_TYPES = [f.media_type for f in RDF_FORMATS]

# An update starts, after its prologue and comments, with one of these words.
_UPDATE = re.compile(
    r"^(?:\s|#[^\n]*(?:\n|$)|PREFIX\s+[^\s:]*:\s*<[^>]*>|BASE\s*<[^>]*>)*"
    r"(INSERT|DELETE|LOAD|CLEAR|CREATE|DROP|COPY|MOVE|ADD|WITH)\b",
    re.IGNORECASE,
)
# Text that might reach outside the dataset; anything else cannot, and skips the slow parse.
_SUSPICIOUS = re.compile(r"service|from|\\u|\\U", re.IGNORECASE)


@dataclass
class QueryRequest:
    text: str
    default_graphs: list[str] = field(default_factory=list)
    named_graphs: list[str] = field(default_factory=list)
    base_iri: str | None = None  # relative IRIs in the query resolve against the endpoint


def _single(values: list[str], name: str) -> str | None:
    if not values:
        return None
    if len(values) > 1:
        raise HttpError(400, f"the request has {len(values)} '{name}' parameters; give one")
    return values[0]


def _refuse_update():
    raise HttpError(
        403,
        "this endpoint is read-only: SPARQL Update is refused",
        remedy="send a query (SELECT, ASK, CONSTRUCT, DESCRIBE); the data changes only "
        "through the project's files and 'rekg build'",
    )


def _media_type(request: Request) -> tuple[str | None, str | None]:
    """The body's media type and charset parameter, lower-cased."""
    raw = request.header("content-type")
    if not raw:
        return None, None
    fields = [f.strip() for f in raw.split(";")]
    charset = None
    for param in fields[1:]:
        name, _, value = param.partition("=")
        if name.strip().lower() == "charset":
            charset = value.strip().strip('"').lower()
    return fields[0].lower(), charset


def _utf8(body: bytes, what: str) -> str:
    try:
        return body.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise HttpError(
            400,
            f"the {what} is not valid UTF-8 (byte {exc.start})",
            remedy="send the query encoded as UTF-8",
        ) from None


def protocol_request(request: Request) -> QueryRequest | None:
    """The query and dataset of a SPARQL Protocol request; None for a GET without a query
    (the caller shows the query page). Raises HttpError for everything the protocol refuses."""
    params = {k: list(v) for k, v in request.query.items()}
    if request.method not in ("GET", "POST"):
        raise HttpError(
            405,
            f"{request.method} is not allowed on the SPARQL endpoint",
            remedy="query with GET ?query=... or POST",
            headers={"Allow": "GET, POST"},
        )
    if request.method == "POST":
        media_type, charset = _media_type(request)
        if media_type == FORM_MEDIA_TYPE:
            form = parse_qs(_utf8(request.body, "form body"), keep_blank_values=True)
            for key, values in form.items():
                params.setdefault(key, []).extend(values)
        elif media_type == SPARQL_QUERY_MEDIA_TYPE:
            if charset not in (None, "utf-8", "utf8"):
                raise HttpError(
                    415,
                    f"the query body is declared as charset={charset}; only UTF-8 is accepted",
                    remedy="send the query as UTF-8 (Content-Type: application/sparql-query)",
                )
            if "query" in params:
                raise HttpError(400, "the query is given both in the URL and in the body")
            params["query"] = [_utf8(request.body, "query body")]
        elif media_type == SPARQL_UPDATE_MEDIA_TYPE:
            _refuse_update()
        else:
            shown = media_type or "no Content-Type"
            raise HttpError(
                415,
                f"a POST to the SPARQL endpoint cannot have {shown}",
                remedy=f"send Content-Type {SPARQL_QUERY_MEDIA_TYPE} with the query as the "
                f"body, or {FORM_MEDIA_TYPE} with query=...",
            )
    if params.get("update"):
        _refuse_update()
    text = _single(params.get("query", []), "query")
    if text is None:
        if request.method == "GET":
            return None
        raise HttpError(400, "the request has no query", remedy="give query=SELECT ...")
    if _UPDATE.match(text):
        _refuse_update()
    host = request.header("host")
    base = f"http://{host}{request.path}" if host and _is_iri(f"http://{host}/") else None
    return QueryRequest(
        text,
        params.get("default-graph-uri", []),
        params.get("named-graph-uri", []),
        base or BASE + "sparql",
    )


@lru_cache(maxsize=1024)
def reaches_outside(text: str, held: frozenset) -> str | None:
    """Why the query would fetch or read something outside the dataset, or None."""
    if not _SUSPICIOUS.search(text):
        return None
    from pyparsing import ParseException
    from rdflib.plugins.sparql.parser import parseQuery
    from rdflib.plugins.sparql.parserutils import CompValue

    try:
        tree = parseQuery(text)
    except ParseException as exc:
        raise HttpError(400, f"the query does not parse: {exc}", remedy="fix the syntax") from None
    except Exception as exc:  # rdflib's parser raises several kinds on bad input
        raise HttpError(400, f"the query does not parse: {exc}", remedy="fix the syntax") from None
    found = []

    def walk(node):
        if isinstance(node, CompValue):
            if node.name == "ServiceGraphPattern":
                found.append(f"SERVICE <{node.get('term')}> is refused: the endpoint never fetches")
            if node.name == "DatasetClause":
                keyword, iri = (
                    ("FROM", node["default"])
                    if "default" in node
                    else (
                        "FROM NAMED",
                        node.get("named"),
                    )
                )
                if iri is not None and str(iri) not in held:
                    found.append(
                        f"{keyword} <{iri}> names a graph this endpoint does not hold "
                        "(it never fetches one)"
                    )
            for value in node.values():
                walk(value)
        elif isinstance(node, list | tuple) or type(node).__name__ == "ParseResults":
            for item in node:
                walk(item)

    walk(tree)
    return found[0] if found else None


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
    pass


def _content_type(media_type: str) -> str:
    return f"{media_type}; charset=utf-8" if media_type.startswith("text/") else media_type


class Endpoint:
    """Queries over one pyoxigraph store. Its graphs: the default graph and named graphs."""

    def __init__(
        self, store: ox.Store, timeout: float = 10.0, row_cap: int = 10000, max_runaway: int = 2
    ):
        self.store = store
        self.timeout = timeout
        self.row_cap = row_cap
        self.max_runaway = max_runaway
        self.held = frozenset(g.value for g in store.named_graphs() if isinstance(g, ox.NamedNode))
        self._runaway = 0
        self._lock = threading.Lock()

    # -- one query, from text to Outcome
    def _evaluate(self, query: QueryRequest, deadline: float) -> Outcome:
        options = {}
        if query.default_graphs or query.named_graphs:
            # The protocol's dataset replaces the query's FROM clauses (SPARQL 1.1 Protocol 2.1.4).
            options["default_graph"] = [ox.NamedNode(g) for g in query.default_graphs]
            options["named_graphs"] = [ox.NamedNode(g) for g in query.named_graphs]
        try:
            result = self.store.query(query.text, base_iri=query.base_iri, **options)
        except SyntaxError as exc:
            raise HttpError(
                400, f"the query does not parse: {exc}", remedy="fix the syntax"
            ) from None
        try:
            return self._collect(result, deadline)
        finally:
            del result  # pyoxigraph's results must be dropped on the thread that made them

    def _collect(self, result, deadline: float) -> Outcome:
        if isinstance(result, ox.QueryBoolean):
            return Outcome("boolean", boolean=bool(result))
        outcome = Outcome("rows" if isinstance(result, ox.QuerySolutions) else "graph")
        if outcome.kind == "rows":
            outcome.variables = [v.value for v in result.variables]
        for count, item in enumerate(result):
            if count >= self.row_cap:
                outcome.truncated = True
                break
            if count % 256 == 0 and time.monotonic() > deadline:
                raise Timeout()
            if outcome.kind == "rows":
                outcome.rows.append([item[v] for v in outcome.variables])
            else:
                outcome.rows.append(item)
        return outcome

    def run(self, query: QueryRequest) -> Outcome:
        """Evaluate under the time limit in a worker thread, so a slow query cannot hold
        the request thread past its deadline."""
        if query.default_graphs or query.named_graphs:
            bad = [g for g in query.default_graphs + query.named_graphs if not _is_iri(g)]
            if bad:
                raise HttpError(400, f"{bad[0]!r} is not an absolute IRI", remedy="give graph IRIs")
        reason = reaches_outside(query.text, self.held)
        if reason:
            raise HttpError(403, f"refused before evaluation: {reason}")
        with self._lock:
            if self._runaway >= self.max_runaway:
                raise HttpError(
                    503,
                    "the endpoint is busy finishing queries that ran over their time limit",
                    remedy="retry later, with a more selective query",
                    headers={"Retry-After": str(int(self.timeout))},
                )
        deadline = time.monotonic() + self.timeout
        box = {}

        def work():
            try:
                box["outcome"] = self._evaluate(query, deadline)
            except BaseException as exc:  # handed to the request thread, which reports it
                # without its traceback: the frames hold pyoxigraph objects that must be
                # dropped on this thread
                box["error"] = exc.with_traceback(None)
            finally:
                with self._lock:
                    box["done"] = True
                    if box.get("abandoned"):
                        self._runaway -= 1

        worker = threading.Thread(target=work, daemon=True)
        worker.start()
        worker.join(self.timeout)
        with self._lock:
            if not box.get("done"):
                box["abandoned"] = True
                self._runaway += 1
        if box.get("abandoned") or isinstance(box.get("error"), Timeout):
            raise HttpError(
                503,
                f"the query ran over the time limit of {self.timeout:g} s",
                remedy="make the query more selective, or add LIMIT",
            )
        error = box.get("error")
        if isinstance(error, HttpError):
            raise error
        if error is not None:
            raise HttpError(400, f"the query failed: {error}", remedy="check the query") from None
        return box["outcome"]

    # -- Outcome to bytes, by Accept
    def respond(self, outcome: Outcome, accept: str | None) -> Response:
        if outcome.kind == "graph":
            media_type = negotiate(accept, GRAPH_MEDIA_TYPES)
            offers = GRAPH_MEDIA_TYPES
        else:
            formats = SPARQL_BOOLEAN_FORMATS if outcome.kind == "boolean" else SPARQL_RESULT_FORMATS
            offers = [f.media_type for f in formats]
            media_type = negotiate(accept, offers)
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
            body = ox.serialize(outcome.rows, format=_OX_RDF[media_type], prefixes=PREFIXES)
        elif outcome.kind == "boolean":
            name = next(f.name for f in SPARQL_BOOLEAN_FORMATS if f.media_type == media_type)
            body = write_boolean(outcome.boolean, name)
        else:
            name = next(f.name for f in SPARQL_RESULT_FORMATS if f.media_type == media_type)
            body = write_rows(outcome.variables, outcome.rows, name)
        headers = {"Vary": "Accept"}
        if outcome.truncated:
            # as Virtuoso does: the first rows, and a header saying the cap cut the rest
            headers["X-SPARQL-MaxRows"] = str(self.row_cap)
        return Response(200, body, _content_type(media_type), headers)


def _is_iri(value: str) -> bool:
    return re.match(r"^[A-Za-z][A-Za-z0-9+.-]*:[^\s<>\"{}|\\^`]*$", value) is not None
