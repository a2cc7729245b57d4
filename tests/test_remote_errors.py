"""What goes wrong talking to a store, against small real HTTP servers on loopback: one
line and exit 2 for an unreachable endpoint, an HTTP error, a timeout or an answer that is
not SPARQL results; a careful client; credentials only when the server asks for them, in
the scheme its challenge names (Basic, Digest), read from the environment, never from the
command line; and the store's own words shown, from an HTML page, or when it stopped
reading the upload."""

import base64
import hashlib
import json
import os
import re
import socket
import threading
import time
import urllib.parse

import pytest

from rekg.core.errors import UsageError
from rekg.remote.endpoint import Endpoint
from rekg.remote.gsp import DEFAULT, GraphStore, RemoteError, server_words
from rekg.remote.transport import Auth, Response, parse_challenges

from .conftest import run_cli
from .remote_helpers import Canned, G, LoopbackServer, closed_port

# --- errors: one line, exit 2 ---------------------------------------------------------


def _query_cli(url, *extra):
    return run_cli("query", "feedstock-suppliers", "--endpoint", url, *extra)


def test_unreachable_endpoint(tmp_path):
    url = f"http://127.0.0.1:{closed_port()}/query"
    result = _query_cli(url)
    assert (result.returncode, result.stdout) == (2, "")
    assert result.stderr == f"rekg: query {url}: connection refused (is the store running?)\n"


@pytest.mark.parametrize(
    "canned, message",
    [
        (
            Canned(401, b"who are you"),
            "HTTP 401 Unauthorized: the store needs credentials: give --user U --password-env VAR"
            " (or --token-env VAR)",
        ),
        (
            Canned(500, b"Internal error:\n  out of memory"),
            "HTTP 500: Internal error: out of memory",
        ),
        # waits out the client's timeout
        pytest.param(Canned(200, b"{}", delay=3), "no answer in time", marks=pytest.mark.slow),
        (
            Canned(200, b"<html>not json</html>", "text/html"),
            "the answer is not SPARQL JSON results (Expecting value: line 1 column 1 (char 0))",
        ),
    ],
    ids=["401", "500", "timeout", "not-json"],
)
def test_http_failures_are_one_line(canned, message):
    with LoopbackServer(lambda rec: canned) as fake:
        url = fake.url + "/query"
        start = time.perf_counter()
        result = _query_cli(url, "--timeout", "1")
        took = time.perf_counter() - start
    assert (result.returncode, result.stdout) == (2, "")
    assert result.stderr == f"rekg: query {url}: {message}\n"
    assert took < 10


def test_the_client_is_careful():
    """POST, a form body, no format parameter, JSON asked for by content negotiation,
    default-graph-uri when a graph is named."""
    doc = {"head": {"vars": ["x"]}, "results": {"bindings": []}}
    with LoopbackServer(
        lambda rec: Canned(200, json.dumps(doc).encode(), "application/sparql-results+json")
    ) as fake:
        Endpoint(fake.url + "/sparql", G).select("SELECT ?x WHERE { ?x ?p ?o }")
    (rec,) = fake.requests
    assert (rec.method, rec.path) == ("POST", "/sparql")
    assert rec.headers["content-type"] == "application/x-www-form-urlencoded"
    assert rec.headers["accept"].split(",")[0] == "application/sparql-results+json"
    assert urllib.parse.parse_qs(rec.body.decode()) == {
        "query": ["SELECT ?x WHERE { ?x ?p ?o }"],
        "default-graph-uri": [G],
    }
    assert "authorization" not in rec.headers


# --- credentials ----------------------------------------------------------------------


@pytest.mark.slow
def test_credentials_sent_only_when_asked_for_and_read_from_the_environment(built):
    """The first request goes without credentials; the server's Basic challenge gets them;
    the password comes from the environment variable named, never the command line."""
    answers = []

    def respond(rec):
        answers.append(rec.headers.get("authorization"))
        if rec.headers.get("authorization") != "Basic " + base64.b64encode(b"ana:s3cr=t").decode():
            return Canned(401, b"no", headers={"WWW-Authenticate": 'Basic realm="rekg"'})
        return Canned(
            200,
            b'{"head": {"vars": ["s"]}, "results": {"bindings": []}}',
            "application/sparql-results+json",
        )

    env = {**os.environ, "REKG_TEST_PASSWORD": "s3cr=t"}
    with LoopbackServer(respond) as fake:
        url = fake.url + "/query"
        anonymous = _query_cli(url)
        wrong = run_cli(
            "query",
            "feedstock-suppliers",
            "--endpoint",
            url,
            "--user",
            "bob",
            "--password-env",
            "REKG_TEST_PASSWORD",
            env=env,
        )
        right = run_cli(
            "query",
            "feedstock-suppliers",
            "--endpoint",
            url,
            "--user",
            "ana",
            "--password-env",
            "REKG_TEST_PASSWORD",
            env=env,
        )
        missing = run_cli(
            "query",
            "feedstock-suppliers",
            "--endpoint",
            url,
            "--user",
            "ana",
            "--password-env",
            "REKG_NO_SUCH_VARIABLE",
        )
        no_env = run_cli("query", "feedstock-suppliers", "--endpoint", url, "--user", "ana")
        gsp = GraphStore(fake.url + "/store", auth=None)
        with pytest.raises(RemoteError):
            gsp.put(DEFAULT, b"", "application/n-triples")
    basic = "Basic " + base64.b64encode(b"ana:s3cr=t").decode()
    # anonymous; bob, answering the challenge; ana, the same; the store without credentials
    assert answers == [None, None, "Basic Ym9iOnMzY3I9dA==", None, basic, None]
    assert anonymous.returncode == 2
    assert wrong.stderr == (
        f"rekg: query {url}: HTTP 401 Unauthorized: the store refused the credentials given\n"
    )
    assert right.returncode == 0, right.stderr
    assert right.stdout == "s\n-\n(0 rows)\n"
    # the two misuses below were refused before any request
    assert missing.returncode == no_env.returncode == 2
    assert missing.stderr.startswith(
        "rekg: --password-env REKG_NO_SUCH_VARIABLE: no such environment variable\n"
    )
    assert no_env.stderr.startswith("rekg: --user needs --password-env VAR\n")


def test_bearer_token_from_the_environment(monkeypatch):
    """QLever's access token (and other stores' tokens) go as 'Authorization: Bearer'."""
    from rekg.remote.endpoint import auth_from

    monkeypatch.setenv("REKG_TEST_TOKEN", "t0k3n")
    auth = auth_from(None, None, "REKG_TEST_TOKEN")
    empty = b'{"head": {"vars": []}, "results": {"bindings": []}}'
    with LoopbackServer(lambda rec: Canned(200, empty, "application/sparql-results+json")) as fake:
        Endpoint(fake.url + "/", auth=auth).select("ASK {}")
        GraphStore(fake.url + "/", auth=auth).put(G, b"", "application/n-triples")
    assert [r.headers["authorization"] for r in fake.requests] == ["Bearer t0k3n"] * 2
    with pytest.raises(UsageError) as both:
        auth_from("ana", "REKG_TEST_TOKEN", "REKG_TEST_TOKEN")
    assert both.value.message == "give --token-env or --user with --password-env, not both"


def test_remote_options_need_an_endpoint():
    result = run_cli("query", "feedstock-suppliers", "--graph", G)
    assert result.returncode == 2
    assert result.stderr.startswith("rekg: --graph needs --endpoint URL\n")


# --- the server's challenge decides: Digest -------------------------------------------

NONCE, REALM, OPAQUE = "5f3829f87864963b", "SPARQL", "5ebe2294ecd0e0f0"


def _digest_server(algorithm: str, password: str = "s3cr=t", stale_after: int | None = None):
    """A server that asks for Digest (as Virtuoso's -auth endpoints do) and checks the
    answer the way RFC 7616 computes it; `stale_after` requests into a nonce, it says the
    nonce is stale and hands out a new one."""
    h = {"MD5": hashlib.md5, "SHA-256": hashlib.sha256}[algorithm]
    nonces = [NONCE]
    seen = []

    def digest(x: str) -> str:
        return h(x.encode()).hexdigest()

    def challenge(stale="false"):
        value = (
            f'Digest realm="{REALM}", domain="/", nonce="{nonces[-1]}", opaque="{OPAQUE}", '
            f'stale="{stale}", qop="auth", algorithm="{algorithm}"'
        )
        return Canned(401, b"", "text/html", headers={"WWW-Authenticate": value})

    def respond(rec):
        header = rec.headers.get("authorization")
        seen.append(header)
        if header is None or not header.startswith("Digest "):
            return challenge()
        fields = dict(re.findall(r'(\w+)="?([^",]*)"?', header[len("Digest ") :]))
        if fields["nonce"] != nonces[-1]:
            return challenge()
        if stale_after is not None and int(fields["nc"], 16) > stale_after:
            nonces.append(nonces[-1] + "x")
            return challenge("true")
        secret = digest(f"ana:{REALM}:{password}")
        request = digest(f"{rec.method}:{rec.path}")
        expected = digest(
            f"{secret}:{fields['nonce']}:{fields['nc']}:{fields['cnonce']}:auth:{request}"
        )
        assert (fields["uri"], fields["opaque"], fields["algorithm"]) == (
            rec.path,
            OPAQUE,
            algorithm,
        )
        if fields["username"] != "ana" or fields["response"] != expected:
            return challenge()
        if rec.path.startswith("/store"):
            return Canned(201)
        empty = b'{"head": {"vars": ["s"]}, "results": {"bindings": []}}'
        return Canned(200, empty, "application/sparql-results+json")

    return respond, seen


@pytest.mark.parametrize("algorithm", ["MD5", "SHA-256"])
def test_a_digest_challenge_is_answered(algorithm):
    respond, seen = _digest_server(algorithm)
    auth = Auth("ana", "s3cr=t")
    with LoopbackServer(respond) as fake:
        store = GraphStore(fake.url + "/store", auth)
        store.put(G, b"<urn:a> <urn:b> <urn:c> .\n", "application/n-triples")
        store.put(G, b"<urn:a> <urn:b> <urn:d> .\n", "application/n-triples")
        Endpoint(fake.url + "/query", auth=auth).select("SELECT ?s WHERE { ?s ?p ?o }")
    # the first request of each client asks; the answer follows; the next request of the
    # same client answers at once, counting the nonce's use
    assert [h is None for h in seen] == [True, False, False, True, False]
    assert [re.search(r"nc=(\w+)", h).group(1) for h in seen if h] == [
        "00000001",
        "00000002",
        "00000001",
    ]
    assert fake.requests[1].body == b"<urn:a> <urn:b> <urn:c> .\n"  # the body, sent again
    assert all("Basic" not in (h or "") for h in seen)  # the password never goes in clear


def test_a_stale_nonce_is_renewed_and_a_wrong_password_refused():
    respond, seen = _digest_server("MD5", stale_after=1)
    with LoopbackServer(respond) as fake:
        store = GraphStore(fake.url + "/store", Auth("ana", "s3cr=t"))
        store.put(G, b"", "application/n-triples")
        store.put(G, b"", "application/n-triples")  # nc 2: stale, a new nonce, answered
        wrong = GraphStore(fake.url + "/store", Auth("ana", "wrong"))
        with pytest.raises(RemoteError) as refused:
            wrong.put(G, b"", "application/n-triples")
    # the first PUT: asked, answered; the second: answered (nc 2), stale, answered anew;
    # the refused one: asked, answered wrongly
    nonces = [re.search(r'nonce="(\w+)"', h).group(1) if h else None for h in seen]
    assert nonces == [None, NONCE, NONCE, NONCE + "x", None, NONCE + "x"]
    assert refused.value.message == (
        f"PUT {fake.url}/store?graph={urllib.parse.quote(G, safe='')}: HTTP 401 Unauthorized: "
        "the store refused the credentials given"
    )


def test_challenges_are_read_as_rfc_7235_writes_them():
    assert parse_challenges(
        ['Basic realm="a, b", Digest realm="x\\"y", nonce=abc, qop="auth,auth-int"', "Bearer"]
    ) == {
        "basic": {"realm": "a, b"},
        "digest": {"realm": 'x"y', "nonce": "abc", "qop": "auth,auth-int"},
        "bearer": {},
    }


# --- the store's own words, even when it stopped reading the upload ---------------------

VIRTUOSO_PAGE = (
    b'<!DOCTYPE HTML PUBLIC "-//IETF//DTD HTML 2.0//EN">\n<html>\n  <head>\n'
    b"    <title>SPARQL Graph Protocol request failed</title>\n  </head>\n  <body>\n"
    b"    <h1>HTTP/1.1 500 Request Failed</h1>\n    <h3>Error 22023</h3>\n"
    b'<xmp>The request to SPARQL 1.1 Graph Store endpoint contains "default" param but the '
    b"endpoint is not configured to have default graph</xmp></body></html>"
)
VIRTUOSO_WORDS = (
    'Error 22023 The request to SPARQL 1.1 Graph Store endpoint contains "default" param '
    "but the endpoint is not configured to have default graph"
)


def test_the_words_of_an_html_error_page():
    page = Response(
        500, {"content-type": "text/html; charset=UTF-8"}, VIRTUOSO_PAGE, "Request Failed"
    )
    assert server_words(page) == VIRTUOSO_WORDS
    plain = Response(500, {}, b"Internal error:\n  out of memory", "Internal Server Error")
    assert server_words(plain) == "Internal error: out of memory"


def test_the_answer_is_read_when_the_upload_is_cut_short():
    """A server that answers as soon as it has read the request's head and closes the
    connection without reading the body, as Virtuoso does: the client's write fails (a
    broken pipe or a reset), and the server's answer is what the user is shown."""
    listener = socket.create_server(("127.0.0.1", 0))
    port = listener.getsockname()[1]

    def serve():
        conn, _ = listener.accept()
        head = b""
        while b"\r\n\r\n" not in head:
            head += conn.recv(4096)
        conn.sendall(
            b"HTTP/1.1 500 Request Failed\r\nContent-Type: text/html; charset=UTF-8\r\n"
            + f"Content-Length: {len(VIRTUOSO_PAGE)}\r\nConnection: close\r\n\r\n".encode()
            + VIRTUOSO_PAGE
        )
        conn.shutdown(socket.SHUT_WR)
        time.sleep(0.2)  # the answer is on its way before the connection is dropped
        conn.close()

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    url = f"http://127.0.0.1:{port}/sparql-graph-crud"
    try:
        with pytest.raises(RemoteError) as failed:
            GraphStore(url).put(DEFAULT, b"<urn:a> <urn:b> <urn:c> .\n" * 400_000, "text/turtle")
    finally:
        thread.join(timeout=10)
        listener.close()
    assert failed.value.message == f"PUT {url}?default: HTTP 500: {VIRTUOSO_WORDS}"
