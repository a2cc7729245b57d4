"""What several command groups share: finding the project, and the options and checks
for talking to a remote store or endpoint (--endpoint, --timeout, credentials)."""

from rekg.core.errors import UsageError
from rekg.core.project import Project, find_project


def project_of(args) -> Project:
    return find_project(args.root)


def add_client_options(p) -> None:
    """--timeout, --user, --password-env, --token-env: how to talk to a remote store or endpoint."""
    p.add_argument(
        "--timeout",
        type=float,
        metavar="S",
        help="seconds to wait for each answer of the store (default: 30)",
    )
    p.add_argument(
        "--user",
        metavar="U",
        help="user name; the password goes as the store's challenge asks (HTTP Basic or Digest)",
    )
    p.add_argument(
        "--password-env",
        metavar="VAR",
        help="the environment variable that holds the password (never give it on the command line)",
    )
    p.add_argument(
        "--token-env",
        metavar="VAR",
        help="the environment variable that holds a bearer token (e.g. QLever's access "
        "token), sent as 'Authorization: Bearer ...'",
    )


def endpoint_from(args, url: str, update: str | None = None):
    """The remote endpoint the arguments describe (graph, timeout, credentials checked)."""
    from rekg.remote.endpoint import DEFAULT_TIMEOUT, Endpoint, auth_from, check_timeout

    graph = getattr(args, "graph", None)
    return Endpoint(
        check_url(url, "--endpoint"),
        check_iri(graph, "--graph") if graph else None,
        check_timeout(DEFAULT_TIMEOUT if args.timeout is None else args.timeout),
        auth_from(args.user, args.password_env, args.token_env),
        update,
    )


def refuse_remote_options(args) -> None:
    """Remote options given without --endpoint would be silently ignored: say so."""
    for option in ("graph", "timeout", "user", "password_env", "token_env"):
        if getattr(args, option, None) is not None:
            flag = "--" + option.replace("_", "-")
            raise UsageError(
                f"{flag} needs --endpoint URL", remedy=f"add --endpoint or drop {flag}"
            )


def check_iri(value: str, what: str) -> str:
    from rekg.query.bind import is_absolute_iri

    if not is_absolute_iri(value):
        raise UsageError(
            f"{what} {value!r} is not an absolute IRI",
            remedy="give a full IRI such as https://w3id.org/rekg/dist/rekg-inferred.ttl",
        )
    return value


def check_url(value: str, what: str) -> str:
    if not value.startswith(("http://", "https://")):
        raise UsageError(
            f"{what} {value!r} is not an http(s) URL",
            remedy="give the full URL, e.g. http://127.0.0.1:7878/store",
        )
    return value


def remote_options(p, endpoint_help: str) -> None:
    """--endpoint and --graph, and the client options, for a command that can run remotely."""
    p.add_argument("--endpoint", metavar="URL", help=endpoint_help)
    p.add_argument(
        "--graph",
        metavar="IRI",
        help="with --endpoint: query this named graph as the default graph (default-graph-uri)",
    )
    add_client_options(p)
