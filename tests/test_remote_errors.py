"""What goes wrong talking to a store, against small real HTTP servers on loopback: one
line and exit 2 for an unreachable endpoint, an HTTP error, a timeout or an answer that is
not SPARQL results; a careful client; credentials only when given, read from the
environment, never from the command line."""

import base64
import json
import os
import time
import urllib.parse

import pytest

from rekg.core.errors import UsageError
from rekg.remote.endpoint import Endpoint
from rekg.remote.gsp import DEFAULT, GraphStore, RemoteError

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
def test_credentials_sent_only_when_given_and_read_from_the_environment(built):
    answers = []

    def respond(rec):
        answers.append(rec.headers.get("authorization"))
        if rec.headers.get("authorization") != "Basic " + base64.b64encode(b"ana:s3cr=t").decode():
            return Canned(401, b"no")
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
    assert answers[0] is None and answers[-1] is None  # anonymous: no header at all
    assert anonymous.returncode == 2
    assert wrong.stderr == (
        f"rekg: query {url}: HTTP 401 Unauthorized: the store refused the credentials given\n"
    )
    assert right.returncode == 0, right.stderr
    assert right.stdout == "s\n-\n(0 rows)\n"
    assert len(answers) == 4  # the two misuses below were refused before any request
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
