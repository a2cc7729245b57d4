"""Real servers for tests/test_grlc.py: `rekg serve` and grlc (CLARIAH's web-API server
for folders of SPARQL queries, from PyPI, in its own virtualenv) on free loopback ports in
temporary folders; what grlc's API answers; the values a parameter can take; and SPARQL JSON rows as
comparable values."""

import json
import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlencode

from rdflib import Literal, URIRef
from rdflib.namespace import XSD

from .remote_helpers import free_port

ROOT = Path(__file__).resolve().parent.parent
GRLC_VENV = ROOT / ".venv-grlc"
ENSURE_GRLC = ROOT / "scripts" / "ensure-grlc.sh"
QUESTIONS = ROOT / "queries" / "questions"
KIND_DATATYPES = {
    "integer": XSD.integer,
    "decimal": XSD.decimal,
    "boolean": XSD.boolean,
    "date": XSD.date,
}
START_TIMEOUT = 60  # seconds; rekg serve reasons the closure first when dist/ is stale


def ensure_grlc() -> Path:
    """grlc's virtualenv, installed by the project's script when missing (a no-op once its
    stamp is there, so offline after the first install)."""
    done = subprocess.run([str(ENSURE_GRLC)], capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stderr
    return GRLC_VENV


def _wait_for(process: subprocess.Popen, log: Path, ready) -> str:
    """The log's text once `ready(text)` is true; the log in the error when the process
    dies or takes too long."""
    deadline = time.monotonic() + START_TIMEOUT
    while time.monotonic() < deadline:
        text = log.read_text(encoding="utf-8", errors="replace")
        if ready(text):
            return text
        if process.poll() is not None:
            raise RuntimeError(f"{process.args[0]} exited with {process.returncode}:\n{text}")
        time.sleep(0.05)
    raise RuntimeError(f"{process.args[0]} did not start within {START_TIMEOUT} s:\n{text}")


def _stop(process: subprocess.Popen | None) -> None:
    if process is not None and process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=10)


class RekgServe:
    """`rekg serve --port 0` on 127.0.0.1 over the repository's project; its stderr goes
    to a file, so a chatty server can never block on a full pipe."""

    def __init__(self, folder: Path):
        self.folder = folder
        self.process = None
        self.url = ""

    @property
    def sparql(self) -> str:
        return self.url + "/sparql"

    def start(self) -> "RekgServe":
        site = self.folder / "site"  # empty: only /sparql matters here
        site.mkdir()
        log = self.folder / "rekg-serve.log"
        rekg = Path(sys.executable).with_name("rekg")
        with log.open("w") as out:
            self.process = subprocess.Popen(
                [str(rekg), "serve", "--port", "0", "--quiet", "--site", str(site)],
                cwd=ROOT,
                stdin=subprocess.DEVNULL,
                stdout=subprocess.DEVNULL,
                stderr=out,
            )
        try:
            first = _wait_for(self.process, log, lambda text: "\n" in text).splitlines()[0]
            assert first.startswith("rekg serve: http://127.0.0.1:"), first
            self.url = first.split()[2].rstrip("/")
        except BaseException:
            self.stop()
            raise
        return self

    def stop(self) -> None:
        _stop(self.process)
        self.process = None


class Grlc:
    """grlc in its local mode under gunicorn on 127.0.0.1: it reads the .rq files of
    `queries` in place (its LocalLoader) and sends every query to `endpoint`. grlc reads
    its configuration from config.ini in its working folder, here a temporary one."""

    def __init__(self, venv: Path, folder: Path, queries: Path, endpoint: str):
        self.venv, self.folder, self.queries, self.endpoint = venv, folder, queries, endpoint
        self.port = free_port()
        self.process = None

    @property
    def api(self) -> str:
        return f"http://127.0.0.1:{self.port}/api-local"

    def start(self) -> "Grlc":
        # user and password "none" are grlc's way of saying: send no Authorization header
        (self.folder / "config.ini").write_text(
            "[defaults]\n"
            f"sparql_endpoint = {self.endpoint}\n"
            "user = none\n"
            "password = none\n"
            f"server_name = 127.0.0.1:{self.port}\n"
            "debug = False\n"
            "[local]\n"
            f"local_sparql_dir = {self.queries}\n",
            encoding="utf-8",
        )
        log = self.folder / "grlc.log"
        # grlc's own grlc-server binds 0.0.0.0 with 20 workers: gunicorn is run directly,
        # on loopback, with one worker and no control socket in $HOME
        args = [
            str(self.venv / "bin" / "gunicorn"),
            "--bind",
            f"127.0.0.1:{self.port}",
            "--workers",
            "1",
            "--timeout",
            "60",
            "--no-control-socket",
            "grlc.server:app",
        ]
        env = {**os.environ, "NO_PROXY": "127.0.0.1,localhost", "no_proxy": "127.0.0.1,localhost"}
        with log.open("w") as out:
            self.process = subprocess.Popen(
                args,
                cwd=self.folder,
                env=env,
                stdin=subprocess.DEVNULL,
                stdout=out,
                stderr=subprocess.STDOUT,
            )
        try:
            _wait_for(self.process, log, lambda text: "Booting worker" in text)
            self._wait_for_port()
        except BaseException:
            self.stop()
            raise
        return self

    def _wait_for_port(self) -> None:
        deadline = time.monotonic() + START_TIMEOUT
        while time.monotonic() < deadline:
            try:
                socket.create_connection(("127.0.0.1", self.port), timeout=0.2).close()
                return
            except OSError:
                time.sleep(0.05)
        raise RuntimeError(f"grlc did not listen on port {self.port} within {START_TIMEOUT} s")

    def stop(self) -> None:
        _stop(self.process)
        self.process = None

    def log(self) -> str:
        return (self.folder / "grlc.log").read_text(encoding="utf-8", errors="replace")

    def spec(self) -> dict:
        """grlc's Swagger 2.0 description of the folder: what it read from each header."""
        status, _, body = self.get("/swagger", accept="application/json")
        assert status == 200, body
        return json.loads(body)

    def get(self, path: str, params: dict | None = None, accept: str = "*/*"):
        """(status, content type, body) of a GET on grlc's API. grlc needs an Accept header:
        without one it fails with 500 (it reads request.headers["Accept"])."""
        url = self.api + path + ("?" + urlencode(params) if params else "")
        request = urllib.request.Request(url, headers={"Accept": accept})
        try:
            with urllib.request.urlopen(request, timeout=90) as response:
                return response.status, response.headers["Content-Type"], response.read()
        except urllib.error.HTTPError as error:
            return error.code, error.headers["Content-Type"], error.read()


def fits(term, kind: str) -> bool:
    """Whether `term` is a value of a parameter of this kind (rekg's catalogue's kinds)."""
    if kind == "iri":
        return isinstance(term, URIRef)
    if not isinstance(term, Literal):
        return False
    if kind == "en":
        return term.language == "en"
    if kind == "string":
        return term.language is None and term.datatype in (None, XSD.string)
    return term.datatype == KIND_DATATYPES[kind]


def candidates(graph, kind: str) -> list:
    """Every value of the kind the graph holds: all a parameter can match."""
    return sorted({t for triple in graph for t in triple if fits(t, kind)}, key=str)


@dataclass(frozen=True)
class Answer:
    """A SELECT answer as SPARQL JSON gives it: the variables, and each row as a sorted
    tuple of (variable, type, value, datatype or language), unbound variables left out."""

    variables: tuple
    rows: tuple

    @classmethod
    def from_json(cls, text) -> "Answer":
        doc = json.loads(text)
        return cls(
            tuple(doc["head"]["vars"]),
            tuple(row_of(binding) for binding in doc["results"]["bindings"]),
        )


def row_of(binding: dict) -> tuple:
    """One SPARQL JSON binding as a comparable row: typed terms, never bare strings."""
    return tuple(
        sorted(
            (
                var,
                term["type"],
                term["value"],
                term.get("datatype") or ("@" + term["xml:lang"] if "xml:lang" in term else ""),
            )
            for var, term in binding.items()
        )
    )
