"""The pipeline: load, validate, reason, answer the stored questions, export. Each step is
a plain function; `build` runs them in order and writes dist/ only when all succeed.

It sits above the stages it calls. `engine` (core.engines) is handed to each stage:
FAST (pyoxigraph, reasonable, shapes compiled to set-wise checks; the default) or
REFERENCE (rdflib, owlrl, pySHACL). Both give the same answers, entailments, findings and
bytes (tests/test_parity.py)."""

import time
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from rdflib import Graph

from rekg.check import validate
from rekg.core.collector import collect_once, frozen
from rekg.core.engines import Engine
from rekg.core.errors import CheckFailed
from rekg.core.namespaces import bind_prefixes
from rekg.core.project import Project, staged_dir, write_atomic
from rekg.core.report import Report
from rekg.export import files as export
from rekg.export.sink import Written
from rekg.graph.cache import is_fresh
from rekg.graph.rdfio import parse_file
from rekg.ingest.load import Loaded, load_project
from rekg.query.catalogue import load_catalogue
from rekg.query.resolver import StoreResolver
from rekg.query.run import run_catalogue, run_stored
from rekg.reason import Reasoned, reason


@dataclass
class BuildResult:
    loaded: Loaded
    reasoned: Reasoned | None = None
    answers: dict = field(default_factory=dict)
    files: dict = field(default_factory=dict)
    seconds: dict = field(default_factory=dict)
    out: Path | None = None
    engine: Engine = Engine.FAST


@contextmanager
def _timed(result: BuildResult, stage: str):
    start = time.perf_counter()
    yield
    result.seconds[stage] = round(time.perf_counter() - start, 4)


def check(loaded: Loaded, engine: Engine = Engine.FAST) -> Report:
    engine = Engine.named(engine)
    with collect_once(engine is Engine.FAST):
        report = validate(loaded, engine)
    if not report.conforms:
        raise CheckFailed("validation found problems", report)
    return report


def reason_checked(loaded: Loaded, engine: Engine = Engine.FAST) -> Reasoned:
    engine = Engine.named(engine)
    fast = engine is Engine.FAST
    with collect_once(fast):
        reasoned = reason(loaded.quads if fast else loaded.graph, loaded.places, engine)
    if reasoned.findings:
        raise CheckFailed(
            "the OWL 2 RL closure is inconsistent", Report(reasoned.findings, ["OWL 2 RL closure"])
        )
    return reasoned


def answer_catalogue(reasoned: Reasoned, catalogue, engine: Engine = Engine.FAST) -> dict:
    """Every stored question on the closure; on the fast engine, on its store, with the
    parameters resolved against the closure's labels."""
    if Engine.named(engine) is Engine.REFERENCE:
        return run_catalogue(reasoned.closure, catalogue, engine)
    store = reasoned.store
    resolver = StoreResolver(store)
    return {name: run_stored(store, q, None, resolver) for name, q in sorted(catalogue.items())}


def build(
    project: Project,
    out: Path | None = None,
    validate_first: bool = True,
    answer=None,
    engine: Engine = Engine.FAST,
) -> BuildResult:
    """`answer(closure, catalogue) -> {name: Rows}` runs the stored questions; by default
    on the local closure (a remote endpoint can stand in, see `rekg build --endpoint`)."""
    engine = Engine.named(engine)
    out = out or project.dist
    with _timed(result := BuildResult(None, engine=engine), "load"):
        result.loaded = load_project(project, engine=engine)
    with frozen(engine is Engine.FAST):
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
            result.files = export_to(out, result.loaded, result.reasoned, catalogue, result.answers)
    result.out = out
    return result


def export_to(out: Path, loaded: Loaded, reasoned: Reasoned, catalogue, answers):
    """Write the dist/ files into a staging folder that replaces `out` once every file is
    written. The closure is the asserted graph plus the kept entailments (which hold no
    blank nodes), so its sorted lines are a merge, not a second sort; the source graphs
    (rekg.trig, rekg.nq) are positions in the asserted lines (export.named)."""
    asserted = export.Dump.of(loaded.as_written())
    entailed = reasoned.entailed_quads()
    closure = asserted.merged(export.Dump.of(entailed))
    with staged_dir(out) as stage:
        sizes = export.write_files(stage, asserted, closure, catalogue, answers)
    return Written(out, sizes)


def write_inferred(
    project: Project, out: Path | None = None, engine: Engine = Engine.FAST
) -> tuple[Reasoned, Path]:
    """`rekg reason`: the closure alone, written atomically; SHA256SUMS kept in step."""
    out = out or project.dist
    loaded = load_project(project, engine=engine)
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


def closure_graph(project: Project, engine: Engine = Engine.FAST) -> Graph:
    """The graph queries run on: the inferred closure in dist/ when it is newer than every
    input, otherwise computed afresh (so a query never answers from stale data)."""
    built = project.dist / "rekg-inferred.ttl"
    if is_fresh(project, built):
        graph = bind_prefixes(Graph())
        parse_file(built, graph, project.relative(built))
        return graph
    return reason_checked(load_project(project, engine=engine), engine).closure
