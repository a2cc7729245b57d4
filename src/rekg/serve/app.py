"""`rekg serve`: the site, the resources with content negotiation, the SPARQL endpoint and
the stored-query API, behind one plain function `App.handle(Request) -> Response`.

Resources answer directly (200) with `Content-Location` naming the document sent
(`/id/malaysia.ttl`), not with a 303 to it: one round trip instead of two, and the
Content-Location still tells a client that the document it got is not the thing the IRI
names. The 303 dance belongs to w3id.org's redirect in front of the published site.
`Vary: Accept` is on every negotiated answer, 406 too, so caches keep them apart.
"""

import json
import mimetypes
import threading
from collections import OrderedDict
from pathlib import Path

from rdflib import URIRef

from rekg.core.errors import RekgError
from rekg.core.formats import HTML_MEDIA_TYPE, RDF_FORMATS
from rekg.core.namespaces import BASE, ONTOLOGY_IRI, PREFIXES
from rekg.serve.conneg import negotiate
from rekg.serve.data import ASSERTED_GRAPH, INFERRED_GRAPH, ServedData
from rekg.serve.http import HttpError, Request, Response, error_response
from rekg.serve.limits import Limits
from rekg.serve.server import NOSNIFF, make_server
from rekg.serve.sparql import Endpoint, QueryRequest, protocol_request

__all__ = ["App", "make_server"]  # make_server lives in server.py; imported from here too

RESOURCE_OFFERS = [HTML_MEDIA_TYPE] + [f.media_type for f in RDF_FORMATS]
_BY_EXTENSION = {"html": HTML_MEDIA_TYPE} | {f.extension: f.media_type for f in RDF_FORMATS}
_EXTENSION = {v: k for k, v in _BY_EXTENSION.items()}
_RDFLIB = {f.media_type: f for f in RDF_FORMATS}
_STATIC_TYPES = {
    ".ttl": "text/turtle",
    ".nt": "application/n-triples",
    ".jsonld": "application/ld+json",
    ".trig": "application/trig",
    ".nq": "application/n-quads",
    ".md": "text/markdown",
    ".svg": "image/svg+xml",
}
_API_OFFERS = ["application/sparql-results+json", "application/json", "text/csv"]
# the package's own stylesheet and scripts (YASGUI among them, once vendored), served at
# /static/ when the published site does not have them: the SPARQL page needs them even
# without a site
_PACKAGE_STATIC = Path(__file__).resolve().parent.parent / "static"
# The SPARQL page runs YASGUI from this server only, and talks to this endpoint only. Its
# scripts are files (no inline script, no eval); 'unsafe-inline' styles because YASGUI and
# CodeMirror write style attributes as they lay out the editor and the result table.
QUERY_PAGE_CSP = (
    "default-src 'none'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
    "img-src 'self' data:; font-src 'self' data:; connect-src 'self'; "
    "form-action 'self'; base-uri 'none'; frame-ancestors 'none'"
)


def _templates():
    from jinja2 import Environment, PackageLoader, select_autoescape

    return Environment(
        loader=PackageLoader("rekg", "templates"),
        autoescape=select_autoescape(default=True, default_for_string=True),
    )


ANSWER_CACHE_SIZE = 512  # answers of stored queries kept in memory


def negotiate_or_406(accept: str | None, offers: list[str], what: str, remedy: str | None = None):
    """The media type to answer in, or a 406 listing what is available (with Vary)."""
    media_type = negotiate(accept, offers)
    if media_type is None:
        raise HttpError(
            406,
            f"{what} is not available as {accept}",
            remedy=remedy or "accept one of: " + ", ".join(offers),
            headers={"Vary": "Accept"},
            extra={"available": offers},
        )
    return media_type


class App:
    """`limits`: the fields of Limits to change (timeout=5, max_queries=2, ...)."""

    def __init__(self, data: ServedData, site: Path | None = None, catalogue=None, **limits):
        self.data = data
        self.site = site.resolve() if site is not None and site.is_dir() else None
        self.catalogue = catalogue or {}
        self.limits = Limits(**limits)
        self.endpoint = Endpoint(data.store, self.limits)
        self.max_body = self.limits.max_body
        self.env = _templates()
        self._cache = {}
        self._answers = OrderedDict()  # stored-query answers, oldest first
        self._lock = threading.Lock()

    # --- the one entry point --------------------------------------------------------
    def start(self, wait: float = 600.0) -> None:
        """Start the query workers now, and wait until they hold the graph (`rekg serve`
        does this before it says it listens); otherwise they start with the first queries."""
        self.endpoint.pool.start(wait)

    def close(self) -> None:
        """Stop the query workers."""
        self.endpoint.close()

    def handle(self, request: Request) -> Response:
        try:
            check_path(request.path)
            if len(request.body) > self.max_body:
                raise HttpError(
                    413,
                    f"the request body is over {self.max_body} bytes",
                    remedy="send a shorter query",
                )
            response = self._route(request)
        except HttpError as error:
            response = error_response(error, request.accept)
        except RekgError as error:  # bad parameter values and the like: the client's to fix
            response = error_response(HttpError(400, error.message, error.remedy), request.accept)
        response.headers.setdefault(*NOSNIFF)
        if (response.content_type or "").startswith(HTML_MEDIA_TYPE):
            response.headers.setdefault("Content-Security-Policy", QUERY_PAGE_CSP)
        if request.method == "HEAD":
            response.headers.setdefault("Content-Length", str(len(response.body)))
            response.body = b""
        return response

    def _route(self, request: Request) -> Response:
        path = request.path
        if path == "/sparql" or path == "/sparql/":
            return self._sparql(request)
        if request.method not in ("GET", "HEAD"):
            raise HttpError(
                405,
                f"{request.method} is not allowed on {path}",
                remedy="use GET",
                headers={"Allow": "GET, HEAD"},
            )
        if path.startswith("/api/"):
            return self._api(request)
        if path.startswith("/id/"):
            return self._resource(request, path[len("/id/") :])
        if path.startswith("/ontology"):
            return self._resource(request, None, path[len("/ontology") :])
        if path == "/.well-known/void":
            return self._void(request)
        return self._static(path, request.accept)

    # --- resources ------------------------------------------------------------------
    def _resource(self, request: Request, slug: str | None, suffix: str = "") -> Response:
        if slug is None:  # the ontology; '/ontology#Term' arrives without its fragment
            if suffix not in ("",) and not (suffix.startswith(".") and suffix[1:] in _BY_EXTENSION):
                return self._static("/ontology" + suffix, request.accept)
            iri, base, ext = ONTOLOGY_IRI, "/ontology", suffix[1:]
        else:
            stem, dot, ext = slug.rpartition(".")
            if dot and ext in _BY_EXTENSION:
                slug = stem
            else:
                ext = ""
            iri, base = URIRef(BASE + "id/" + slug), "/id/" + slug
            if not slug or not self.data.knows(iri):
                if self.site is not None and self._site_file(request.path) is not None:
                    return self._static(request.path, request.accept)
                raise HttpError(
                    404,
                    f"nothing in the graph is called id/{slug}",
                    remedy="see the landing page or query /sparql for the resources",
                )
        if ext:  # a document, by its own name: no negotiation
            return self._representation(iri, base, _BY_EXTENSION[ext], negotiated=False)
        media_type = negotiate_or_406(request.accept, RESOURCE_OFFERS, base)
        return self._representation(iri, base, media_type, negotiated=True)

    def _representation(self, iri, base: str, media_type: str, negotiated: bool) -> Response:
        key = (iri, media_type)
        body = self._cache.get(key)
        if body is None:
            if media_type == HTML_MEDIA_TYPE:
                body = self._resource_html(iri, base)
            else:
                from rekg.graph.rdfio import serialize

                body = serialize(self.data.describe(iri), _RDFLIB[media_type].name)
            with self._lock:
                self._cache[key] = body
        headers = {"Content-Location": f"{base}.{_EXTENSION[media_type]}"}
        if negotiated:
            headers["Vary"] = "Accept"
        charset = "; charset=utf-8" if media_type.startswith("text/") else ""
        return Response(200, body, media_type + charset, headers)

    def _resource_html(self, iri, base: str) -> bytes:
        page = self._site_file(base + ".html")
        if page is not None:
            return page.read_bytes()
        from rekg.core.report import short

        graph = self.data.describe(iri)
        rows = sorted(
            (short(s), short(p), str(o) if not isinstance(o, URIRef) else short(o), _local(o))
            for s, p, o in graph
        )
        return (
            self.env.get_template("serve_resource.html.j2")
            .render(iri=str(iri), base=base, rows=rows, formats=RDF_FORMATS)
            .encode("utf-8")
        )

    def _void(self, request: Request) -> Response:
        media_type = negotiate_or_406(request.accept, RESOURCE_OFFERS, "the VoID description")
        headers = {"Vary": "Accept"}
        if media_type == HTML_MEDIA_TYPE:
            # the landing page carries the VoID description, embedded as JSON-LD; a redirect
            # (not the page itself) so that its relative links resolve from the site's root
            headers["Location"] = "/"
            return Response(303, b"", None, headers)
        if media_type == "text/turtle" and self.data.void_turtle is not None:
            body = self.data.void_turtle
        else:
            from rekg.graph.rdfio import serialize

            body = serialize(self.data.void, _RDFLIB[media_type].name)
        headers["Content-Location"] = "/dist/void.ttl" if media_type == "text/turtle" else None
        headers = {k: v for k, v in headers.items() if v}
        charset = "; charset=utf-8" if media_type.startswith("text/") else ""
        return Response(200, body, media_type + charset, headers)

    # --- SPARQL ---------------------------------------------------------------------
    def _sparql(self, request: Request) -> Response:
        query = protocol_request(request)
        if query is None:
            if negotiate(request.accept, [HTML_MEDIA_TYPE, "application/json"]) == HTML_MEDIA_TYPE:
                headers = {"Vary": "Accept", "Content-Security-Policy": QUERY_PAGE_CSP}
                return Response(200, self._query_page(), "text/html; charset=utf-8", headers)
            raise HttpError(
                400,
                "the request has no query",
                remedy="give ?query=SELECT ... (or open /sparql in a browser)",
            )
        return self.endpoint.answer(query, request.accept)

    def _query_page(self) -> bytes:
        if "query-page" not in self._cache:
            from rekg.query.bind import bind, bindings_for

            examples = []
            for name, query in sorted(self.catalogue.items()):
                try:
                    text = bind(query.text, bindings_for(query, {}, self.data.closure))
                except RekgError:
                    text = query.text  # a required parameter without default: shown unbound
                examples.append({"name": name, "summary": query.summary, "text": text})
            page = self.env.get_template("serve_sparql.html.j2").render(
                examples=examples,
                graphs=[ASSERTED_GRAPH, INFERRED_GRAPH, *self.data.source_graphs()],
                prefixes=sorted(PREFIXES.items()),
            )
            self._cache["query-page"] = page.encode("utf-8")
        return self._cache["query-page"]

    # --- the stored-query API -------------------------------------------------------
    def _api(self, request: Request) -> Response:
        path = request.path
        if path == "/api/openapi.json":
            if "openapi" not in self._cache:
                from rekg.serve.openapi import openapi

                doc = openapi(self.catalogue)
                self._cache["openapi"] = json.dumps(doc, indent=1, sort_keys=True).encode()
            return Response(200, self._cache["openapi"], "application/json")
        if path in ("/api/queries", "/api/queries/"):
            listing = [
                {
                    "name": name,
                    "summary": q.summary,
                    "url": f"/api/queries/{name}",
                    "parameters": [
                        {"name": p.name, "kind": p.kind, "default": p.default} for p in q.params
                    ],
                }
                for name, q in sorted(self.catalogue.items())
            ]
            return Response(200, json.dumps(listing, indent=1).encode(), "application/json")
        if not path.startswith("/api/queries/"):
            raise HttpError(
                404, f"no API at {path}", remedy="see /api/openapi.json for what the API offers"
            )
        return self._stored(request, path[len("/api/queries/") :])

    def _stored(self, request: Request, name: str) -> Response:
        import difflib

        from rekg.query.bind import bind, bindings_for

        query = self.catalogue.get(name)
        if query is None:
            close = difflib.get_close_matches(name, sorted(self.catalogue), n=1, cutoff=0.4)
            raise HttpError(
                404,
                f"no stored query named {name!r}",
                remedy=f"did you mean {close[0]!r}?" if close else "see /api/queries",
                extra={"did_you_mean": close[0]} if close else {},
            )
        given = {}
        fmt = None
        for key, values in request.query.items():
            if len(values) != 1:
                raise HttpError(
                    400,
                    f"the parameter {key!r} is given {len(values)} times",
                    remedy="give each parameter once",
                )
            if key == "format":
                fmt = values[0]
            else:
                given[key] = values[0]
        if fmt is not None:
            formats = {"json": "application/sparql-results+json", "csv": "text/csv"}
            if fmt not in formats:
                raise HttpError(
                    400, f"format={fmt!r} is not offered", remedy="use format=json or format=csv"
                )
            media_type = formats[fmt]
        else:
            media_type = negotiate_or_406(
                request.accept,
                _API_OFFERS,
                "the answer",
                remedy="accept application/sparql-results+json or text/csv",
            )
        unknown = [key for key in given if key not in query.param_names]
        if unknown:
            close = difflib.get_close_matches(unknown[0], query.param_names, n=1, cutoff=0.3)
            listed = ", ".join(query.param_names) or "none"
            raise HttpError(
                400,
                f"query {name!r} has no parameter {unknown[0]!r} (its parameters: {listed})",
                remedy=f"did you mean ?{close[0]}=...?" if close else "see /api/openapi.json",
                extra={"parameters": query.param_names},
            )
        try:
            bindings = bindings_for(query, given, self.data.closure)
        except RekgError as error:
            extra = {"parameters": query.param_names}
            raise HttpError(400, error.message, error.remedy, extra=extra) from None
        # The graph cannot change while the server runs, so an answer computed once for a
        # query, its typed parameters and a format is the answer: keep the latest ones.
        key = (name, tuple(sorted((v, t.n3()) for v, t in bindings.items())), media_type)
        cached = self._answers.get(key)
        if cached is None:
            accept = "text/csv" if media_type == "text/csv" else "application/sparql-results+json"
            response = self.endpoint.answer(QueryRequest(bind(query.text, bindings)), accept)
            if media_type == "application/json":
                response.content_type = "application/json"
            cached = (response.body, response.content_type, dict(response.headers))
            with self._lock:
                self._answers[key] = cached
                while len(self._answers) > ANSWER_CACHE_SIZE:
                    self._answers.popitem(last=False)
        body, content_type, headers = cached
        return Response(200, body, content_type, dict(headers))

    # --- the static site ------------------------------------------------------------
    def _site_file(self, path: str) -> Path | None:
        if self.site is None:
            return None
        try:
            target = (self.site / path.lstrip("/")).resolve()
            if not target.is_relative_to(self.site):
                return None
            if target.is_dir():
                target = target / "index.html"
            return target if target.is_file() else None
        except OSError:  # a name too long for the file system is a page that is not there
            return None

    def _static(self, path: str, accept: str | None = None) -> Response:
        target = self._site_file(path)
        if target is None and path.startswith("/static/"):
            try:
                packaged = (_PACKAGE_STATIC / path[len("/static/") :]).resolve()
                if packaged.is_relative_to(_PACKAGE_STATIC) and packaged.is_file():
                    target = packaged
            except OSError:  # as in _site_file
                pass
        if target is None:
            if path in ("/", "/index.html"):
                return Response(200, self._home(), "text/html; charset=utf-8")
            if self._site_file(path + ".html") is not None:
                return self._static_negotiated(path, accept)
            raise HttpError(404, f"no page at {path}", remedy="start from the landing page /")
        media_type = _STATIC_TYPES.get(target.suffix) or (
            mimetypes.guess_type(target.name)[0] or "application/octet-stream"
        )
        if media_type.startswith("text/") or media_type in (
            "image/svg+xml",
            "application/javascript",
        ):
            media_type += "; charset=utf-8"
        return Response(200, target.read_bytes(), media_type)

    def _static_negotiated(self, path: str, accept: str | None) -> Response:
        """Other IRIs the site publishes as documents side by side (the ontology's version
        IRI: ontology/0.1.0.html, .ttl, ...): negotiated among the files that exist."""
        offers = [m for m in RESOURCE_OFFERS if self._site_file(f"{path}.{_EXTENSION[m]}")]
        media_type = negotiate_or_406(accept, offers, path)
        response = self._static(f"{path}.{_EXTENSION[media_type]}")
        response.headers.update(
            {"Vary": "Accept", "Content-Location": f"{path}.{_EXTENSION[media_type]}"}
        )
        return response

    def _home(self) -> bytes:
        return (
            self.env.get_template("serve_home.html.j2")
            .render(triples=len(self.data.closure), queries=sorted(self.catalogue))
            .encode("utf-8")
        )


def check_path(path: str) -> None:
    """400 for a path that no resource can have: a control character (%00, %0A, ...) or
    percent-encoded bytes that are not UTF-8 (Request.make keeps those as surrogates)."""
    for position, char in enumerate(path):
        if char < " " or char == "\x7f" or "\udc80" <= char <= "\udcff":
            byte = ord(char) - 0xDC00 if char >= "\udc80" else ord(char)
            raise HttpError(
                400,
                f"the path holds the byte %{byte:02X} after {path[:position]!r}, which no "
                "resource name has",
                remedy="remove it: paths are percent-encoded UTF-8 without control characters",
            )


def _local(term) -> str | None:
    """The server path of a project IRI, to link it; None for anything else."""
    text = str(term)
    if isinstance(term, URIRef) and text.startswith(BASE):
        return "/" + text[len(BASE) :].split("#")[0]
    return None
