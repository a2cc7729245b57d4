"""The server under a mixed load, with runaway queries sent while it lasts: many keep-alive
clients, each sending in turn the stored questions through /api/queries, ad-hoc SPARQL
through /sparql and pages (HTML and Turtle), while one more client keeps sending queries
that would run for minutes and fill the memory. The clients' requests must all succeed;
the runaways must each be stopped with an error, and the server must be up at the end.
Used by the benchmark (`rekg bench`) and by tests/test_load.py."""

import http.client
import threading
import time
import urllib.parse

# What the clients send, in turn (each client starts at its own place in the list).
SPARQL = "PREFIX rekg: <https://w3id.org/rekg/ontology#> SELECT ?s ?o WHERE {{ ?s {} ?o }}"
ADHOC = [
    SPARQL.format("rekg:suppliesFeedstockTo"),
    SPARQL.format("rekg:hostsProcessingFor"),
    "ASK { ?s ?p ?o }",
    "SELECT (COUNT(*) AS ?n) WHERE { ?s a ?c }",
]
PAGES = [("/id/china", "text/html"), ("/id/malaysia", "text/turtle"), ("/", "text/html")]
# Queries that would take minutes and gigabytes: a cross product sorted, and one counted.
RUNAWAYS = [
    "SELECT * WHERE { ?a ?b ?c . ?d ?e ?f } ORDER BY ?c ?f",
    "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }",
]
JSON = "application/sparql-results+json"


def requests_for(questions: list[str]) -> list[tuple[str, str]]:
    """(path, Accept) of every request of the mix."""
    mix = [(f"/api/queries/{name}", JSON) for name in questions]
    mix += [("/sparql?" + urllib.parse.urlencode({"query": q}), JSON) for q in ADHOC]
    return mix + PAGES


def _send(conn: http.client.HTTPConnection, path: str, accept: str) -> tuple[int, bytes]:
    conn.request("GET", path, headers={"Accept": accept})
    response = conn.getresponse()
    return response.status, response.read()


def run(port: int, questions: list[str], clients: int = 32, seconds: float = 20.0,
        runaway_pause: float = 2.0) -> dict:  # fmt: skip
    """Send the mix from `clients` threads for `seconds`, and runaways one after another
    (a pause between them) from one more thread. Returns counts and percentiles."""
    mix = requests_for(questions)
    latencies: list[list[float]] = [[] for _ in range(clients)]
    errors: list[str] = []
    runaways: list[tuple[int, float]] = []
    stop_at = time.perf_counter() + seconds

    def client(i: int) -> None:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        turn = i
        try:
            while time.perf_counter() < stop_at:
                path, accept = mix[turn % len(mix)]
                turn += 1
                t = time.perf_counter()
                status, body = _send(conn, path, accept)
                if status != 200:
                    errors.append(f"GET {path[:80]} answered {status}: {body[:160]!r}")
                    conn.close()  # a fresh connection after an error, as a client would
                    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
                    continue
                latencies[i].append(time.perf_counter() - t)
        except Exception as exc:  # a broken connection is an error to report, not hide
            errors.append(f"client {i}: {type(exc).__name__}: {exc}")
        finally:
            conn.close()

    def runaway() -> None:
        turn = 0
        while time.perf_counter() < stop_at:
            query = RUNAWAYS[turn % len(RUNAWAYS)]
            turn += 1
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
            t = time.perf_counter()
            try:
                status, _ = _send(conn, "/sparql?" + urllib.parse.urlencode({"query": query}), JSON)
            except Exception as exc:
                errors.append(f"runaway: {type(exc).__name__}: {exc}")
                return
            finally:
                conn.close()
            runaways.append((status, time.perf_counter() - t))
            time.sleep(runaway_pause)

    threads = [threading.Thread(target=client, args=(i,)) for i in range(clients)]
    threads.append(threading.Thread(target=runaway))
    began = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.perf_counter() - began
    every = sorted(x for per in latencies for x in per)

    def pct(p: float) -> float | None:
        return round(every[min(len(every) - 1, int(p * len(every)))] * 1000, 2) if every else None

    return {
        "clients": clients,
        "seconds": round(elapsed, 2),
        "requests": len(every),
        "requests_per_s": round(len(every) / elapsed, 1),
        "p50_ms": pct(0.50),
        "p99_ms": pct(0.99),
        "errors": errors,
        "runaways": [status for status, _ in runaways],
        "runaway_s": [round(s, 2) for _, s in runaways],
    }
