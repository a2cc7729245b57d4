"""Ad-hoc SPARQL, as `rekg query --file/--sparql` runs it: the project's prefixes
predeclared, any query form, graph results written as sorted RDF.

- `run` answers a query on a graph with every prefix of `core.namespaces.PREFIXES`
  predeclared by the engine itself (a PREFIX the query declares wins): Rows for SELECT
  and ASK, an rdflib Graph for CONSTRUCT and DESCRIBE.
- `for_endpoint` is the text to send to a remote store, which knows none of those
  prefixes: the declarations of those the query uses and does not declare, put before it.
- `result_format` picks and checks the output format for a query's form, before it runs;
  `write_graph` writes a graph result the same on both engines."""

import json
import re

from rdflib import BNode, Graph
from rdflib.compare import to_canonical_graph

from rekg.core.engines import Engine
from rekg.core.errors import UsageError
from rekg.core.formats import RDF_FORMATS, RESULT_FORMATS, rdf_format
from rekg.core.namespaces import PREFIXES, bind_prefixes
from rekg.graph.engine import Rows, answer, prefixed_names, prologue, query_form

TABLE_FORMATS = tuple(f.name for f in RESULT_FORMATS)  # SELECT and ASK
GRAPH_FORMATS = tuple(f.name for f in RDF_FORMATS)  # CONSTRUCT and DESCRIBE
GRAPH_FORMS = ("CONSTRUCT", "DESCRIBE")

_COMMENT_LINE = re.compile(r"^\s*#.*$", re.MULTILINE)


def check_text(text: str, what: str) -> str:
    """The query text, refused when it holds nothing but white space and comments."""
    if not _COMMENT_LINE.sub("", text).strip():
        raise UsageError(
            f"the query text {what} is empty",
            remedy="give a query such as SELECT * WHERE { ?s ?p ?o } LIMIT 10",
        )
    return text


def result_format(form: str | None, asked: str | None) -> str:
    """The output format: the one asked for if it suits the query's form, else the form's
    default (table for SELECT and ASK, turtle for CONSTRUCT and DESCRIBE)."""
    graph = form in GRAPH_FORMS
    offered = GRAPH_FORMATS if graph else TABLE_FORMATS
    if asked is None:
        return offered[0]
    if form is not None and asked not in offered:
        gives, writes = ("a graph", "a table") if graph else ("a table", "a graph")
        raise UsageError(
            f"--format {asked} writes {writes}; a {form} query gives {gives}",
            remedy=f"choose --format {', '.join(offered[:-1])} or {offered[-1]} "
            f"(default: {offered[0]})",
        )
    return asked


def run(graph, text: str, engine: Engine = Engine.FAST) -> "Rows | Graph":
    """The answer of any query on `graph`, with the project's prefixes predeclared."""
    return answer(graph, text, engine, PREFIXES)


def for_endpoint(text: str, prefixes: dict[str, str] = PREFIXES) -> str:
    """The query as a remote store must get it: the declarations of the predeclared
    prefixes it uses but does not declare, all on one line before the text (so a line
    number in the store's error is the line in the user's text). Refuses the graph forms,
    which `Endpoint.select` cannot read yet."""
    form = query_form(text)
    if form in GRAPH_FORMS:
        # the first line is Endpoint.select's own, which refuses the other forms
        raise UsageError(
            f"rekg runs SELECT and ASK queries on an endpoint, not {form}",
            remedy=f"{form} on a remote endpoint is not supported yet: run it locally "
            "(drop --endpoint)",
        )
    declared = prologue(text)[0]
    used = dict.fromkeys(p for p, _, _ in prefixed_names(text) if p not in declared)
    needed = [p for p in used if p in prefixes]
    if not needed:
        return text
    return " ".join(f"PREFIX {p}: <{prefixes[p]}>" for p in needed) + " " + text


def write_graph(graph: Graph, fmt: str = "turtle") -> str:
    """A graph result as text, the project's prefixes bound, the same bytes whichever
    engine found it: triples sorted, blank nodes labelled from their content."""
    if any(isinstance(term, BNode) for triple in graph for term in triple):
        graph = to_canonical_graph(graph)
    out = bind_prefixes(Graph(bind_namespaces="none"))
    for triple in sorted(graph, key=lambda t: tuple(term.n3() for term in t)):
        out.add(triple)
    name = rdf_format(fmt).rdflib
    if name == "nt":
        lines = sorted(line for line in out.serialize(format="nt").splitlines() if line)
        return "".join(line + "\n" for line in lines)
    if name == "json-ld":
        used = {prefix: iri for prefix, iri in PREFIXES.items() if _uses(out, iri)}
        doc = json.loads(out.serialize(format="json-ld", context=used))
        return json.dumps(_sorted_json(doc), ensure_ascii=False, indent=1, sort_keys=True) + "\n"
    text = out.serialize(format=name).strip("\n")
    return text + "\n" if text else ""


def _sorted_json(value, ordered: bool = False):
    """JSON-LD with its arrays sorted (rdflib writes nodes in hash order), except the
    members of an @list, whose order is the data's."""
    if isinstance(value, dict):
        return {key: _sorted_json(item, key == "@list") for key, item in value.items()}
    if isinstance(value, list):
        items = [_sorted_json(item) for item in value]
        return items if ordered else sorted(items, key=lambda i: json.dumps(i, sort_keys=True))
    return value


def _uses(graph: Graph, iri: str) -> bool:
    return any(str(term).startswith(iri) for triple in graph for term in triple)
