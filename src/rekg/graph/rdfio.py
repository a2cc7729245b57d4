"""Reading and writing RDF: strict parsing with exact error places, deterministic output.

Parsing goes through pyoxigraph (strict, fast, reports line and column) and the triples are
turned into rdflib terms; blank-node labels are scoped per file so two files never share a
node by accident."""

import hashlib
import json
from pathlib import Path

import pyoxigraph as ox
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.compare import to_canonical_graph
from rdflib.namespace import XSD

from rekg.core.errors import InputSyntaxError
from rekg.core.formats import rdf_format_for_path
from rekg.core.namespaces import PREFIXES, bind_prefixes
from rekg.graph.quads import Quads

_OX_FORMATS = {"turtle": ox.RdfFormat.TURTLE, "ntriples": ox.RdfFormat.N_TRIPLES}


def to_rdflib(term, scope: str = ""):
    if isinstance(term, ox.NamedNode):
        return URIRef(term.value)
    if isinstance(term, ox.BlankNode):
        return BNode(scope + term.value)
    if term.language:
        return Literal(term.value, lang=term.language)
    datatype = term.datatype.value
    return Literal(term.value, datatype=None if datatype == str(XSD.string) else URIRef(datatype))


def parse_file(path: Path, graph: Graph, display: str | None = None) -> int:
    """Add the triples of an RDF file to `graph`; return how many the file holds.
    A syntax error becomes InputSyntaxError with file:line:column."""
    display = display or str(path)
    fmt = rdf_format_for_path(path)
    scope = "f" + hashlib.sha1(display.encode()).hexdigest()[:8]
    try:
        if fmt.name in _OX_FORMATS:
            quads = list(ox.parse(path=str(path), format=_OX_FORMATS[fmt.name]))
        else:
            before = len(graph)
            graph.parse(str(path), format=fmt.rdflib)
            return len(graph) - before
    except SyntaxError as exc:
        raise _syntax_error(exc, display) from None
    except OSError as exc:
        raise _unreadable(exc, display) from None
    for quad in quads:
        graph.add(
            (
                to_rdflib(quad.subject, scope),
                to_rdflib(quad.predicate),
                to_rdflib(quad.object, scope),
            )
        )
    return len(quads)


def parse_turtle_into(path: Path, quads: Quads, display: str) -> None:
    """Add a Turtle file's triples to `quads` as pyoxigraph parses them (the fast loader's
    way: no rdflib terms). Blank nodes get fresh labels per file (two files never share a
    node by accident); exports relabel them from their content, so the labels never show."""
    try:
        quads.extend(ox.parse(path=str(path), format=ox.RdfFormat.TURTLE, rename_blank_nodes=True))
    except SyntaxError as exc:
        raise _syntax_error(exc, display) from None
    except OSError as exc:
        raise _unreadable(exc, display) from None


def _unreadable(exc: OSError, display: str) -> InputSyntaxError:
    return InputSyntaxError(f"cannot read: {exc.strerror}", place=display, remedy="check the path")


def _syntax_error(exc: SyntaxError, display: str) -> InputSyntaxError:
    message = str(exc.args[0]) if exc.args else str(exc)
    line, column = exc.lineno, exc.offset
    if message.startswith("Parser error at line"):
        message = message.split(": ", 1)[-1]
    place = f"{display}:{line}:{column}" if line else display
    return InputSyntaxError(
        f"Turtle syntax error: {message}",
        place=place,
        remedy="correct the Turtle at that position (each statement ends with '.', "
        "prefixes must be declared); the previous dist/ is left as it was",
    )


def canonical(graph: Graph) -> Graph:
    """A copy with blank nodes relabelled from their content, so output order and labels
    do not depend on parse order or hash seeds."""
    source = graph
    if any(isinstance(t, BNode) for triple in graph for t in triple):
        source = to_canonical_graph(graph)
    out = bind_prefixes(Graph())
    for triple in source:
        out.add(triple)
    return out


def serialize(graph: Graph, format_name: str, is_canonical: bool = False) -> bytes:
    """Byte-identical output for equal graphs."""
    if not is_canonical:
        graph = canonical(graph)
    if format_name == "turtle":
        return graph.serialize(format="turtle").encode("utf-8")
    if format_name == "ntriples":
        lines = graph.serialize(format="nt").splitlines()
        return ("\n".join(sorted(line for line in lines if line.strip())) + "\n").encode("utf-8")
    if format_name == "jsonld":
        context = dict(sorted(PREFIXES.items()))
        text = graph.serialize(format="json-ld", context=context, auto_compact=False)
        doc = _normalise_jsonld(json.loads(text))
        return (json.dumps(doc, ensure_ascii=False, indent=1, sort_keys=True) + "\n").encode(
            "utf-8"
        )
    raise ValueError(format_name)


def _normalise_jsonld(node, key=None):
    if isinstance(node, dict):
        return {k: _normalise_jsonld(v, k) for k, v in node.items()}
    if isinstance(node, list):
        items = [_normalise_jsonld(v) for v in node]
        if key == "@list":
            return items
        return sorted(items, key=lambda v: json.dumps(v, sort_keys=True, ensure_ascii=False))
    return node
