"""dist/ always holds one whole version (issue 16, defects 5 and 6): `rekg reason` never
leaves a new closure beside old exports, every file is written with the modes a normal
write gives, the folder is never missing (not even between two renames), and the staging
folders of killed builds are removed by the next run, but never one a live process holds.

A version is checked by meaning: every file listed in SHA256SUMS with its digest, nothing
else in the folder but the record of the inputs, the record's sizes true, and the VoID's
triple counts and byte sizes true of the files beside it."""

import hashlib
import json
import os
import random
import signal
import stat
import subprocess
import sys
import threading
import time
from pathlib import Path

import pyoxigraph as ox
import pytest
from rdflib import Graph, URIRef
from rdflib.namespace import DCAT, DCTERMS, VOID

from rekg.core.project import Project, umask, write_atomic
from rekg.export.files import DOWNLOAD_BASE
from rekg.export.swap import clean_stale, replaced
from rekg.graph.cache import RECORD, is_fresh, staleness

from .conftest import copy_project

REKG = Path(sys.executable).with_name("rekg")
DATASET = URIRef("https://w3id.org/rekg/id/dataset")
EXTRA = """@prefix rekg: <https://w3id.org/rekg/ontology#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix skos: <http://www.w3.org/2004/02/skos/core#> .
@prefix id: <https://w3id.org/rekg/id/> .
id:integrity-marker a rekg:Organisation ;
    rdfs:label "integrity marker"@en ;
    skos:definition "A marker the integrity tests add and remove."@en .
"""


def rekg(project: Project, *args, mask: int = 0o022, **kw) -> subprocess.Popen:
    """`rekg --root PROJECT ARGS` started under the umask `mask`."""
    return subprocess.Popen(
        [str(REKG), "--root", str(project.root), *args],
        stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        preexec_fn=lambda: os.umask(mask), **kw,
    )  # fmt: skip


def run(project: Project, *args, mask: int = 0o022) -> subprocess.CompletedProcess:
    process = rekg(project, *args, mask=mask)
    out, err = process.communicate(timeout=300)
    return subprocess.CompletedProcess(process.args, process.returncode, out, err)


def recorded(files: dict[str, bytes]) -> None:
    """Fails unless the record of the build lists the files beside it at their sizes."""
    record = json.loads(files[RECORD])
    assert record["files"] == {name: len(data) for name, data in files.items() if name != RECORD}


def one_version(files: dict[str, bytes]) -> None:
    """Fails unless `files` (name -> bytes) are one build's."""
    listed = dict(
        reversed(line.split("  ", 1)) for line in files["SHA256SUMS"].decode().splitlines()
    )
    assert set(files) - {RECORD} == {*listed, "SHA256SUMS"}
    for name, digest in listed.items():
        assert hashlib.sha256(files[name]).hexdigest() == digest, name
    if "void.ttl" not in files:
        return
    void = Graph().parse(data=files["void.ttl"], format="turtle")
    sizes = {
        str(d).rsplit("/", 1)[1]: int(void.value(d, DCAT.byteSize))
        for d in void.objects(DATASET, DCAT.distribution)
    }
    assert sizes == {
        n: len(d) for n, d in files.items() if n not in ("SHA256SUMS", "void.ttl", RECORD)
    }
    asserted = files["rekg.nt"].count(b"\n")
    assert int(void.value(DATASET, VOID.triples)) == asserted
    closure = sum(1 for _ in ox.parse(files["rekg-inferred.ttl"], format=ox.RdfFormat.TURTLE))
    title = str(void.value(URIRef(DOWNLOAD_BASE + "rekg-inferred.ttl"), DCTERMS.title))
    assert title.endswith(f"({closure} triples)"), title


def folder(path: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in path.iterdir()}


def modes(path: Path) -> dict[str, int]:
    return {p.name: p.stat().st_mode & 0o777 for p in [path, *path.iterdir()]}


def expected_modes(path: Path, mask: int) -> dict[str, int]:
    return {p.name: (0o777 if p.is_dir() else 0o666) & ~mask for p in [path, *path.iterdir()]}


# --- rekg reason after rekg build ------------------------------------------------------


def test_reason_writes_a_version_of_its_own_beside_nothing_stale(tmp_path):
    """In-process, the part of the test below that `make check` runs."""
    from rekg.pipeline import build, write_inferred

    project = copy_project(tmp_path / "p")
    build(project)
    after_build = folder(project.dist)
    assert write_inferred(project).written is False
    assert folder(project.dist) == after_build
    (project.data / "extra.ttl").write_text(EXTRA, encoding="utf-8")
    done = write_inferred(project)
    assert (done.written, done.dropped) == (
        True,
        ["answers.md", "rekg.jsonld", "rekg.nq", "rekg.nt", "rekg.trig", "rekg.ttl", "void.ttl"],
    )
    now = folder(project.dist)
    one_version(now)
    assert sorted(now) == [RECORD, "SHA256SUMS", "rekg-inferred.ttl"]
    recorded(now)
    assert modes(project.dist) == expected_modes(project.dist, umask())


@pytest.mark.slow
@pytest.mark.parametrize("mask", [0o022, 0o027], ids=["umask-022", "umask-027"])
def test_reason_after_build_leaves_one_version_with_normal_modes(tmp_path, mask):
    project = copy_project(tmp_path / "p")
    built = run(project, "build", mask=mask)
    assert built.returncode == 0, built.stderr
    after_build = folder(project.dist)
    one_version(after_build)
    recorded(after_build)
    assert modes(project.dist) == expected_modes(project.dist, mask)

    # the same inputs: the same closure, and dist/ left as it is
    same = run(project, "reason", mask=mask)
    assert same.returncode == 0, same.stderr
    assert modes(project.dist) == expected_modes(project.dist, mask)
    assert folder(project.dist) == after_build
    assert same.stderr == (
        "rekg reason: 737 entailments about the project's resources; unchanged: "
        "dist/rekg-inferred.ttl (4440 triples)\n"
    )

    # other inputs: a new closure, and nothing left beside it that describes the old data
    (project.data / "extra.ttl").write_text(EXTRA, encoding="utf-8")
    other = run(project, "reason", mask=mask)
    assert other.returncode == 0, other.stderr
    assert other.stderr == (
        "rekg reason: 739 entailments about the project's resources; wrote "
        "dist/rekg-inferred.ttl (4445 triples)\n"
        "rekg reason: dist/ held a build of other inputs; so as not to leave answers.md, "
        "rekg.jsonld, rekg.nq, rekg.nt, rekg.trig, rekg.ttl, void.ttl beside a closure they "
        "do not describe, dist/ now holds the closure alone; run 'rekg build' to write every "
        "file\n"
    )
    now = folder(project.dist)
    one_version(now)
    assert sorted(now) == [RECORD, "SHA256SUMS", "rekg-inferred.ttl"]
    recorded(now)
    assert b"integrity-marker" in now["rekg-inferred.ttl"]
    assert modes(project.dist) == expected_modes(project.dist, mask)
    assert is_fresh(project, project.dist / "rekg-inferred.ttl")
    assert staleness(project, project.dist / "void.ttl") == "dist/void.ttl does not exist"

    rebuilt = run(project, "build", mask=mask)
    assert rebuilt.returncode == 0, rebuilt.stderr
    one_version(folder(project.dist))
    recorded(folder(project.dist))
    assert is_fresh(project, project.dist / "void.ttl")


def test_export_writes_one_version(tmp_path):
    project = copy_project(tmp_path / "p")
    done = run(project, "export")
    assert done.returncode == 0, done.stderr
    one_version(folder(project.dist))
    recorded(folder(project.dist))
    assert modes(project.dist) == expected_modes(project.dist, 0o022)


def test_a_folder_no_build_wrote_is_not_replaced(tmp_path):
    project = copy_project(tmp_path / "p")
    theirs = tmp_path / "theirs"
    theirs.mkdir()
    (theirs / "notes.txt").write_text("mine")
    for command in ("build", "reason", "export"):
        done = run(project, command, "--out", str(theirs))
        assert (done.returncode, done.stdout) == (2, "")
        assert done.stderr == (
            f"rekg: refusing to write to {theirs}: the folder is replaced as a whole, and no "
            "rekg build wrote it\n"
            "  fix: give --out a new or empty folder, or one rekg build wrote (default: dist/)\n"
        )
    assert folder(theirs) == {"notes.txt": b"mine"}


# --- staging folders --------------------------------------------------------------------


@pytest.fixture
def holder(tmp_path):
    """A live process that holds the lock of a staging folder, as a running build does;
    stopped at the end of the test, whatever happens."""
    processes = []

    def hold(stage: Path) -> subprocess.Popen:
        process = subprocess.Popen(
            [sys.executable, "-c",
             "import fcntl, os, sys, time\n"
             "fd = os.open(sys.argv[1], os.O_RDONLY | os.O_DIRECTORY)\n"
             "fcntl.flock(fd, fcntl.LOCK_EX)\n"
             "print('locked', flush=True)\n"
             "time.sleep(120)\n", str(stage)],
            stdout=subprocess.PIPE, text=True,
        )  # fmt: skip
        processes.append(process)
        assert process.stdout.readline() == "locked\n"
        return process

    yield hold
    for process in processes:
        process.kill()
        process.wait(timeout=10)
        process.stdout.close()


def test_the_next_build_removes_the_staging_folders_of_dead_runs_only(tmp_path, holder):
    from rekg.pipeline import build

    project = copy_project(tmp_path / "p")
    dead = tmp_path / "p" / ".dist.0123456789ab.new"  # a build killed while writing
    dead.mkdir()
    (dead / "rekg.nt").write_bytes(b"x" * 1_000_000)
    legacy = tmp_path / "p" / ".dist.old.4242"  # the two-rename writer, killed between them
    legacy.mkdir()
    (legacy / "rekg.ttl").write_bytes(b"old")
    live = tmp_path / "p" / ".dist.ba9876543210.new"  # a build writing right now
    live.mkdir()
    process = holder(live)
    build(project)
    assert sorted(p.name for p in project.root.iterdir() if p.name.startswith(".dist")) == [
        ".dist.ba9876543210.new"
    ]
    one_version(folder(project.dist))
    process.kill()
    process.wait(timeout=10)
    assert clean_stale(project.dist) == [live]
    assert not live.exists()


# --- never missing, never mixed -----------------------------------------------------------


class Watcher(threading.Thread):
    """Reads the folder over and over while others replace it, each time as one
    version: the folder opened once and every file read through that handle. A read
    that the folder's replacement overtook (the handle's folder is no longer the
    current one) proves nothing and is not counted; any other read must be whole.
    Records the versions seen and every failure."""

    def __init__(self, path: Path, check):
        super().__init__(daemon=True)
        self.path, self.check = path, check
        self.failures: list[str] = []
        self.reads = 0
        self.halt = threading.Event()

    def read(self) -> dict[str, bytes] | None:
        try:
            fd = os.open(self.path, os.O_RDONLY | os.O_DIRECTORY)
        except FileNotFoundError:
            self.failures.append(f"{self.path} was missing")
            return None
        try:
            files = {}
            try:
                for name in os.listdir(fd):
                    handle = os.open(name, os.O_RDONLY, dir_fd=fd)
                    with os.fdopen(handle, "rb") as f:
                        files[name] = f.read()
            except FileNotFoundError:
                files = None
            try:
                current = os.stat(self.path).st_ino == os.fstat(fd).st_ino
            except FileNotFoundError:
                self.failures.append(f"{self.path} was missing")
                return None
            if not current:
                return None  # replaced while being read: a retired version
            if files is None:
                self.failures.append("a file of the current version vanished")
            return files
        finally:
            os.close(fd)

    def run(self) -> None:
        while not self.halt.is_set():
            for _ in range(200):  # between whole reads, a tight watch on the folder itself
                try:
                    os.stat(self.path)
                except FileNotFoundError:
                    self.failures.append(f"{self.path} was missing")
            files = self.read()
            if files is None:
                continue
            self.reads += 1
            try:
                self.check(files)
            except AssertionError as error:
                self.failures.append(f"a mixed version: {error}"[:300])

    def stop(self) -> "Watcher":
        self.halt.set()
        self.join(timeout=30)
        return self


SWAPS = """
import sys
from pathlib import Path
from rekg.export.swap import replaced

for version in range(int(sys.argv[2])):
    with replaced(Path(sys.argv[1])) as stage:
        for name in "abv":
            (stage / name).write_text(str(version))
"""


def test_a_replaced_folder_is_never_missing_nor_mixed(tmp_path):
    """Another process replaces a folder 300 times while this one watches it."""
    target = tmp_path / "out"

    def whole(files):
        assert set(files) == {"a", "b", "v"} and files["a"] == files["b"] == files["v"], files

    with replaced(target) as stage:
        for name in "abv":
            (stage / name).write_text("start")
    watcher = Watcher(target, whole)
    watcher.start()
    try:
        swaps = subprocess.run(
            [sys.executable, "-c", SWAPS, str(target), "300"], capture_output=True, timeout=300
        )
    finally:
        watcher.stop()
    assert swaps.returncode == 0, swaps.stderr
    assert sorted(set(watcher.failures)) == []
    assert watcher.reads > 100
    assert [p.name for p in tmp_path.iterdir()] == ["out"]
    assert (target / "v").read_text() == "299"


@pytest.mark.slow
def test_killed_builds_leave_the_old_or_the_new_version_and_their_staging_is_cleaned(tmp_path):
    """Builds of two versions of the inputs, killed (SIGKILL) at seeded random moments,
    half of them while their staging folder is being written: dist/ is at every moment
    one of the two versions, whole, and the build that finishes leaves no staging folder
    behind."""
    project = copy_project(tmp_path / "p")
    extra = project.data / "extra.ttl"
    versions = {}

    def dataset(files):  # the version's files, without the record (it holds file times)
        return {name: data for name, data in files.items() if name != RECORD}

    def inputs(with_extra: bool) -> None:
        if with_extra:
            extra.write_text(EXTRA, encoding="utf-8")
        else:
            extra.unlink(missing_ok=True)

    def build_whole(with_extra: bool) -> float:
        inputs(with_extra)
        started = time.perf_counter()
        done = run(project, "build")
        assert done.returncode == 0, done.stderr
        files = folder(project.dist)
        one_version(files)
        recorded(files)
        versions[with_extra] = dataset(files)
        return time.perf_counter() - started

    took = max(build_whole(False), build_whole(True))
    assert versions[False] != versions[True]

    def known(files):  # cheap enough to run over and over while builds run
        assert dataset(files) in versions.values(), "neither version, or a mix of them"

    watcher = Watcher(project.dist, known)
    watcher.start()
    seeded = random.Random(16)
    leaked = 0
    try:
        for _ in range(8):
            inputs(seeded.random() < 0.5)
            before = set(project.root.glob(".dist.*.new"))
            process = rekg(project, "build")
            if seeded.random() < 0.5:  # a moment while its staging folder is being written
                deadline = time.monotonic() + 60
                while process.poll() is None and time.monotonic() < deadline:
                    if set(project.root.glob(".dist.*.new")) - before:
                        break
                    time.sleep(0.001)
                time.sleep(seeded.uniform(0, 0.05))
            else:  # any moment of the build
                time.sleep(seeded.uniform(0.1, 1.0) * took)
            process.send_signal(signal.SIGKILL)
            process.communicate(timeout=60)
            leaked += len(set(project.root.glob(".dist.*.new")) - before)
            files = folder(project.dist)
            known(files)
            one_version(files)
            recorded(files)
        assert leaked > 0, "no kill landed while a staging folder was written"
        build_whole(True)
    finally:
        watcher.stop()
    assert sorted(set(watcher.failures)) == []
    assert watcher.reads > 10
    assert sorted(p.name for p in project.root.iterdir()) == ["data", "dist", "ontology", "queries"]
    assert dataset(folder(project.dist)) == versions[True]


@pytest.mark.parametrize("mask", [0o022, 0o077])
def test_write_atomic_gives_the_mode_a_normal_write_gives(tmp_path, mask):
    """`rekg answers --write` and `rekg claims draft` write through write_atomic: their files
    were mode 0600 (mkstemp's), whatever the umask."""
    old = os.umask(mask)
    try:
        write_atomic(tmp_path / "a.csv", b"x\n")
        (tmp_path / "b.csv").write_bytes(b"x\n")
    finally:
        os.umask(old)
    assert stat.S_IMODE((tmp_path / "a.csv").stat().st_mode) == 0o666 & ~mask
    assert stat.S_IMODE((tmp_path / "b.csv").stat().st_mode) == 0o666 & ~mask
