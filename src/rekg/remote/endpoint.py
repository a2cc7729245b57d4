"""Queries on a remote SPARQL 1.1 endpoint through SPARQLWrapper, as a careful client: POST
(URL-encoded form, which every store accepts), content negotiation only (no format=
parameter), SPARQL JSON results, an explicit timeout, and one-line errors for whatever goes
wrong on the way. Results come back as `Rows` of rdflib terms, the same as local queries."""

import ast
import json
import os
import urllib.error
from dataclasses import dataclass

from rdflib import BNode, Literal, URIRef
from rdflib.namespace import XSD

from rekg.core.errors import UsageError
from rekg.graph.engine import Rows
from rekg.query.catalogue import StoredQuery
from rekg.remote.gsp import Auth, RemoteError, describe_failure, http_failure

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


@dataclass
class Endpoint:
    """A SPARQL query endpoint; `graph` (sent as default-graph-uri) makes one named graph
    the default graph of every query, whatever the store's union-default-graph setting."""

    url: str
    graph: str | None = None
    timeout: float = DEFAULT_TIMEOUT
    auth: Auth | None = None
    update_url: str | None = None

    def _wrapper(self, url: str):
        from SPARQLWrapper import JSON, POST, URLENCODED, SPARQLWrapper

        client = SPARQLWrapper(url, updateEndpoint=self.update_url or url)
        client.setMethod(POST)
        client.setRequestMethod(URLENCODED)
        client.setOnlyConneg(True)
        client.setReturnFormat(JSON)
        client.setTimeout(self.timeout)
        if self.auth is not None:
            # one header, sent with the request: no challenge round trip, and the same
            # code for Basic credentials and bearer tokens
            client.addCustomHttpHeader("Authorization", self.auth.header())
        return client

    def select(self, text: str) -> Rows:
        """Rows of a SELECT or ASK query."""
        client = self._wrapper(self.url)
        if self.graph is not None:
            client.addDefaultGraph(self.graph)
        client.setQuery(text)
        if client.queryType not in ("SELECT", "ASK"):
            # an update sent from `rekg query` would change the store; a CONSTRUCT has no
            # rows: refuse both before anything is sent
            raise UsageError(
                f"rekg runs SELECT and ASK queries on an endpoint, not {client.queryType}",
                remedy="write the query as SELECT ... WHERE { ... }",
            )
        body = self._send(client, "query", self.url)
        try:
            return rows_from_json(json.loads(body))
        except (ValueError, KeyError, TypeError, AttributeError) as exc:
            raise RemoteError(
                f"query {self.url}: the answer is not SPARQL JSON results ({exc})"
            ) from None

    def update(self, text: str) -> None:
        """Run a SPARQL Update request (one transaction on stores that have them)."""
        url = self.update_url or self.url
        client = self._wrapper(url)
        client.setQuery(text)
        self._send(client, "update", url)

    def _send(self, client, what: str, url: str) -> bytes:
        from SPARQLWrapper import SPARQLExceptions

        try:
            result = client.query()
            return result.response.read()
        except SPARQLExceptions.SPARQLWrapperException as exc:
            status = _STATUS.get(type(exc).__name__, 0)
            raise http_failure(what, url, status, _body_of(exc), self.auth) from None
        except urllib.error.HTTPError as exc:
            data = exc.read() if exc.fp is not None else b""
            raise http_failure(what, url, exc.code, data, self.auth) from None
        except (urllib.error.URLError, OSError) as exc:
            raise RemoteError(f"{what} {url}: {describe_failure(exc)}") from None


_STATUS = {
    "QueryBadFormed": 400,
    "Unauthorized": 401,
    "EndPointNotFound": 404,
    "URITooLong": 414,
    "EndPointInternalError": 500,
}


def _body_of(exc) -> bytes:
    # SPARQLWrapper keeps the server's answer only inside its message, after "Response:"
    text = str(exc)
    marker = "Response:\n"
    if marker not in text:
        return b""
    raw = text.split(marker, 1)[1]
    try:
        value = ast.literal_eval(raw)
        return value if isinstance(value, bytes) else str(value).encode()
    except (ValueError, SyntaxError):
        return raw.encode()


def run_stored(endpoint: Endpoint, query: StoredQuery, bindings: dict) -> Rows:
    """A stored query with its parameters bound as typed terms in a VALUES block."""
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
