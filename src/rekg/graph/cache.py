"""Freshness: whether a built file was made from the inputs as they are now, so that
nothing answers from stale data (`pipeline.closure_graph` rebuilds what is stale; serve,
push and publish refuse or rebuild).

Every build records, beside what it writes (`.rekg-build.json` in dist/), the set of input
files it read: the path, size, times and SHA-256 of every file under
ontology/, data/ and queries/, taken before anything is read. A built file is fresh when
the folder's record lists it and the inputs now are the same set with the same
content: a file deleted, added, renamed or edited since (even with its old modification
time put back) makes it stale. Comparing modification times alone missed a deleted file,
and a file copied in with an old time."""

import hashlib
import json
import os
import time
from dataclasses import dataclass
from pathlib import Path

from rekg import __version__
from rekg.core.project import Project

RECORD = ".rekg-build.json"  # hidden: neither in SHA256SUMS nor published with the site
_FORMAT = 1
# A file changed within the same clock tick as the snapshot keeps its old times (the
# kernel's file clock is coarse); times this close to the snapshot are not trusted, only
# the content is.
_RACY_NS = 2_000_000_000


@dataclass(frozen=True)
class Input:
    size: int
    # the file's times, which vouch for its content when they have not moved (a write
    # moves both; putting the modification time back moves the change time); None when
    # they were too close to the snapshot to vouch for anything
    times: tuple[int, int] | None
    sha256: str


def _wanted(key: str, everything: bool) -> bool:
    """The graph's inputs are ontology/rekg.ttl and data/; with `everything` also the
    shapes and the stored queries (which dist/answers.md and the site depend on)."""
    if everything:
        return True
    return key == "ontology/rekg.ttl" or key.startswith("data/")


def _files(project: Project):
    root = project.root
    for folder in (root / "ontology", project.data, project.queries):
        if folder.is_dir():
            for path in sorted(folder.rglob("*")):
                if path.is_file():
                    yield path.relative_to(root).as_posix(), path


def _times(stat: os.stat_result) -> tuple[int, int]:
    return stat.st_mtime_ns, stat.st_ctime_ns


_digests: dict[tuple, str] = {}  # (path, size, times, inode) -> sha256, for this process


def _sha256(path: Path, stat: os.stat_result) -> str:
    key = (str(path), stat.st_size, _times(stat), stat.st_ino)
    if key not in _digests:
        digest = hashlib.sha256()
        with open(path, "rb") as handle:
            while chunk := handle.read(1 << 20):
                digest.update(chunk)
        _digests[key] = digest.hexdigest()
    return _digests[key]


def snapshot(project: Project) -> dict[str, Input]:
    """The inputs as they are now, by path relative to the project's root. Taken before a
    build reads them: a file changed while the build runs then makes its output stale."""
    now = time.time_ns()
    out = {}
    for key, path in _files(project):
        stat = path.stat()
        trusted = now - max(_times(stat)) > _RACY_NS
        out[key] = Input(stat.st_size, _times(stat) if trusted else None, _sha256(path, stat))
    return out


def record_bytes(inputs: dict[str, Input], sizes: dict[str, int]) -> bytes:
    """The record a build writes beside its files: the inputs it read, and the size of
    every file it wrote."""
    record = {
        "format": _FORMAT,
        "rekg": __version__,
        "inputs": {
            key: {"size": i.size, "times": i.times, "sha256": i.sha256}
            for key, i in sorted(inputs.items())
        },
        "files": dict(sorted(sizes.items())),
    }
    return (json.dumps(record, indent=1, sort_keys=True) + "\n").encode("utf-8")


@dataclass(frozen=True)
class Record:
    inputs: dict[str, Input]
    files: dict[str, int]


def read_record(folder: Path) -> Record | None:
    """The record of the build that wrote `folder`; None when there is none, it is not
    readable, or another version of rekg wrote it."""
    try:
        data = json.loads((folder / RECORD).read_text(encoding="utf-8"))
        if data.get("format") != _FORMAT or data.get("rekg") != __version__:
            return None
        inputs = {
            key: Input(int(v["size"]), tuple(v["times"]) if v["times"] else None, str(v["sha256"]))
            for key, v in data["inputs"].items()
        }
        return Record(inputs, {str(k): int(v) for k, v in data["files"].items()})
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        return None


def same_inputs(a: dict[str, Input], b: dict[str, Input], everything: bool = False) -> bool:
    """Whether two snapshots hold the same files with the same content: the graph's
    inputs, or with `everything` all of them."""

    def content(inputs):
        return {key: i.sha256 for key, i in inputs.items() if _wanted(key, everything)}

    return content(a) == content(b)


def changes(project: Project, recorded: dict[str, Input], everything: bool) -> list[str]:
    """How the inputs differ from `recorded`, one phrase a file ("data/x.ttl was
    deleted"), in path order; empty when they are the same."""
    now = {key: path for key, path in _files(project) if _wanted(key, everything)}
    then = {key: value for key, value in recorded.items() if _wanted(key, everything)}
    out = []
    for key in sorted(then.keys() | now.keys()):
        if key not in now:
            out.append(f"{key} was deleted")
        elif key not in then:
            out.append(f"{key} was added")
        else:
            stat = now[key].stat()
            before = then[key]
            if stat.st_size != before.size:
                out.append(f"{key} changed")
            elif before.times is not None and _times(stat) == before.times:
                continue  # the same size and times as when it was read
            elif _sha256(now[key], stat) != before.sha256:
                out.append(f"{key} changed")
    return out


def staleness(project: Project, built: Path, everything: bool = False) -> str | None:
    """Why `built` cannot stand for the inputs as they are now, as a phrase to show
    ("data/extra.ttl was deleted since dist/ was built"); None when it is fresh."""
    shown = project.relative(built)
    if not built.is_file():
        return f"{shown} does not exist"
    folder = project.relative(built.parent)
    record = read_record(built.parent)
    if record is None:
        return (
            f"{folder}/ holds no record of the inputs it was built from (or another rekg built it)"
        )
    if built.name not in record.files:
        return f"{shown} is not a file the build of {folder}/ wrote"
    differences = changes(project, record.inputs, everything)
    if differences:
        more = f" (and {len(differences) - 1} more)" if len(differences) > 1 else ""
        return f"{differences[0]}{more} since {folder}/ was built"
    return None


def is_fresh(project: Project, built: Path, everything: bool = False) -> bool:
    return staleness(project, built, everything) is None
