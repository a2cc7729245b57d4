"""A project with two sources: the article and the test source in
tests/fixtures/second-source/ (its README says why it exists)."""

import shutil
from pathlib import Path

from rekg.core.project import Project

from .conftest import copy_project

SECOND = Path(__file__).resolve().parent / "fixtures" / "second-source"


# Three claims more for the brief: a likely denial of "holds deposits" (a super-property of
# the article's "holds significant deposits"), the brief's own "holds deposits", and a draft
# that doubts what the article states (tests of contradictions through sub-properties).
SUB_PROPERTY_CLAIMS = """
- n: 13
  quote: "Vietnam’s rare-earth reserves are not among the world’s largest"
  subject: vietnam
  predicate: holdsDepositsOf
  object: rare-earth-elements
  modality: likely
  negated: true

- n: 14
  quote: "Vietnam’s rare-earth reserves"
  subject: vietnam
  predicate: holdsDepositsOf
  object: rare-earth-elements
  modality: asserted

- n: 15
  quote: "Singapore is unlikely to remain the region’s rare-earth trading hub"
  subject: singapore
  predicate: hostsStage
  object: research-development
  modality: unlikely
  draft: true
"""


def with_second_source(target: Path) -> Project:
    """A private copy of the project with the second source registered and annotated."""
    project = copy_project(target)
    for name in ("mainland-brief.txt", "mainland-brief.ttl"):
        shutil.copy(SECOND / name, project.data / "sources" / name)
    shutil.copy(SECOND / "mainland-brief.yaml", project.data / "claims" / "mainland-brief.yaml")
    return project
