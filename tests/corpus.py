"""A project with two sources: the article and the test source in
tests/fixtures/second-source/ (its README says why it exists)."""

import shutil
from pathlib import Path

from rekg.core.project import Project

from .conftest import copy_project

SECOND = Path(__file__).resolve().parent / "fixtures" / "second-source"


def with_second_source(target: Path) -> Project:
    """A private copy of the project with the second source registered and annotated."""
    project = copy_project(target)
    for name in ("mainland-brief.txt", "mainland-brief.ttl"):
        shutil.copy(SECOND / name, project.data / "sources" / name)
    shutil.copy(SECOND / "mainland-brief.yaml", project.data / "claims" / "mainland-brief.yaml")
    return project
