"""The house keeps its shape: layers enforced by import-linter, no import cycles (also
not through imports inside functions), a docstring for every package, small modules, and
the engine handed down as a value, never looked up."""

import ast
import subprocess
import sys
from pathlib import Path

import grimp
import pytest

from .conftest import ROOT

SRC = ROOT / "src" / "rekg"
STAGES = ("core", "graph", "ingest", "query", "check", "reason", "export")
SIBLINGS = ("site", "serve", "remote", "bench")


def test_the_layers_contract_is_kept():
    lint = Path(sys.executable).with_name("lint-imports")
    done = subprocess.run(
        [str(lint), "--no-cache"], cwd=ROOT, capture_output=True, text=True, timeout=300
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert "0 broken" in done.stdout


def test_the_contract_states_every_stage_in_order():
    text = (ROOT / "pyproject.toml").read_text(encoding="utf-8")
    order = [text.index(f'"rekg.{name}') for name in ("cli", "pipeline", "export")]
    order += [text.index(f"rekg.{name}") for name in ("check", "query", "ingest", "graph", "core")]
    assert order == sorted(order)
    assert '"rekg.bench | rekg.site | rekg.serve | rekg.remote"' in text


def _strongly_connected(graph: dict) -> list[list[str]]:
    """Tarjan's components with more than one module (or a module importing itself)."""
    index, low, stack, on, found = {}, {}, [], set(), []

    def visit(v):
        index[v] = low[v] = len(index)
        stack.append(v)
        on.add(v)
        for w in graph[v]:
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            component = []
            while True:
                w = stack.pop()
                on.discard(w)
                component.append(w)
                if w == v:
                    break
            if len(component) > 1 or v in graph[v]:
                found.append(sorted(component))

    for v in sorted(graph):
        if v not in index:
            visit(v)
    return found


def test_there_are_no_import_cycles_at_all():
    # grimp reads every import statement, those inside functions included
    imports = grimp.build_graph("rekg", cache_dir=None)
    graph = {m: sorted(imports.find_modules_directly_imported_by(m)) for m in imports.modules}
    assert len(graph) > 50
    assert _strongly_connected(graph) == []


def test_the_cycle_finder_finds_a_cycle():
    assert _strongly_connected({"a": ["b"], "b": ["c"], "c": ["a"], "d": []}) == [["a", "b", "c"]]


def test_each_stage_is_a_package_that_says_what_it_is():
    for name in (*STAGES, *SIBLINGS, "cli"):
        init = SRC / name / "__init__.py"
        doc = ast.get_docstring(ast.parse(init.read_text(encoding="utf-8")))
        assert doc and len(doc.split()) >= 15, f"{init} needs a docstring: takes, gives, public"


def test_at_most_eight_modules_stand_directly_in_the_package():
    flat = sorted(p.name for p in SRC.glob("*.py"))
    assert len(flat) <= 8, flat


@pytest.mark.parametrize("folder", ["src", "tests"])
def test_no_python_file_is_over_600_lines(folder):
    long = {
        str(p.relative_to(ROOT)): n
        for p in sorted((ROOT / folder).rglob("*.py"))
        if (n := len(p.read_text(encoding="utf-8").splitlines())) > 600
    }
    assert long == {}


def _imported_names(tree):
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("rekg"):
            for alias in node.names:
                yield node.module, alias.name


def test_no_private_name_crosses_a_module():
    crossing = [
        f"{path.relative_to(ROOT)}: {module}.{name}"
        for path in sorted([*SRC.rglob("*.py"), *(ROOT / "tests").glob("*.py")])
        for module, name in _imported_names(ast.parse(path.read_text(encoding="utf-8")))
        if name.startswith("_") and not name.startswith("__")
    ]
    assert crossing == []


def test_the_engine_is_a_value_not_a_name_compared_or_a_global():
    offending = []
    for path in sorted(SRC.rglob("*.py")):
        text = path.read_text(encoding="utf-8")
        for needle in ('== "fast"', '== "reference"', "engine.current(", "engine.use("):
            if needle in text:
                offending.append(f"{path.relative_to(ROOT)}: {needle}")
        if 'environ.get("REKG_ENGINE"' in text and path.name != "main.py":
            offending.append(f"{path.relative_to(ROOT)}: reads REKG_ENGINE")
    assert offending == []


def test_a_clone_needs_nothing_beside_it():
    """The W3C manifests and the contract are vendored; nothing reads ../shared/."""
    tracked = subprocess.run(
        ["git", "ls-files"], cwd=ROOT, capture_output=True, text=True, check=True
    ).stdout.split()
    reading = [
        name
        for name in tracked
        if name.endswith((".py", ".sh", "Makefile", ".toml", ".cfg", ".ini"))
        and (
            "../shared" in (text := (ROOT / name).read_text(encoding="utf-8")) or '"shared"' in text
        )
        and name not in {"tests/test_architecture.py", "tests/test_docs.py"}  # they check it
    ]
    assert reading == []
    assert (ROOT / "tests" / "conformance" / "LICENSE-W3C-TESTS.md").is_file()
