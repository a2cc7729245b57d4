"""A query worker: a process of its own that holds a copy of the served graph and answers
one SPARQL query at a time, started and stopped by the pool (pool.py).

pyoxigraph cannot cancel a query it is evaluating, so a query that must stop at its deadline
has to run where it can be killed: here. The worker also caps its own memory (RLIMIT_DATA:
the graph it holds plus the per-query allowance), so a query that would take more fails
inside the worker, which dies alone; the server and the other workers go on.

Frames on stdin and stdout: an 8-byte big-endian length, then a pickle. The first frame in
is the configuration; the worker answers it with ("ready", facts), then each query with one
reply (see `answer`). Run as `python -m rekg.serve.worker`; it is never meant for a user."""

import os
import pickle
import re
import resource
import struct
import sys
import threading
import time
from dataclasses import asdict

import pyoxigraph as ox

from rekg.serve.evaluate import QueryRequest, Timeout, evaluate, respond
from rekg.serve.http import HttpError

HEADER = struct.Struct(">Q")
# How often the worker looks whether the server that started it is still there. The server
# kills a worker it gives up on; this is for the server itself being killed.
ORPHAN_CHECK_SECONDS = 0.5
# Queries yield the processor to the server's own threads (pages, resources, admission) when
# the machine is busy, so a runaway query slows those down as little as it can.
NICENESS = 5


def read_exactly(stream, size: int) -> bytes | None:
    """`size` bytes from a blocking binary stream, or None at its end."""
    chunks, missing = [], size
    while missing:
        chunk = stream.read(missing)
        if not chunk:
            return None
        chunks.append(chunk)
        missing -= len(chunk)
    return b"".join(chunks)


def read_frame(stream):
    header = read_exactly(stream, HEADER.size)
    if header is None:
        return None
    body = read_exactly(stream, HEADER.unpack(header)[0])
    return None if body is None else pickle.loads(body)


def frame(value) -> bytes:
    body = pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL)
    return HEADER.pack(len(body)) + body


def write_all(stream, data: bytes) -> None:
    """All of `data` to an unbuffered binary stream (a pipe may take it in parts)."""
    view = memoryview(data)
    while view:
        view = view[stream.write(view) :]


def memory_kb(field: str) -> int:
    """A figure of /proc/self/status (VmData, VmRSS, VmHWM), in kB."""
    with open("/proc/self/status", encoding="ascii") as status:
        return int(re.search(rf"^{field}:\s+(\d+)", status.read(), re.MULTILINE).group(1))


def answer(store: ox.Store, job: dict, config: dict) -> tuple:
    """One reply: ("ok", response fields), ("error", HttpError fields), ("timeout",),
    ("memory",) or ("crash", what the engine said)."""
    try:
        query = QueryRequest(**job["query"])
        deadline = time.monotonic() + job["seconds"]
        outcome = evaluate(store, query, deadline, config["row_cap"])
        response = respond(outcome, job["accept"], config["row_cap"], config["prefixes"])
        return ("ok", asdict(response))
    except HttpError as error:
        return ("error", asdict(error))
    except Timeout:
        return ("timeout",)
    except MemoryError:
        return ("memory",)
    except Exception as exc:  # the engine's own refusals while evaluating (a bad regex, ...)
        return ("error", asdict(HttpError(400, f"the query failed: {exc}", "check the query")))
    except BaseException as exc:  # a panic of the engine (pyo3's PanicException)
        return ("crash", f"{type(exc).__name__}: {exc}")


def _exit_when_orphaned(parent: int):
    while True:
        time.sleep(ORPHAN_CHECK_SECONDS)
        if os.getppid() != parent:
            os._exit(0)


def main() -> int:
    # the frames go out on a private copy of stdout, and fd 1 joins stderr, so that nothing
    # printed by a library can break a frame
    out = os.fdopen(os.dup(1), "wb", buffering=0)
    os.dup2(2, 1)
    inp = os.fdopen(0, "rb", buffering=0)
    config = read_frame(inp)
    if config is None:
        return 0
    threading.Thread(target=_exit_when_orphaned, args=(config["parent"],), daemon=True).start()
    os.nice(NICENESS)
    store = ox.Store()
    store.load(path=config["graph"], format=ox.RdfFormat.N_QUADS)
    graph_kb = memory_kb("VmData")
    ceiling = graph_kb * 1024 + config["query_memory_mb"] * 1024 * 1024
    resource.setrlimit(resource.RLIMIT_DATA, (ceiling, ceiling))
    write_all(out, frame(("ready", {"data_kb": graph_kb, "rss_kb": memory_kb("VmRSS")})))
    while True:
        job = read_frame(inp)
        if job is None:  # the pool closed the pipe: stop
            return 0
        reply = answer(store, job, config)
        try:
            data = frame(reply)
        except MemoryError:
            data = frame(("memory",))
        write_all(out, data)
        del reply, data


if __name__ == "__main__":
    sys.exit(main())
