"""The pipeline: load, validate, reason, answer the stored questions, export. Each step is
a plain function; `build` runs them in order and writes dist/ only when all succeed.

`engine` picks the engines (see engine.py): "fast" (pyoxigraph, reasonable, shapes compiled
to queries; the default) or "reference" (rdflib, owlrl, pyshacl). Both give the same
answers, entailments, findings and bytes (tests/test_parity.py)."""

import time
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from . import engine as engines
from . import export
from .catalogue import load_catalogue
from .collector import collect_once, frozen
from .errors import CheckFailed
from .load import Loaded, load_project
from .project import Project, staged_dir, write_atomic
from .query import run_catalogue, run_stored
from .reason import Reasoned, reason
from .report import Report
from .sink import Written
from .validate import validate


@dataclass
class BuildResult:
    loaded: Loaded
    reasoned: Reasoned | None = None
    answers: dict = field(default_factory=dict)
    files: dict = field(default_factory=dict)
    seconds: dict = field(default_factory=dict)
    out: Path | None = None
    engine: str = "fast"


@contextmanager
def _timed(result: BuildResult, stage: str):
    start = time.perf_counter()
    yield
    result.seconds[stage] = round(time.perf_counter() - start, 4)


def check(loaded: Loaded, engine: str | None = None) -> Report:
    with collect_once((engine or engines.current()) == "fast"):
        report = validate(loaded, engine_name=engine)
    if not report.conforms:
        raise CheckFailed("validation found problems", report)
    return report


def reason_checked(loaded: Loaded, engine: str | None = None) -> Reasoned:
    fast = (engine or engines.current()) == "fast"
    with collect_once(fast):
        reasoned = reason(loaded.quads if fast else loaded.graph, loaded.places, engine)
    if reasoned.findings:
        raise CheckFailed(
            "the OWL 2 RL closure is inconsistent", Report(reasoned.findings, ["OWL 2 RL closure"])
        )
    return reasoned


def answer_catalogue(reasoned: Reasoned, catalogue, engine: str | None = None) -> dict:
    """Every stored question on the closure; on the fast engine, on its store, with the
    parameters resolved against the closure's labels."""
    if (engine or engines.current()) == "reference":
        return run_catalogue(reasoned.closure, catalogue)
    from .fast_query import StoreResolver

    store = reasoned.store
    resolver = StoreResolver(store)
    return {name: run_stored(store, q, None, resolver) for name, q in sorted(catalogue.items())}


def build(
    project: Project,
    out: Path | None = None,
    validate_first: bool = True,
    answer=None,
    engine: str | None = None,
) -> BuildResult:
    """`answer(closure, catalogue) -> {name: Rows}` runs the stored questions; by default
    on the local closure (a remote endpoint can stand in, see `rekg build --endpoint`)."""
    engine = engine or engines.current()
    out = out or project.dist
    with engines.using(engine):
        with _timed(result := BuildResult(None, engine=engine), "load"):
            result.loaded = load_project(project)
        with frozen(engine == "fast"):
            if validate_first:
                with _timed(result, "validate"):
                    check(result.loaded, engine)
            with _timed(result, "reason"):
                result.reasoned = reason_checked(result.loaded, engine)
                result.reasoned.adopt_store(result.loaded)
            with _timed(result, "queries"):
                catalogue = load_catalogue(project.queries)
                if answer is not None:
                    result.answers = answer(result.reasoned.closure, catalogue)
                else:
                    result.answers = answer_catalogue(result.reasoned, catalogue, engine)
            with _timed(result, "export"):
                result.files = export_to(
                    out, result.loaded, result.reasoned, catalogue, result.answers
                )
    result.out = out
    return result


def export_to(out: Path, loaded: Loaded, reasoned: Reasoned, catalogue, answers):
    """Write the dist/ files into a staging folder that replaces `out` once every file is
    written. The closure is the asserted graph plus the kept entailments (which hold no
    blank nodes), so its sorted lines are a merge, not a second sort."""
    fast = loaded._quads is not None and not loaded._handed_out
    asserted = export.Dump.of(loaded.quads if fast else loaded.graph)
    entailed = reasoned.entailed_quads()
    closure = asserted.merged(export.Dump.of(entailed))
    with staged_dir(out) as stage:
        sizes = export.write_files(stage, asserted, closure, catalogue, answers)
    return Written(out, sizes)


def write_inferred(
    project: Project, out: Path | None = None, engine: str | None = None
) -> tuple[Reasoned, Path]:
    """`rekg reason`: the closure alone, written atomically; SHA256SUMS kept in step."""
    out = out or project.dist
    with engines.using(engine):
        loaded = load_project(project)
        reasoned = reason_checked(loaded, engine)
    target = out / "rekg-inferred.ttl"
    write_atomic(target, export.Dump.of(reasoned.closure_quads()).serialize("turtle"))
    sums = out / "SHA256SUMS"
    if sums.exists():
        files = {
            p.name: p.read_bytes()
            for p in sorted(out.iterdir())
            if p.is_file() and p.name != "SHA256SUMS" and not p.name.startswith(".")
        }
        write_atomic(sums, export.checksums(files))
    return reasoned, target
