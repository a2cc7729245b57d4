"""A client of the SPARQL 1.1 Graph Store HTTP Protocol, indirect graph identification:
`?default` names the default graph, `?graph=<IRI, percent-encoded once>` a named one. Every
request is checked: anything but a 2xx status raises `RemoteError` with the method, the URL
and the server's own words."""

import base64
import socket
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass

from rekg.core.errors import EXIT_USAGE, RekgError

DEFAULT = None  # the graph argument that means the store's default graph


class RemoteError(RekgError):
    """A store or endpoint that cannot be reached, refuses, fails or times out (exit 2).
    The message is one line: what was asked of which URL, and what came back."""

    def __init__(self, message: str, status: int | None = None):
        super().__init__(message, exit_code=EXIT_USAGE)
        self.status = status


@dataclass(frozen=True)
class Auth:
    """HTTP Basic credentials, or (user None) a bearer token such as QLever's access token."""

    user: str | None
    password: str

    def header(self) -> str:
        if self.user is None:
            return f"Bearer {self.password}"
        token = base64.b64encode(f"{self.user}:{self.password}".encode()).decode("ascii")
        return f"Basic {token}"


def graph_url(store: str, graph: str | None) -> str:
    """The request URL for a graph: `quote(..., safe='')` encodes every reserved character
    (and '%' itself), so the server decodes the IRI exactly once, as the protocol's tests
    require."""
    joiner = "&" if "?" in store else "?"
    if graph is DEFAULT:
        return f"{store}{joiner}default"
    return f"{store}{joiner}graph={urllib.parse.quote(graph, safe='')}"


def describe_failure(exc: BaseException) -> str:
    """Why a request got no HTTP answer, in a few words."""
    reason = exc.reason if isinstance(exc, urllib.error.URLError) else exc
    if isinstance(reason, (TimeoutError, socket.timeout)):
        return "no answer in time"
    if isinstance(reason, ConnectionRefusedError):
        return "connection refused (is the store running?)"
    if isinstance(reason, ConnectionResetError):
        return "the connection was reset"
    if isinstance(reason, socket.gaierror):
        return "unknown host"
    if isinstance(reason, OSError) and reason.strerror:
        return reason.strerror.lower()
    return str(reason) or type(reason).__name__


def http_failure(what: str, url: str, status: int, body: bytes, auth: Auth | None) -> RemoteError:
    """One line for an HTTP error status, with a remedy where there is an obvious one."""
    words = " ".join(body.decode("utf-8", "replace").split())[:200]
    if status == 401:
        hint = (
            "the store refused the credentials given"
            if auth
            else "the store needs credentials: give --user U --password-env VAR"
            " (or --token-env VAR)"
        )
        return RemoteError(f"{what} {url}: HTTP 401 Unauthorized: {hint}", 401)
    if status == 403:
        return RemoteError(f"{what} {url}: HTTP 403 Forbidden: the user may not do this", 403)
    if status == 404:
        return RemoteError(f"{what} {url}: HTTP 404 Not Found: check the URL", 404)
    tail = f": {words}" if words else ""
    return RemoteError(f"{what} {url}: HTTP {status}{tail}", status)


@dataclass
class Response:
    status: int
    headers: dict
    body: bytes


class GraphStore:
    """One Graph Store Protocol endpoint (e.g. Oxigraph's /store, Fuseki's /ds/data)."""

    def __init__(self, url: str, auth: Auth | None = None, timeout: float = 30.0):
        self.url = url
        self.auth = auth
        self.timeout = timeout
        # no redirect following: a redirected PUT would silently become a GET
        self._opener = urllib.request.build_opener(_NoRedirect)

    def request(
        self,
        method: str,
        graph: str | None,
        body: bytes | None = None,
        media_type: str | None = None,
        accept: str | None = None,
        ok_missing: bool = False,
    ) -> Response:
        url = graph_url(self.url, graph)
        req = urllib.request.Request(url, data=body, method=method)
        if media_type:
            req.add_header("Content-Type", media_type)
        if accept:
            req.add_header("Accept", accept)
        if self.auth is not None:
            req.add_header("Authorization", self.auth.header())
        try:
            with self._opener.open(req, timeout=self.timeout) as resp:
                return Response(resp.status, _lower(resp.headers), resp.read())
        except urllib.error.HTTPError as exc:
            data = exc.read() if exc.fp is not None else b""
            if ok_missing and exc.code == 404:
                return Response(404, _lower(exc.headers or {}), data)
            raise http_failure(method, url, exc.code, data, self.auth) from None
        except (urllib.error.URLError, OSError) as exc:
            raise RemoteError(f"{method} {url}: {describe_failure(exc)}") from None

    def put(self, graph: str | None, body: bytes, media_type: str) -> Response:
        """Replace the graph's content with the body."""
        return self.request("PUT", graph, body, media_type)

    def post(self, graph: str | None, body: bytes, media_type: str) -> Response:
        """Add the body's triples to the graph (never without ?graph= or ?default: Oxigraph
        and the protocol read a bare POST as 'create a new graph')."""
        return self.request("POST", graph, body, media_type)

    def delete(self, graph: str | None, ok_missing: bool = True) -> Response:
        return self.request("DELETE", graph, ok_missing=ok_missing)

    def get(self, graph: str | None, accept: str = "application/n-triples") -> Response:
        return self.request("GET", graph, accept=accept, ok_missing=True)

    def head(self, graph: str | None) -> Response:
        return self.request("HEAD", graph, ok_missing=True)


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, req, fp, code, msg, headers, newurl):
        return None


def _lower(headers) -> dict:
    return {key.lower(): value for key, value in headers.items()}
