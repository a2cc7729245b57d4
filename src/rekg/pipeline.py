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
from rekg.core.errors import CheckFailed, UsageError
from rekg.core.namespaces import bind_prefixes
from rekg.core.project import Project
from rekg.core.report import Report
from rekg.export import files as export
from rekg.export.sink import Sink, Written
from rekg.export.swap import replaced
from rekg.graph.cache import (
    RECORD,
    Input,
    is_fresh,
    read_record,
    record_bytes,
    same_inputs,
    snapshot,
)
from rekg.graph.rdfio import parse_file
from rekg.ingest.load import Loaded, load_project
from rekg.query.catalogue import load_catalogue
from rekg.query.resolver import StoreResolver
from rekg.query.run import run_catalogue, run_stored
from rekg.reason import Reasoned, reason
from rekg.reason.explain import explain


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
        # the conflicts traced back to the statements behind them, each with its file,
        # line and claim; only now, as it costs a pass over the asserted triples
        findings = explain(reasoned, loaded)
        raise CheckFailed(
            "the OWL 2 RL closure is inconsistent", Report(findings, ["OWL 2 RL closure"])
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
    check_out(out)  # before the work, not after it
    with _timed(result := BuildResult(None, engine=engine), "load"):
        inputs = snapshot(project)  # before reading: a file changed meanwhile stales dist/
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
            result.files = export_to(
                out, result.loaded, result.reasoned, catalogue, result.answers, inputs
            )
    result.out = out
    return result


def check_out(out: Path) -> None:
    """dist/ is replaced as a whole: refuse a folder with files that no build wrote."""
    if (
        out.is_dir()
        and any(out.iterdir())
        and not (out / RECORD).is_file()
        and not (out / "SHA256SUMS").is_file()
    ):
        raise UsageError(
            f"refusing to write to {out}: the folder is replaced as a whole, and no rekg "
            "build wrote it",
            remedy="give --out a new or empty folder, or one rekg build wrote (default: dist/)",
        )


def export_to(
    out: Path,
    loaded: Loaded,
    reasoned: Reasoned,
    catalogue,
    answers,
    inputs: dict[str, Input] | None = None,
):
    """Write the dist/ files into a staging folder that replaces `out` in one step once
    every file is written (export.swap), with the record of the `inputs` they were made
    from (graph.cache; by default the inputs as they are now). The closure is the asserted
    graph plus the kept entailments (which hold no blank nodes), so its sorted lines are a
    merge, not a second sort; the source graphs (rekg.trig, rekg.nq) are positions in the
    asserted lines (export.named)."""
    check_out(out)
    if inputs is None:
        inputs = snapshot(loaded.project)
    asserted = export.Dump.of(loaded.as_written())
    entailed = reasoned.entailed_quads()
    closure = asserted.merged(export.Dump.of(entailed))
    with replaced(out) as stage:
        sizes = export.write_files(stage, asserted, closure, catalogue, answers)
        (stage / RECORD).write_bytes(record_bytes(inputs, sizes))
    return Written(out, sizes)


@dataclass
class Inferred:
    """What `rekg reason` did: `written` False when `out` already held this closure;
    `dropped`, the files of an older build it removed rather than leave beside it."""

    reasoned: Reasoned
    target: Path
    written: bool
    dropped: list[str]


def write_inferred(
    project: Project, out: Path | None = None, engine: Engine = Engine.FAST
) -> Inferred:
    """`rekg reason`: the closure, into `out` (default dist/), which always holds one
    version. When `out` already holds this very closure, built from these inputs, it is
    left as it is. Otherwise `out` becomes a version of its own: the closure, its
    SHA256SUMS and the record of its inputs. The files an earlier build wrote (the
    exports, the VoID, the answers) are removed rather than left to describe other data;
    `rekg build` writes them all."""
    out = out or project.dist
    check_out(out)
    inputs = snapshot(project)
    loaded = load_project(project, engine=engine)
    reasoned = reason_checked(loaded, engine)
    target = out / "rekg-inferred.ttl"
    data = export.Dump.of(reasoned.closure_quads()).serialize("turtle")
    record = read_record(out)
    if (
        record is not None
        and same_inputs(record.inputs, inputs)
        and target.is_file()
        and target.read_bytes() == data
    ):
        return Inferred(reasoned, target, False, [])
    dropped = []
    if out.is_dir():
        dropped = sorted(
            p.name
            for p in out.iterdir()
            if not p.name.startswith(".") and p.name not in ("rekg-inferred.ttl", "SHA256SUMS")
        )
    with replaced(out) as stage:
        sink = Sink(stage)
        sink.put_bytes(target.name, data)
        sink.put_bytes("SHA256SUMS", export.checksums({target.name: data}))
        (stage / RECORD).write_bytes(record_bytes(inputs, sink.sizes))
    return Inferred(reasoned, target, True, dropped)


def closure_graph(project: Project, engine: Engine = Engine.FAST) -> Graph:
    """The graph queries run on: the inferred closure in dist/ when it is newer than every
    input, otherwise computed afresh (so a query never answers from stale data)."""
    built = project.dist / "rekg-inferred.ttl"
    if is_fresh(project, built):
        graph = bind_prefixes(Graph())
        parse_file(built, graph, project.relative(built))
        return graph
    return reason_checked(load_project(project, engine=engine), engine).closure
