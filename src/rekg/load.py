"""Load a project into one graph: the ontology, every *.ttl under data/, and the compiled
authoring formats (claim files, reference tables). Records where each node is written so
that reports can point at the file and line."""

import re
from dataclasses import dataclass, field
from pathlib import Path

from rdflib import Graph, URIRef

from . import claims, reference
from .errors import CheckFailed
from .namespaces import bind_prefixes
from .project import Project
from .rdfio import parse_file
from .report import Finding, Report
from .sources import SourceText

_PREFIX = re.compile(r"@prefix\s+([\w-]*):\s*<([^>]*)>", re.IGNORECASE)


@dataclass
class Loaded:
    project: Project
    graph: Graph
    places: dict = field(default_factory=dict)  # node -> "file:line"
    sources: dict = field(default_factory=dict)  # slug -> SourceText
    findings: list = field(default_factory=list)  # authoring problems
    files: list = field(default_factory=list)

    def place(self, node) -> str:
        node = URIRef(str(node).split("#", 1)[0]) if isinstance(node, URIRef) else node
        return self.places.get(node, "(generated)")


def turtle_places(path: Path, display: str) -> dict:
    """The first line of each subject written at the start of a line."""
    prefixes, places = {}, {}
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        match = _PREFIX.match(line)
        if match:
            prefixes[match.group(1)] = match.group(2)
            continue
        if not line or line[0] in " \t#@[(":
            continue
        token = line.split()[0]
        if token.startswith("<") and token.endswith(">"):
            iri = token[1:-1]
        elif ":" in token and token.split(":", 1)[0] in prefixes:
            pfx, local = token.split(":", 1)
            iri = prefixes[pfx] + local
        else:
            continue
        places.setdefault(URIRef(iri), f"{display}:{number}")
    return places


def load_project(project: Project, strict: bool = True) -> Loaded:
    """Everything the graph holds. With strict, authoring problems raise CheckFailed."""
    graph = bind_prefixes(Graph())
    loaded = Loaded(project, graph)
    turtle = [project.ontology, *sorted(project.data.rglob("*.ttl"))]
    for path in turtle:
        display = project.relative(path)
        parse_file(path, graph, display)
        loaded.files.append(display)
        for node, place in turtle_places(path, display).items():
            loaded.places.setdefault(node, place)
    for path in sorted((project.data / "sources").glob("*.txt")):
        loaded.sources[path.stem] = SourceText.read(path.stem, path)
    for path in sorted((project.data / "reference").glob("*.tsv")):
        compiler = reference.COMPILERS.get(path.name)
        if compiler is None:
            continue
        _add(loaded, path, *compiler(path, project.relative(path), graph))
    names = claims.Names.from_graph(graph)
    for path in sorted((project.data / "claims").glob("*.yaml")):
        display = project.relative(path)
        _add(loaded, path, *claims.compile_claims(path, display, names, loaded.sources))
    if strict and loaded.findings:
        report = Report(list(loaded.findings), ["claim files and reference tables"])
        raise CheckFailed("the authoring files have problems", report)
    return loaded


def _add(loaded: Loaded, path: Path, graph: Graph, findings: list[Finding], places: dict):
    loaded.files.append(loaded.project.relative(path))
    for triple in graph:
        loaded.graph.add(triple)
    loaded.findings.extend(findings)
    for node, place in places.items():
        loaded.places.setdefault(node, place)
