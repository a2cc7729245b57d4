"""`rekg push`: the built datasets into a triple store (Graph Store Protocol)."""

import sys
from pathlib import Path

from rekg.cli.common import add_client_options, check_iri, check_url, project_of
from rekg.core.errors import EXIT_OK, UsageError

PUSH_HELP = "upload the built dataset to a triple store (SPARQL 1.1 Graph Store Protocol)"


def cmd_push(args) -> int:
    from rekg.graph.cache import is_fresh
    from rekg.remote.endpoint import DEFAULT_TIMEOUT, Endpoint, auth_from, check_timeout
    from rekg.remote.gsp import DEFAULT, GraphStore
    from rekg.remote.push import DATASETS, NAMED_DATASETS, name, push, services_for

    project = project_of(args)
    store_url = check_url(args.store, "--store")
    named = args.dataset in NAMED_DATASETS
    if named and (args.graph is not None or args.default):
        flag = "--default" if args.default else "--graph"
        raise UsageError(
            f"{flag} cannot be used with --dataset {args.dataset}: each source goes into "
            "its own named graph, https://w3id.org/rekg/graph/source/SLUG",
            remedy=f"drop {flag}",
        )
    if not named and args.graph is None and not args.default:
        raise UsageError(
            f"--dataset {args.dataset} needs --graph IRI or --default",
            remedy="push into a named graph: --graph https://w3id.org/rekg/dist/rekg-inferred.ttl",
        )
    graph = None if named else DEFAULT if args.default else check_iri(args.graph, "--graph")
    if args.chunk_size < 1:
        raise UsageError(f"--chunk-size {args.chunk_size}: must be at least 1")
    timeout = check_timeout(DEFAULT_TIMEOUT if args.timeout is None else args.timeout)
    auth = auth_from(args.user, args.password_env, args.token_env)
    dist = Path(args.dist) if args.dist else project.dist
    path = dist / DATASETS[args.dataset]
    shown = project.relative(path)
    if not path.is_file():
        raise UsageError(f"{shown} does not exist", remedy="run 'rekg build' first")
    if not is_fresh(project, path):
        raise UsageError(
            f"{shown} is older than the ontology or data/", remedy="run 'rekg build' first"
        )
    query_url, update_url = services_for(store_url)
    endpoint = Endpoint(
        check_url(args.endpoint, "--endpoint") if args.endpoint else query_url,
        None,
        timeout,
        auth,
        check_url(args.update, "--update") if args.update else update_url,
    )
    mode = "replace" if args.replace else "append" if args.append else "put"

    def progress(step):
        if args.verbose:
            print(f"rekg push: {step}", file=sys.stderr)

    how = {"put": "replaced", "replace": "swapped", "append": "appended"}[mode]
    if named:
        return _push_graphs(
            args, path, shown, store_url, auth, timeout, endpoint, mode, how, progress
        )
    result = push(
        path,
        GraphStore(store_url, auth, timeout),
        endpoint,
        graph,
        mode,
        args.chunk_size,
        args.body_format,
        progress,
    )
    requests = f"{result.requests} request{'s' * (result.requests != 1)}"
    print(
        f"rekg push: {result.triples} triples of {shown} {how} into {name(graph)} at "
        f"{store_url} in {requests}; verified: it holds {result.counted} "
        f"triples ({result.seconds:.2f} s)",
        file=sys.stderr,
    )
    return EXIT_OK


def _push_graphs(args, path, shown, store_url, auth, timeout, endpoint, mode, how, progress):
    """--dataset sources: every named graph of the file into the graph of its name."""
    from rekg.core.namespaces import SOURCE_GRAPH
    from rekg.remote.gsp import GraphStore
    from rekg.remote.push import push_graphs, stale_graphs

    results = push_graphs(
        path,
        GraphStore(store_url, auth, timeout),
        endpoint,
        mode,
        args.chunk_size,
        args.body_format,
        progress,
    )
    for graph, result in results:
        print(
            f"rekg push: <{graph}>: {result.triples} triples {how}; verified: it holds "
            f"{result.counted} triples",
            file=sys.stderr,
        )
    triples = sum(r.triples for _, r in results)
    requests = sum(r.requests for _, r in results)
    seconds = sum(r.seconds for _, r in results)
    count = len(results)
    print(
        f"rekg push: {count} graph{'s' * (count != 1)} of {shown} ({triples} triples) {how} "
        f"at {store_url} in {requests} request{'s' * (requests != 1)}; each verified "
        f"({seconds:.2f} s)",
        file=sys.stderr,
    )
    if mode != "append":
        stale = stale_graphs(endpoint, str(SOURCE_GRAPH), [g for g, _ in results])
        if stale:
            listed = " ".join(f"<{g}>" for g in stale)
            print(
                f"rekg push: note: the store also holds {len(stale)} source graph"
                f"{'s' * (len(stale) != 1)} that {shown} does not (a source since removed?): "
                f"{listed}; drop {'them' if len(stale) != 1 else 'it'} with SPARQL Update "
                "DROP GRAPH",
                file=sys.stderr,
            )
    return EXIT_OK


def register(add) -> None:

    p = add("push", cmd_push, PUSH_HELP)
    p.add_argument(
        "--store",
        required=True,
        metavar="URL",
        help="the Graph Store Protocol endpoint, e.g. http://127.0.0.1:7878/store (Oxigraph), "
        "http://127.0.0.1:3030/ds/data (Fuseki), http://127.0.0.1:8890/sparql-graph-crud-auth "
        "(Virtuoso)",
    )
    where = p.add_mutually_exclusive_group()
    where.add_argument(
        "--graph",
        metavar="IRI",
        help="write into this named graph (--dataset inferred or asserted: this or --default)",
    )
    where.add_argument("--default", action="store_true", help="write into the default graph")
    how = p.add_mutually_exclusive_group()
    how.add_argument(
        "--replace",
        action="store_true",
        help="load a staging graph, then swap it in with SPARQL Update MOVE: readers never "
        "see a half-loaded graph, and a failure leaves the old graph as it was",
    )
    how.add_argument(
        "--append", action="store_true", help="add to the graph (POST) instead of replacing it"
    )
    p.add_argument(
        "--dataset",
        choices=["inferred", "asserted", "sources"],
        default="inferred",
        help="inferred: dist/rekg-inferred.ttl, what the stored queries are written for "
        "(default); asserted: dist/rekg.nt, for a store that reasons itself; sources: "
        "every named graph of dist/rekg.nq (one a source, "
        "https://w3id.org/rekg/graph/source/SLUG) into the graph of its name, each "
        "replaced (or with --replace swapped, with --append added to) and verified on its "
        "own (no --graph or --default)",
    )
    p.add_argument("--dist", metavar="DIR", help="read the dataset from DIR instead of dist/")
    p.add_argument(
        "--endpoint",
        metavar="URL",
        help="SPARQL query endpoint for the verification count (default: beside --store for "
        "the stores rekg knows; for another URL the graph is fetched back with a Graph Store "
        "GET and counted)",
    )
    p.add_argument(
        "--update",
        metavar="URL",
        help="SPARQL update endpoint for --replace's MOVE (default: beside --store)",
    )
    p.add_argument(
        "--chunk-size",
        type=int,
        default=50_000,
        metavar="N",
        help="triples per request (default: 50000)",
    )
    p.add_argument(
        "--body-format",
        choices=["ntriples", "turtle"],
        default="ntriples",
        help="the request bodies' format (default: ntriples)",
    )
    p.add_argument("--verbose", action="store_true", help="print each step as it starts")
    add_client_options(p)
