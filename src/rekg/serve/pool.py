"""The query workers: a fixed number of processes (worker.py), each holding a copy of the
served graph, and the admission of queries to them.

Admission is one count, taken under one lock when a query starts: a query holds a worker from
its admission until its answer, and a worker that is being stopped (its query ran over its
time or memory) still counts until its process is gone. So `max_queries` queries run at
once, at most `queue` more wait for a worker (until their own deadline), and the rest are
refused at once with 503 and Retry-After. A worker that is killed is replaced at once, in
the background; the replacement takes the next query when it has loaded the graph.

The graph reaches the workers as one N-Quads dump in an unlinked temporary file, so nothing
is left on disk whatever becomes of the server."""

import contextlib
import os
import pickle
import select
import signal
import subprocess
import sys
import tempfile
import threading
import time
import weakref
from dataclasses import dataclass, field

import pyoxigraph as ox

from rekg.serve.evaluate import QueryRequest, time_limit_error
from rekg.serve.http import HttpError, Response
from rekg.serve.limits import Limits
from rekg.serve.worker import HEADER, frame, write_all

# How long a killed worker may take to be gone before the pool stops waiting for it on the
# request's thread (and leaves the wait to a thread of its own).
REAP_SECONDS = 5.0
# Time to hand over an answer already computed: its bytes are on their way when the deadline
# strikes, so the reply is read to its end rather than thrown away.
TRANSFER_SECONDS = 5.0


@dataclass(eq=False)
class _Worker:
    index: int
    state: str = "new"  # new (no process), starting, idle, stopping (killed, not yet gone)
    reserved: bool = False  # a query holds it
    process: subprocess.Popen | None = None
    log: object = None  # the worker's stderr: an unlinked temporary file
    facts: dict = field(default_factory=dict)  # what it said when ready (its memory)
    failure: str | None = None  # why its last start failed


class QueryPool:
    """Runs queries in worker processes, within the limits."""

    def __init__(self, store: ox.Store, limits: Limits, prefixes: dict):
        self.store = store
        self.limits = limits
        self.prefixes = dict(prefixes)
        self._workers = [_Worker(i) for i in range(limits.max_queries)]
        lock = threading.Lock()
        # two conditions on one lock: a worker came free (one waiter is woken: one worker),
        # and a worker's start ended (everyone waiting for it is woken)
        self._cond = threading.Condition(lock)
        self._ready = threading.Condition(lock)
        self._waiting = 0
        self._graph = None  # the dump the workers load, written at the first start
        self._dumping = threading.Lock()  # not the admission lock: a dump can take seconds
        self._closed = False
        self._finalizer = weakref.finalize(self, _kill_all, self._workers)

    # --- starting and stopping workers -------------------------------------------------
    def start(self, wait: float | None = None) -> None:
        """Start every worker now rather than at the first queries; with `wait`, until they
        are ready (a worker that cannot start raises HttpError)."""
        with self._cond:
            todo = [w for w in self._workers if w.state == "new"]
            for worker in todo:
                worker.state = "starting"
        for worker in todo:
            self._launch(worker)
        if wait is not None:
            deadline = time.monotonic() + wait
            with self._ready:
                while any(w.state == "starting" for w in self._workers):
                    if not self._ready.wait(max(0.0, deadline - time.monotonic())):
                        break
                failed = next((w.failure for w in self._workers if w.state == "new"), None)
            if failed:
                raise HttpError(500, failed)

    def _dump(self):
        with self._dumping:
            if self._graph is None:
                # open as long as the pool: closed by its finalizer
                graph = tempfile.TemporaryFile(prefix="rekg-serve-graph-")  # noqa: SIM115
                self.store.dump(graph, format=ox.RdfFormat.N_QUADS)
                graph.flush()
                self._graph = graph
                self._finalizer.detach()
                self._finalizer = weakref.finalize(self, _kill_all, self._workers, graph)
            return self._graph

    def _launch(self, worker: _Worker) -> None:
        """Start the worker's process (its state is already 'starting') and a thread that
        waits for it to be ready."""
        graph = self._dump()
        # open as long as the worker: closed when it is gone
        log = tempfile.TemporaryFile(prefix="rekg-serve-worker-")  # noqa: SIM115
        try:
            process = subprocess.Popen(
                # -P: the current folder is not put on the path, so nothing in it can stand
                # in for the worker's modules
                [sys.executable, "-P", "-m", "rekg.serve.worker"],
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                stderr=log,
                bufsize=0,
                pass_fds=(graph.fileno(),),
            )
        except OSError as exc:
            log.close()
            self._failed(worker, None, f"cannot start a query worker: {exc}")
            return
        worker.process, worker.log = process, log
        config = {
            "parent": os.getpid(),
            "graph": f"/proc/self/fd/{graph.fileno()}",
            "query_memory_mb": self.limits.query_memory,
            "row_cap": self.limits.row_cap,
            "prefixes": self.prefixes,
        }
        threading.Thread(target=self._await_ready, args=(worker, config), daemon=True).start()

    def _await_ready(self, worker: _Worker, config: dict) -> None:
        process = worker.process
        try:
            write_all(process.stdin, frame(config))
            reply = _read_reply(process.stdout.fileno(), None)
        except (OSError, EOFError):  # it died while loading
            reply = None
        if reply is None or reply[0] != "ready":
            process.kill()
            process.wait()
            self._failed(worker, process, "a query worker could not load the graph")
            return
        with self._ready:
            worker.facts, worker.failure = reply[1], None
            worker.state = "idle"
            self._ready.notify_all()

    def _failed(self, worker: _Worker, process, message: str) -> None:
        if process is not None:
            tail = _tail(worker.log)
            message += f" (exit status {process.returncode}){': ' + tail if tail else ''}"
        _close(worker)
        with self._cond:
            worker.state, worker.failure = "new", message
            self._ready.notify_all()
            self._cond.notify()

    def _stop(self, worker: _Worker) -> tuple[int | None, str]:
        """Kill the worker's process and wait until it is gone; until then it still counts
        as running. Returns its exit status and the end of its stderr, then starts its
        replacement."""
        with self._cond:
            worker.state = "stopping"
        process = worker.process
        if process is None:  # the pool was closed under the query
            return None, ""
        process.kill()
        try:
            process.wait(REAP_SECONDS)
        except subprocess.TimeoutExpired:  # stuck in the kernel: its slot stays taken
            threading.Thread(target=self._reap, args=(worker,), daemon=True).start()
            return None, ""
        return self._reap(worker)

    def _reap(self, worker: _Worker) -> tuple[int | None, str]:
        process = worker.process
        status = process.wait() if process is not None else None
        tail = _tail(worker.log)
        _close(worker)
        with self._cond:
            worker.state = "new" if self._closed else "starting"
            self._cond.notify()
        if not self._closed:
            self._launch(worker)
        return status, tail

    def close(self) -> None:
        """Stop every worker; queries asked after this are refused."""
        with self._cond:
            self._closed = True
            self._cond.notify_all()
            self._ready.notify_all()
        self._finalizer()

    def pids(self) -> list[int]:
        """The workers' process ids (for tests and for watching their memory)."""
        return [w.process.pid for w in self._workers if w.process is not None]

    def running(self) -> int:
        """Queries running now, those whose worker is being stopped included."""
        with self._cond:
            return sum(1 for w in self._workers if w.reserved or w.state == "stopping")

    # --- admission ---------------------------------------------------------------------
    def _free(self) -> _Worker | None:
        order = {"idle": 0, "starting": 1, "new": 2}
        free = [w for w in self._workers if not w.reserved and w.state in order]
        return min(free, key=lambda w: order[w.state]) if free else None

    def _busy(self, message: str) -> HttpError:
        return HttpError(
            503,
            message,
            remedy=f"retry in {self.limits.retry_after} s",
            headers={"Retry-After": self.limits.retry_after},
        )

    def _admit(self, deadline: float) -> _Worker:
        with self._cond:
            if self._closed:
                raise self._busy("the server is stopping")
            worker = self._free()
            if worker is None:
                if self._waiting >= self.limits.queue:
                    raise self._busy(
                        f"the endpoint is busy: {self.limits.max_queries} of "
                        f"{self.limits.max_queries} queries running, {self._waiting} of "
                        f"{self.limits.queue} waiting"
                    )
                self._waiting += 1
                try:
                    while (worker := self._free()) is None:
                        remaining = deadline - time.monotonic()
                        if remaining <= 0 or self._closed:
                            raise self._busy(
                                "the endpoint is busy: no query worker came free within the "
                                f"time limit of {self.limits.timeout:g} s"
                            )
                        self._cond.wait(remaining)
                finally:
                    self._waiting -= 1
                    if worker is None and self._free() is not None:
                        self._cond.notify()  # the wake-up this waiter did not use
            worker.reserved = True
            start = worker.state == "new"
            if start:
                worker.state = "starting"
        if start:
            self._launch(worker)
        return worker

    def _release(self, worker: _Worker) -> None:
        with self._cond:
            worker.reserved = False
            self._cond.notify()

    def _until_ready(self, worker: _Worker, deadline: float) -> None:
        with self._ready:
            while worker.state == "starting":
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    raise time_limit_error(self.limits.timeout)
                self._ready.wait(remaining)
            if worker.state != "idle":
                raise HttpError(500, worker.failure or "no query worker could start")

    # --- one query ---------------------------------------------------------------------
    def run(self, query: QueryRequest, accept: str | None, deadline: float) -> Response:
        """The answer to the query, as the response to send, or HttpError: 503 when there is
        no room for it, or when it runs over its time limit (at `deadline`, monotonic) or its
        memory limit (the worker is then killed and replaced)."""
        worker = self._admit(deadline)
        try:
            self._until_ready(worker, deadline)
            return self._ask(worker, query, accept, deadline)
        finally:
            self._release(worker)

    def _ask(self, worker: _Worker, query, accept, deadline: float) -> Response:
        job = {
            "query": {
                "text": query.text,
                "default_graphs": list(query.default_graphs),
                "named_graphs": list(query.named_graphs),
                "base_iri": query.base_iri,
            },
            "accept": accept,
            "seconds": deadline - time.monotonic(),
        }
        process = worker.process
        try:
            write_all(process.stdin, frame(job))
            reply = _read_reply(process.stdout.fileno(), deadline)
        except (OSError, EOFError):  # the worker died under the query
            reply = ("died",)
        if reply is None:  # past the deadline: the query is stopped for good
            self._stop(worker)
            raise time_limit_error(self.limits.timeout)
        kind = reply[0]
        if kind == "ok":
            return Response(**reply[1])
        if kind == "error":
            raise HttpError(**reply[1])
        if kind == "timeout":
            raise time_limit_error(self.limits.timeout)
        status, tail = self._stop(worker)  # memory, a crash or a death: a fresh worker
        if kind == "memory" or "memory allocation of" in tail or status == -signal.SIGABRT:
            raise HttpError(
                503,
                f"the query ran over the memory limit of {self.limits.query_memory} MB",
                remedy="make the query more selective (patterns that share no variable "
                "multiply their rows), or add LIMIT",
            )
        if kind == "crash":
            what, detail = "the query engine failed", reply[1]
        else:
            what = (
                f"its worker was killed by {signal.Signals(-status).name}"
                if status is not None and status < 0
                else f"its worker stopped with exit status {status}"
            )
            detail = tail or "nothing on its stderr"
        # not the client's doing: logged on the server as the 500 of any bug of ours
        sys.stderr.write(f"rekg serve: a query failed: {what} ({detail})\n")
        raise HttpError(
            500, f"the query failed: {what}", remedy="retry; if it fails again, report the query"
        )


def _read_reply(fd: int, deadline: float | None):
    """One frame from the worker; None if none has begun by `deadline` (None: no limit).
    EOFError when the worker is gone."""
    buffer = bytearray()
    needed = HEADER.size
    header_done = False
    while True:
        while len(buffer) < needed:
            if deadline is not None:
                limit = deadline if not buffer else deadline + TRANSFER_SECONDS
                remaining = limit - time.monotonic()
                if remaining <= 0 or not select.select([fd], [], [], remaining)[0]:
                    if not buffer:
                        return None
                    raise EOFError("the worker's reply stopped half-way")
            chunk = os.read(fd, needed - len(buffer))
            if not chunk:
                raise EOFError("the worker is gone")
            buffer += chunk
        if header_done:
            return pickle.loads(bytes(buffer[HEADER.size : needed]))
        needed = HEADER.size + HEADER.unpack(bytes(buffer[: HEADER.size]))[0]
        header_done = True


def _tail(log) -> str:
    """The last lines the worker wrote on its stderr."""
    if log is None:
        return ""
    try:
        size = os.fstat(log.fileno()).st_size
        text = os.pread(log.fileno(), 2000, max(0, size - 2000)).decode("utf-8", "replace")
    except (OSError, ValueError):
        return ""
    return " / ".join(line for line in text.strip().splitlines()[-5:])


def _close(worker: _Worker) -> None:
    process, worker.process = worker.process, None
    if process is not None:
        for stream in (process.stdin, process.stdout):
            with contextlib.suppress(OSError):
                stream.close()
    if worker.log is not None:
        worker.log.close()
        worker.log = None


def _kill_all(workers: list, graph=None) -> None:
    """Stop every worker process and drop the dump (at close, or when the pool is gone)."""
    for worker in workers:
        process = worker.process
        if process is not None:
            process.kill()
            process.wait()
            _close(worker)
    if graph is not None:
        graph.close()
