"""The static site of `rekg publish`: every IRI has a page and three alternates that parse
back to its triples; pages parse and say what the graph says; data is escaped; nothing is
fetched from the web; the annotated source, the diagram, the ontology reference and the
query catalogue are right; two publishes are byte-identical."""

import hashlib
import json
import posixpath
import re
import unicodedata
import xml.etree.ElementTree as ET
from html.parser import HTMLParser
from pathlib import Path

import pytest
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.compare import isomorphic
from rdflib.namespace import RDF

from rekg.site.render import publish

from .conftest import ROOT, copy_project, run_cli

BASE = "https://w3id.org/rekg/"
REKG = "https://w3id.org/rekg/ontology#"
OA = "http://www.w3.org/ns/oa#"
FORMATS = {"ttl": "turtle", "jsonld": "json-ld", "nt": "nt"}
VOID_ELEMENTS = {"meta", "link", "img", "br", "hr", "input", "source", "wbr"}
SVG = "{http://www.w3.org/2000/svg}"


# ---------------------------------------------------------------- helpers


class Node:
    def __init__(self, tag, attrs, parent=None):
        self.tag, self.attrs, self.parent, self.children = tag, dict(attrs), parent, []

    def text(self, skip=lambda node: False) -> str:
        out = []
        for child in self.children:
            if isinstance(child, str):
                out.append(child)
            elif not skip(child):
                out.append(child.text(skip))
        return "".join(out)

    def iter(self):
        for child in self.children:
            if isinstance(child, Node):
                yield child
                yield from child.iter()

    def find_all(self, tag, cls=None):
        return [
            n
            for n in self.iter()
            if n.tag == tag and (cls is None or cls in n.attrs.get("class", "").split())
        ]


class Tree(HTMLParser):
    """A strict-enough DOM: every element closed in order, or the page is broken."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.root = self.current = Node("#root", {})
        self.errors = []

    def handle_starttag(self, tag, attrs):
        node = Node(tag, attrs, self.current)
        self.current.children.append(node)
        if tag not in VOID_ELEMENTS:
            self.current = node

    def handle_startendtag(self, tag, attrs):
        self.current.children.append(Node(tag, attrs, self.current))

    def handle_endtag(self, tag):
        if tag in VOID_ELEMENTS:
            return
        if self.current.tag != tag:
            self.errors.append(f"</{tag}> closes <{self.current.tag}>")
            return
        self.current = self.current.parent

    def handle_data(self, data):
        self.current.children.append(data)


def parse_html(path: Path) -> Node:
    tree = Tree()
    tree.feed(path.read_text(encoding="utf-8"))
    tree.close()
    assert tree.errors == [], f"{path}: {tree.errors[:3]}"
    assert tree.current is tree.root, f"{path}: <{tree.current.tag}> never closed"
    return tree.root


def document_of(term) -> str | None:
    if not isinstance(term, URIRef) or not str(term).startswith(BASE):
        return None
    path = str(term)[len(BASE) :].split("#", 1)[0]
    return path if path.startswith(("id/", "ontology")) else None


def resolve(page: str, href: str) -> str:
    return posixpath.normpath(posixpath.join(posixpath.dirname(page), href.split("#", 1)[0]))


@pytest.fixture(scope="module")
def site(built, project, tmp_path_factory):
    out = tmp_path_factory.mktemp("site") / "site"
    result = publish(project, out, built.out)
    assert result.built is False  # the fixture's dist/ is fresh: no second build
    return out


@pytest.fixture(scope="module")
def graph(built):
    g = Graph()
    g.parse(built.out / "rekg.ttl", format="turtle")
    return g


@pytest.fixture(scope="module")
def void(built):
    return Graph().parse(built.out / "void.ttl", format="turtle")


# ---------------------------------------------------------------- every IRI has a page


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
    ids = {}
    pages = sorted(p.relative_to(site).as_posix() for p in site.rglob("*.html"))
    assert len(pages) > 220
    trees = {page: parse_html(site / page) for page in pages}
    for page, tree in trees.items():
        ids[page] = {n.attrs["id"] for n in tree.iter() if "id" in n.attrs}
    for page, tree in trees.items():
        for node in tree.iter():
            for attr in ("href", "src"):
                href = node.attrs.get(attr)
                if not href or href.startswith(("http://", "https://", "mailto:")):
                    continue
                target = resolve(page, href) if not href.startswith("#") else page
                assert (site / target).is_file(), f"{page}: {href}"
                if "#" in href and target.endswith(".html"):
                    assert href.split("#", 1)[1] in ids[target], f"{page}: {href}"


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
    dist = sorted(p.name for p in built.out.iterdir())
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
        "asserted": 78,
        "expected": 6,
        "likely": 9,
        "possible": 5,
        "unlikely": 1,
        "all": 99,
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
    assert len(claims) == 99
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


# ---------------------------------------------------------------- escaping, determinism, CLI


def test_a_script_in_a_label_renders_as_text(tmp_path):
    project = copy_project(tmp_path / "project")
    entities = project.data / "entities.ttl"
    text = entities.read_text(encoding="utf-8")
    evil = "Chinese firms <script>alert(1)</script>"
    assert 'rdfs:label "Chinese firms"@en' in text
    entities.write_text(
        text.replace('rdfs:label "Chinese firms"@en', f'rdfs:label "{evil}"@en'), encoding="utf-8"
    )
    publish(project)  # dist/ is missing: builds it first
    # a description that tries to close the JSON-LD script element
    void = project.dist / "void.ttl"
    breakout = "</script><script>alert(2)</script>"
    void.write_text(
        void.read_text(encoding="utf-8")
        + f'\n<https://w3id.org/rekg/id/dataset> <http://purl.org/dc/terms/alternative> "{breakout}" .\n',
        encoding="utf-8",
    )
    result = publish(project)
    assert result.built is False
    site = project.root / "site"
    for name in ("id/chinese-firms.html", "id/china.html", "index.html", "ontology.html"):
        page = parse_html(site / name)
        scripts = page.find_all("script")
        assert all(s.attrs.get("type") == "application/ld+json" for s in scripts), name
        assert len(scripts) == (1 if name == "index.html" else 0)
    firms = parse_html(site / "id/chinese-firms.html")
    assert firms.find_all("h1")[0].text() == evil
    raw = (site / "id/chinese-firms.html").read_text(encoding="utf-8")
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in raw and "<script>alert" not in raw
    index = parse_html(site / "index.html")
    embedded = index.find_all("script")[0].text()
    assert "</script" not in embedded.lower()
    assert breakout in json.dumps(json.loads(embedded), ensure_ascii=False)
    svg = ET.parse(site / "diagram/supply-chain.svg").getroot()
    assert not list(svg.iter(f"{SVG}script"))
    assert evil in ["".join(t.itertext()) for t in svg.iter(f"{SVG}text")]


def test_two_publishes_are_byte_identical(project, built, tmp_path):
    first, second = tmp_path / "one", tmp_path / "two"
    publish(project, first, built.out)
    publish(project, second, built.out)

    def tree(root):
        return {
            p.relative_to(root).as_posix(): p.read_bytes()
            for p in sorted(root.rglob("*"))
            if p.is_file()
        }

    one, two = tree(first), tree(second)
    assert sorted(one) == sorted(two) and len(one) > 800
    assert [name for name in one if one[name] != two[name]] == []


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


def test_publish_cli_writes_the_site_and_reports_bad_input(tmp_path, built):
    project = copy_project(tmp_path / "project")
    done = run_cli("--root", str(project.root), "publish", "--out", str(tmp_path / "out"))
    assert done.returncode == 0, done.stderr
    assert re.search(r"rekg publish: built dist/ first; wrote \d+ files \(\d+ pages\)", done.stderr)
    before = (tmp_path / "out" / "index.html").read_bytes()
    broken = project.data / "entities.ttl"
    broken.write_text(
        broken.read_text(encoding="utf-8") + "\nid:oops a rekg:Country\n", encoding="utf-8"
    )
    done = run_cli("--root", str(project.root), "publish", "--out", str(tmp_path / "out"))
    assert done.returncode == 2
    assert "Turtle syntax error" in done.stderr and "data/entities.ttl:" in done.stderr
    assert "Traceback" not in done.stderr
    assert (tmp_path / "out" / "index.html").read_bytes() == before


def test_publish_refuses_to_replace_a_folder_that_is_not_a_site(tmp_path):
    project = copy_project(tmp_path / "project")
    for out in (project.root, project.data, tmp_path):
        done = run_cli("--root", str(project.root), "publish", "--out", str(out))
        assert done.returncode == 2, out
        assert f"refusing to write the site to {out}" in done.stderr
        assert "Traceback" not in done.stderr
    assert (project.data / "entities.ttl").is_file()


def test_unpublishable_iri_is_reported_with_exit_1(tmp_path):
    project = copy_project(tmp_path / "project")
    entities = project.data / "entities.ttl"
    entities.write_text(
        entities.read_text(encoding="utf-8")
        + '\n<https://w3id.org/rekg/id/Bad%20Slug> a rekg:Region ; rdfs:label "Bad"@en ;\n'
        + '    skos:definition "A place whose IRI is no file name."@en .\n',
        encoding="utf-8",
    )
    done = run_cli("--root", str(project.root), "publish")
    assert done.returncode == 1, done.stderr
    assert "cannot publish <https://w3id.org/rekg/id/Bad%20Slug>" in done.stderr
    assert "Traceback" not in done.stderr
    assert not (project.root / "site").exists()


def test_blank_nodes_in_descriptions_are_kept():
    from rekg.site.model import descriptions

    g = Graph()
    thing = URIRef(BASE + "id/thing")
    b = BNode()
    g.add((thing, URIRef(REKG + "p"), b))
    g.add((b, URIRef(REKG + "q"), Literal("inner")))
    assert set(descriptions(g)["id/thing"]) == set(g)
