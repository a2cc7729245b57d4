"""YASGUI, vendored: the pinned @zazuko/yasgui of vendor/yasgui/, installed by
scripts/vendor-yasgui.sh (a no-op once installed, and then without npm or a network), copied
by `rekg publish` into every site and served by `rekg serve` with its SPARQL page, under a
Content-Security-Policy; without it, `rekg publish` stops before any work and says which
command vendors it (exit 2). The editor itself, in a browser: tests/test_browser.py."""

import json
import shutil
import subprocess
import sys

import pytest

from rekg.core.errors import EXIT_USAGE, UsageError
from rekg.serve.app import QUERY_PAGE_CSP
from rekg.site.render import YASGUI, YASGUI_FILES, vendored_yasgui

from .conftest import ROOT
from .server_helpers import get
from .site_helpers import parse_html, parse_html_text

VENDOR = ROOT / "vendor" / "yasgui"
INSTALLED = VENDOR / "node_modules" / "@zazuko" / "yasgui"
PINNED = "4.6.2"
REMEDY = (
    "run scripts/vendor-yasgui.sh (it installs the pinned @zazuko/yasgui with npm ci), "
    "or make publish"
)
# what the script runs, and nothing else: npm is left out on purpose
TOOLS = ("bash", "cmp", "cp", "mv", "mkdir", "sed", "head", "cat", "dirname")


def test_one_pinned_version_is_installed_and_vendored():
    manifest = json.loads((VENDOR / "package.json").read_text(encoding="utf-8"))
    assert manifest["dependencies"] == {"@zazuko/yasgui": PINNED}  # exact: no ^ or ~
    lock = json.loads((VENDOR / "package-lock.json").read_text(encoding="utf-8"))
    locked = lock["packages"]["node_modules/@zazuko/yasgui"]
    assert locked["version"] == PINNED
    assert locked["integrity"].startswith("sha512-")
    installed = json.loads((INSTALLED / "package.json").read_text(encoding="utf-8"))
    assert (installed["name"], installed["version"], installed["license"]) == (
        "@zazuko/yasgui",
        PINNED,
        "MIT",
    )
    assert (YASGUI / "VERSION").read_text() == PINNED + "\n"
    for name in YASGUI_FILES:
        assert (YASGUI / name).read_bytes() == (INSTALLED / "build" / name).read_bytes(), name


def test_publish_copies_yasgui_and_the_question_pages_load_it_from_the_site(site, catalogue):
    for name in YASGUI_FILES:
        assert (site / "static" / "yasgui" / name).read_bytes() == (YASGUI / name).read_bytes()
    assert (site / "static" / "rekg-query.js").is_file()
    for name in sorted(catalogue):
        page = parse_html(site / "queries" / f"{name}.html")
        scripts = [
            (s.attrs.get("src"), "defer" in s.attrs, s.text()) for s in page.find_all("script")
        ]
        assert scripts == [
            ("../static/yasgui/yasgui.min.js", True, ""),
            ("../static/rekg-query.js", True, ""),
        ], name
        # the link to the editor is made by the script, only where an endpoint answers
        [live] = page.find_all("p", "live")
        assert live.attrs == {
            "class": "live",
            "data-endpoint": "../sparql",
            "data-example": name,
            "data-label": "Edit and run it in the SPARQL editor (YASGUI)",
            "hidden": None,
        }
        assert live.children == []
    index = parse_html(site / "queries" / "index.html")
    assert [s.attrs.get("src") for s in index.find_all("script")] == ["../static/rekg-query.js"]
    assert [p.attrs["data-endpoint"] for p in index.find_all("p", "live")] == ["../sparql"]


def test_without_yasgui_the_error_names_the_file_and_the_command(tmp_path):
    with pytest.raises(UsageError) as caught:
        vendored_yasgui(tmp_path)
    assert str(caught.value) == (
        "YASGUI, the SPARQL editor of the query pages, is not vendored: "
        f"{tmp_path / 'yasgui.min.js'} is missing\n  fix: {REMEDY}"
    )
    assert caught.value.exit_code == EXIT_USAGE
    # half a copy is no copy
    shutil.copy(YASGUI / "yasgui.min.js", tmp_path)
    with pytest.raises(UsageError, match="yasgui.min.css is missing"):
        vendored_yasgui(tmp_path)


def test_rekg_publish_without_yasgui_exits_2_before_any_work(tmp_path):
    # the command as a user runs it, with the package's YASGUI folder pointed elsewhere
    program = (
        "import sys; from pathlib import Path; import rekg.site.render as render; "
        "render.YASGUI = Path(sys.argv[1]); from rekg.cli.main import main; "
        "sys.exit(main(sys.argv[2:]))"
    )
    missing = tmp_path / "no-yasgui"
    site, dist = tmp_path / "site", tmp_path / "dist"
    args = [str(missing), "publish", "--out", str(site), "--dist", str(dist)]
    result = subprocess.run(
        [sys.executable, "-c", program, *args], cwd=ROOT, capture_output=True, text=True
    )
    assert result.returncode == 2
    assert result.stdout == ""
    assert result.stderr == (
        "rekg: YASGUI, the SPARQL editor of the query pages, is not vendored: "
        f"{missing / 'yasgui.min.js'} is missing\n  fix: {REMEDY}\n"
    )
    assert not site.exists() and not dist.exists()  # nothing built, nothing written


@pytest.fixture
def copy_of_the_vendoring(tmp_path):
    """The script, the pin and the installed package's build in a folder of their own, and
    a PATH with the script's tools but no npm."""
    root = tmp_path / "repo"
    (root / "scripts").mkdir(parents=True)
    shutil.copy(ROOT / "scripts" / "vendor-yasgui.sh", root / "scripts")
    vendor = root / "vendor" / "yasgui"
    (vendor / "node_modules" / "@zazuko" / "yasgui" / "build").mkdir(parents=True)
    for name in ("package.json", "package-lock.json"):
        shutil.copy(VENDOR / name, vendor)
    shutil.copy(VENDOR / "node_modules" / ".rekg-lock-stamp", vendor / "node_modules")
    shutil.copy(INSTALLED / "package.json", vendor / "node_modules" / "@zazuko" / "yasgui")
    for name in YASGUI_FILES:
        shutil.copy(INSTALLED / "build" / name, vendor / "node_modules/@zazuko/yasgui/build")
    tools = tmp_path / "bin"
    tools.mkdir()
    for tool in TOOLS:
        (tools / tool).symlink_to(shutil.which(tool))
    return root, {"PATH": str(tools)}


def run_script(root, env):
    return subprocess.run(
        [shutil.which("bash"), str(root / "scripts" / "vendor-yasgui.sh")],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
    )


def test_the_script_once_installed_needs_neither_npm_nor_a_network(copy_of_the_vendoring):
    root, env = copy_of_the_vendoring
    target = root / "src" / "rekg" / "static" / "yasgui"
    first = run_script(root, env)
    assert (first.returncode, first.stdout, first.stderr) == (0, "", "")
    assert sorted(p.name for p in target.iterdir()) == ["VERSION", *sorted(YASGUI_FILES)]
    for name in YASGUI_FILES:
        assert (target / name).read_bytes() == (YASGUI / name).read_bytes()
    assert (target / "VERSION").read_text() == PINNED + "\n"
    # the second run changes nothing: not a byte, not a modification time
    before = {p.name: p.stat().st_mtime_ns for p in target.iterdir()}
    second = run_script(root, env)
    assert (second.returncode, second.stdout, second.stderr) == (0, "", "")
    assert {p.name: p.stat().st_mtime_ns for p in target.iterdir()} == before


def test_the_script_says_npm_is_missing_when_it_has_to_install(copy_of_the_vendoring):
    root, env = copy_of_the_vendoring
    # a lockfile changed since the install: npm ci must run, and there is no npm
    (root / "vendor" / "yasgui" / "node_modules" / ".rekg-lock-stamp").write_text("{}\n")
    result = run_script(root, env)
    assert result.returncode == 2
    assert result.stderr == (
        "scripts/vendor-yasgui.sh: npm is missing "
        "(install Node.js 20 and npm: apt-get install nodejs npm)\n"
    )
    assert not (root / "src").exists()


# ---------------------------------------------------------------- rekg serve's SPARQL page


def test_the_sparql_page_runs_yasgui_from_this_server_under_a_policy(app, catalogue):
    response = get(app, "/sparql", "text/html,*/*;q=0.8")
    assert response.status == 200
    assert response.header("Content-Security-Policy") == QUERY_PAGE_CSP
    assert "script-src 'self';" in QUERY_PAGE_CSP and "unsafe-eval" not in QUERY_PAGE_CSP
    page = parse_html_text(response.body.decode("utf-8"), "/sparql")
    # scripts are files of this server; the two inline ones are data, never run
    scripts = [(s.attrs.get("type"), s.attrs.get("src")) for s in page.find_all("script")]
    assert scripts == [
        ("application/json", None),
        ("application/json", None),
        (None, "/static/yasgui/yasgui.min.js"),
        (None, "/static/rekg-sparql.js"),
    ]
    styles = [n.attrs["href"] for n in page.find_all("link") if n.attrs["rel"] == "stylesheet"]
    assert styles == ["/static/rekg.css", "/static/yasgui/yasgui.min.css"]
    [editor] = [n for n in page.iter() if n.attrs.get("id") == "yasgui"]
    assert editor.attrs["data-endpoint"] == "/sparql"
    options = [o.attrs["value"] for o in page.find_all("option")]
    assert options == ["", *sorted(catalogue)]
    [examples] = [s for s in page.find_all("script") if s.attrs.get("id") == "examples"]
    shown = json.loads(examples.text())
    assert [ex["name"] for ex in shown] == sorted(catalogue)
    assert all(ex["text"].startswith("#+ summary: ") for ex in shown)


def test_the_server_has_yasgui_even_where_the_site_does_not(app, served_site):
    assert not (served_site / "static" / "yasgui").exists()
    for path, media_type in (
        ("yasgui/yasgui.min.js", "text/javascript; charset=utf-8"),
        ("yasgui/yasgui.min.css", "text/css; charset=utf-8"),
        ("rekg-sparql.js", "text/javascript; charset=utf-8"),
    ):
        response = get(app, f"/static/{path}")
        assert (response.status, response.content_type) == (200, media_type), path
        assert response.body == (YASGUI.parent / path).read_bytes()
    # the package's folder gives its static files, and nothing beside them
    for escape in ("/static/%2e%2e/serve/app.py", "/static/../templates/base.html.j2"):
        assert get(app, escape).status == 404, escape
