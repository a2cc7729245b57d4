"""Fault tests of `rekg push --replace` (issue 16): the push process is killed (SIGKILL, no
chance to clean up) at seeded random moments while it replaces a graph of a real Oxigraph
server, and after each kill the graph holds one whole version, the old or the new, never a
mix; the next push then completes. --replace loads a staging graph and swaps it in with
one MOVE, so a kill before the MOVE leaves the old graph and a kill after it the new one."""

import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from rdflib import Graph
from rdflib.compare import isomorphic

from .conftest import ROOT
from .remote_helpers import G, Oxigraph, as_oxigraph_keeps_it, fetch

REKG = Path(sys.executable).with_name("rekg")
KILLS = 8


def push(server, dist, dataset, *extra):
    return [str(REKG), "--root", str(ROOT), "push", "--store", server.store, "--endpoint",
            server.query, "--update", server.update, "--graph", G, "--replace", "--dataset",
            dataset, "--dist", str(dist), *extra]  # fmt: skip


@pytest.mark.store
@pytest.mark.slow
def test_a_push_killed_at_any_moment_leaves_one_whole_version(tmp_path, built):
    server = Oxigraph(tmp_path / "store").start()
    try:
        old = as_oxigraph_keeps_it(Graph().parse(built.out / "rekg.nt", format="nt"))
        new = as_oxigraph_keeps_it(Graph().parse(built.out / "rekg-inferred.ttl"))
        assert not isomorphic(old, new)
        done = subprocess.run(push(server, built.out, "asserted"), capture_output=True, text=True)
        assert done.returncode == 0, done.stderr
        # how long a whole replacing push takes, in small chunks so that it has many steps
        command = push(server, built.out, "inferred", "--chunk-size", "300")
        began = time.perf_counter()
        done = subprocess.run(command, capture_output=True, text=True)
        assert done.returncode == 0, done.stderr
        span = time.perf_counter() - began
        done = subprocess.run(push(server, built.out, "asserted"), capture_output=True, text=True)
        assert done.returncode == 0, done.stderr

        rng = random.Random(16)
        seen = []
        for _ in range(KILLS):
            process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
            time.sleep(rng.uniform(0.0, span))
            os.kill(process.pid, signal.SIGKILL)
            process.wait()
            graph = fetch(server, G)
            whole = "old" if isomorphic(graph, old) else "new" if isomorphic(graph, new) else None
            assert whole is not None, f"a mix of {len(graph)} triples after a kill"
            seen.append(whole)
            if whole == "new":  # start again from the old version, so the next kill can tell
                done = subprocess.run(push(server, built.out, "asserted"), capture_output=True)
                assert done.returncode == 0
        assert "old" in seen  # the kills did land during the push, not only after it
        done = subprocess.run(command, capture_output=True, text=True)
        assert done.returncode == 0, done.stderr
        assert isomorphic(fetch(server, G), new)
    finally:
        server.stop()
