"""Queries on a remote SPARQL 1.1 endpoint (the SPARQL 1.1 Protocol), as a careful client:
POST (URL-encoded form, which every store accepts), content negotiation only (no format=
parameter), SPARQL JSON results, an explicit timeout, credentials as the server's challenge
asks (transport.py), and one-line errors for whatever goes wrong on the way. Results come
back as `Rows` of rdflib terms, the same as local queries."""

import json
import os
import re
import urllib.parse
from dataclasses import dataclass, field

from rdflib import BNode, Literal, URIRef
from rdflib.namespace import XSD

from rekg.core.errors import UsageError
from rekg.graph.engine import Rows, prologue
from rekg.query.catalogue import StoredQuery
from rekg.remote.gsp import RemoteError, http_failure, send
from rekg.remote.transport import Auth, Client

DEFAULT_TIMEOUT = 30.0


def _secret(option: str, variable: str) -> str:
    value = os.environ.get(variable)
    if value is None:
        raise UsageError(
            f"{option} {variable}: no such environment variable",
            remedy=f"export {variable}=... before running rekg",
        )
    return value


def auth_from(
    user: str | None, password_env: str | None, token_env: str | None = None
) -> Auth | None:
    """Credentials only when asked for; the password or token comes from the environment
    variable named on the command line, never from the command line itself (where `ps`
    would show it)."""
    if token_env is not None:
        if user is not None or password_env is not None:
            raise UsageError("give --token-env or --user with --password-env, not both")
        return Auth(None, _secret("--token-env", token_env))
    if user is None and password_env is None:
        return None
    if user is None:
        raise UsageError("--password-env needs --user", remedy="give --user NAME as well")
    if password_env is None:
        raise UsageError(
            "--user needs --password-env VAR",
            remedy="put the password in an environment variable and name it: "
            "--password-env REKG_PASSWORD",
        )
    return Auth(user, _secret("--password-env", password_env))


def check_timeout(seconds: float) -> float:
    if not seconds > 0:
        raise UsageError(f"--timeout {seconds}: must be more than 0 seconds")
    return seconds


def term_from_json(cell: dict):
    """An rdflib term from a SPARQL 1.1 JSON results binding."""
    kind, value = cell.get("type"), cell.get("value", "")
    if kind == "uri":
        return URIRef(value)
    if kind == "bnode":
        return BNode(value)
    if kind in ("literal", "typed-literal"):
        if "xml:lang" in cell:
            return Literal(value, lang=cell["xml:lang"])
        datatype = cell.get("datatype")
        # RDF 1.1: a simple literal is an xsd:string; rdflib keeps them apart, and its own
        # results give simple literals, so a store that spells the datatype out would
        # otherwise never match
        if datatype is None or datatype == str(XSD.string):
            return Literal(value)
        return Literal(value, datatype=URIRef(datatype))
    raise ValueError(f"unknown term type {kind!r}")


def rows_from_json(doc: dict) -> Rows:
    if "boolean" in doc:
        return Rows(["ask"], [{"ask": Literal(bool(doc["boolean"]))}])
    variables = list(doc["head"].get("vars", []))
    rows = [
        {name: term_from_json(cell) for name, cell in binding.items()}
        for binding in doc["results"]["bindings"]
    ]
    return Rows(variables, rows)


RESULTS = "application/sparql-results+json, application/json;q=0.9"
FORM = "application/x-www-form-urlencoded"
_FIRST_WORD = re.compile(r"\s*([A-Za-z]+)")


def query_kind(text: str) -> str:
    """The first word after the prologue, upper case: SELECT, ASK, CONSTRUCT, DESCRIBE,
    or an update's (INSERT, DELETE, ...)."""
    word = _FIRST_WORD.match(text, prologue(text)[1])
    return word.group(1).upper() if word else ""


@dataclass
class Endpoint:
    """A SPARQL query endpoint; `graph` (sent as default-graph-uri) makes one named graph
    the default graph of every query, whatever the store's union-default-graph setting.
    `url` is None when no query service is known (a push then counts another way)."""

    url: str | None
    graph: str | None = None
    timeout: float = DEFAULT_TIMEOUT
    auth: Auth | None = None
    update_url: str | None = None
    client: Client = field(init=False, repr=False)

    def __post_init__(self):
        self.client = Client(self.auth, self.timeout)

    def select(self, text: str) -> Rows:
        """Rows of a SELECT or ASK query."""
        kind = query_kind(text)
        if kind not in ("SELECT", "ASK"):
            # an update sent from `rekg query` would change the store; a CONSTRUCT has no
            # rows: refuse both before anything is sent
            raise UsageError(
                f"rekg runs SELECT and ASK queries on an endpoint, not {kind or 'this'}",
                remedy="write the query as SELECT ... WHERE { ... }",
            )
        if self.url is None:
            raise UsageError("no SPARQL query endpoint is known", remedy="give --endpoint URL")
        fields = [("query", text)]
        if self.graph is not None:
            fields.append(("default-graph-uri", self.graph))
        body = self._post("query", self.url, fields, RESULTS)
        try:
            return rows_from_json(json.loads(body))
        except (ValueError, KeyError, TypeError, AttributeError) as exc:
            raise RemoteError(
                f"query {self.url}: the answer is not SPARQL JSON results ({exc})"
            ) from None

    def update(self, text: str) -> None:
        """Run a SPARQL Update request (one transaction on stores that have them)."""
        url = self.update_url or self.url
        self._post("update", url, [("update", text)], "*/*")

    def _post(self, what: str, url: str, fields: list, accept: str) -> bytes:
        body = urllib.parse.urlencode(fields).encode("ascii")
        headers = {"Content-Type": FORM, "Accept": accept, "User-Agent": "rekg"}
        response = send(self.client, what, "POST", url, body, headers)
        if not 200 <= response.status < 300:
            raise http_failure(what, url, response, self.auth)
        return response.body


def run_stored(endpoint: Endpoint, query: StoredQuery, bindings: dict) -> Rows:
    """A stored query with its parameters bound as typed terms (`rekg.query.bind`)."""
    from rekg.query.bind import bind

    return endpoint.select(bind(query.text, bindings))


def answerer(endpoint: Endpoint):
    """The `answer` hook of `rekg.pipeline.build`: every stored question, with its default
    parameters resolved on the local closure, answered by the endpoint."""
    from rekg.query.bind import bindings_for

    def bindings(query, closure):
        # defaults written as IRIs need no graph; only a label needs the closure's labels
        try:
            return bindings_for(query, {}, None)
        except UsageError:
            return bindings_for(query, {}, closure)

    def answer(closure, catalogue: dict[str, StoredQuery]) -> dict[str, Rows]:
        return {
            name: run_stored(endpoint, query, bindings(query, closure))
            for name, query in sorted(catalogue.items())
        }

    return answer
