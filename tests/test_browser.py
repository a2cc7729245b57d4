"""A real browser (Debian's headless chromium, driven by Playwright) against `rekg serve`
on 127.0.0.1, serving a site made by `rekg publish` in a temporary folder. Screenshots go
to test-artifacts/ (gitignored)."""

import subprocess
import sys
from pathlib import Path

import pytest

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


@pytest.fixture(scope="module")
def base_url(tmp_path_factory):
    work = tmp_path_factory.mktemp("published")
    site = work / "site"
    # its own dist/ too, so that the test never writes into the checkout
    published = run_cli("publish", "--out", str(site), "--dist", str(work / "dist"))
    assert published.returncode == 0, published.stderr
    rekg = Path(sys.executable).with_name("rekg")
    process = subprocess.Popen(
        [str(rekg), "serve", "--port", "0", "--quiet", "--site", str(site)],
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
def page(base_url):
    from playwright.sync_api import sync_playwright

    ARTIFACTS.mkdir(exist_ok=True)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS, headless=True)
        context = browser.new_context(viewport={"width": 1280, "height": 900})
        page = context.new_page()
        page.set_default_timeout(15000)
        requested = []
        page.on("request", lambda request: requested.append(request.url))
        page.requested = requested
        yield page
        context.close()
        browser.close()


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


def test_query_page_runs_a_stored_query(page, base_url):
    page.goto(base_url + "/sparql")
    assert page.title() == "rekg SPARQL endpoint"
    page.select_option("#example", "feedstock-suppliers")
    assert "suppliesFeedstockTo" in page.input_value("#query")
    page.click("#run")
    rows = page.locator("#result-table tbody tr")
    rows.nth(4).wait_for()
    assert rows.count() == 5
    assert page.inner_text("#status") == "5 rows"
    header = page.locator("#result-table thead th").all_inner_texts()
    assert header == ["supplier", "modality", "negated", "timeFrame", "quote", "source", "claim"]
    suppliers = {rows.nth(i).locator("td").first.inner_text() for i in range(5)}
    assert suppliers == {"https://w3id.org/rekg/id/myanmar", "https://w3id.org/rekg/id/vietnam"}
    page.screenshot(path=str(ARTIFACTS / "browser-5-query.png"), full_page=True)
    # a bad query shows the parser's message, not a broken page
    page.fill("#query", "SELECT * WHERE { ?s ?p ")
    page.click("#run")
    page.wait_for_selector("#status.error")
    assert page.inner_text("#status").startswith("400: the query does not parse")


def test_nothing_was_fetched_from_elsewhere(page, base_url):
    assert page.requested, "the browser made no requests"
    outside = [url for url in page.requested if not url.startswith(base_url + "/")]
    assert outside == []
