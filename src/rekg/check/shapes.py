"""What both SHACL engines share: the shapes graph, and how a result's path and shape are
named in a finding (so that the two engines' reports can be compared line by line)."""

from pathlib import Path

from rdflib import BNode, Graph, URIRef
from rdflib.namespace import SH

from rekg.core.report import short
from rekg.graph.rdfio import parse_file


def load_shapes(path: Path, display: str) -> Graph:
    shapes = Graph()
    parse_file(path, shapes, display)
    return shapes


def path_text(graph: Graph, path) -> str:
    if path is None:
        return ""
    if isinstance(path, BNode):
        inverse = graph.value(path, SH.inversePath)
        if inverse is not None:
            return f"^{short(inverse)}"
        return "(complex path)"
    return short(path)


def shape_name(shapes: Graph, shape) -> str:
    """A named shape, or the named node shape an anonymous property shape belongs to."""
    seen = 0
    while isinstance(shape, BNode) and seen < 5:
        parent = next(shapes.subjects(SH.property, shape), None) or next(
            shapes.subjects(SH.qualifiedValueShape, shape), None
        )
        if parent is None:
            break
        shape, seen = parent, seen + 1
    return short(shape) if isinstance(shape, URIRef) else "anonymous shape"
