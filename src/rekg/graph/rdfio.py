"""Reading and writing RDF: strict parsing with exact error places, deterministic output.

Parsing goes through pyoxigraph (strict, fast, reports line and column) and the triples are
turned into rdflib terms; blank-node labels are scoped per file so two files never share a
node by accident."""

import hashlib
import json
import logging
import re
from contextlib import contextmanager
from pathlib import Path

import pyoxigraph as ox
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.compare import to_canonical_graph
from rdflib.namespace import XSD

from rekg.core.errors import InputSyntaxError, not_utf8
from rekg.core.formats import rdf_format_for_path
from rekg.core.namespaces import PREFIXES, bind_prefixes
from rekg.graph.quads import Quads

# rdflib logs a traceback for each literal whose lexical form does not fit its datatype
# ("2026-02-30"^^xsd:date) when it makes the Python value; the shapes report that literal
# with its file and line, and the traceback on stderr would only bury the report
logging.getLogger("rdflib.term").setLevel(logging.ERROR)

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
    with _parse_errors(path, display):
        if fmt.name not in _OX_FORMATS:
            before = len(graph)
            graph.parse(str(path), format=fmt.rdflib)
            return len(graph) - before
        quads = list(ox.parse(path=str(path), format=_OX_FORMATS[fmt.name]))
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
    with _parse_errors(path, display):
        quads.extend(ox.parse(path=str(path), format=ox.RdfFormat.TURTLE, rename_blank_nodes=True))


def parse_turtle(path: Path, display: str) -> list:
    """The triples of a Turtle file as pyoxigraph parses them, blank nodes relabelled."""
    with _parse_errors(path, display):
        return list(ox.parse(path=str(path), format=ox.RdfFormat.TURTLE, rename_blank_nodes=True))


@contextmanager
def _parse_errors(path: Path, display: str):
    """A syntax error, a byte that is not UTF-8, an unreadable file or a token too long for
    the parser, as InputSyntaxError with file:line."""
    try:
        yield
    except SyntaxError as exc:
        raise _syntax_error(exc, display, path) from None
    except OSError as exc:
        raise _unreadable(exc, display) from None
    except MemoryError as exc:
        raise _too_long(exc, display, path) from None


def _unreadable(exc: OSError, display: str) -> InputSyntaxError:
    return InputSyntaxError(f"cannot read: {exc.strerror}", place=display, remedy="check the path")


def _syntax_error(exc: SyntaxError, display: str, path: Path | None = None) -> InputSyntaxError:
    message = str(exc.args[0]) if exc.args else str(exc)
    line, column = exc.lineno, exc.offset
    if message.startswith("Parser error at line"):
        message = message.split(": ", 1)[-1]
    if "Invalid UTF-8" in message and path is not None:
        # the parser names the term; the first bad byte's offset is what a hex editor needs
        data = _read_or_none(path)
        if data is not None:
            try:
                data.decode("utf-8")
            except UnicodeDecodeError as bad:
                return not_utf8(data, bad.start, display)
    place = f"{display}:{line}:{column}" if line else display
    return InputSyntaxError(
        f"Turtle syntax error: {message}",
        place=place,
        remedy="correct the Turtle at that position (each statement ends with '.', "
        "prefixes must be declared); the previous dist/ is left as it was",
    )


def _read_or_none(path: Path) -> bytes | None:
    try:
        return path.read_bytes()
    except OSError:
        return None


_BUFFER_FULL = re.compile(r"Reached the buffer maximal size of ([0-9]+)")


def _too_long(exc: MemoryError, display: str, path: Path) -> InputSyntaxError:
    """pyoxigraph's parser holds one token (a comment, a string, an IRI) in a buffer of at
    most 16 MiB and gives up with MemoryError on a longer one: name the line that holds it."""
    match = _BUFFER_FULL.search(str(exc))
    if match is None:
        raise exc  # a real shortage of memory, not a token too long for the parser
    limit = int(match.group(1))
    where = _long_line(path, limit)
    if where is None:
        place, what = display, f"a comment, string or IRI longer than {limit:,} bytes"
    else:
        number, length = where
        place = f"{display}:{number}"
        what = (
            f"line {number} is {length:,} bytes long; the parser takes comments, strings "
            f"and IRIs of at most {limit:,} bytes"
        )
    return InputSyntaxError(
        f"Turtle token too long: {what}",
        place=place,
        remedy="break the comment over several lines, or keep a text that long in a file of "
        "its own (a source text under data/sources/) and refer to it",
    )


def _long_line(path: Path, limit: int) -> tuple[int, int] | None:
    """(number, length in bytes) of the first line longer than `limit`, read in chunks so
    that a long line is never held whole."""
    number, length = 1, 0
    try:
        with path.open("rb") as handle:
            while chunk := handle.read(1 << 20):
                start = 0
                while (end := chunk.find(b"\n", start)) != -1:
                    if length + end - start > limit:
                        return number, length + end - start
                    number, length, start = number + 1, 0, end + 1
                length += len(chunk) - start
    except OSError:
        return None
    return (number, length) if length > limit else None


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
