"""The read-only SPARQL 1.1 Protocol endpoint, evaluated by pyoxigraph.

Safe by default:
- updates (INSERT, DELETE, LOAD, CLEAR, ...) are refused with 403 before anything else;
- nothing a query says can make the server fetch a URL or read a file. pyoxigraph would
  evaluate `SERVICE <url>` by fetching it, so any query whose text could hold SERVICE or
  FROM (the words, or a \\u escape that could spell them) is parsed with rdflib and its
  parse tree walked before evaluation: SERVICE is refused, and FROM / FROM NAMED may only
  name graphs the endpoint holds. The protocol's default-graph-uri / named-graph-uri only
  select among the graphs held: one not held is an empty graph, never fetched;
- every evaluation runs under a time limit, a memory limit and a row cap, in a worker
  process (pool.py, worker.py): pyoxigraph cannot cancel a query it is evaluating, so a
  query still running at its deadline is stopped by killing its worker, which is then
  replaced. A fixed number of queries run at once and a bounded number wait; the others
  are refused at once (503, Retry-After).
"""

import re
import threading
import time
from functools import lru_cache
from urllib.parse import parse_qs

import pyoxigraph as ox

from rekg.core.formats import FORM_MEDIA_TYPE, SPARQL_QUERY_MEDIA_TYPE, SPARQL_UPDATE_MEDIA_TYPE
from rekg.core.namespaces import BASE, PREFIXES
from rekg.serve.evaluate import QueryRequest
from rekg.serve.http import HttpError, Request, Response
from rekg.serve.limits import Limits
from rekg.serve.pool import QueryPool

# An update starts, after its prologue and comments, with one of these words.
_UPDATE = re.compile(
    r"^(?:\s|#[^\n]*(?:\n|$)|PREFIX\s+[^\s:]*:\s*<[^>]*>|BASE\s*<[^>]*>)*"
    r"(INSERT|DELETE|LOAD|CLEAR|CREATE|DROP|COPY|MOVE|ADD|WITH)\b",
    re.IGNORECASE,
)
# Text that might reach outside the dataset; anything else cannot, and skips the slow parse.
_SUSPICIOUS = re.compile(r"service|from|\\u|\\U", re.IGNORECASE)


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


# rdflib's SPARQL parser (pyparsing) keeps state between calls: two threads parsing at once
# fail with errors such as "postParse2() missing 1 required positional argument", which
# the endpoint would send as a 400 for a valid query (found by tests/test_load.py).
_PARSING = threading.Lock()


@lru_cache(maxsize=1024)
def reaches_outside(text: str, held: frozenset) -> str | None:
    """Why the query would fetch or read something outside the dataset, or None."""
    if not _SUSPICIOUS.search(text):
        return None
    from pyparsing import ParseException
    from rdflib.plugins.sparql.parser import parseQuery
    from rdflib.plugins.sparql.parserutils import CompValue

    try:
        with _PARSING:
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


# --- evaluation ------------------------------------------------------------------------


class Endpoint:
    """Queries over one pyoxigraph store, each run by a worker process of the pool (pool.py)
    within the limits. Its graphs: the default graph and the named graphs."""

    def __init__(self, store: ox.Store, limits: Limits | None = None):
        self.store = store
        self.limits = limits or Limits()
        self.held = frozenset(g.value for g in store.named_graphs() if isinstance(g, ox.NamedNode))
        self.pool = QueryPool(store, self.limits, PREFIXES)

    def answer(self, query: QueryRequest, accept: str | None) -> Response:
        """The answer to the query in the format `accept` asks for; HttpError when it is
        refused, fails, or runs over a limit. The time limit counts from now, waiting for a
        worker included."""
        deadline = time.monotonic() + self.limits.timeout
        if query.default_graphs or query.named_graphs:
            bad = [g for g in query.default_graphs + query.named_graphs if not _is_iri(g)]
            if bad:
                raise HttpError(400, f"{bad[0]!r} is not an absolute IRI", remedy="give graph IRIs")
        reason = reaches_outside(query.text, self.held)
        if reason:
            raise HttpError(403, f"refused before evaluation: {reason}")
        return self.pool.run(query, accept, deadline)

    def close(self) -> None:
        self.pool.close()


def _is_iri(value: str) -> bool:
    return re.match(r"^[A-Za-z][A-Za-z0-9+.-]*:[^\s<>\"{}|\\^`]*$", value) is not None
