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
    from rekg.remote.push import DATASETS, name, push, services_for

    project = project_of(args)
    store_url = check_url(args.store, "--store")
    graph = DEFAULT if args.default else check_iri(args.graph, "--graph")
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
    how = {"put": "replaced", "replace": "swapped", "append": "appended"}[mode]
    requests = f"{result.requests} request{'s' * (result.requests != 1)}"
    print(
        f"rekg push: {result.triples} triples of {shown} {how} into {name(graph)} at "
        f"{store_url} in {requests}; verified: it holds {result.counted} "
        f"triples ({result.seconds:.2f} s)",
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
        "http://127.0.0.1:3030/ds/data (Fuseki)",
    )
    where = p.add_mutually_exclusive_group(required=True)
    where.add_argument("--graph", metavar="IRI", help="write into this named graph")
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
        choices=["inferred", "asserted"],
        default="inferred",
        help="inferred: dist/rekg-inferred.ttl, what the stored queries are written for "
        "(default); asserted: dist/rekg.nt, for a store that reasons itself",
    )
    p.add_argument("--dist", metavar="DIR", help="read the dataset from DIR instead of dist/")
    p.add_argument(
        "--endpoint",
        metavar="URL",
        help="SPARQL query endpoint for the verification count (default: beside --store)",
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
