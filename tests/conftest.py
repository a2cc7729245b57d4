import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from rdflib import Graph

from rekg.core.project import Project
from rekg.graph.rdfio import parse_file
from rekg.pipeline import build
from rekg.query.catalogue import load_catalogue
from rekg.serve.app import App
from rekg.serve.data import ServedData
from rekg.site.render import publish

from .remote_helpers import Dataset, G, Oxigraph, as_oxigraph_keeps_it

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="session")
def project() -> Project:
    return Project(ROOT)


@pytest.fixture(scope="session")
def built(tmp_path_factory, project):
    """One full build of the article's data, into a temporary dist/."""
    return build(project, tmp_path_factory.mktemp("dist"))


@pytest.fixture(scope="session")
def loaded(built):
    return built.loaded


@pytest.fixture(scope="session")
def closure(built):
    return built.reasoned.closure


@pytest.fixture(scope="session")
def base(project) -> Graph:
    """The ontology, the entities and the source: what a fixture claim needs around it to
    conform (read-only: tests copy it before adding to it)."""
    g = Graph()
    for path in (
        project.ontology,
        project.data / "entities.ttl",
        project.data / "sources" / "china-sea-rare-earths.ttl",
    ):
        parse_file(path, g)
    # participants of the two article events and the strategic roles come from claims;
    # give them here
    g.parse(
        data="""
        @prefix rekg: <https://w3id.org/rekg/ontology#> .
        @prefix id: <https://w3id.org/rekg/id/> .
        id:xi-jinping rekg:participatesIn id:state-visit-kuala-lumpur-2025 .
        id:he-lifeng rekg:participatesIn id:wef-davos-2026 .
        id:malaysia rekg:hasStrategicRole id:role-malaysia .
        id:vietnam rekg:hasStrategicRole id:role-vietnam .
        id:myanmar rekg:hasStrategicRole id:role-myanmar .
        id:thailand rekg:hasStrategicRole id:role-thailand .
        id:singapore rekg:hasStrategicRole id:role-singapore .
        """,
        format="turtle",
    )
    return g


def copy_project(target: Path) -> Project:
    """A private copy of the project's inputs, to break on purpose."""
    for name in ("ontology", "data", "queries"):
        shutil.copytree(ROOT / name, target / name)
    return Project(target)


@pytest.fixture
def scratch(tmp_path) -> Project:
    return copy_project(tmp_path)


def run_cli(*args, cwd=ROOT, env=None, input=None):
    """The installed console script, as a user runs it (`input`: its standard input)."""
    rekg = Path(sys.executable).with_name("rekg")
    return subprocess.run(
        [str(rekg), *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        env=env,
        timeout=300,
        input=input,
        stdin=None if input is not None else subprocess.DEVNULL,
    )


# --- the published site (tests/test_site_*.py) -----------------------------------------


@pytest.fixture(scope="session")
def site(built, project, tmp_path_factory):
    """`rekg publish` of the test build, in-process, into a temporary folder."""
    out = tmp_path_factory.mktemp("site") / "site"
    result = publish(project, out, built.out)
    assert result.built is False  # the fixture's dist/ is fresh: no second build
    return out


@pytest.fixture(scope="session")
def graph(built):
    """The asserted graph, read back from the test build's rekg.ttl."""
    g = Graph()
    g.parse(built.out / "rekg.ttl", format="turtle")
    return g


@pytest.fixture(scope="session")
def void(built):
    return Graph().parse(built.out / "void.ttl", format="turtle")


# --- the server in-process (tests/test_server_*.py) ------------------------------------


@pytest.fixture(scope="session")
def served(built):
    void = Graph().parse(data=built.files["void.ttl"], format="turtle")
    return ServedData.from_graphs(
        built.loaded.graph, built.reasoned.closure, void, built.files["void.ttl"]
    )


@pytest.fixture(scope="session")
def served_site(tmp_path_factory):
    """A stand-in for `rekg publish`'s output, enough to check what the server takes from it."""
    root = tmp_path_factory.mktemp("served-site")
    (root / "id").mkdir()
    (root / "static").mkdir()
    (root / "index.html").write_text("<!DOCTYPE html><title>landing</title><p>landing page</p>")
    (root / "id" / "malaysia.html").write_text(
        "<!DOCTYPE html><title>Malaysia</title><h1>Malaysia</h1>"
    )
    (root / "ontology.html").write_text("<!DOCTYPE html><title>ontology</title>")
    (root / "static" / "site.css").write_text("body { color: black; }\n")
    (root / "ontology").mkdir()
    (root / "ontology" / "0.1.0.html").write_text("<!DOCTYPE html><title>version</title>")
    (root / "ontology" / "0.1.0.ttl").write_text(
        "<https://w3id.org/rekg/ontology/0.1.0> a <http://www.w3.org/2002/07/owl#Ontology> .\n"
    )
    return root


@pytest.fixture(scope="session")
def catalogue(project):
    return load_catalogue(project.queries)


@pytest.fixture(scope="session")
def app(served, served_site, catalogue):
    return App(served, served_site, catalogue, timeout=5, row_cap=50, max_body=4096)


# --- a real Oxigraph server (tests/test_push.py, test_remote_query.py, test_gsp.py) -----


@pytest.fixture(scope="module")
def oxigraph(tmp_path_factory):
    server = Oxigraph(tmp_path_factory.mktemp("oxigraph")).start()
    yield server
    server.stop()


@pytest.fixture(scope="session")
def inferred(built):
    path = built.out / "rekg-inferred.ttl"
    graph = Graph().parse(path, format="turtle")
    return Dataset(path, graph, as_oxigraph_keeps_it(graph))


@pytest.fixture(scope="module")
def pushed(oxigraph, built):
    """The article's inferred graph in the default graph and in the named graph G."""
    result = run_cli("push", "--store", oxigraph.store, "--default", "--dist", str(built.out))
    assert result.returncode == 0, result.stderr
    result = run_cli(
        "push", "--store", oxigraph.store, "--graph", G, "--replace", "--dist", str(built.out)
    )
    assert result.returncode == 0, result.stderr
    return oxigraph
