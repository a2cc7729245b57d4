"""The server under load: one stored query through `rekg serve`'s /api/queries, with many
concurrent keep-alive clients, beside `oxigraph serve` answering the same bound query over
the same closure (the anchor), measured in the same run on the same machine; then rekg
alone under the mixed load of mixed_load.py, runaway queries included."""

import http.client
import json
import shutil
import socket
import subprocess
import sys
import threading
import time
import urllib.parse
from pathlib import Path

from rekg.bench import mixed_load
from rekg.query.bind import bind, bindings_for
from rekg.query.catalogue import load_catalogue

ACCEPT = "application/sparql-results+json"
MIXED_CLIENTS, MIXED_SECONDS = 32, 20.0


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _wait_for(port: int, process: subprocess.Popen, seconds: float = 120.0) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"server exited with {process.returncode}")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.2):
                return
        except OSError:
            time.sleep(0.1)
    raise RuntimeError(f"nothing listens on port {port} after {seconds:.0f} s")


def _get(conn: http.client.HTTPConnection, path: str) -> bytes:
    conn.request("GET", path, headers={"Accept": ACCEPT})
    response = conn.getresponse()
    body = response.read()
    if response.status != 200:
        raise RuntimeError(f"GET {path[:80]} answered {response.status}: {body[:200]!r}")
    return body


def hammer(port: int, path: str, clients: int, seconds: float) -> dict:
    """Requests per second and latency percentiles of `clients` threads, each on its own
    keep-alive connection, sending `path` for `seconds` after one warm-up request each."""
    latencies: list[list[float]] = [[] for _ in range(clients)]
    errors: list[str] = []
    start = threading.Barrier(clients + 1)
    stop_at = [0.0]

    def client(i: int) -> None:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        try:
            _get(conn, path)
            start.wait()
            while time.perf_counter() < stop_at[0]:
                t = time.perf_counter()
                _get(conn, path)
                latencies[i].append(time.perf_counter() - t)
        except Exception as exc:  # a failed request ends the measurement: report, not hide
            errors.append(str(exc))
        finally:
            conn.close()

    threads = [threading.Thread(target=client, args=(i,)) for i in range(clients)]
    for thread in threads:
        thread.start()
    stop_at[0] = time.perf_counter() + 3600
    start.wait()
    began = time.perf_counter()
    stop_at[0] = began + seconds
    for thread in threads:
        thread.join()
    elapsed = time.perf_counter() - began
    every = sorted(x for per in latencies for x in per)
    if errors or not every:
        return {"finished": False, "error": errors[0] if errors else "no request completed"}

    def pct(p: float) -> float:
        return round(every[min(len(every) - 1, int(p * len(every)))] * 1000, 2)

    return {
        "finished": True,
        "requests": len(every),
        "requests_per_s": round(len(every) / elapsed, 1),
        "p50_ms": pct(0.50),
        "p99_ms": pct(0.99),
        "clients": clients,
        "seconds": round(elapsed, 2),
    }


def compare(
    root: Path,
    dist: Path,
    work: Path,
    query: str = "feedstock-suppliers",
    clients: int = 16,
    seconds: float = 5.0,
    mixed: tuple[int, float] = (MIXED_CLIENTS, MIXED_SECONDS),
) -> dict:
    """`rekg serve` on the project at `root` (answering from `dist`) against `oxigraph serve`
    holding the same closure; the same stored query with its default parameters."""
    stored = load_catalogue(root / "queries")[query]
    text = bind(stored.text, bindings_for(stored, {}, None))
    shutil.copytree(dist, root / "dist", dirs_exist_ok=True)  # fresh, so serve reads it
    site = work / "empty-site"  # the API is measured, not pages
    site.mkdir(parents=True, exist_ok=True)
    rekg_port, ox_port = _free_port(), _free_port()
    rekg = subprocess.Popen(
        [str(Path(sys.executable).with_name("rekg")), "--root", str(root), "serve", "--port",
         str(rekg_port), "--quiet", "--site", str(site)],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)  # fmt: skip
    anchor = subprocess.Popen(
        [str(Path(sys.executable).with_name("oxigraph")), "serve", "--bind",
         f"127.0.0.1:{ox_port}"],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)  # fmt: skip
    try:
        _wait_for(rekg_port, rekg)
        _wait_for(ox_port, anchor)
        conn = http.client.HTTPConnection("127.0.0.1", ox_port, timeout=120)
        conn.request("POST", "/store?default", body=(dist / "rekg-inferred.ttl").read_bytes(),
                     headers={"Content-Type": "text/turtle"})  # fmt: skip
        loaded = conn.getresponse()
        loaded.read()
        conn.close()
        if loaded.status not in (200, 201, 204):
            raise RuntimeError(f"loading oxigraph answered {loaded.status}")
        rekg_path = f"/api/queries/{query}"
        ox_path = "/query?" + urllib.parse.urlencode({"query": text})
        rows = {}
        for name, port, path in (("rekg", rekg_port, rekg_path), ("oxigraph", ox_port, ox_path)):
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
            rows[name] = len(json.loads(_get(conn, path))["results"]["bindings"])
            conn.close()
        if rows["rekg"] != rows["oxigraph"]:
            raise RuntimeError(f"the two servers disagree: {rows}")
        result = {
            "query": query,
            "rows": rows["rekg"],
            "rekg": hammer(rekg_port, rekg_path, clients, seconds),
            "oxigraph": hammer(ox_port, ox_path, clients, seconds),
            # then everything at once, with runaway queries sent meanwhile (rekg alone:
            # oxigraph serve has no deadline to stop a runaway at)
            "mixed": mixed_load.run(rekg_port, sorted(load_catalogue(root / "queries")), *mixed),
        }
        if result["rekg"].get("finished") and result["oxigraph"].get("finished"):
            result["throughput_ratio"] = round(
                result["rekg"]["requests_per_s"] / result["oxigraph"]["requests_per_s"], 3
            )
        return result
    except RuntimeError as exc:
        return {"query": query, "finished": False, "error": str(exc)}
    finally:
        for process in (rekg, anchor):
            process.terminate()
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()
