"""The pages of `rekg publish`: every IRI has a page and three alternates that parse back
to its triples; pages parse, link only to what exists and fetch nothing from the web; they
say what the graph says (country pages, resource pages, the landing page, the ontology
reference, the query catalogue); the deployment files are shipped."""

import hashlib
import re

import pytest
from rdflib import Graph, Literal, URIRef
from rdflib.compare import isomorphic
from rdflib.namespace import RDF

from .conftest import ROOT
from .site_helpers import BASE, FORMATS, OA, REKG, dead_links, document_of, parse_html, resolve

# ---------------------------------------------------------------- every IRI has a page


@pytest.mark.slow
def test_every_iri_has_a_page_and_three_alternates_with_its_triples(site, graph, void):
    docs = {document_of(t) for triple in graph for t in (triple[0], triple[2])} - {None}
    assert {"id/myanmar", "id/claim/china-sea-rare-earths-065", "ontology"} <= docs
    assert len(docs) > 200
    described = graph + void
    ontology = Graph().parse(ROOT / "ontology" / "rekg.ttl", format="turtle")
    for doc in sorted(docs):
        assert (site / f"{doc}.html").is_file(), doc
        if doc.startswith("ontology"):
            expected = ontology
        else:
            expected = Graph()
            for s, p, o in described:
                if document_of(s) == doc or document_of(o) == doc:
                    expected.add((s, p, o))
            assert len(expected) > 0, doc
        for ext, fmt in FORMATS.items():
            got = Graph().parse(site / f"{doc}.{ext}", format=fmt)
            assert isomorphic(got, expected), f"{doc}.{ext}"
        page = parse_html(site / f"{doc}.html")
        alternates = {
            n.attrs["type"]: n.attrs["href"]
            for n in page.find_all("link")
            if n.attrs.get("rel") == "alternate"
        }
        name = doc.rsplit("/", 1)[-1]
        assert alternates == {
            "text/turtle": f"{name}.ttl",
            "application/ld+json": f"{name}.jsonld",
            "application/n-triples": f"{name}.nt",
        }, doc


def test_the_claim_page_describes_its_hash_parts(site):
    got = Graph().parse(site / "id/claim/china-sea-rare-earths-065.ttl", format="turtle")
    quote = URIRef(BASE + "id/claim/china-sea-rare-earths-065#quote")
    exact = got.value(quote, URIRef(OA + "exact"))
    assert exact == Literal(
        "Myanmar already plays a pivotal role in China’s rare-earth supply chain"
    )
    page = parse_html(site / "id/claim/china-sea-rare-earths-065.html")
    assert {n.attrs.get("id") for n in page.find_all("h3")} >= {"evidence", "quote", "position"}


def test_every_link_in_every_page_resolves(site):
    pages = sorted(p.relative_to(site).as_posix() for p in site.rglob("*.html"))
    assert len(pages) > 220
    assert dead_links(site) == []


def test_no_page_fetches_anything_from_the_web(site):
    for path in sorted(site.rglob("*.html")):
        tree = parse_html(path)
        for node in tree.iter():
            fetched = None
            if node.tag in ("script", "img", "iframe", "audio", "video", "source", "embed"):
                fetched = node.attrs.get("src")
            elif node.tag == "link" and node.attrs.get("rel") != "alternate":
                fetched = node.attrs.get("href")
            elif node.tag == "object":
                fetched = node.attrs.get("data")
            assert not (fetched or "").startswith(("http:", "https:", "//")), (path, fetched)
            assert "url(http" not in node.attrs.get("style", "")
        assert "@import" not in path.read_text(encoding="utf-8")
    css = (site / "static" / "rekg.css").read_text(encoding="utf-8")
    assert "http" not in css and "@import" not in css
    for path in sorted(site.glob("diagram/*.svg")):
        text = path.read_text(encoding="utf-8")
        assert "<!DOCTYPE" not in text and "<image" not in text and "<script" not in text


# ---------------------------------------------------------------- what pages say


def test_claims_on_a_country_page_grouped_by_modality_equal_the_graph(site, graph):
    myanmar = URIRef(BASE + "id/myanmar")
    rows = graph.query(
        """
        PREFIX rekg: <https://w3id.org/rekg/ontology#>
        PREFIX rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#>
        SELECT DISTINCT ?claim ?modality ?n WHERE {
            ?claim a rekg:Claim ; rekg:modality ?modality ; rekg:sourceOrder ?n .
            { ?claim rekg:about ?x } UNION { ?claim rdf:subject ?x } UNION { ?claim rdf:object ?x }
        }""",
        initBindings={"x": myanmar},
    )
    order = ["Asserted", "Expected", "Likely", "Possible", "Unlikely"]
    expected = {}
    for claim, modality, _n in sorted(
        rows, key=lambda r: (order.index(str(r[1])[len(REKG) :]), int(r[2]))
    ):
        key = str(modality)[len(REKG) :].lower()
        expected.setdefault(key, []).append(f"claim/{str(claim).rsplit('/', 1)[-1]}.html")
    page = parse_html(site / "id/myanmar.html")
    got = {
        section.attrs["data-modality"]: [
            resolve("id/myanmar.html", a.attrs["href"])[3:]
            for a in section.find_all("a", "claim-link")
        ]
        for section in page.find_all("section", "claims")
    }
    assert got == expected
    assert list(got) == ["asserted", "expected", "unlikely"] == list(expected)
    assert len(got["asserted"]) == 8
    # each quote is shown with its context
    first = page.find_all("blockquote", "quote")[0]
    assert first.text() == (
        "es of the supply chain at home.\n"
        "Malaysia, Vietnam, Myanmar, Thailand and Singapore each play distinct roles in this "
        "architecture. Together, they form a regional"
    )


def test_a_resource_page_lists_types_links_and_wikidata(site):
    page = parse_html(site / "id/myanmar.html")
    assert page.find_all("h1")[0].text() == "Myanmar"
    inferred = [a.text() for dd in page.find_all("dd", "inferred") for a in dd.find_all("a")]
    assert sorted(inferred) == ["actor", "agent (PROV-O)", "place"]
    assert [a.attrs["href"] for a in page.find_all("a", "wikidata")] == [
        "http://www.wikidata.org/entity/Q836"
    ]
    incoming = [n for n in page.iter() if n.attrs.get("id") == "incoming"][0]
    assert "claim china-sea-rare-earths-065" in incoming.text()
    assert page.find_all("img")[0].attrs["src"] == "../diagram/myanmar.svg"


def test_landing_page_embeds_the_dataset_description_and_lists_downloads(site, void, built):
    page = parse_html(site / "index.html")
    scripts = page.find_all("script")
    assert [s.attrs.get("type") for s in scripts] == ["application/ld+json"]
    embedded = Graph().parse(data=scripts[0].text(), format="json-ld")
    assert isomorphic(embedded, void)
    downloads = page.find_all("section")
    table = [s for s in downloads if s.attrs.get("id") == "downloads"][0]
    listed = {}
    for row in table.find_all("tr")[1:]:
        cells = row.find_all("td")
        listed[cells[0].text()] = (int(cells[1].text()), cells[2].text())
    dist = sorted(p.name for p in built.out.iterdir() if not p.name.startswith("."))
    assert sorted(listed) == dist
    for name, (size, digest) in listed.items():
        data = (site / "dist" / name).read_bytes()
        assert data == (built.out / name).read_bytes()
        assert (size, digest) == (len(data), hashlib.sha256(data).hexdigest())
    tallies = [s for s in page.find_all("section") if s.attrs.get("id") == "modalities"][0]
    counts = {
        tr.find_all("td")[0].text(): int(tr.find_all("td")[1].text())
        for tr in tallies.find_all("tr")[1:]
    }
    assert counts == {
        "asserted": 79,
        "expected": 6,
        "likely": 9,
        "possible": 5,
        "unlikely": 1,
        "all": 100,
    }


def test_ontology_reference(site):
    page = parse_html(site / "ontology.html")
    terms = {n.attrs["id"]: n for n in page.find_all("section", "term")}
    ontology = Graph().parse(ROOT / "ontology" / "rekg.ttl", format="turtle")
    owl = "http://www.w3.org/2002/07/owl#"
    declared = {
        str(s)[len(REKG) :]
        for kind in ("Class", "ObjectProperty", "DatatypeProperty")
        for s in ontology.subjects(RDF.type, URIRef(owl + kind))
        if str(s).startswith(REKG)
    }
    assert declared <= set(terms)

    def facts(anchor):
        dts = terms[anchor].find_all("dt")
        dds = terms[anchor].find_all("dd")
        return {dt.text(): dd.text() for dt, dd in zip(dts, dds, strict=True)}

    upstream = facts("upstreamOf")
    assert upstream["characteristics"] == "transitive"
    assert upstream["inverse"] == "downstream of"
    assert upstream["domain"] == upstream["range"] == "supply-chain stage"
    assert upstream["super-property of"] == "immediately upstream of"
    assert facts("transfersCapability")["disjoint with"] == "retains at home"
    assert facts("Country")["sub-class of"] == "actor, place"
    assert "country" in facts("Actor")["super-class of"].split(", ")
    modality = terms["modality"].text()
    assert "rekgsh:ClaimShape: on every claim" in modality
    assert (
        "exactly 1 value; one of stated as fact, expected, likely, possible, unlikely" in modality
    )
    claim_rules = [li.text() for li in terms["Claim"].find_all("li")]
    assert any(
        r.startswith("rekgsh:ClaimShape: A claim has exactly one modality") for r in claim_rules
    )
    usage = facts("suppliesFeedstockTo")["use"]
    assert re.fullmatch(
        r"\d+ triples in the data; \d+ with inferences; the relation of 5 claims", usage
    )


def test_query_catalogue_shows_each_answer(site, built):
    index = parse_html(site / "queries/index.html")
    names = [
        a.text()
        for a in index.find_all("a")
        if a.attrs["href"].endswith(".html") and "/" not in a.attrs["href"]
    ]
    assert sorted(names) == sorted(built.answers)
    for name, rows in built.answers.items():
        page = parse_html(site / f"queries/{name}.html")
        table = page.find_all("table", "answer")[0]
        header = [th.text() for th in table.find_all("th")]
        assert header == rows.variables, name
        body = table.find_all("tbody")[0].find_all("tr")
        assert len(body) == len(rows), name
        sparql = page.find_all("pre", "sparql")[0].text()
        assert sparql == (ROOT / "queries" / "questions" / f"{name}.rq").read_text(encoding="utf-8")
    page = parse_html(site / "queries/feedstock-suppliers.html")
    first = page.find_all("table", "answer")[0].find_all("tbody")[0].find_all("tr")[0]
    assert [td.text() for td in first.find_all("td")][:2] == ["Myanmar", "stated as fact"]


def test_deployment_files_are_shipped_in_the_site(site):
    for name, repo in (
        (".htaccess", ".htaccess"),
        ("ontology.var", "ontology.var"),
        ("rekg-nginx.conf", "rekg-nginx.conf"),
        ("rekg-conneg.js", "rekg-conneg.js"),
    ):
        assert (site / name).read_bytes() == (ROOT / "deploy" / repo).read_bytes()
    htaccess = (site / ".htaccess").read_text(encoding="utf-8")
    for line in (
        "Options +MultiViews -Indexes",
        'AddType "text/turtle; charset=utf-8; qs=0.9" .ttl',
        'AddType "application/ld+json; qs=0.8" .jsonld',
        "Header merge Vary Accept",
    ):
        assert line in htaccess
