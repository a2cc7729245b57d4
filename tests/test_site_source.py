"""What the site draws from the source: the annotated source text, one highlight per
claim and the right coverage figure, and the supply-chain diagrams, whose edges are styled
by modality and link to the claims."""

import hashlib
import re
import unicodedata
import xml.etree.ElementTree as ET
from pathlib import Path

from rdflib import URIRef
from rdflib.namespace import RDF

from .conftest import ROOT
from .site_helpers import BASE, OA, REKG, SVG, parse_html, resolve

# ---------------------------------------------------------------- the annotated source


def test_annotated_source_has_one_highlight_per_claim_and_the_right_coverage(site, graph):
    source = URIRef(BASE + "id/source/china-sea-rare-earths")
    page_name = "id/source/china-sea-rare-earths.html"
    page = parse_html(site / page_name)
    claims = {}
    for claim in graph.subjects(RDF.type, URIRef(REKG + "Claim")):
        evidence = graph.value(claim, URIRef(REKG + "evidence"))
        if graph.value(evidence, URIRef(OA + "hasSource")) == source:
            position = next(
                s
                for s in graph.objects(evidence, URIRef(OA + "hasSelector"))
                if graph.value(s, URIRef(OA + "start")) is not None
            )
            claims[str(claim).rsplit("/", 1)[-1]] = (
                int(graph.value(position, URIRef(OA + "start"))),
                int(graph.value(position, URIRef(OA + "end"))),
            )
    assert len(claims) == 100
    text_box = page.find_all("div", "source-text")[0]
    highlights = text_box.find_all("a", "hl")
    assert sorted(h.attrs["id"] for h in highlights) == sorted(f"q-{slug}" for slug in claims)
    for h in highlights:
        target = resolve(page_name, h.attrs["href"])
        assert target == f"id/claim/{h.attrs['id'][2:]}.html"
        assert (site / target).is_file()
    # the text itself is the source, verbatim, once the claim numbers are left out
    raw = (ROOT / "data/sources/china-sea-rare-earths.txt").read_text(encoding="utf-8")
    text = unicodedata.normalize("NFC", raw)
    shown = text_box.text(skip=lambda n: "hl" in n.attrs.get("class", "").split())
    assert shown == text
    # each highlighted segment is covered by exactly the claims it names
    offset = 0
    for child in text_box.children:
        if isinstance(child, str):
            covering = {s for s, (a, b) in claims.items() if a < offset + len(child) and b > offset}
            assert covering == set(), child
            offset += len(child)
        elif "seg" in child.attrs["class"].split():
            piece = child.text()
            covering = {s for s, (a, b) in claims.items() if a < offset + len(piece) and b > offset}
            assert set(child.attrs["data-claims"].split()) == covering
            offset += len(piece)
    assert offset == len(text)
    # coverage, computed here independently: sentences end at '. ' or at the end of a line
    sentences, start = [], 0
    for line in text.split("\n"):
        if line.strip():
            cursor = start
            for piece in re.split(r"(?<=\.) ", line):
                sentences.append((cursor, cursor + len(piece)))
                cursor += len(piece) + 1
        start += len(line) + 1
    covered = sum(1 for a, b in sentences if any(s < b and e > a for s, e in claims.values()))
    figure = page.find_all("p", "coverage")[0]
    assert (int(figure.attrs["data-covered"]), int(figure.attrs["data-sentences"])) == (
        covered,
        len(sentences),
    )
    assert f"{covered} of {len(sentences)} sentences" in figure.text()
    assert f"({100 * covered / len(sentences):.1f}%)" in figure.text()


# ---------------------------------------------------------------- the diagram


DASH = {"asserted": None, "expected": "5,2", "likely": "5,2", "possible": "1,5", "unlikely": "1,5"}


def _edges(path: Path):
    root = ET.parse(path).getroot()
    assert root.tag == f"{SVG}svg"
    out = []
    for g in root.iter(f"{SVG}g"):
        classes = g.attrib.get("class", "").split()
        if "edge" in classes and "flow" in classes:
            paths = list(g.iter(f"{SVG}path"))
            texts = ["".join(t.itertext()) for t in g.iter(f"{SVG}text")]
            out.append((classes, paths[0].attrib.get("stroke-dasharray"), texts, g))
    return out


def test_supply_chain_diagram_styles_edges_by_modality(site, graph, closure):
    edges = _edges(site / "diagram/supply-chain.svg")
    modalities = {next(c for c in classes if c in DASH) for classes, *_ in edges}
    assert modalities == {"asserted", "expected", "likely", "possible", "unlikely"}
    for classes, dash, texts, _ in edges:
        modality = next(c for c in classes if c in DASH)
        assert dash == DASH[modality], classes
        assert texts and texts[0].startswith("not ") == ("negated" in classes)
    # the stated feedstock flow from Myanmar to China is drawn solid and links to its claim
    feed = [e for e in edges if e[3].attrib["id"] == "e-china-sea-rare-earths-065"]
    assert len(feed) == 1 and feed[0][1] is None and feed[0][2] == ["supplies feedstock to"]
    # every country has its own diagram, holding only flows that touch it
    countries = sorted(graph.subjects(RDF.type, URIRef(REKG + "Country")))
    for country in countries:
        slug = str(country).rsplit("/", 1)[-1]
        mine = _edges(site / f"diagram/{slug}.svg")
        for *_, g in mine:
            title = "".join(g.find(f"{SVG}title").itertext())
            assert f"n-{slug}" in title.split("->")
    # Myanmar's diagram: one edge per distinct relation, modality and negation that its
    # claims state towards an actor, a stage or a mineral
    rows = closure.query(
        """
        PREFIX rekg: <https://w3id.org/rekg/ontology#>
        PREFIX rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#>
        SELECT DISTINCT ?s ?p ?o ?m ?neg WHERE {
            ?c a rekg:Claim ; rdf:subject ?s ; rdf:predicate ?p ; rdf:object ?o ;
               rekg:modality ?m ; rekg:negated ?neg .
            ?s a rekg:Actor .
            { ?o a rekg:Actor } UNION { ?o a rekg:SupplyChainStage } UNION { ?o a rekg:Mineral }
            FILTER (?s = <https://w3id.org/rekg/id/myanmar> || ?o = <https://w3id.org/rekg/id/myanmar>)
        }"""
    )
    assert len(_edges(site / "diagram/myanmar.svg")) == len(rows) >= 4


# ---------------------------------------------------------------- what is recorded of a source


def test_the_article_source_page_shows_what_is_recorded_and_its_claims_by_modality(site):
    page_name = "id/source/china-sea-rare-earths.html"
    page = parse_html(site / page_name)
    meta = page.find_all("dl", "source-meta")[0]
    fields = {
        " ".join(dt.text().split()): " ".join(dd.text().split())
        for dt, dd in zip(meta.find_all("dt"), meta.find_all("dd"), strict=True)
    }
    data = (ROOT / "data/sources/china-sea-rare-earths.txt").read_bytes()
    assert fields == {
        "written no earlier than": "2026-01",
        "language": "en",
        "format": "text/plain; charset=utf-8",
        "size": f"{len(data):,} bytes of the local copy",
        "SHA-256": f"{hashlib.sha256(data).hexdigest()} matches the local copy",
    }
    assert [p.text() for p in page.find_all("p", "missing")] == [
        "Not recorded: title, creator, publisher, date, URL."
    ]
    section = [n for n in page.iter() if n.attrs.get("id") == "source-claims"][0]
    counts = {
        s.attrs["data-modality"]: len(s.find_all("a", "claim-link"))
        for s in section.find_all("section", "claims")
    }
    assert counts == {"asserted": 79, "expected": 6, "likely": 9, "possible": 5, "unlikely": 1}
    assert page.find_all("span", "draft") == []
    # one source: the header leads straight to it
    nav = page.find_all("nav")[0]
    assert [
        resolve(page_name, a.attrs["href"])
        for a in nav.find_all("a")
        if a.text() == "Annotated source"
    ] == [page_name]


def test_source_metadata_shows_what_is_recorded_and_never_more():
    from rdflib import Graph, Literal
    from rdflib.namespace import DCAT, DCTERMS, XSD

    from rekg.site.model import Site
    from rekg.site.source import about

    source = URIRef(BASE + "id/source/x")
    g = Graph()
    g.add((source, DCTERMS.creator, URIRef(BASE + "id/someone")))
    g.add((source, DCTERMS.publisher, Literal("A <b>press</b>")))
    g.add((source, URIRef("http://schema.org/url"), URIRef("https://example.org/x")))
    g.add((source, DCAT.byteSize, Literal(1234, datatype=XSD.nonNegativeInteger)))
    g.add((source, URIRef(REKG + "sha256"), Literal("0" * 64)))
    g.add(
        (
            URIRef(BASE + "id/someone"),
            URIRef("http://www.w3.org/2000/01/rdf-schema#label"),
            Literal("Someone"),
        )
    )
    got = about(Site(g, Graph()), source, "id/source/x.html", b"abc")
    fields = {f.key: ([(i.text, i.href) for i in f.items], f.note) for f in got.fields}
    assert fields == {
        "creator": ([("Someone", "../someone.html")], ""),
        "publisher": ([("A <b>press</b>", None)], ""),
        "url": ([("https://example.org/x", "https://example.org/x")], ""),
        "size": ([("1,234 bytes", None)], ""),
        "sha256": ([("0" * 64, None)], "does NOT match the local copy"),
    }
    assert got.missing == ("title", "date", "language")
