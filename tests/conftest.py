import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from rekg.build import build
from rekg.project import Project

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
