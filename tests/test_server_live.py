"""The server over a real socket on 127.0.0.1, and the `rekg serve` command itself."""

import json
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path
from urllib.parse import urlencode

import pytest
from rdflib import Graph
from rdflib.compare import isomorphic
from rdflib.namespace import RDF

from rekg.core.namespaces import ID, REKG

from .conftest import ROOT
from .server_helpers import MYANMAR_CHINA, SPARQL_JSON, SUPPLIERS, TTL, rows_of, serving

# --- over a real socket ---------------------------------------------------------------


@pytest.fixture(scope="module")
def live(app):
    with serving(app, close=False) as (_, url):
        yield url


def fetch(url, accept=None, data=None, headers=None):
    request = urllib.request.Request(url, data=data, headers=headers or {})
    if accept:
        request.add_header("Accept", accept)
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, dict(response.headers), response.read()
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers), error.read()


@pytest.mark.store
def test_turtle_over_a_real_socket(live, served, capsys):
    status, headers, body = fetch(live + "/id/malaysia", TTL)
    assert status == 200
    assert headers["Content-Type"] == "text/turtle; charset=utf-8"
    assert headers["Vary"] == "Accept"
    assert isomorphic(Graph().parse(data=body, format="turtle"), served.describe(ID.malaysia))
    timings = []
    for _ in range(50):
        started = time.perf_counter()
        fetch(live + "/id/china", TTL)
        timings.append((time.perf_counter() - started) * 1000)
    timings.sort()
    with capsys.disabled():
        print(
            f"\nresource request over loopback: median {timings[25]:.1f} ms, max {timings[-1]:.1f} ms"
        )


@pytest.mark.store
def test_sparql_and_errors_over_a_real_socket(live):
    status, headers, body = fetch(live + "/sparql?" + urlencode({"query": SUPPLIERS}), SPARQL_JSON)
    assert status == 200
    assert rows_of(type("R", (), {"body": body})) == MYANMAR_CHINA
    status, headers, body = fetch(
        live + "/sparql",
        data=b"x" * 5000,
        headers={"Content-Type": "application/sparql-query"},
    )
    assert status == 413
    assert json.loads(body)["error"] == "the request body (5000 bytes) is over 4096 bytes"
    status, _, body = fetch(live + "/sparql?" + urlencode({"query": "ASK {"}), SPARQL_JSON)
    assert status == 400
    assert b"Traceback" not in body


def _start_cli(*args):
    rekg = Path(sys.executable).with_name("rekg")
    process = subprocess.Popen(
        [str(rekg), "serve", "--port", "0", "--quiet", *args],
        cwd=ROOT,
        stderr=subprocess.PIPE,
        text=True,
    )
    line = process.stderr.readline()
    return process, line


@pytest.mark.store
def test_rekg_serve_command(tmp_path):
    process, line = _start_cli("--site", str(tmp_path))
    try:
        assert line.startswith("rekg serve: http://127.0.0.1:"), line
        url = line.split()[2].rstrip("/")
        status, headers, body = fetch(url + "/id/malaysia", TTL)
        assert status == 200
        graph = Graph().parse(data=body, format="turtle")
        assert (ID.malaysia, RDF.type, REKG.Country) in graph
    finally:
        process.terminate()
        process.wait(timeout=10)


def test_rekg_serve_bad_usage():
    from .conftest import run_cli

    result = run_cli("serve", "--timeout", "0")
    assert result.returncode == 2
    assert result.stderr == (
        "rekg: --timeout must be positive, not 0\n  fix: for example --timeout 10.0 (the default)\n"
    )
    result = run_cli("serve", "--queue", "-1")
    assert result.returncode == 2
    assert "rekg: --queue must be 0 or more, not -1\n" in result.stderr
    result = run_cli("serve", "--query-memory", "0")
    assert result.returncode == 2
    assert "rekg: --query-memory must be positive, not 0\n" in result.stderr
    result = run_cli("serve", "--site", "/no/such/site")
    assert result.returncode == 2
    assert "no site folder at /no/such/site" in result.stderr
