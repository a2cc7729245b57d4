"""The graph queries run on: the inferred closure in dist/ when it is newer than every
input, otherwise computed afresh (so a query never answers from stale data)."""

from pathlib import Path

from rdflib import Graph

from .build import reason_checked
from .load import load_project
from .namespaces import bind_prefixes
from .project import Project
from .rdfio import parse_file


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


def closure_graph(project: Project) -> Graph:
    built = project.dist / "rekg-inferred.ttl"
    if is_fresh(project, built):
        graph = bind_prefixes(Graph())
        parse_file(built, graph, project.relative(built))
        return graph
    return reason_checked(load_project(project)).closure
