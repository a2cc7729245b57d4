"""Where a project's files live, and how outputs are written atomically."""

import os
import tempfile
from dataclasses import dataclass
from pathlib import Path

from rekg.core.errors import UsageError


@dataclass(frozen=True)
class Project:
    root: Path

    @property
    def ontology(self) -> Path:
        return self.root / "ontology" / "rekg.ttl"

    @property
    def shapes(self) -> Path:
        return self.root / "ontology" / "shapes.ttl"

    @property
    def data(self) -> Path:
        return self.root / "data"

    @property
    def queries(self) -> Path:
        return self.root / "queries"

    @property
    def dist(self) -> Path:
        return self.root / "dist"

    def relative(self, path: Path) -> str:
        try:
            return str(Path(path).resolve().relative_to(self.root.resolve()))
        except ValueError:
            return str(path)


def find_project(start: str | os.PathLike | None = None) -> Project:
    """The project whose root holds ontology/rekg.ttl: the given folder, $REKG_ROOT, or
    the current folder or one of its parents."""
    if start is None:
        start = os.environ.get("REKG_ROOT") or Path.cwd()
    here = Path(start).resolve()
    for folder in (here, *here.parents):
        if (folder / "ontology" / "rekg.ttl").is_file():
            return Project(folder)
    raise UsageError(
        f"no rekg project at {here}: ontology/rekg.ttl not found there or above",
        remedy="run rekg inside a rekg checkout, or pass --root DIR (or set REKG_ROOT)",
    )


def umask() -> int:
    """The process's umask, read without changing it where the system tells it (changing
    it to read it races with other threads creating files)."""
    try:
        with open("/proc/self/status", encoding="ascii") as status:
            for line in status:
                if line.startswith("Umask:"):
                    return int(line.split()[1], 8)
    except (OSError, ValueError):
        pass
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


def write_atomic(path: Path, data: bytes) -> None:
    """Write via a temporary file in the same folder and rename, so readers never see a
    half-written file."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        os.fchmod(fd, 0o666 & ~umask())  # mkstemp makes it private; a normal write would not
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
