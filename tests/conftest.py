import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from rdflib import Graph

from rekg.core.project import Project
from rekg.graph.rdfio import parse_file
from rekg.pipeline import build

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="session")
def project() -> Project:
    return Project(ROOT)


@pytest.fixture(scope="session")
def built(tmp_path_factory, project):
    """One full build of the article's data, into a temporary dist/."""
    return build(project, tmp_path_factory.mktemp("dist"))


@pytest.fixture(scope="session")
def loaded(built):
    return built.loaded


@pytest.fixture(scope="session")
def closure(built):
    return built.reasoned.closure


@pytest.fixture(scope="session")
def base(project) -> Graph:
    """The ontology, the entities and the source: what a fixture claim needs around it to
    conform (read-only: tests copy it before adding to it)."""
    g = Graph()
    for path in (
        project.ontology,
        project.data / "entities.ttl",
        project.data / "sources" / "china-sea-rare-earths.ttl",
    ):
        parse_file(path, g)
    # participants of the two article events and the strategic roles come from claims;
    # give them here
    g.parse(
        data="""
        @prefix rekg: <https://w3id.org/rekg/ontology#> .
        @prefix id: <https://w3id.org/rekg/id/> .
        id:xi-jinping rekg:participatesIn id:state-visit-kuala-lumpur-2025 .
        id:he-lifeng rekg:participatesIn id:wef-davos-2026 .
        id:malaysia rekg:hasStrategicRole id:role-malaysia .
        id:vietnam rekg:hasStrategicRole id:role-vietnam .
        id:myanmar rekg:hasStrategicRole id:role-myanmar .
        id:thailand rekg:hasStrategicRole id:role-thailand .
        id:singapore rekg:hasStrategicRole id:role-singapore .
        """,
        format="turtle",
    )
    return g


def copy_project(target: Path) -> Project:
    """A private copy of the project's inputs, to break on purpose."""
    for name in ("ontology", "data", "queries"):
        shutil.copytree(ROOT / name, target / name)
    return Project(target)


@pytest.fixture
def scratch(tmp_path) -> Project:
    return copy_project(tmp_path)


def run_cli(*args, cwd=ROOT, env=None):
    """The installed console script, as a user runs it."""
    rekg = Path(sys.executable).with_name("rekg")
    return subprocess.run(
        [str(rekg), *args], cwd=cwd, capture_output=True, text=True, env=env, timeout=300
    )
