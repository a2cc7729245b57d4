"""A client of the SPARQL 1.1 Graph Store HTTP Protocol, indirect graph identification:
`?default` names the default graph, `?graph=<IRI, percent-encoded once>` a named one. Every
request is checked: anything but a 2xx status raises `RemoteError` with the method, the URL
and the server's own words (the text of an HTML error page). Requests go through
transport.py: credentials as the server's challenge asks, the answer read even when the
server stopped reading the body."""

import html
import re
import socket
import urllib.parse

from rekg.core.errors import EXIT_USAGE, RekgError
from rekg.remote.transport import Auth, Client, Response, Unanswered

DEFAULT = None  # the graph argument that means the store's default graph


class RemoteError(RekgError):
    """A store or endpoint that cannot be reached, refuses, fails or times out (exit 2).
    The message is one line: what was asked of which URL, and what came back."""

    def __init__(self, message: str, status: int | None = None):
        super().__init__(message, exit_code=EXIT_USAGE)
        self.status = status


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
    if isinstance(exc, TimeoutError):
        return "no answer in time"
    if isinstance(exc, ConnectionRefusedError):
        return "connection refused (is the store running?)"
    if isinstance(exc, BrokenPipeError):
        return "the store closed the connection before reading the request"
    if isinstance(exc, ConnectionResetError):
        return "the connection was reset"
    if isinstance(exc, socket.gaierror):
        return "unknown host"
    if isinstance(exc, Unanswered):
        return "the server's answer is not HTTP"
    if isinstance(exc, OSError) and exc.strerror:
        return exc.strerror.lower()
    return str(exc) or type(exc).__name__


# what to leave out of an HTML error page: its head (the title repeats the status), scripts
# and styles
_HTML_ASIDES = re.compile(r"(?is)<(head|script|style)\b.*?</\1\s*>")
_HTML_TAG = re.compile(r"<[^>]*>")
WORDS_SHOWN = 300  # characters of the server's own words in an error message


def server_words(response: Response) -> str:
    """What the server said, on one line: the text of an HTML page (Virtuoso and web
    servers answer errors with one), without the status line it may repeat."""
    text = response.body.decode("utf-8", "replace")
    content_type = response.headers.get("content-type", "").lower()
    if "html" in content_type or re.match(r"\s*<(!doctype\s+html|html)\b", text, re.I):
        text = html.unescape(_HTML_TAG.sub(" ", _HTML_ASIDES.sub(" ", text)))
    words = " ".join(text.split())
    status_line = re.match(
        rf"HTTP/[\d.]+ {response.status}( {re.escape(response.reason)})?\s*", words
    )
    if status_line:
        words = words[status_line.end() :]
    return words[:WORDS_SHOWN]


def http_failure(what: str, url: str, response: Response, auth: Auth | None) -> RemoteError:
    """One line for an HTTP error status, with a remedy where there is an obvious one."""
    status = response.status
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
    words = server_words(response)
    tail = f": {words}" if words else ""
    return RemoteError(f"{what} {url}: HTTP {status}{tail}", status)


def send(client: Client, what: str, method: str, url: str, body=None, headers=None) -> Response:
    """A request whose answer must come: one line (RemoteError) when none does."""
    try:
        return client.send(method, url, body, headers)
    except OSError as exc:
        raise RemoteError(f"{what} {url}: {describe_failure(exc)}") from None


class GraphStore:
    """One Graph Store Protocol endpoint (e.g. Oxigraph's /store, Fuseki's /ds/data,
    Virtuoso's /sparql-graph-crud-auth)."""

    def __init__(self, url: str, auth: Auth | None = None, timeout: float = 30.0):
        self.url = url
        self.auth = auth
        self.timeout = timeout
        self.client = Client(auth, timeout)

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
        headers = {}
        if media_type:
            headers["Content-Type"] = media_type
        if accept:
            headers["Accept"] = accept
        response = send(self.client, method, method, url, body, headers)
        if 200 <= response.status < 300 or (ok_missing and response.status == 404):
            return response
        raise http_failure(method, url, response, self.auth)

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
