"""The server's resources, in-process (one plain function, Request -> Response): content
negotiation of every resource, the ontology, VoID and other published documents; the
published pages, a fallback page, static files; and every project IRI dereferences."""

import pytest
from rdflib import Graph, Literal, URIRef
from rdflib.compare import isomorphic
from rdflib.namespace import OWL, RDF, RDFS

from rekg.core.namespaces import ID, REKG
from rekg.serve.app import App
from rekg.serve.data import ServedData

from .server_helpers import HTML, JSONLD, NT, RDFLIB, TTL, call, error_of, get

# --- resources ------------------------------------------------------------------------


@pytest.mark.parametrize("media_type", [TTL, JSONLD, NT])
def test_resource_negotiates_rdf(app, served, media_type):
    response = get(app, "/id/malaysia", media_type)
    assert response.status == 200
    assert response.content_type.split(";")[0] == media_type
    assert response.header("Vary") == "Accept"
    extension = {TTL: "ttl", JSONLD: "jsonld", NT: "nt"}[media_type]
    assert response.header("Content-Location") == f"/id/malaysia.{extension}"
    graph = Graph().parse(data=response.body, format=RDFLIB[media_type])
    assert isomorphic(graph, served.describe(ID.malaysia))
    assert (ID.malaysia, RDF.type, REKG.Country) in graph
    assert (ID.malaysia, RDFS.label, Literal("Malaysia", lang="en")) in graph
    # what points at it comes too: the claims about it
    assert (URIRef(str(ID) + "claim/china-sea-rare-earths-006"), REKG.about, ID.malaysia) in graph


def test_resource_html_is_the_published_page(app, served_site):
    browser = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"
    response = get(app, "/id/malaysia", browser)
    assert response.status == 200
    assert response.content_type == "text/html; charset=utf-8"
    assert response.body == (served_site / "id" / "malaysia.html").read_bytes()
    assert response.header("Content-Location") == "/id/malaysia.html"
    assert response.header("Vary") == "Accept"


def test_combined_accept_honours_q_values(app):
    response = get(app, "/id/malaysia", "text/html;q=0.5, application/ld+json;q=0.9, */*;q=0.1")
    assert response.content_type == JSONLD
    assert get(app, "/id/malaysia", "text/*, text/html;q=0").content_type.startswith(TTL)


def test_nothing_acceptable_is_406_listing_what_is(app):
    response = get(app, "/id/malaysia", "application/rdf+xml, image/png;q=0.5")
    assert response.status == 406
    assert response.header("Vary") == "Accept"
    assert error_of(response)["available"] == [HTML, TTL, NT, JSONLD]


def test_documents_by_name_are_not_negotiated(app, served):
    response = get(app, "/id/malaysia.nt", "text/html")
    assert response.status == 200
    assert response.content_type == NT
    assert response.header("Vary") is None
    assert isomorphic(Graph().parse(data=response.body, format="nt"), served.describe(ID.malaysia))


def test_claim_description_carries_its_evidence(app):
    response = get(app, "/id/claim/china-sea-rare-earths-065", TTL)
    assert response.status == 200
    graph = Graph().parse(data=response.body, format="turtle")
    claim = URIRef(str(ID) + "claim/china-sea-rare-earths-065")
    evidence = graph.value(claim, REKG.evidence)
    exacts = {str(o) for o in graph.objects(None, URIRef("http://www.w3.org/ns/oa#exact"))}
    assert evidence is not None
    assert exacts == {"Myanmar already plays a pivotal role in China’s rare-earth supply chain"}


def test_unknown_slug_is_404(app):
    response = get(app, "/id/atlantis", TTL)
    assert response.status == 404
    assert error_of(response)["error"] == "nothing in the graph is called id/atlantis"
    page = get(app, "/id/atlantis", "text/html")
    assert page.status == 404
    assert page.content_type == "text/html; charset=utf-8"
    assert b"nothing in the graph is called id/atlantis" in page.body


def test_ontology_negotiates(app, served_site):
    response = get(app, "/ontology", TTL)
    assert response.status == 200
    assert response.header("Content-Location") == "/ontology.ttl"
    graph = Graph().parse(data=response.body, format="turtle")
    assert (REKG.Country, RDF.type, OWL.Class) in graph
    assert (REKG.Country, RDFS.subClassOf, REKG.Actor) in graph
    assert (ID.malaysia, None, None) not in graph
    html = get(app, "/ontology", "text/html")
    assert html.body == (served_site / "ontology.html").read_bytes()


def test_void_is_negotiated(app, built):
    turtle = get(app, "/.well-known/void", TTL)
    assert turtle.status == 200
    assert turtle.body == built.files["void.ttl"]
    assert turtle.header("Vary") == "Accept"
    jsonld = get(app, "/.well-known/void", JSONLD)
    expected = Graph().parse(data=built.files["void.ttl"], format="turtle")
    assert isomorphic(Graph().parse(data=jsonld.body, format="json-ld"), expected)
    html = get(app, "/.well-known/void", "text/html")
    assert (html.status, html.header("Location"), html.header("Vary")) == (303, "/", "Accept")
    assert get(app, "/.well-known/void", "image/png").status == 406


def test_other_published_documents_are_negotiated(app, served_site):
    """The ontology's version IRI is published as files side by side; the server negotiates
    among those that exist."""
    turtle = get(app, "/ontology/0.1.0", "text/turtle, text/html;q=0.5")
    assert turtle.status == 200
    assert turtle.body == (served_site / "ontology" / "0.1.0.ttl").read_bytes()
    assert turtle.header("Content-Location") == "/ontology/0.1.0.ttl"
    assert turtle.header("Vary") == "Accept"
    html = get(app, "/ontology/0.1.0", "text/html")
    assert html.body == (served_site / "ontology" / "0.1.0.html").read_bytes()
    missing = get(app, "/ontology/0.1.0", "application/ld+json")
    assert missing.status == 406
    assert error_of(missing)["available"] == [HTML, TTL]


def test_fallback_page_escapes_data(tmp_path):
    """Without a published site the server renders a plain page; data never becomes markup."""
    hostile = "<script>alert(1)</script>"
    graph = Graph()
    graph.add((ID.evil, RDFS.label, Literal(hostile, lang="en")))
    app = App(ServedData.from_graphs(graph, graph, Graph()), None, {})
    response = get(app, "/id/evil", "text/html")
    assert response.status == 200
    assert hostile.encode() not in response.body
    assert b"&lt;script&gt;alert(1)&lt;/script&gt;" in response.body
    home = get(app, "/", "text/html")
    assert home.status == 200
    assert b'href="/sparql"' in home.body


def test_static_files_and_traversal(app):
    css = get(app, "/static/site.css")
    assert css.status == 200
    assert css.content_type == "text/css; charset=utf-8"
    assert get(app, "/").body.startswith(b"<!DOCTYPE html><title>landing")
    assert get(app, "/../../etc/passwd").status == 404
    assert get(app, "/static/%2e%2e/%2e%2e/etc/passwd").status == 404
    assert get(app, "/no/such/page").status == 404


def test_methods_other_than_get_are_405(app):
    response = call(app, "DELETE", "/id/malaysia")
    assert response.status == 405
    assert response.header("Allow") == "GET, HEAD"
    head = call(app, "HEAD", "/id/malaysia", {"Accept": TTL})
    assert head.status == 200
    assert head.body == b""
    assert int(head.header("Content-Length")) == len(get(app, "/id/malaysia", TTL).body)


def test_every_project_iri_dereferences(app, served):
    """Every IRI of the asserted graph under https://w3id.org/rekg/id/ answers, as Turtle
    and as a page (a hash IRI through the document it belongs to)."""
    base = "https://w3id.org/rekg/"
    documents = {
        str(node).split("#")[0][len(base) :]
        for triple in served.asserted
        for node in triple
        if isinstance(node, URIRef) and str(node).startswith(base + "id/")
    }
    assert len(documents) > 200
    failures = []
    for document in sorted(documents):
        for accept in (TTL, HTML):
            response = get(app, "/" + document, accept)
            if response.status != 200 or not response.body:
                failures.append((document, accept, response.status))
    assert failures == []
