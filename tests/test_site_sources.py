"""The site shows every source: a page per source with what is recorded about it (and
nothing else), its text with every quote marked, and its claims by modality (denials and
drafts marked); each resource page groups its evidence by source; the landing page links
each source with its number of claims. Published once from a project with the article and
the second test source (tests/fixtures/second-source/)."""

import unicodedata

import pytest
import yaml
from rdflib import Graph, URIRef

from .corpus import SECOND, with_second_source
from .site_helpers import BASE, dead_links, parse_html, resolve, tree

# one publish, with the build it needs first, takes a few seconds
pytestmark = pytest.mark.slow

BRIEF = "id/source/mainland-brief.html"
ARTICLE = "id/source/china-sea-rare-earths.html"
MODALITY_ORDER = ["asserted", "expected", "likely", "possible", "unlikely"]


@pytest.fixture(scope="module")
def published(tmp_path_factory):
    """(project, site, dist): the two-source project published once."""
    from rekg.site.render import publish

    work = tmp_path_factory.mktemp("two-sources")
    project = with_second_source(work / "project")
    site, dist = work / "site", work / "dist"
    result = publish(project, site, dist)
    assert result.built is True
    return project, site, dist


@pytest.fixture(scope="module")
def site(published):
    return published[1]


@pytest.fixture(scope="module")
def asserted(published):
    return Graph().parse(published[2] / "rekg.ttl", format="turtle")


@pytest.fixture(scope="module")
def brief():
    """The second source's claims as authored: n -> entry."""
    doc = yaml.safe_load((SECOND / "mainland-brief.yaml").read_text(encoding="utf-8"))
    return {entry["n"]: entry for entry in doc["claims"]}


def _norm(text: str) -> str:
    return " ".join(text.split())


def _by_id(tree, ident):
    found = [n for n in tree.iter() if n.attrs.get("id") == ident]
    assert len(found) == 1, ident
    return found[0]


def _slug(n: int) -> str:
    return f"mainland-brief-{n:03d}"


# ---------------------------------------------------------------- the source's page


def test_the_second_source_page_shows_exactly_its_recorded_metadata(site):
    page = parse_html(site / BRIEF)
    assert page.find_all("h1")[0].text() == (
        "Mainland Southeast Asia in China’s rare-earth chain: a brief"
    )
    meta = page.find_all("dl", "source-meta")[0]
    dts, dds = meta.find_all("dt"), meta.find_all("dd")
    fields = {_norm(dt.text()): _norm(dd.text()) for dt, dd in zip(dts, dds, strict=True)}
    size = len((SECOND / "mainland-brief.txt").read_bytes())
    assert size == 869
    assert fields == {
        "title": "Mainland Southeast Asia in China’s rare-earth chain: a brief",
        "date": "2026-03",
        "language": "en",
        "format": "text/plain; charset=utf-8",
        "size": "869 bytes of the local copy",
        "SHA-256": "c957ad63d6dad6033f3cf01518a60d7e338d15a42c95260f17cf02e00d07ec4a "
        "matches the local copy",
    }
    # what the .ttl does not record is not shown as a field, only named as missing
    assert not {"creator", "publisher", "URL", "written no earlier than"} & set(fields)
    assert [d.attrs["data-field"] for d in dds] == [
        "title",
        "date",
        "language",
        "format",
        "size",
        "sha256",
    ]
    missing = page.find_all("p", "missing")
    assert [_norm(p.text()) for p in missing] == ["Not recorded: creator, publisher, URL."]
    summary = page.find_all("p", "source-claims")[0]
    assert (summary.attrs["data-claims"], summary.attrs["data-drafts"]) == ("12", "1")


def test_the_article_page_keeps_its_address_and_shows_what_it_records(site):
    page = parse_html(site / ARTICLE)
    meta = page.find_all("dl", "source-meta")[0]
    fields = [_norm(dt.text()) for dt in meta.find_all("dt")]
    assert fields == ["written no earlier than", "language", "format", "size", "SHA-256"]
    assert [_norm(p.text()) for p in page.find_all("p", "missing")] == [
        "Not recorded: title, creator, publisher, date, URL."
    ]
    # the claim pages still point at their quote on it
    claim = parse_html(site / "id/claim/china-sea-rare-earths-065.html")
    link = claim.find_all("a", "in-source")[0].attrs["href"]
    assert link == "../source/china-sea-rare-earths.html#q-china-sea-rare-earths-065"


def test_the_second_source_claims_are_grouped_by_modality(site, brief):
    page = parse_html(site / BRIEF)
    section = _by_id(page, "source-claims")
    got = {
        s.attrs["data-modality"]: [
            resolve(BRIEF, a.attrs["href"]) for a in s.find_all("a", "claim-link")
        ]
        for s in section.find_all("section", "claims")
    }
    expected = {}
    for n in sorted(brief, key=lambda n: (MODALITY_ORDER.index(brief[n]["modality"]), n)):
        expected.setdefault(brief[n]["modality"], []).append(f"id/claim/{_slug(n)}.html")
    assert got == expected
    assert list(got) == ["asserted", "expected", "possible", "unlikely"]
    assert {k: len(v) for k, v in got.items()} == {
        "asserted": 8,
        "expected": 1,
        "possible": 1,
        "unlikely": 2,
    }
    headings = [_norm(s.find_all("h3")[0].text()) for s in section.find_all("section", "claims")]
    assert headings == ["stated as fact (8)", "expected (1)", "possible (1)", "unlikely (2)"]
    # denials and the draft are marked on exactly their claims
    items = {
        resolve(BRIEF, li.find_all("a", "claim-link")[0].attrs["href"]): li
        for li in section.find_all("li", "claim")
    }
    assert len(items) == 12

    def marked(badge):
        return sorted(
            path
            for path, li in items.items()
            if any(_norm(s.text()) == badge for s in li.find_all("span", "badge"))
        )

    assert marked("denied") == [
        "id/claim/mainland-brief-005.html",
        "id/claim/mainland-brief-007.html",
    ]
    assert marked("draft, not reviewed") == ["id/claim/mainland-brief-012.html"]
    assert [p for p, li in items.items() if "draft" in li.attrs["class"].split()] == [
        "id/claim/mainland-brief-012.html"
    ]
    # the draft's own page says so too
    claim = parse_html(site / "id/claim/mainland-brief-012.html")
    head = claim.find_all("p", "claim-head")[0]
    assert [_norm(s.text()) for s in head.find_all("span", "badge")] == [
        "expected",
        "draft, not reviewed",
    ]
    reviewed = parse_html(site / "id/claim/mainland-brief-011.html")
    assert reviewed.find_all("span", "draft") == []


def test_every_quote_of_the_second_source_is_marked_in_its_text(site, brief):
    page = parse_html(site / BRIEF)
    box = page.find_all("div", "source-text")[0]
    numbers = {h.attrs["id"]: h for h in box.find_all("a", "hl")}
    assert sorted(numbers) == [f"q-{_slug(n)}" for n in range(1, 13)]
    for n in brief:
        number = numbers[f"q-{_slug(n)}"]
        assert number.text() == str(n)
        assert resolve(BRIEF, number.attrs["href"]) == f"id/claim/{_slug(n)}.html"
        assert ("denied" in number.attrs["class"].split()) == brief[n].get("negated", False)
        assert ("draft" in number.attrs["class"].split()) == brief[n].get("draft", False)
        assert f"m-{brief[n]['modality']}" in number.attrs["class"].split()
        # the segments that name the claim spell its quote, and lead to it
        segments = [
            s for s in box.find_all("a", "seg") if _slug(n) in s.attrs["data-claims"].split()
        ]
        assert "".join(s.text() for s in segments) == unicodedata.normalize(
            "NFC", brief[n]["quote"]
        )
        for s in segments:
            assert resolve(BRIEF, s.attrs["href"]) == f"id/claim/{_slug(n)}.html"
    # the text is the source, verbatim, once the claim numbers are left out
    raw = (SECOND / "mainland-brief.txt").read_text(encoding="utf-8")
    shown = box.text(skip=lambda node: "hl" in node.attrs.get("class", "").split())
    assert shown == unicodedata.normalize("NFC", raw)
    drafts = [s for s in box.find_all("a", "seg") if "draft" in s.attrs["class"].split()]
    assert [s.attrs["data-claims"] for s in drafts] == [_slug(12)]
    assert "(draft, not reviewed)" in drafts[0].attrs["title"]


# ---------------------------------------------------------------- evidence by source


def _evidence(site, page_name):
    """{source IRI: (the source link's target, [claim pages in page order])}."""
    page = parse_html(site / page_name)
    section = _by_id(page, "claims")
    out = {}
    for group in section.find_all("section", "evidence"):
        heading = group.find_all("h3")[0]
        target = resolve(page_name, heading.find_all("a")[0].attrs["href"])
        claims = [resolve(page_name, a.attrs["href"]) for a in group.find_all("a", "claim-link")]
        assert group.attrs["data-source"] not in out
        out[group.attrs["data-source"]] = (target, claims)
    return out


def _expected_evidence(asserted, slug):
    """From the published graph: the claims about a resource, by source, each source's in
    modality order then source order."""
    rows = asserted.query(
        """
        PREFIX rekg: <https://w3id.org/rekg/ontology#>
        PREFIX rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#>
        PREFIX oa: <http://www.w3.org/ns/oa#>
        SELECT DISTINCT ?claim ?source ?modality ?n WHERE {
            ?claim a rekg:Claim ; rekg:modality ?modality ; rekg:sourceOrder ?n ;
                   rekg:evidence/oa:hasSource ?source .
            { ?claim rekg:about ?x } UNION { ?claim rdf:subject ?x } UNION { ?claim rdf:object ?x }
        }""",
        initBindings={"x": URIRef(BASE + f"id/{slug}")},
    )
    out = {}
    for claim, source, _modality, _n in sorted(
        rows,
        key=lambda r: (
            str(r[1]),
            MODALITY_ORDER.index(str(r[2]).rsplit("#", 1)[-1].lower()),
            int(r[3]),
        ),
    ):
        page = f"id/source/{str(source).rsplit('/', 1)[-1]}.html"
        out.setdefault(str(source), (page, []))[1].append(
            f"id/claim/{str(claim).rsplit('/', 1)[-1]}.html"
        )
    return out


def test_myanmar_groups_its_evidence_under_both_sources(site, asserted):
    got = _evidence(site, "id/myanmar.html")
    assert got == _expected_evidence(asserted, "myanmar")
    assert list(got) == [
        BASE + "id/source/china-sea-rare-earths",
        BASE + "id/source/mainland-brief",
    ]
    assert got[BASE + "id/source/mainland-brief"] == (
        BRIEF,
        [f"id/claim/{_slug(n)}.html" for n in (1, 2, 3)],
    )
    article = got[BASE + "id/source/china-sea-rare-earths"][1]
    assert len(article) == 11
    assert all(p.startswith("id/claim/china-sea-rare-earths-") for p in article)
    page = parse_html(site / "id/myanmar.html")
    heads = [_norm(h.text()) for h in page.find_all("h3") if h.parent.tag == "section"]
    assert "From Mainland Southeast Asia in China’s rare-earth chain: a brief (3 claims)" in heads


def test_singapore_groups_its_evidence_under_both_sources(site, asserted):
    got = _evidence(site, "id/singapore.html")
    assert got == _expected_evidence(asserted, "singapore")
    assert list(got) == [
        BASE + "id/source/china-sea-rare-earths",
        BASE + "id/source/mainland-brief",
    ]
    assert got[BASE + "id/source/mainland-brief"] == (BRIEF, [f"id/claim/{_slug(11)}.html"])
    assert len(got[BASE + "id/source/china-sea-rare-earths"][1]) == 13
    # the one claim of the brief is listed as unlikely
    page = parse_html(site / "id/singapore.html")
    brief = _by_id(page, "from-mainland-brief")
    assert [s.attrs["data-modality"] for s in brief.find_all("section", "claims")] == ["unlikely"]


def test_a_resource_of_one_source_shows_one_group_and_the_draft_is_marked(site, asserted):
    got = _evidence(site, "id/he-lifeng.html")
    assert got == _expected_evidence(asserted, "he-lifeng")
    assert list(got) == [BASE + "id/source/china-sea-rare-earths"]
    assert len(got[BASE + "id/source/china-sea-rare-earths"][1]) == 5
    page = parse_html(site / "id/most-sophisticated-stages.html")
    brief = _by_id(page, "from-mainland-brief")
    items = brief.find_all("li", "claim")
    assert [
        resolve("id/x.html", li.find_all("a", "claim-link")[0].attrs["href"]) for li in items
    ] == [f"id/claim/{_slug(12)}.html"]
    assert [_norm(s.text()) for s in items[0].find_all("span", "badge")] == ["draft, not reviewed"]


# ---------------------------------------------------------------- landing page, links, bytes


def test_the_landing_page_links_each_source_with_its_claims(site):
    page = parse_html(site / "index.html")
    listed = [
        (
            li.find_all("a")[0].attrs["href"],
            int(li.attrs["data-claims"]),
            int(li.attrs["data-drafts"]),
            _norm(li.text()),
        )
        for li in page.find_all("ul", "sources")[0].find_all("li")
    ]
    assert listed == [
        (
            ARTICLE,
            100,
            0,
            "Analysis article: China's engagement with Southeast Asia on rare earths "
            "(untitled) · 100 claims",
        ),
        (
            BRIEF,
            12,
            1,
            "Mainland Southeast Asia in China’s rare-earth chain: a brief · 12 claims "
            "(1 draft, not reviewed)",
        ),
    ]
    # with two sources, the header leads to the list of them
    nav = page.find_all("nav")[0]
    assert [a.attrs["href"] for a in nav.find_all("a") if a.text() == "Sources"] == [
        "index.html#sources"
    ]


def test_every_link_resolves(site):
    assert dead_links(site) == []


def test_two_publishes_are_byte_identical(published, tmp_path):
    from rekg.site.render import publish

    project, first, dist = published
    second = tmp_path / "again"
    assert publish(project, second, dist).built is False

    one, two = tree(first), tree(second)
    assert sorted(one) == sorted(two)
    assert {BRIEF, ARTICLE, "id/myanmar.html"} <= set(one)
    assert [name for name in one if one[name] != two[name]] == []
