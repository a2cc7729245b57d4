"""Where a project's files live, and how outputs are written atomically."""

import os
import shutil
import tempfile
from contextlib import contextmanager
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


def write_atomic(path: Path, data: bytes) -> None:
    """Write via a temporary file in the same folder and rename, so readers never see a
    half-written file."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


@contextmanager
def staged_dir(target: Path, keep: tuple[str, ...] = ()):
    """Yield a fresh staging folder beside `target`; on success it replaces `target` with
    two renames, on any error it is removed and `target` stays as it was. Files named in
    `keep` are carried over from the old folder when the new one lacks them."""
    target.parent.mkdir(parents=True, exist_ok=True)
    stage = Path(tempfile.mkdtemp(prefix=f".{target.name}.", suffix=".new", dir=target.parent))
    stage.chmod(0o755)  # mkdtemp makes it private; dist/ is meant to be published
    try:
        yield stage
        for name in keep:
            old = target / name
            if old.exists() and not (stage / name).exists():
                shutil.copy2(old, stage / name)
        retired = None
        if target.exists():
            retired = target.with_name(f".{target.name}.old.{os.getpid()}")
            os.replace(target, retired)
        os.replace(stage, target)
        if retired is not None:
            shutil.rmtree(retired, ignore_errors=True)
    except BaseException:
        shutil.rmtree(stage, ignore_errors=True)
        raise
