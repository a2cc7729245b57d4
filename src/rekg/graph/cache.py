"""Freshness: whether a built file is newer than every input it was made from (so that
nothing answers from stale data; `pipeline.closure_graph` rebuilds what is stale)."""

from pathlib import Path

from rekg.core.project import Project


def _inputs(project: Project, everything: bool):
    """What a built file depends on: the graph's inputs, and with `everything` also the
    shapes and the stored queries (which dist/answers.md and the site depend on)."""
    if everything:
        folders = (project.root / "ontology", project.data, project.queries)
    else:
        yield project.ontology
        folders = (project.data,)
    for folder in folders:
        if folder.is_dir():
            yield from (p for p in folder.rglob("*") if p.is_file())


def is_fresh(project: Project, built: Path, everything: bool = False) -> bool:
    if not built.is_file():
        return False
    stamp = built.stat().st_mtime
    return all(path.stat().st_mtime <= stamp for path in _inputs(project, everything))
