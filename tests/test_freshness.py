"""Freshness sees the set of inputs, not only the files still there (issue 16, defect 4):
a data file deleted after a build, one added with an old modification time, or one edited
and given its old time back makes dist/ stale, and `rekg query`, `rekg serve` and
`rekg push` then answer from the inputs as they are (or refuse), never from the old build.

Each test builds a scratch copy of the project with one more data file, data/extra.ttl,
whose entity (id:stale-marker) is in dist/ only as long as the file is there."""

import json
import os
import shutil
import subprocess
import sys
import time
import urllib.request
from pathlib import Path
from urllib.parse import urlencode

import pytest

from rekg.core.project import Project
from rekg.graph.cache import RECORD, is_fresh, staleness
from rekg.pipeline import build

from .conftest import copy_project, run_cli
from .remote_helpers import closed_port

EXTRA = """@prefix rekg: <https://w3id.org/rekg/ontology#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix skos: <http://www.w3.org/2004/02/skos/core#> .
@prefix id: <https://w3id.org/rekg/id/> .
id:stale-marker a rekg:Organisation ;
    rdfs:label "stale marker"@en ;
    skos:definition "A marker the freshness tests delete."@en .
"""
MARKER = "<https://w3id.org/rekg/id/stale-marker>"
COUNT = f"SELECT (COUNT(*) AS ?n) WHERE {{ {MARKER} ?p ?o }}"
CLOSURE = "rekg-inferred.ttl"


def _marked(folder: Path) -> Project:
    project = copy_project(folder)
    (project.data / "extra.ttl").write_text(EXTRA, encoding="utf-8")
    return project


@pytest.fixture(scope="module")
def template(tmp_path_factory) -> Project:
    project = _marked(tmp_path_factory.mktemp("template") / "p")
    build(project)
    return project


@pytest.fixture
def marked(template, tmp_path) -> Project:
    """A scratch project with data/extra.ttl, built into its dist/ (a copy of one build:
    the record names the inputs relative to the project, so it travels with it)."""
    shutil.copytree(template.root, tmp_path / "p")
    return Project(tmp_path / "p")


def _count(project: Project) -> str:
    done = run_cli("--root", str(project.root), "query", "--sparql", COUNT, "--format", "csv")
    assert done.returncode == 0, done.stderr
    return done.stdout


def test_a_fresh_build_is_fresh(marked):
    assert staleness(marked, marked.dist / CLOSURE) is None
    assert is_fresh(marked, marked.dist / "answers.md", everything=True)
    assert _count(marked) == "n\n5\n"  # label, definition, type, and 2 types entailed


def test_a_deleted_data_file_stales_the_build(marked):
    (marked.data / "extra.ttl").unlink()
    assert _count(marked) == "n\n0\n"
    assert (
        staleness(marked, marked.dist / CLOSURE)
        == "data/extra.ttl was deleted since dist/ was built"
    )
    assert not is_fresh(marked, marked.dist / "rekg.ttl")


def test_a_file_added_with_an_old_time_stales_the_build(marked):
    added = marked.data / "added.ttl"
    added.write_text("", encoding="utf-8")
    os.utime(added, (1, 1))  # as a copy that keeps its time would have it
    assert (
        staleness(marked, marked.dist / CLOSURE) == "data/added.ttl was added since dist/ was built"
    )


def _edit_keeping_size_and_time(project: Project) -> None:
    extra = project.data / "extra.ttl"
    before = extra.stat()
    extra.write_text(EXTRA.replace("stale marker", "stale maker!"), encoding="utf-8")
    os.utime(extra, ns=(before.st_atime_ns, before.st_mtime_ns))
    assert extra.stat().st_size == before.st_size


def test_an_edit_with_its_old_time_put_back_stales_the_build(marked):
    _edit_keeping_size_and_time(marked)
    assert (
        staleness(marked, marked.dist / CLOSURE) == "data/extra.ttl changed since dist/ was built"
    )


def test_an_edit_with_its_old_time_put_back_long_after_the_build(tmp_path):
    """Times older than the snapshot's clock tick are recorded and vouch for a file's
    content as long as they have not moved; putting the modification time back after an
    edit moves the change time, so the content is compared."""
    project = _marked(tmp_path / "p")
    time.sleep(2.1)  # past the snapshot's racy window (graph.cache._RACY_NS)
    build(project)
    record = json.loads((project.dist / RECORD).read_text(encoding="utf-8"))
    assert record["inputs"]["data/extra.ttl"]["times"] is not None
    _edit_keeping_size_and_time(project)
    assert (
        staleness(project, project.dist / CLOSURE) == "data/extra.ttl changed since dist/ was built"
    )


def test_a_file_touched_but_unchanged_keeps_the_build_fresh(marked):
    os.utime(marked.data / "entities.ttl")  # a checkout rewrites files with the same bytes
    assert staleness(marked, marked.dist / CLOSURE) is None


def test_shapes_and_queries_stale_only_what_depends_on_them(marked):
    (marked.queries / "questions" / "new.rq").write_text("SELECT * WHERE { ?s ?p ?o }\n")
    assert is_fresh(marked, marked.dist / CLOSURE)
    assert staleness(marked, marked.dist / "answers.md", everything=True) == (
        "queries/questions/new.rq was added since dist/ was built"
    )


def test_a_build_without_a_record_is_stale(marked):
    (marked.dist / RECORD).unlink()
    assert staleness(marked, marked.dist / CLOSURE) == (
        "dist/ holds no record of the inputs it was built from (or another rekg built it)"
    )


def test_the_record_lists_every_input_and_every_file(marked):
    record = json.loads((marked.dist / RECORD).read_text(encoding="utf-8"))
    inputs = sorted(
        p.relative_to(marked.root).as_posix()
        for folder in ("ontology", "data", "queries")
        for p in (marked.root / folder).rglob("*")
        if p.is_file()
    )
    assert sorted(record["inputs"]) == inputs
    assert "data/extra.ttl" in record["inputs"]
    assert record["files"] == {
        p.name: p.stat().st_size for p in marked.dist.iterdir() if p.name != RECORD
    }


def test_push_refuses_a_build_that_lost_a_file(marked):
    (marked.data / "extra.ttl").unlink()
    store = f"http://127.0.0.1:{closed_port()}/store"  # never reached: refused before
    done = run_cli("--root", str(marked.root), "push", "--store", store, "--default")
    assert done.returncode == 2
    assert done.stderr == (
        "rekg: dist/rekg-inferred.ttl is older than the ontology or data/\n"
        "  fix: run 'rekg build' first\n"
    )


@pytest.mark.store
def test_serve_answers_from_the_inputs_not_a_build_that_lost_a_file(marked, tmp_path):
    (marked.data / "extra.ttl").unlink()
    site = tmp_path / "site"
    site.mkdir()
    rekg = Path(sys.executable).with_name("rekg")
    process = subprocess.Popen(
        [str(rekg), "--root", str(marked.root), "serve", "--port", "0", "--quiet",
         "--site", str(site)],
        stderr=subprocess.PIPE, stdin=subprocess.DEVNULL, text=True,
    )  # fmt: skip
    try:
        line = process.stderr.readline()
        assert line.startswith("rekg serve: http://127.0.0.1:"), line
        url = line.split()[2].rstrip("/") + "/sparql?" + urlencode({"query": COUNT})
        request = urllib.request.Request(url, headers={"Accept": "text/csv"})
        with urllib.request.urlopen(request, timeout=30) as response:
            assert response.read().decode("utf-8").splitlines() == ["n", "0"]
    finally:
        process.terminate()
        process.wait(timeout=10)
        process.stderr.close()
