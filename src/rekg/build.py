"""The pipeline: load, validate, reason, answer the stored questions, export. Each step is
a plain function; `build` runs them in order and writes dist/ only when all succeed."""

import time
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from . import export
from .catalogue import load_catalogue
from .errors import CheckFailed
from .load import Loaded, load_project
from .project import Project, staged_dir, write_atomic
from .query import run_catalogue
from .reason import Reasoned, reason
from .report import Report
from .validate import validate


@dataclass
class BuildResult:
    loaded: Loaded
    reasoned: Reasoned | None = None
    answers: dict = field(default_factory=dict)
    files: dict = field(default_factory=dict)
    seconds: dict = field(default_factory=dict)
    out: Path | None = None


@contextmanager
def _timed(result: BuildResult, stage: str):
    start = time.perf_counter()
    yield
    result.seconds[stage] = round(time.perf_counter() - start, 4)


def check(loaded: Loaded) -> Report:
    report = validate(loaded)
    if not report.conforms:
        raise CheckFailed("validation found problems", report)
    return report


def reason_checked(loaded: Loaded) -> Reasoned:
    reasoned = reason(loaded.graph, loaded.places)
    if reasoned.findings:
        raise CheckFailed(
            "the OWL 2 RL closure is inconsistent", Report(reasoned.findings, ["OWL 2 RL closure"])
        )
    return reasoned


def build(project: Project, out: Path | None = None, validate_first: bool = True,
          answer=None) -> BuildResult:
    """`answer(closure, catalogue) -> {name: Rows}` runs the stored questions; by default
    on the local closure (a remote endpoint can stand in, see `rekg build --endpoint`)."""
    out = out or project.dist
    with _timed(result := BuildResult(None), "load"):
        result.loaded = load_project(project)
    if validate_first:
        with _timed(result, "validate"):
            check(result.loaded)
    with _timed(result, "reason"):
        result.reasoned = reason_checked(result.loaded)
    with _timed(result, "queries"):
        catalogue = load_catalogue(project.queries)
        result.answers = (answer or run_catalogue)(result.reasoned.closure, catalogue)
    with _timed(result, "export"):
        result.files = export.all_files(
            result.loaded.graph, result.reasoned.closure, catalogue, result.answers
        )
        with staged_dir(out) as stage:
            for name, data in result.files.items():
                (stage / name).write_bytes(data)
    result.out = out
    return result


def write_inferred(project: Project, out: Path | None = None) -> tuple[Reasoned, Path]:
    """`rekg reason`: the closure alone, written atomically; SHA256SUMS kept in step."""
    out = out or project.dist
    loaded = load_project(project)
    reasoned = reason_checked(loaded)
    target = out / "rekg-inferred.ttl"
    write_atomic(target, export.serialize(reasoned.closure, "turtle"))
    sums = out / "SHA256SUMS"
    if sums.exists():
        files = {
            p.name: p.read_bytes()
            for p in sorted(out.iterdir())
            if p.is_file() and p.name != "SHA256SUMS" and not p.name.startswith(".")
        }
        write_atomic(sums, export.checksums(files))
    return reasoned, target
