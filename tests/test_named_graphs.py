"""The claims by source as named graphs (dist/rekg.trig, dist/rekg.nq), on a project with
two sources (tests/corpus.py): which graphs, exactly what each holds (against a SPARQL
oracle on the asserted graph), drafts and hedged claims, corroboration across sources,
the union inside the default graph, byte-identical files across builds and engines, TriG
and N-Quads as the same dataset, the VoID subsets, the served store's named graphs over
the SPARQL Protocol, and `rekg push --dataset sources` into a real Oxigraph."""

import hashlib
import json
from urllib.parse import urlencode

import pyoxigraph as ox
import pytest
from rdflib import Dataset, Graph, Literal, URIRef
from rdflib.compare import isomorphic
from rdflib.namespace import DCAT, DCTERMS, RDF, VOID, XSD

from rekg.core.engines import Engine
from rekg.core.namespaces import CLAIM, ID, PREFIXES, REKG, SOURCE, SOURCE_GRAPH
from rekg.export.dump import Dump
from rekg.export.files import SD
from rekg.export.named import NamedGraphs, source_graphs
from rekg.pipeline import build
from rekg.remote.gsp import GraphStore
from rekg.serve import data as served_data
from rekg.serve.app import App
from rekg.serve.data import ASSERTED_GRAPH, INFERRED_GRAPH, ServedData

from .conftest import run_cli
from .corpus import with_second_source
from .remote_helpers import Oxigraph, as_oxigraph_keeps_it, endpoint, fetch
from .server_helpers import get, rows_of, sparql_get

ARTICLE = str(SOURCE_GRAPH["china-sea-rare-earths"])
BRIEF = str(SOURCE_GRAPH["mainland-brief"])
# what the test source's graph holds: triples, claims (the article's graph, whose claims
# are edited, is counted by the SPARQL oracle below instead)
BRIEF_HOLDS = (303, 12)
MYANMAR_CHINA = (ID.myanmar, REKG.suppliesFeedstockTo, ID.china)
KEPT_AT_HOME = (ID.china, REKG._NS.retainsAtHome, ID["most-sophisticated-stages"])
DRAFT = CLAIM["mainland-brief-012"]
DOWNLOAD = "https://w3id.org/rekg/dist/"


@pytest.fixture(scope="module")
def corpus(tmp_path_factory):
    """The two-source project, built (fast engine) into its own dist/."""
    project = with_second_source(tmp_path_factory.mktemp("corpus"))
    result = build(project)
    return project, result


@pytest.fixture(scope="module")
def nq(corpus) -> list[bytes]:
    return (corpus[0].dist / "rekg.nq").read_bytes().splitlines()


def _graphs_of(lines: list[bytes]) -> dict[str, list[bytes]]:
    """N-Quads lines by graph, each as its N-Triples line; graphs in file order."""
    out: dict[str, list[bytes]] = {}
    for line in lines:
        head, _, graph = line[:-2].rpartition(b" <")
        out.setdefault(graph[:-1].decode(), []).append(head + b" .")
    return out


def _stored(corpus) -> Dataset:
    dataset = Dataset()
    dataset.parse(corpus[0].dist / "rekg.nq", format="nquads")
    return dataset


ORACLE = """
PREFIX rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#>
PREFIX prov: <http://www.w3.org/ns/prov#>
PREFIX oa: <http://www.w3.org/ns/oa#>
PREFIX rekg: <https://w3id.org/rekg/ontology#>
CONSTRUCT { ?s ?p ?o } WHERE {
  { ?s ?p ?o FILTER(?s = ?source) }
  UNION { ?s a rekg:Claim ; prov:wasDerivedFrom ?source ; ?p ?o }
  UNION { ?c a rekg:Claim ; prov:wasDerivedFrom ?source ; rekg:evidence ?s . ?s ?p ?o }
  UNION { ?c a rekg:Claim ; prov:wasDerivedFrom ?source ; rekg:evidence/oa:hasSelector ?s .
          ?s ?p ?o }
  UNION { ?c a rekg:Claim ; prov:wasDerivedFrom ?source ; rekg:modality rekg:Asserted ;
             rdf:subject ?s ; rdf:predicate ?p ; rdf:object ?o .
          FILTER NOT EXISTS { ?c rekg:negated true }
          FILTER NOT EXISTS { ?c rekg:draft true }
          ?s ?p ?o }
}"""


def _oracle(asserted: Graph, slug: str) -> Graph:
    expected = Graph()
    for triple in asserted.query(ORACLE, initBindings={"source": SOURCE[slug]}):
        expected.add(triple)
    return expected


@pytest.fixture(scope="module")
def expected(corpus) -> dict[str, tuple[int, int]]:
    """Triples and claims of each source graph: the test source's as written down, the
    article's counted with rdflib's SPARQL (no code shared with rekg.export.named)."""
    asserted = corpus[1].loaded.graph
    claims = asserted.query(
        "SELECT (COUNT(DISTINCT ?c) AS ?n) WHERE { ?c a ?claim ; ?from ?source }",
        initBindings={
            "claim": REKG.Claim,
            "from": URIRef("http://www.w3.org/ns/prov#wasDerivedFrom"),
            "source": SOURCE["china-sea-rare-earths"],
        },
    )
    article = (len(_oracle(asserted, "china-sea-rare-earths")), int(next(iter(claims))[0]))
    assert article[0] > 2400 and article[1] >= 99
    return {ARTICLE: article, BRIEF: BRIEF_HOLDS}


# --- what the graphs hold ---------------------------------------------------------------


def test_one_graph_a_source_in_iri_order(nq):
    assert list(_graphs_of(nq)) == [ARTICLE, BRIEF]


def test_exact_triples_and_claims_per_graph(corpus, nq, expected):
    assert {g: len(lines) for g, lines in _graphs_of(nq).items()} == {
        g: n for g, (n, _) in expected.items()
    }
    named = NamedGraphs.of(corpus[1].loaded.graph)
    assert {g.name: (len(g), g.claims) for g in named.graphs} == expected
    assert [g.source for g in named.graphs] == [
        str(SOURCE["china-sea-rare-earths"]),
        str(SOURCE["mainland-brief"]),
    ]


def test_each_graph_is_what_the_sparql_oracle_says(corpus, expected):
    """Computed by bisection over the sorted lines; the oracle reads the asserted graph
    with rdflib's SPARQL, so the two share no code."""
    asserted = corpus[1].loaded.graph
    dataset = _stored(corpus)
    for name, slug in ((ARTICLE, "china-sea-rare-earths"), (BRIEF, "mainland-brief")):
        got = dataset.graph(URIRef(name))
        assert set(got) == set(_oracle(asserted, slug)), name
        assert len(got) == expected[name][0]


def test_a_draft_claim_is_in_its_graph_without_its_plain_triple(corpus):
    dataset = _stored(corpus)
    brief, article = dataset.graph(URIRef(BRIEF)), dataset.graph(URIRef(ARTICLE))
    asserted = corpus[1].loaded.graph
    claim = set(asserted.triples((DRAFT, None, None)))
    assert (DRAFT, REKG.draft, Literal(True)) in claim
    assert len(claim) == 15
    assert claim <= set(brief)
    for part in ("evidence", "quote", "position"):
        node = URIRef(f"{DRAFT}#{part}")
        assert set(asserted.triples((node, None, None))) <= set(brief)
        assert len(list(brief.triples((node, None, None)))) >= 3
    # the relation it states is in the graph (the article states it as fact), not in its own
    assert KEPT_AT_HOME in asserted
    assert KEPT_AT_HOME not in brief
    assert KEPT_AT_HOME in article


def test_a_relation_stated_by_both_sources_is_in_both_graphs(corpus):
    dataset = _stored(corpus)
    graphs = {str(c.identifier) for c in dataset.graphs() if MYANMAR_CHINA in c}
    assert graphs == {ARTICLE, BRIEF}


def test_hedged_and_denied_relations_are_in_no_graph(corpus):
    dataset = _stored(corpus)
    brief = dataset.graph(URIRef(BRIEF))
    unlikely = (ID.vietnam, REKG.suppliesFeedstockTo, ID.china)  # claim 4: unlikely
    denied = (ID.malaysia, REKG.hostsProcessingFor, ID.china)  # claim 7: negated
    for triple in (unlikely, denied):
        assert not any(triple in c for c in dataset.graphs())
    # the claims themselves are there, with their modality and negation
    assert (CLAIM["mainland-brief-004"], REKG.modality, REKG.Unlikely) in brief
    assert (CLAIM["mainland-brief-007"], REKG.negated, Literal(True)) in brief


def test_the_union_of_the_graphs_is_inside_the_default_graph(corpus, nq, expected):
    default = set((corpus[0].dist / "rekg.nt").read_bytes().splitlines())
    graphs = _graphs_of(nq)
    union = {line for lines in graphs.values() for line in lines}
    assert union <= default
    # stated as fact by both sources: Myanmar feeds China, Thailand hosts manufacturing,
    # Vietnam's mining capacity is limited
    shared = set(graphs[ARTICLE]) & set(graphs[BRIEF])
    assert len(shared) == 3
    assert {line.split(b" ")[1].rsplit(b"#")[1] for line in shared} == {
        b"suppliesFeedstockTo>",
        b"hostsStage>",
        b"hasLimitedCapacityIn>",
    }
    total = sum(n for n, _ in expected.values())
    assert len(union) == total - 3
    # and each graph's lines come sorted, as rekg.nt's do
    for lines in graphs.values():
        assert lines == sorted(lines)


# --- the files ----------------------------------------------------------------------------


def test_trig_and_nquads_are_the_same_dataset(corpus, expected):
    dist = corpus[0].dist
    trig, nquads = Dataset(), Dataset()
    trig.parse(dist / "rekg.trig", format="trig")
    nquads.parse(dist / "rekg.nq", format="nquads")
    names = sorted(str(c.identifier) for c in trig.graphs() if len(c))
    assert names == sorted(str(c.identifier) for c in nquads.graphs() if len(c))
    assert names == [ARTICLE, BRIEF]
    for name in names:
        a, b = trig.graph(URIRef(name)), nquads.graph(URIRef(name))
        assert len(a) == len(b) == expected[name][0]
        assert isomorphic(a, b)
    assert len(trig.default_graph) == len(nquads.default_graph) == 0
    # a strict independent parser reads the same quads from both
    ox_trig = set(ox.parse(path=str(dist / "rekg.trig"), format=ox.RdfFormat.TRIG))
    ox_nq = set(ox.parse(path=str(dist / "rekg.nq"), format=ox.RdfFormat.N_QUADS))
    assert ox_trig == ox_nq
    assert len(ox_nq) == sum(n for n, _ in expected.values())


def test_the_files_are_what_pyoxigraphs_writers_give(corpus):
    named = NamedGraphs.of(Dump.of(corpus[1].loaded.as_written()))
    assert named.serialize("nquads") == ox.serialize(named.quads(), format=ox.RdfFormat.N_QUADS)
    prefixes = dict(sorted(PREFIXES.items()))
    trig = ox.serialize(named.quads(), format=ox.RdfFormat.TRIG, prefixes=prefixes)
    assert named.serialize("trig") == trig
    assert named.serialize("nquads") == (corpus[0].dist / "rekg.nq").read_bytes()
    assert named.serialize("trig") == (corpus[0].dist / "rekg.trig").read_bytes()


def test_two_builds_give_the_same_bytes(corpus, tmp_path):
    project, first = corpus
    again = build(project, tmp_path / "again")
    for name in ("rekg.trig", "rekg.nq", "void.ttl", "SHA256SUMS"):
        assert again.files[name] == first.files[name], name


@pytest.mark.slow
def test_both_engines_give_the_same_bytes(corpus, tmp_path):
    project, fast = corpus
    reference = build(
        project, tmp_path / "reference", validate_first=False, engine=Engine.REFERENCE
    )
    assert sorted(reference.files) == sorted(fast.files)
    for name in fast.files:
        assert reference.files[name] == fast.files[name], name


def test_checksums_list_the_new_files(corpus):
    dist = corpus[0].dist
    listed = dict(
        reversed(line.split("  ", 1)) for line in (dist / "SHA256SUMS").read_text().splitlines()
    )
    for name in ("rekg.trig", "rekg.nq"):
        assert listed[name] == hashlib.sha256((dist / name).read_bytes()).hexdigest()
    written = [p.name for p in dist.iterdir() if p.name not in ("SHA256SUMS", ".rekg-build.json")]
    assert sorted(listed) == sorted(written)


def test_void_describes_each_source_graph(corpus, expected):
    dist = corpus[0].dist
    void = Graph().parse(dist / "void.ttl", format="turtle")
    dataset = ID.dataset
    subsets = set(void.objects(dataset, VOID.subset))
    assert subsets == {URIRef(ARTICLE), URIRef(BRIEF)}
    for name, (triples, claims) in expected.items():
        subset = URIRef(name)
        slug = name.rsplit("/", 1)[1]
        assert set(void.objects(subset, RDF.type)) == {VOID.Dataset, SD.NamedGraph}
        assert void.value(subset, SD.name) == subset
        assert void.value(subset, DCTERMS.source) == SOURCE[slug]
        assert void.value(subset, VOID.triples) == Literal(triples)
        (partition,) = void.objects(subset, VOID.classPartition)
        assert void.value(partition, VOID["class"]) == REKG.Claim
        assert void.value(partition, VOID.entities) == Literal(claims)
        dumps = set(void.objects(subset, VOID.dataDump))
        assert dumps == {URIRef(DOWNLOAD + "rekg.trig"), URIRef(DOWNLOAD + "rekg.nq")}
    media = {"rekg.trig": "application/trig", "rekg.nq": "application/n-quads"}
    for name, media_type in media.items():
        url = URIRef(DOWNLOAD + name)
        assert (dataset, DCAT.distribution, url) in void
        assert (url, RDF.type, DCAT.Distribution) in void
        size = Literal((dist / name).stat().st_size, datatype=XSD.nonNegativeInteger)
        assert void.value(url, DCAT.byteSize) == size
        assert str(void.value(url, DCAT.mediaType)).endswith("/" + media_type)
        assert str(void.value(url, DCTERMS.title)) == (
            f"The claims by source, as 2 named graphs ({sum(n for n, _ in expected.values())} triples)"
        )
        # a partial dump of the dataset: not among the dataset's own dumps
        assert (dataset, VOID.dataDump, url) not in void


# --- the graphs, cut by hand ------------------------------------------------------------

TINY = """
@prefix rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
@prefix prov: <http://www.w3.org/ns/prov#> .
@prefix oa: <http://www.w3.org/ns/oa#> .
@prefix rekg: <https://w3id.org/rekg/ontology#> .
@prefix id: <https://w3id.org/rekg/id/> .
@prefix claim: <https://w3id.org/rekg/id/claim/> .
@prefix source: <https://w3id.org/rekg/id/source/> .

source:a a rekg:SourceDocument ; rekg:note [ rekg:text "a blank node of the source" ] .
source:b a rekg:SourceDocument .
source:idle a rekg:SourceDocument .
<https://example.org/elsewhere> a rekg:SourceDocument .

claim:a-001 a rekg:Claim ; prov:wasDerivedFrom source:a, source:b ;
    rekg:modality rekg:Asserted ; rekg:negated false ;
    rdf:subject id:x ; rdf:predicate rekg:suppliesFeedstockTo ; rdf:object id:y ;
    rekg:evidence claim:a-001\\#evidence ; rekg:extra [ rekg:text "reached through a blank node" ] .
claim:a-001\\#evidence oa:hasSelector claim:a-001\\#quote ; oa:hasSource source:a .
claim:a-001\\#quote oa:exact "x supplies y,\\n\\tover two lines" .
claim:a-002 a rekg:Claim ; prov:wasDerivedFrom source:a ;
    rekg:modality rekg:Asserted ; rekg:negated "1"^^xsd:boolean ;
    rdf:subject id:x ; rdf:predicate rekg:hostsProcessingFor ; rdf:object id:y .
claim:a-003 a rekg:Claim ; prov:wasDerivedFrom source:a ;
    rekg:modality rekg:Asserted ;
    rdf:subject id:x ; rdf:predicate rekg:engagesWith ; rdf:object id:z .
claim:a-004 a rekg:Claim ; prov:wasDerivedFrom source:a ;
    rekg:modality rekg:Asserted ; rekg:draft true ;
    rdf:subject id:unrelated ; rdf:predicate rekg:engagesWith ; rdf:object id:x .
id:x rekg:suppliesFeedstockTo id:y ; rekg:hostsProcessingFor id:y .
id:unrelated rekg:engagesWith id:x .
"""


def test_source_graphs_by_hand():
    """Blank nodes reached from a source or a claim come along; a claim derived from two
    sources is in both; a denial spelled "1" is a denial; a draft adds no plain triple; a
    plain triple the graph does not hold is not made up; a source without claims has its description; a source
    outside the project's namespace has no graph."""
    # parsed by pyoxigraph, which keeps "1"^^xsd:boolean as written (rdflib makes it "true")
    asserted = Dump.of(ox.parse(TINY, format=ox.RdfFormat.TURTLE))
    assert any(
        line.endswith(b'"1"^^<http://www.w3.org/2001/XMLSchema#boolean> .')
        for line in asserted.lines
    )
    graphs = {x.name: x for x in source_graphs(asserted)}
    assert list(graphs) == [str(SOURCE_GRAPH[s]) for s in ("a", "b", "idle")]
    a, b, idle = graphs.values()
    assert (a.claims, b.claims, idle.claims) == (4, 1, 0)

    def lines(graph):
        return {asserted.lines[i] for i in graph.rows}

    claim1 = {
        line for line in asserted.lines if line.startswith(b"<https://w3id.org/rekg/id/claim/a-001")
    }
    blank = {line for line in asserted.lines if line.startswith(b"_:")}
    assert len(blank) == 2 and len(claim1) == 13
    plain = b"<https://w3id.org/rekg/id/x> <https://w3id.org/rekg/ontology#suppliesFeedstockTo> <https://w3id.org/rekg/id/y> ."
    assert lines(b) == {
        *claim1,
        *(line for line in blank if b"reached through" in line),
        plain,
        b"<https://w3id.org/rekg/id/source/b> <http://www.w3.org/1999/02/22-rdf-syntax-ns#type> <https://w3id.org/rekg/ontology#SourceDocument> .",
    }
    denied = b"<https://w3id.org/rekg/id/x> <https://w3id.org/rekg/ontology#hostsProcessingFor> <https://w3id.org/rekg/id/y> ."
    assert plain in lines(a) and denied not in lines(a)
    assert blank <= lines(a)
    made_up = b"<https://w3id.org/rekg/id/x> <https://w3id.org/rekg/ontology#engagesWith> <https://w3id.org/rekg/id/z> ."
    assert made_up not in asserted.lines and made_up not in lines(a)
    # a draft stated as fact adds no plain triple, though the graph holds it
    unsourced = b"<https://w3id.org/rekg/id/unrelated> <https://w3id.org/rekg/ontology#engagesWith> <https://w3id.org/rekg/id/x> ."
    assert unsourced in asserted.lines and unsourced not in lines(a)
    # source:a and its blank node, claim 1 and its blank node, claims 2, 3 and 4, one plain triple
    assert len(lines(a)) == 2 + 1 + 13 + 1 + 7 + 6 + 7 + 1
    assert len(lines(idle)) == 1
    assert a.rows == sorted(a.rows)
    # the N-Quads keep the Dump's blank node labels: the same node in every graph
    text = NamedGraphs(asserted, list(graphs.values())).serialize("nquads")
    labels = [word for word in text.split() if word.startswith(b"_:")]
    assert len(labels) == 6 and len(set(labels)) == 2  # a: 2 nodes x 2 mentions; b: 1 x 2
    # the files are what pyoxigraph's own writers give for the same quads
    named = NamedGraphs(asserted, list(graphs.values()))
    assert text == ox.serialize(named.quads(), format=ox.RdfFormat.N_QUADS)
    trig = ox.serialize(
        named.quads(), format=ox.RdfFormat.TRIG, prefixes=dict(sorted(PREFIXES.items()))
    )
    assert named.serialize("trig") == trig
    assert b'"x supplies y,\\n\\tover two lines"' in trig


# --- the server ---------------------------------------------------------------------------

SOURCES_OF = (
    "PREFIX rekg: <https://w3id.org/rekg/ontology#> PREFIX id: <https://w3id.org/rekg/id/> "
    "SELECT ?g WHERE { GRAPH ?g { id:myanmar rekg:suppliesFeedstockTo id:china } "
    'FILTER(STRSTARTS(STR(?g), "https://w3id.org/rekg/graph/source/")) }'
)


@pytest.fixture(scope="module")
def served_corpus(corpus):
    project = corpus[0]
    return App(ServedData.from_project(project), None, {}, timeout=5, row_cap=1000)


def test_the_served_store_is_loaded_from_rekg_nq_when_fresh(corpus, monkeypatch):
    def computed(*args):
        raise AssertionError("computed the source graphs although dist/rekg.nq is fresh")

    monkeypatch.setattr(served_data.NamedGraphs, "of", computed)
    data = ServedData.from_project(corpus[0])
    assert data.source_graphs() == [ARTICLE, BRIEF]


def test_the_served_store_computes_them_when_dist_is_missing(corpus, tmp_path, expected):
    fresh = ServedData.from_project(corpus[0]).store
    computed = ServedData.from_project(with_second_source(tmp_path)).store
    for name in (ARTICLE, BRIEF):
        graph = ox.NamedNode(name)
        a = set(fresh.quads_for_pattern(None, None, None, graph))
        b = set(computed.quads_for_pattern(None, None, None, graph))
        assert a == b and len(a) == expected[name][0]


def test_graph_query_over_the_protocol(served_corpus):
    assert rows_of(sparql_get(served_corpus, SOURCES_OF)) == {(ARTICLE,), (BRIEF,)}
    # named-graph-uri: only the graphs named, FROM NAMED as the protocol says
    only = sparql_get(served_corpus, SOURCES_OF, **{"named-graph-uri": BRIEF})
    assert rows_of(only) == {(BRIEF,)}
    # the union of the asserted and inferred graphs also state it
    everything = SOURCES_OF.replace("FILTER(STRSTARTS", "FILTER(!STRSTARTS")
    assert rows_of(sparql_get(served_corpus, everything)) == {(ASSERTED_GRAPH,), (INFERRED_GRAPH,)}


def test_default_graph_uri_picks_source_graphs(served_corpus, expected):
    suppliers = (
        "PREFIX rekg: <https://w3id.org/rekg/ontology#> "
        "SELECT ?s ?o WHERE { ?s rekg:suppliesFeedstockTo ?o } ORDER BY ?s ?o"
    )
    brief = sparql_get(served_corpus, suppliers, **{"default-graph-uri": BRIEF})
    assert rows_of(brief) == {(str(ID.myanmar), str(ID.china))}
    drafts = "SELECT ?c WHERE { ?c <https://w3id.org/rekg/ontology#draft> true }"
    assert rows_of(sparql_get(served_corpus, drafts, **{"default-graph-uri": BRIEF})) == {
        (str(DRAFT),)
    }
    assert rows_of(sparql_get(served_corpus, drafts, **{"default-graph-uri": ARTICLE})) == set()
    count = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"
    distinct = "SELECT (COUNT(*) AS ?n) WHERE { SELECT DISTINCT * WHERE { ?s ?p ?o } }"

    def over_both(query):
        both = [("default-graph-uri", ARTICLE), ("default-graph-uri", BRIEF)]
        return rows_of(get(served_corpus, "/sparql?" + urlencode([("query", query), *both])))

    # two graphs as the default graph: pyoxigraph matches a pattern once in each (the three
    # triples both sources state count twice); DISTINCT gives the merge
    total = sum(n for n, _ in expected.values())
    assert over_both(count) == {(str(total),)}
    assert over_both(distinct) == {(str(total - 3),)}
    # default-graph-uri alone leaves no named graphs
    ask = "ASK { GRAPH ?g { ?s ?p ?o } }"
    answer = sparql_get(served_corpus, ask, **{"default-graph-uri": BRIEF})
    assert json.loads(answer.body)["boolean"] is False
    # the default graph as before: the closure
    closure = sparql_get(served_corpus, count)
    assert rows_of(closure) == {(str(len(served_corpus.data.closure)),)}


def test_from_named_may_name_a_source_graph(served_corpus):
    query = SOURCES_OF.replace("SELECT ?g WHERE", f"SELECT ?g FROM NAMED <{ARTICLE}> WHERE")
    assert rows_of(sparql_get(served_corpus, query)) == {(ARTICLE,)}


# --- rekg push --dataset sources ------------------------------------------------------


@pytest.mark.store
def test_push_the_source_graphs(corpus, tmp_path, expected):
    project = corpus[0]
    article, total = expected[ARTICLE][0], sum(n for n, _ in expected.values())
    server = Oxigraph(tmp_path / "store").start()
    try:
        store = GraphStore(server.store)
        store.put(BRIEF, b"<urn:old> <urn:old> <urn:old> .\n", "application/n-triples")
        done = run_cli(
            "--root", str(project.root), "push", "--store", server.store, "--dataset", "sources"
        )
        assert done.returncode == 0, done.stderr
        lines = done.stderr.splitlines()
        assert lines[:2] == [
            f"rekg push: <{ARTICLE}>: {article} triples replaced; verified: it holds {article} triples",
            f"rekg push: <{BRIEF}>: 303 triples replaced; verified: it holds 303 triples",
        ]
        assert lines[2].startswith(
            f"rekg push: 2 graphs of dist/rekg.nq ({total} triples) replaced at {server.store} "
            "in 2 requests; each verified ("
        )
        assert len(lines) == 3
        dataset = _stored(corpus)
        for name in (ARTICLE, BRIEF):
            want = as_oxigraph_keeps_it(dataset.graph(URIRef(name)))
            got = fetch(server, name)
            assert len(got) == expected[name][0]
            assert isomorphic(got, want)
        ep = endpoint(server)
        rows = ep.select("SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g")
        assert {str(r["g"]): int(r["n"]) for r in rows.rows} == {ARTICLE: article, BRIEF: 303}
        # --replace: through a staging graph each, none left behind; a graph the file
        # does not hold under graph/source/ is named, not dropped
        gone = str(SOURCE_GRAPH["gone"])
        store.put(gone, b"<urn:a> <urn:b> <urn:c> .\n", "application/n-triples")
        swapped = run_cli(
            "--root",
            str(project.root),
            "push",
            "--store",
            server.store,
            "--dataset",
            "sources",
            "--replace",
        )
        assert swapped.returncode == 0, swapped.stderr
        assert f"2 graphs of dist/rekg.nq ({total} triples) swapped" in swapped.stderr
        assert swapped.stderr.splitlines()[-1] == (
            "rekg push: note: the store also holds 1 source graph that dist/rekg.nq does not "
            f"(a source since removed?): <{gone}>; drop it with SPARQL Update DROP GRAPH"
        )
        rows = ep.select("SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g")
        counts = {str(r["g"]): int(r["n"]) for r in rows.rows}
        assert counts == {ARTICLE: article, BRIEF: 303, gone: 1}
    finally:
        server.stop()


def test_push_sources_refuses_a_target_graph(corpus):
    project = corpus[0]
    for flag in (["--graph", "urn:x"], ["--default"]):
        done = run_cli(
            "--root",
            str(project.root),
            "push",
            "--store",
            "http://127.0.0.1:9/store",
            "--dataset",
            "sources",
            *flag,
        )
        assert done.returncode == 2
        assert done.stderr == (
            f"rekg: {flag[0]} cannot be used with --dataset sources: each source goes into its "
            "own named graph, https://w3id.org/rekg/graph/source/SLUG\n"
            f"  fix: drop {flag[0]}\n"
        )
    missing = run_cli("--root", str(project.root), "push", "--store", "http://127.0.0.1:9/store")
    assert missing.returncode == 2
    assert missing.stderr == (
        "rekg: --dataset inferred needs --graph IRI or --default\n"
        "  fix: push into a named graph: --graph https://w3id.org/rekg/dist/rekg-inferred.ttl\n"
    )
