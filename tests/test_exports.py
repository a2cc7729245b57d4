"""Exports: every format parses back to the same graph (also with pyoxigraph, a strict
independent parser), the description and checksums are right, builds are byte-identical,
and a failed build leaves the previous dist/ as it was."""

import hashlib
import os

import pyoxigraph as ox
import pytest
from rdflib import Graph, Literal, URIRef
from rdflib.compare import isomorphic
from rdflib.namespace import DCAT, RDF, VOID

from rekg.graph.cache import RECORD
from rekg.graph.rdfio import to_rdflib

from .conftest import copy_project, run_cli

OX_FORMATS = {
    "ttl": ox.RdfFormat.TURTLE,
    "nt": ox.RdfFormat.N_TRIPLES,
    "jsonld": ox.RdfFormat.JSON_LD,
}
RDFLIB_FORMATS = {"ttl": "turtle", "nt": "nt", "jsonld": "json-ld"}


@pytest.mark.parametrize("ext", ["ttl", "nt", "jsonld"])
def test_each_format_parses_back_isomorphic(built, ext):
    path = built.out / f"rekg.{ext}"
    with_rdflib = Graph().parse(path, format=RDFLIB_FORMATS[ext])
    with_oxigraph = Graph()
    for quad in ox.parse(path=str(path), format=OX_FORMATS[ext]):
        with_oxigraph.add(tuple(to_rdflib(t) for t in (quad.subject, quad.predicate, quad.object)))
    assert len(with_rdflib) == len(built.loaded.graph) > 3000
    assert isomorphic(with_rdflib, built.loaded.graph)
    assert isomorphic(with_oxigraph, built.loaded.graph)


def test_inferred_closure_parses_back(built):
    g = Graph().parse(built.out / "rekg-inferred.ttl", format="turtle")
    assert isomorphic(g, built.reasoned.closure)


def test_void_describes_the_dump(built):
    void = Graph().parse(built.out / "void.ttl", format="turtle")
    dataset = URIRef("https://w3id.org/rekg/id/dataset")
    assert (dataset, RDF.type, VOID.Dataset) in void
    assert void.value(dataset, VOID.triples) == Literal(len(built.loaded.graph))
    assert void.value(dataset, URIRef("http://purl.org/dc/terms/license")) == URIRef(
        "https://creativecommons.org/licenses/by/4.0/"
    )
    sources = set(void.objects(dataset, URIRef("http://purl.org/dc/terms/source")))
    assert sources == {URIRef("https://w3id.org/rekg/id/source/china-sea-rare-earths")}
    sizes = {
        str(d).rsplit("/", 1)[1]: int(void.value(d, DCAT.byteSize))
        for d in void.objects(dataset, DCAT.distribution)
    }
    assert sizes == {
        name: (built.out / name).stat().st_size
        for name in (
            "answers.md",
            "rekg-inferred.ttl",
            "rekg.jsonld",
            "rekg.nq",
            "rekg.nt",
            "rekg.trig",
            "rekg.ttl",
        )
    }


def test_checksums_match_the_files(built):
    lines = (built.out / "SHA256SUMS").read_text().splitlines()
    listed = dict(reversed(line.split("  ", 1)) for line in lines)
    # every file but itself and the hidden record of the build's inputs (graph.cache)
    written = [p.name for p in built.out.iterdir() if p.name not in ("SHA256SUMS", RECORD)]
    assert sorted(listed) == sorted(written)
    for name, digest in listed.items():
        assert hashlib.sha256((built.out / name).read_bytes()).hexdigest() == digest


def test_answers_cite_the_quotes(built):
    answers = (built.out / "answers.md").read_text(encoding="utf-8")
    assert "## Who feeds China's refineries, and how sure is the source?" in answers
    assert "The majority of Myanmar’s output flows directly into China for processing" in answers
    assert answers.count("\n## ") == 18


@pytest.mark.slow
def test_two_builds_are_byte_identical(tmp_path, project):
    outs = []
    for seed in ("1", "4242"):
        out = tmp_path / f"dist-{seed}"
        env = {**os.environ, "PYTHONHASHSEED": seed}
        done = run_cli("build", "--out", str(out), env=env)
        assert done.returncode == 0, done.stderr
        outs.append({p.name: p.read_bytes() for p in sorted(out.iterdir()) if p.name != RECORD})
    assert outs[0] == outs[1]
    assert len(outs[0]) == 9


@pytest.mark.slow
def test_a_failed_build_leaves_the_previous_dist(tmp_path):
    scratch = copy_project(tmp_path / "p")
    assert run_cli("--root", str(scratch.root), "build").returncode == 0
    before = {p.name: p.read_bytes() for p in scratch.dist.iterdir()}
    (scratch.data / "entities.ttl").write_text(
        (scratch.data / "entities.ttl").read_text(encoding="utf-8") + "\nid:oops rdfs:label \n",
        encoding="utf-8",
    )
    done = run_cli("--root", str(scratch.root), "build")
    assert done.returncode == 2
    assert {p.name: p.read_bytes() for p in scratch.dist.iterdir()} == before
    assert sorted(p.name for p in scratch.root.iterdir()) == ["data", "dist", "ontology", "queries"]


def test_a_merged_dump_is_sorted_and_keeps_a_shared_triple_once():
    from rekg.export.dump import Dump

    a = Dump([b"<a> <p> <b> .", b"<c> <p> <d> ."])
    assert a.merged(Dump([b"<b> <p> <c> ."])).lines == [
        b"<a> <p> <b> .",
        b"<b> <p> <c> .",
        b"<c> <p> <d> .",
    ]
    assert a.merged(Dump([b"<c> <p> <d> .", b"<e> <p> <f> ."])).lines == [
        b"<a> <p> <b> .",
        b"<c> <p> <d> .",
        b"<e> <p> <f> .",
    ]


def test_a_merged_dump_keeps_its_quads_in_the_order_of_its_lines():
    """The merge puts each quad where its line goes, the shared one from the first graph."""
    import pyoxigraph as ox

    from rekg.export.dump import Dump

    def dump(*texts):
        quads = [next(iter(ox.parse(t, format=ox.RdfFormat.N_TRIPLES))) for t in texts]
        return Dump.of(quads)

    a = dump("<x:a> <x:p> <x:b> .", "<x:c> <x:p> <x:d> .", "<x:g> <x:p> <x:h> .")
    b = dump(
        "<x:0> <x:p> <x:0> .", "<x:c> <x:p> <x:d> .", "<x:e> <x:p> <x:f> .", "<x:z> <x:p> <x:z> ."
    )
    merged = a.merged(b)
    assert merged.lines == sorted(set(a.lines) | set(b.lines))
    assert [str(q) for q in merged.quads] == [line.decode()[:-2] for line in merged.lines]
    assert merged.quads[2] is a.quads[1]


def test_a_dump_relabels_blank_nodes_only_where_they_are():
    """Lines with a blank node get RDFC-1.0 labels; a literal quoting "_:" is left alone."""
    from rekg.export.dump import Dump

    g = Graph()
    g.parse(
        data='<http://x/a> <http://x/p> [ <http://x/q> "one" ] . '
        '<http://x/b> <http://x/p> "says _:b0 in text" .',
        format="turtle",
    )
    assert Dump.of(g).lines == [
        b"<http://x/a> <http://x/p> _:c14n0 .",
        b'<http://x/b> <http://x/p> "says _:b0 in text" .',
        b'_:c14n0 <http://x/q> "one" .',
    ]


def test_a_dump_of_quads_keeps_a_repeated_triple_once():
    from rekg.export.dump import Dump

    a, p = ox.NamedNode("http://x/a"), ox.NamedNode("http://x/p")
    quads = [ox.Quad(a, p, ox.Literal("z")), ox.Quad(a, p, ox.Literal("y"))] * 2
    assert Dump.of(quads).lines == [
        b'<http://x/a> <http://x/p> "y" .',
        b'<http://x/a> <http://x/p> "z" .',
    ]
