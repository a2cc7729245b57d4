"""A real browser (Debian's headless chromium, driven by Playwright) against `rekg serve`
on 127.0.0.1, serving a site made by `rekg publish` in a temporary folder: the site's pages,
the YASGUI editor of /sparql (a typed query run and its result table read, under the page's
Content-Security-Policy), the question pages with and without a server (file://).
Screenshots go to test-artifacts/ (gitignored)."""

import json
import subprocess
import sys
import urllib.parse
import urllib.request
from pathlib import Path

import pytest

from rekg.serve.app import QUERY_PAGE_CSP

from .conftest import ROOT, run_cli

CHROMIUM = "/usr/bin/chromium"
ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
]
ARTIFACTS = ROOT / "test-artifacts"
# drives Chromium, against a `rekg serve` started here
pytestmark = [pytest.mark.browser, pytest.mark.store]
QUOTE_065 = "Myanmar already plays a pivotal role in China’s rare-earth supply chain"
QUOTE_006 = "Malaysia, Vietnam, Myanmar, Thailand and Singapore each play distinct roles in this architecture"
REKG = "https://w3id.org/rekg/ontology#"
ID = "https://w3id.org/rekg/id/"
# the active YASGUI tab's editor and results
EDITOR = ".tabPanel.active .yasqe .CodeMirror"
ROWS = ".tabPanel.active .yasr tbody tr"


@pytest.fixture(scope="module")
def published(tmp_path_factory):
    work = tmp_path_factory.mktemp("published")
    site = work / "site"
    # its own dist/ too, so that the test never writes into the checkout
    result = run_cli("publish", "--out", str(site), "--dist", str(work / "dist"))
    assert result.returncode == 0, result.stderr
    return site


@pytest.fixture(scope="module")
def base_url(published):
    rekg = Path(sys.executable).with_name("rekg")
    process = subprocess.Popen(
        [str(rekg), "serve", "--port", "0", "--quiet", "--site", str(published)],
        cwd=ROOT,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        line = process.stderr.readline()
        assert line.startswith("rekg serve: http://127.0.0.1:"), line
        yield line.split()[2].rstrip("/")
    finally:
        process.terminate()
        process.wait(timeout=10)


@pytest.fixture(scope="module")
def browser():
    from playwright.sync_api import sync_playwright

    ARTIFACTS.mkdir(exist_ok=True)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS, headless=True)
        try:
            yield browser
        finally:
            browser.close()


@pytest.fixture(scope="module")
def page(browser, base_url):
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.set_default_timeout(15000)
    requested, problems = [], []
    page.on("request", lambda request: requested.append(request.url))
    # a script error, or anything the Content-Security-Policy blocked, is logged as an error
    page.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda error: problems.append(str(error)))
    page.requested, page.problems = requested, problems
    yield page
    context.close()


def sparql_json(base_url: str, query: str) -> dict:
    """The endpoint's own answer, asked without a browser: what the editor must show."""
    request = urllib.request.Request(
        base_url + "/sparql",
        data=urllib.parse.urlencode({"query": query}).encode(),
        headers={"Accept": "application/sparql-results+json"},
    )
    with urllib.request.urlopen(request, timeout=30) as response:
        return json.load(response)


def open_editor(page, base_url: str, fragment: str = ""):
    # what the site's pages before logged (their /favicon.ico: 404) is not the editor's
    page.problems.clear()
    response = page.goto(base_url + "/sparql" + fragment)
    page.wait_for_selector(EDITOR)
    return response


def type_query(page, text: str) -> None:
    """Replace the active tab's query by typing it, key by key, as a person does."""
    page.click(EDITOR)
    page.keyboard.press("Control+A")
    page.keyboard.press("Backspace")
    page.keyboard.type(text)


def _image_loaded(page, selector: str) -> bool:
    return page.eval_on_selector(selector, "img => img.complete && img.naturalWidth > 0")


def test_landing_country_claims_and_diagram(page, base_url):
    page.goto(base_url + "/")
    assert page.title().endswith("rekg")
    page.screenshot(path=str(ARTIFACTS / "browser-1-landing.png"), full_page=True)
    page.click('a[href="id/malaysia.html"]')
    page.wait_for_url(base_url + "/id/malaysia.html")
    assert page.title().startswith("Malaysia")
    # its claims, each quote linked to its claim page
    assert page.locator('a[href="claim/china-sea-rare-earths-006.html"]').count() >= 1
    assert page.get_by_text(QUOTE_006, exact=True).first.is_visible()
    assert _image_loaded(page, 'img[src="../diagram/malaysia.svg"]')
    page.screenshot(path=str(ARTIFACTS / "browser-2-country.png"), full_page=True)


def test_annotated_source_highlight_leads_to_its_claim(page, base_url):
    page.goto(base_url + "/")
    page.click('a[href="id/source/china-sea-rare-earths.html"] >> nth=0')
    page.wait_for_url(base_url + "/id/source/china-sea-rare-earths.html")
    # the highlight: the quote's words, linked to their claim
    highlight = page.locator(
        'a[href$="claim/china-sea-rare-earths-065.html"]', has_text=QUOTE_065
    ).first
    assert highlight.inner_text() == QUOTE_065
    highlight.scroll_into_view_if_needed()
    page.screenshot(path=str(ARTIFACTS / "browser-3-source.png"))
    highlight.click()
    page.wait_for_url(base_url + "/id/claim/china-sea-rare-earths-065.html")
    assert page.locator("h1").inner_text() == "claim china-sea-rare-earths-065"
    assert page.get_by_text(QUOTE_065).first.is_visible()
    page.screenshot(path=str(ARTIFACTS / "browser-4-claim.png"), full_page=True)


def test_yasgui_runs_a_typed_query_under_the_pages_policy(page, base_url):
    response = open_editor(page, base_url)
    assert page.title() == "rekg SPARQL endpoint"
    assert response.headers["content-security-policy"] == QUERY_PAGE_CSP
    # the plain form gives way to the editor, whose endpoint is this server's
    assert page.locator("#plain-form").is_hidden()
    assert (
        page.input_value(".tabPanel.active .controlbar input.autocomplete") == base_url + "/sparql"
    )
    type_query(page, "SELECT ?country WHERE { ?country a rekg:Country } ORDER BY ?country")
    # prefix completion from rekg's own prefixes: typing rekg: declared it
    value = page.evaluate("window.rekgYasgui.getTab().getQuery()")
    assert value == (
        f"PREFIX rekg: <{REKG}>\n"
        "SELECT ?country WHERE { ?country a rekg:Country } ORDER BY ?country"
    )
    page.keyboard.press("Control+Enter")
    rows = page.locator(ROWS)
    rows.first.wait_for()
    expected = [
        row["country"]["value"] for row in sparql_json(base_url, value)["results"]["bindings"]
    ]
    assert {ID + c for c in ("china", "malaysia", "myanmar", "thailand", "vietnam")} <= set(
        expected
    )
    header = page.locator(".tabPanel.active .yasr thead th").all_inner_texts()
    assert [h.strip() for h in header] == ["", "country"]
    cells = [rows.nth(i).locator("td").nth(1) for i in range(rows.count())]
    assert [c.locator("a").get_attribute("href") for c in cells] == expected
    assert [c.inner_text() for c in cells] == [f"<{iri}>" for iri in expected]
    page.screenshot(path=str(ARTIFACTS / "browser-5-yasgui-typed.png"), full_page=True)
    assert page.problems == []


def test_yasgui_opens_a_stored_question_in_its_tab(page, base_url):
    open_editor(page, base_url)
    page.select_option("#example", "feedstock-suppliers")
    tab = page.locator(".tabsList .tab.active a > span")
    assert tab.inner_text().strip() == "feedstock-suppliers"
    assert "rekg:suppliesFeedstockTo" in page.evaluate("window.rekgYasgui.getTab().getQuery()")
    page.click(".tabPanel.active .yasqe_queryButton")
    rows = page.locator(ROWS)
    rows.nth(4).wait_for()
    assert rows.count() == 5
    header = page.locator(".tabPanel.active .yasr thead th").all_inner_texts()
    assert [h.strip() for h in header] == [
        "",
        "supplier",
        "modality",
        "negated",
        "timeFrame",
        "quote",
        "source",
        "claim",
    ]
    # the question's own prefixes shorten the IRIs
    suppliers = {rows.nth(i).locator("td").nth(1).inner_text() for i in range(5)}
    assert suppliers == {"id:myanmar", "id:vietnam"}
    quotes = {rows.nth(i).locator("td").nth(5).inner_text() for i in range(5)}
    assert QUOTE_065 in quotes
    page.screenshot(path=str(ARTIFACTS / "browser-6-yasgui-question.png"), full_page=True)
    # an IRI of the graph leads to this server's page of it, not to w3id.org
    with page.context.expect_page() as opened:
        rows.nth(0).locator("td").nth(1).locator("a").click()
    resource = opened.value
    resource.wait_for_load_state()
    assert resource.url == base_url + "/id/myanmar"
    assert resource.title().startswith("Myanmar")
    resource.close()
    assert page.problems == []


def test_yasgui_shows_the_endpoints_message_for_a_bad_query(page, base_url):
    open_editor(page, base_url)
    type_query(page, "SELECT * WHERE { ?s ?p ")
    page.keyboard.press("Control+Enter")
    message = page.locator(".tabPanel.active .yasr .errorResult pre")
    message.wait_for()
    error = json.loads(message.inner_text())
    assert error["status"] == 400
    assert error["error"].startswith("the query does not parse: error at 1:24: expected one of")
    assert error["remedy"] == "fix the syntax"


def test_without_yasgui_the_page_says_so_and_keeps_a_plain_form(browser, base_url):
    context = browser.new_context()
    try:
        page = context.new_page()
        # as on a server whose YASGUI was never vendored
        page.route("**/static/yasgui/yasgui.min.js", lambda route: route.fulfill(status=404))
        page.goto(base_url + "/sparql")
        status = page.locator("#editor-status.error")
        status.wait_for()
        assert status.inner_text() == (
            "The YASGUI editor is not installed on this server (run scripts/vendor-yasgui.sh, "
            "then restart rekg serve); the plain form below still works."
        )
        assert page.locator("#yasgui").is_hidden()
        page.fill("#query", "ASK { ?s a <https://w3id.org/rekg/ontology#Country> }")
        with page.expect_response(base_url + "/sparql") as answer:
            page.click("#run")
        assert answer.value.status == 200
        assert json.loads(answer.value.body()) == {"head": {}, "boolean": True}
    finally:
        context.close()


def test_a_question_page_opens_its_question_in_the_editor(page, base_url):
    page.problems.clear()
    page.goto(base_url + "/queries/feedstock-suppliers.html")
    # the SPARQL is marked by YASGUI's SPARQL mode
    keywords = page.locator("pre.sparql .cm-keyword").all_inner_texts()
    assert keywords[:3] == ["PREFIX", "PREFIX", "PREFIX"] and "SELECT" in keywords
    link = page.locator("p.live a.open-in-editor")
    assert link.get_attribute("href") == base_url + "/sparql#example=feedstock-suppliers"
    link.click()
    page.wait_for_url(base_url + "/sparql")
    rows = page.locator(ROWS)
    rows.nth(4).wait_for()
    assert rows.count() == 5
    assert (
        page.locator(".tabsList .tab.active a > span").inner_text().strip() == "feedstock-suppliers"
    )
    page.goto(base_url + "/queries/index.html")
    assert page.locator("p.live a.open-in-editor").get_attribute("href") == base_url + "/sparql"
    assert page.problems == []


def test_a_question_page_from_file_is_static_and_highlighted(browser, published):
    context = browser.new_context()
    try:
        page = context.new_page()
        problems = []
        page.on("pageerror", lambda error: problems.append(str(error)))
        page.goto((published / "queries" / "feedstock-suppliers.html").as_uri())
        page.wait_for_selector("pre.sparql .cm-keyword")
        # no server beside the files: the answer is the page's own table, no editor link
        assert page.locator("table.answer tbody tr").count() == 5
        assert page.locator("p.live").is_hidden()
        assert page.locator("a.open-in-editor").count() == 0
        assert problems == []
        page.screenshot(path=str(ARTIFACTS / "browser-7-question-file.png"), full_page=True)
    finally:
        context.close()


def test_nothing_was_fetched_from_elsewhere(page, base_url):
    assert page.requested, "the browser made no requests"
    outside = [url for url in page.requested if not url.startswith(base_url + "/")]
    assert outside == []
