"""Fault tests (issue 16). `rekg push --replace`: the push process is killed (SIGKILL, no
chance to clean up) at seeded random moments while it replaces a graph of a real Oxigraph
server, and after each kill the graph holds one whole version, the old or the new, never a
mix; the next push then completes. --replace loads a staging graph and swaps it in with
one MOVE, so a kill before the MOVE leaves the old graph and a kill after it the new one.
`rekg publish`: killed at random moments, site/ is one whole version (the killed builds
of dist/ are tested in test_dist_integrity.py)."""

import hashlib
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

from .conftest import ROOT, copy_project
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


def snapshot(folder: Path) -> dict:
    """Every file under `folder` by its relative path, with its bytes' digest."""
    return {
        str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


@pytest.mark.slow
def test_a_publish_killed_at_any_moment_leaves_one_whole_site(tmp_path):
    """`rekg publish` writes site/ beside it and swaps it in whole: killed at seeded random
    moments, the site is the old one or the new one, file for file, never a mix."""
    project = copy_project(tmp_path / "p")
    entities = project.root / "data" / "entities.ttl"

    def publish(*extra):
        return [str(REKG), "--root", str(project.root), "publish", *extra]

    def versions(label):
        entities.write_text(
            entities.read_text(encoding="utf-8").replace(
                "processing ambitions.", f"processing ambitions{label}."
            ),
            encoding="utf-8",
        )
        done = subprocess.run(publish(), capture_output=True, text=True)
        assert done.returncode == 0, done.stderr
        return snapshot(project.root / "site")

    old = versions("")
    began = time.perf_counter()
    new = versions(" (new)")
    span = time.perf_counter() - began
    assert old != new
    # Each turn gives Malaysia another definition and publishes, killed at a random moment:
    # before the swap the site is the one before, whole; after it, the next one, whole
    # (published again from the same inputs, it is byte for byte the same). Then the
    # definition is put back and the site published whole again.
    rng = random.Random(16)
    seen = []
    for turn in range(4):
        label = f" (turn {turn})"
        entities.write_text(
            entities.read_text(encoding="utf-8").replace(
                "processing ambitions (new).", f"processing ambitions{label}."
            ),
            encoding="utf-8",
        )
        before = snapshot(project.root / "site")
        process = subprocess.Popen(publish(), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        time.sleep(rng.uniform(0.0, span))
        os.kill(process.pid, signal.SIGKILL)
        process.wait()
        after = snapshot(project.root / "site")
        if after != before:  # the kill came after the swap: the next version, whole
            done = subprocess.run(publish(), capture_output=True, text=True)
            assert done.returncode == 0, done.stderr
            assert snapshot(project.root / "site") == after
            seen.append("new")
        else:
            seen.append("old")
        entities.write_text(
            entities.read_text(encoding="utf-8").replace(
                f"processing ambitions{label}.", "processing ambitions (new)."
            ),
            encoding="utf-8",
        )
        done = subprocess.run(publish(), capture_output=True, text=True)
        assert done.returncode == 0, done.stderr
        assert snapshot(project.root / "site") == new
    assert "old" in seen
    assert not list(project.root.glob(".site.*")), "a staging folder was left"
