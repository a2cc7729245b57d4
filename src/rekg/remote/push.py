"""`rekg push`: upload a built dataset to a triple store through the Graph Store Protocol,
in chunks, checking every status, then verify by counting the target graph's triples (a
COUNT query on the store's query endpoint, or, when none is known, the graph fetched back
with a Graph Store GET).

Three ways to write the target graph:
- replace (default): PUT the first chunk, POST the rest. Simple, but a reader may see the
  graph half-loaded while it runs, and a failure leaves it so.
- `--replace`: load a staging graph, count it, then swap it in with one SPARQL Update `MOVE`
  (one transaction), so readers see the old graph or the new one, never a mix; a failure
  before the swap leaves the target as it was.
- `--append`: POST every chunk.
Every POST names its graph (`?graph=` or `?default`): a bare POST asks the store to create a
new graph (Oxigraph does exactly that).

A dataset of named graphs (dist/rekg.nq, the claims by source) is pushed graph by graph,
each into the graph of its own name, in the order of their IRIs, each written and verified
as above (`push_graphs`). Each graph is replaced on its own, the set of them is not: a
failure leaves the graphs before it pushed and says so."""

import contextlib
import hashlib
import time
from dataclasses import dataclass, field
from pathlib import Path

from rekg.core.errors import DataError, UsageError
from rekg.remote.endpoint import Endpoint
from rekg.remote.gsp import DEFAULT, GraphStore, RemoteError, graph_url

BODY_FORMATS = {  # name -> (media type, pyoxigraph format attribute)
    "ntriples": ("application/n-triples", "N_TRIPLES"),
    "turtle": ("text/turtle", "TURTLE"),
}
DATASETS = {  # what to push -> the file of dist/ that holds it
    "inferred": "rekg-inferred.ttl",
    "asserted": "rekg.nt",
    "sources": "rekg.nq",
}
NAMED_DATASETS = {"sources"}  # pushed graph by graph, each into the graph of its name
DEFAULT_CHUNK = 50_000

# Where each store keeps its query and update services, given its Graph Store endpoint. A
# URL matching none of them is taken to serve updates itself (Fuseki's dataset URL,
# QLever's root); no query service is assumed there, so a push counts what the store holds
# by fetching the graph (a Graph Store URL need not answer queries: Virtuoso's says 406).
STORE_LAYOUTS = (
    ("/store", "/query", "/update"),  # Oxigraph
    ("/data", "/query", "/update"),  # Jena Fuseki
    ("/rdf-graphs/service", "", "/statements"),  # GraphDB, RDF4J
    ("/sparql-graph-crud-auth", "/sparql-auth", "/sparql-auth"),  # Virtuoso, Digest
    ("/sparql-graph-crud", "/sparql", "/sparql"),  # Virtuoso, as user SPARQL
)


def services_for(store: str) -> tuple[str | None, str]:
    """(query URL or None, update URL) beside a Graph Store Protocol URL."""
    base = store.rstrip("/")
    for suffix, query, update in STORE_LAYOUTS:
        if base.endswith(suffix):
            root = base[: -len(suffix)]
            return root + query, root + update
    return None, store


def name(graph: str | None) -> str:
    return "the default graph" if graph is DEFAULT else f"<{graph}>"


def staging_graph(graph: str | None) -> str:
    """A staging graph named after the target, so that the next push of the same target
    overwrites what an interrupted one left behind."""
    digest = hashlib.sha256(("default" if graph is DEFAULT else graph).encode()).hexdigest()
    return f"urn:rekg:staging:{digest[:16]}"


def read_dataset(path: Path) -> list:
    """The distinct triples of an RDF file, in file order."""
    import pyoxigraph as ox

    from rekg.core.formats import rdf_format_for_path

    formats = {"turtle": ox.RdfFormat.TURTLE, "ntriples": ox.RdfFormat.N_TRIPLES}
    try:
        fmt = formats[rdf_format_for_path(path).name]
    except KeyError:
        raise UsageError(f"cannot push {path}: not Turtle or N-Triples") from None
    try:
        quads = ox.parse(path=str(path), format=fmt)
        return list(dict.fromkeys(q.triple for q in quads))
    except (SyntaxError, OSError) as exc:
        raise UsageError(f"cannot read {path}: {exc}") from None


def read_graphs(path: Path) -> dict[str, list]:
    """The distinct triples of each named graph of an N-Quads file, by graph IRI in IRI
    order. A triple in the default graph is refused: it has no graph to go into."""
    import pyoxigraph as ox

    if not path.name.endswith(".nq"):
        raise UsageError(f"cannot push {path} graph by graph: not N-Quads")
    graphs: dict[str, dict] = {}
    try:
        for quad in ox.parse(path=str(path), format=ox.RdfFormat.N_QUADS):
            if not isinstance(quad.graph_name, ox.NamedNode):
                raise UsageError(
                    f"cannot push {path} graph by graph: it has triples in the default graph",
                    remedy="push it with --dataset inferred or asserted, or rebuild dist/",
                )
            graphs.setdefault(quad.graph_name.value, {})[quad.triple] = None
    except (SyntaxError, OSError) as exc:
        raise UsageError(f"cannot read {path}: {exc}") from None
    return {name: list(graphs[name]) for name in sorted(graphs)}


def chunks(triples: list, size: int) -> list[list]:
    """Groups of about `size` triples. A blank node's label means something only within one
    document, so all triples that share blank nodes go into the same chunk."""
    import pyoxigraph as ox

    parent: dict = {}

    def root(node):
        while parent.setdefault(node, node) != node:
            parent[node] = parent[parent[node]]
            node = parent[node]
        return node

    for t in triples:
        if isinstance(t.subject, ox.BlankNode) and isinstance(t.object, ox.BlankNode):
            parent[root(t.subject)] = root(t.object)
    groups: dict = {}
    for index, t in enumerate(triples):
        node = t.subject if isinstance(t.subject, ox.BlankNode) else t.object
        key = root(node) if isinstance(node, ox.BlankNode) else index
        groups.setdefault(key, []).append(t)
    out, current = [], []
    for group in groups.values():
        if current and len(current) + len(group) > size:
            out.append(current)
            current = []
        current.extend(group)
    if current or not out:
        out.append(current)
    return out


def serialize(triples: list, body_format: str) -> bytes:
    import pyoxigraph as ox

    return ox.serialize(triples, format=getattr(ox.RdfFormat, BODY_FORMATS[body_format][1]))


def count_query(graph: str | None) -> str:
    if graph is DEFAULT:
        return "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"
    # the graph IRI comes from --graph: checked to be an IRI by the CLI, written as <...>
    return f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH <{graph}> {{ ?s ?p ?o }} }}"


# what a Graph Store GET may answer, most compact first
FETCH_ACCEPT = "application/n-triples, text/turtle;q=0.9, application/rdf+xml;q=0.5"


def count(endpoint: Endpoint, store: GraphStore, graph: str | None) -> int:
    """The triples the store holds in `graph`: a COUNT on the query endpoint when there is
    one; else the graph fetched with a Graph Store GET and its distinct triples counted
    (blank nodes keep their labels within one answer)."""
    if endpoint.url is not None:
        rows = endpoint.select(count_query(graph))
        return int(rows.rows[0]["n"].toPython()) if rows.rows else 0
    import pyoxigraph as ox

    response = store.get(graph, FETCH_ACCEPT)
    if response.status == 404:
        return 0
    media_type = response.headers.get("content-type", "").split(";")[0].strip()
    fmt = ox.RdfFormat.from_media_type(media_type) if media_type else None
    if fmt is None:
        shown = media_type or "no content type"
        raise RemoteError(
            f"GET {graph_url(store.url, graph)}: the answer is not RDF ({shown}), so the "
            "push cannot count what the store holds: give --endpoint URL",
            response.status,
        )
    try:
        return len({q.triple for q in ox.parse(response.body, format=fmt)})
    except SyntaxError as exc:
        raise RemoteError(
            f"GET {graph_url(store.url, graph)}: the answer is not valid {fmt.name} ({exc})"
        ) from None


def count_step(endpoint: Endpoint, what: str) -> str:
    """The step that counts `what`, saying how when it is not a query."""
    return f"count {what}" + ("" if endpoint.url is not None else " (Graph Store GET)")


@dataclass
class PushResult:
    triples: int
    requests: int
    counted: int
    seconds: float
    steps: list = field(default_factory=list)


class PushFailed(RemoteError):
    """A step of a push failed; says which one and what became of the target graph."""


class _Steps:
    def __init__(self, progress):
        self.done: list[str] = []
        self.progress = progress

    def run(self, label: str, action, after_failure: str):
        if self.progress:
            self.progress(label)
        try:
            value = action()
        except RemoteError as exc:
            raise PushFailed(
                f"push failed at step {len(self.done) + 1} ({label}): {exc.message}; "
                f"{after_failure}",
                exc.status,
            ) from None
        self.done.append(label)
        return value


def push(
    path: Path,
    store: GraphStore,
    endpoint: Endpoint,
    graph: str | None,
    mode: str = "put",
    chunk_size: int = DEFAULT_CHUNK,
    body_format: str = "ntriples",
    progress=None,
) -> PushResult:
    """Upload the triples of `path` into `graph` (DEFAULT: the default graph); mode is
    'put', 'replace' (staged, swapped in with MOVE) or 'append'. `endpoint` (no graph of its
    own) runs the counts and the MOVE."""
    start = time.perf_counter()
    triples = read_dataset(path)
    return push_triples(
        triples, store, endpoint, graph, mode=mode, chunk_size=chunk_size,
        body_format=body_format, progress=progress, start=start,
    )  # fmt: skip


def push_graphs(
    path: Path,
    store: GraphStore,
    endpoint: Endpoint,
    mode: str = "put",
    chunk_size: int = DEFAULT_CHUNK,
    body_format: str = "ntriples",
    progress=None,
) -> list[tuple[str, PushResult]]:
    """Upload every named graph of the N-Quads file `path` into the store's graph of the
    same name, one after the other in IRI order, each as `push` does (and verified by its
    own count). A failure names the graph and the graphs already pushed."""
    graphs = read_graphs(path)
    results = []
    for i, (graph, triples) in enumerate(graphs.items(), 1):
        try:
            results.append(
                (
                    graph,
                    push_triples(
                        triples,
                        store,
                        endpoint,
                        graph,
                        mode=mode,
                        chunk_size=chunk_size,
                        body_format=body_format,
                        progress=progress,
                    ),  # fmt: skip
                )
            )
        except (PushFailed, DataError) as exc:
            before = ", ".join(f"<{g}>" for g, _ in results) or "none"
            exc.remedy = (
                f"graph {i} of {len(graphs)} failed; the graphs before it were pushed "
                f"({before}): push again"
            )
            raise
    return results


def stale_graphs(endpoint: Endpoint, prefix: str, pushed) -> list[str]:
    """The store's graphs under `prefix` that are not among `pushed` (a source since
    removed); [] when the store cannot say."""
    if endpoint.url is None:
        return []

    def graphs(pattern: str) -> set[str]:
        rows = endpoint.select(f"SELECT DISTINCT ?g WHERE {{ GRAPH ?g {{ {pattern} }} }}")
        return {str(row["g"]) for row in rows.rows if row.get("g") is not None}

    try:
        names = graphs("")
        if not set(pushed) <= names:
            # Virtuoso answers `GRAPH ?g { }` with one row and ?g unbound (SPARQL 1.1:
            # every named graph): ask for the graphs that hold a triple instead
            names = graphs("?s ?p ?o")
    except RemoteError:
        return []
    return sorted(n for n in names - set(pushed) if n.startswith(prefix))


def push_triples(
    triples: list, store: GraphStore, endpoint: Endpoint, graph: str | None, **options
) -> PushResult:
    """`push` of triples already read (pyoxigraph triples, distinct); `options` are
    _write's (mode, chunk_size, body_format, progress, start)."""
    try:
        return _write(triples, store, endpoint, graph, **options)
    except PushFailed as exc:
        if graph is DEFAULT and (exc.status or 0) >= 400 and exc.status not in (401, 403):
            # Virtuoso's Graph Store endpoint refuses ?default with a 500 of its own words
            exc.remedy = (
                "if the store takes no writes into its default graph through the Graph "
                "Store Protocol (Virtuoso's does not), push into a named graph: --graph IRI"
            )
        raise


def _write(
    triples: list,
    store: GraphStore,
    endpoint: Endpoint,
    graph: str | None,
    mode: str = "put",
    chunk_size: int = DEFAULT_CHUNK,
    body_format: str = "ntriples",
    progress=None,
    start: float | None = None,
) -> PushResult:
    start = time.perf_counter() if start is None else start
    bodies = [serialize(c, body_format) for c in chunks(triples, chunk_size)]
    media_type = BODY_FORMATS[body_format][0]
    steps = _Steps(progress)
    k = len(bodies)
    target = name(graph)

    if mode == "replace":
        staging = staging_graph(graph)
        untouched = f"{target} was left as it was"
        try:
            for i, body in enumerate(bodies, 1):
                send = store.put if i == 1 else store.post
                steps.run(
                    f"load chunk {i}/{k} into the staging graph <{staging}>",
                    lambda send=send, body=body: send(staging, body, media_type),
                    untouched,
                )
        except PushFailed:
            _drop_quietly(store, staging)
            raise
        staged = steps.run(
            count_step(endpoint, f"the staging graph <{staging}>"),
            lambda: count(endpoint, store, staging),
            untouched,
        )
        if staged != len(triples):
            _drop_quietly(store, staging)
            raise DataError(
                f"push stopped before the swap: the staging graph <{staging}> holds {staged} "
                f"triples, {len(triples)} were sent; {untouched}"
            )
        into = "DEFAULT" if graph is DEFAULT else f"GRAPH <{graph}>"
        try:
            steps.run(
                f"swap it in: MOVE GRAPH <{staging}> TO {into}",
                lambda: endpoint.update(f"MOVE GRAPH <{staging}> TO {into}"),
                f"{target} was left as it was unless the store applied the MOVE",
            )
        except PushFailed:
            _drop_quietly(store, staging)
            raise
        expected = (len(triples), len(triples))
    else:
        before = 0
        if mode == "append":
            before = steps.run(
                count_step(endpoint, target),
                lambda: count(endpoint, store, graph),
                "nothing was sent",
            )
        for i, body in enumerate(bodies, 1):
            send = store.put if (i == 1 and mode == "put") else store.post
            steps.run(
                f"{'PUT' if send == store.put else 'POST'} chunk {i}/{k} into {target}",
                lambda send=send, body=body: send(graph, body, media_type),
                f"{target} holds the chunks before this one (push again)"
                if i > 1
                else f"{target} was not changed",
            )
        expected = (
            (len(triples), len(triples))
            if mode == "put"
            else (max(before, len(triples)), before + len(triples))
        )
    held = steps.run(
        count_step(endpoint, target),
        lambda: count(endpoint, store, graph),
        f"{target} was written but not verified",
    )
    low, high = expected
    if not low <= held <= high:
        want = str(low) if low == high else f"between {low} and {high}"
        union = (
            " (a store whose default graph is the union of all its graphs counts them all:"
            " push into a named graph with --graph IRI)"
            if graph is DEFAULT and held > high
            else ""
        )
        raise DataError(
            f"verification failed: {target} holds {held} triples, expected {want}{union}"
        )
    return PushResult(
        len(triples),
        len(bodies) + (1 if mode == "replace" else 0),
        held,
        round(time.perf_counter() - start, 3),
        steps.done,
    )


def _drop_quietly(store: GraphStore, graph: str) -> None:
    # a leftover staging graph is overwritten by the next push of the same target
    with contextlib.suppress(RemoteError):
        store.delete(graph)
