"""`rekg publish` as a whole: data is escaped, two publishes are byte-identical, the
command reports bad input and refuses to replace what is not a site, and without Graphviz
it publishes the site without the diagrams and says so once."""

import json
import os
import re
import xml.etree.ElementTree as ET

import pytest
from rdflib import BNode, Graph, Literal, URIRef

from rekg.site.render import publish

from .conftest import copy_project, run_cli
from .site_helpers import BASE, REKG, SVG, dead_links, parse_html, tree

# ---------------------------------------------------------------- escaping, determinism, CLI


@pytest.mark.slow
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


@pytest.mark.slow
def test_two_publishes_are_byte_identical(project, built, tmp_path):
    first, second = tmp_path / "one", tmp_path / "two"
    publish(project, first, built.out)
    publish(project, second, built.out)

    one, two = tree(first), tree(second)
    assert sorted(one) == sorted(two) and len(one) > 800
    assert [name for name in one if one[name] != two[name]] == []


@pytest.mark.slow
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


@pytest.mark.slow
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


# ---------------------------------------------------------------- without Graphviz

NO_GRAPHVIZ = (
    "rekg publish: warning: Graphviz's dot is not installed; the site has no supply-chain "
    "diagram (apt-get install graphviz, or make publish)"
)


@pytest.mark.slow
def test_publish_without_graphviz_leaves_the_diagrams_out_and_warns_once(tmp_path, built):
    """`dot` is looked up on PATH; rekg is started by its full path (its script names the
    venv's python by its full path), so an empty folder as PATH is a machine without
    Graphviz."""
    bare = tmp_path / "bin"
    bare.mkdir()
    out = tmp_path / "site"
    env = {**os.environ, "PATH": str(bare)}
    done = run_cli("publish", "--out", str(out), "--dist", str(built.out), env=env)
    assert done.returncode == 0, done.stderr
    warning, summary = done.stderr.splitlines()
    assert warning == NO_GRAPHVIZ
    assert re.match(r"rekg publish: wrote \d+ files \(\d+ pages\) to ", summary)
    assert "Traceback" not in done.stderr
    # the site is there, whole but for the diagrams, and nothing links to them
    assert len(list(out.rglob("*.html"))) > 220
    assert (out / "id" / "myanmar.ttl").is_file() and (out / "dist" / "rekg.ttl").is_file()
    assert not (out / "diagram").exists()
    assert list(out.rglob("*.svg")) == []
    assert dead_links(out) == []
    index = parse_html(out / "index.html")
    section = [s for s in index.find_all("section") if s.attrs.get("id") == "diagram"][0]
    assert section.find_all("img") == [] and section.find_all("a") == []
    assert "Graphviz was not installed" in section.find_all("p", "note")[0].text()
    myanmar = parse_html(out / "id" / "myanmar.html")
    assert myanmar.find_all("img") == []
    assert [n for n in myanmar.iter() if n.attrs.get("id") == "diagram"] == []
