"""Every SHACL shape has a fixture that violates it, and the report names the shape, the
focus node and the path."""

import pytest
from rdflib import Graph
from rdflib.namespace import RDF, SH

from rekg.check.shapes import load_shapes
from rekg.check.validate import shacl_findings
from rekg.core.engines import Engine
from rekg.core.report import short
from rekg.ingest.load import Loaded

PREFIXES = """
@prefix rekg: <https://w3id.org/rekg/ontology#> .
@prefix id: <https://w3id.org/rekg/id/> .
@prefix claim: <https://w3id.org/rekg/id/claim/> .
@prefix source: <https://w3id.org/rekg/id/source/> .
@prefix rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix owl: <http://www.w3.org/2002/07/owl#> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
@prefix skos: <http://www.w3.org/2004/02/skos/core#> .
@prefix dcterms: <http://purl.org/dc/terms/> .
@prefix prov: <http://www.w3.org/ns/prov#> .
@prefix oa: <http://www.w3.org/ns/oa#> .
"""

CLAIM = """
claim:t-001 a rekg:Claim ; rekg:modality rekg:Asserted ; rekg:negated false ;
    rekg:evidence <https://w3id.org/rekg/id/claim/t-001#evidence> ; rekg:quote "China" ;
    rekg:attribution rekg:AuthorAnalysis ; rekg:sourceOrder 1 ;
    prov:wasDerivedFrom source:china-sea-rare-earths .
<https://w3id.org/rekg/id/claim/t-001#evidence> a oa:SpecificResource ;
    oa:hasSource source:china-sea-rare-earths ;
    oa:hasSelector <https://w3id.org/rekg/id/claim/t-001#quote> , <https://w3id.org/rekg/id/claim/t-001#position> .
<https://w3id.org/rekg/id/claim/t-001#quote> a oa:TextQuoteSelector ;
    oa:exact "China" ; oa:prefix "" ; oa:suffix "’s" .
<https://w3id.org/rekg/id/claim/t-001#position> a oa:TextPositionSelector ;
    oa:start "0"^^xsd:nonNegativeInteger ; oa:end "5"^^xsd:nonNegativeInteger .
"""


@pytest.fixture(scope="module")
def shapes(project):
    return load_shapes(project.shapes, "ontology/shapes.ttl")


def findings_for(project, base, shapes, turtle):
    g = Graph()
    for triple in base:
        g.add(triple)
    g.parse(data=PREFIXES + turtle, format="turtle")
    return shacl_findings(Loaded(project, g), shapes, Engine.REFERENCE)


def test_the_fixture_base_conforms(project, base, shapes):
    assert findings_for(project, base, shapes, CLAIM) == []


CASES = [
    # (shape named in the report, the focus it names, the path, the fixture)
    (
        "rekgsh:ClaimModality",
        "claim:t-001",
        "rekg:modality",
        CLAIM.replace("rekg:modality rekg:Asserted", "rekg:modality rekg:Certain"),
    ),
    (
        "rekgsh:ClaimModality",
        "claim:t-001",
        "rekg:modality",
        CLAIM + "claim:t-001 rekg:modality rekg:Likely .",
    ),
    (
        "rekgsh:ClaimNegated",
        "claim:t-001",
        "rekg:negated",
        CLAIM.replace("rekg:negated false", 'rekg:negated "no"'),
    ),
    (
        "rekgsh:ClaimDraft",
        "claim:t-001",
        "rekg:draft",
        CLAIM + "claim:t-001 rekg:draft false .",
    ),
    (
        "rekgsh:ClaimEvidence",
        "claim:t-001",
        "rekg:evidence",
        CLAIM.replace("rekg:evidence <https://w3id.org/rekg/id/claim/t-001#evidence> ;", ""),
    ),
    ("rekgsh:ClaimQuote", "claim:t-001", "rekg:quote", CLAIM.replace('rekg:quote "China" ;', "")),
    (
        "rekgsh:ClaimQuote",
        "claim:t-001",
        "rekg:quote",
        CLAIM.replace('rekg:quote "China" ;', 'rekg:quote "China"@en ;'),
    ),
    (
        "rekgsh:ClaimShape",  # ClaimQuoteIsTheEvidence, a SPARQL-based constraint of it
        "claim:t-001",
        "",
        CLAIM.replace('rekg:quote "China"', 'rekg:quote "China’s"'),
    ),
    (
        "rekgsh:ClaimAttribution",
        "claim:t-001",
        "rekg:attribution",
        CLAIM.replace("rekg:attribution rekg:AuthorAnalysis ;", ""),
    ),
    (
        "rekgsh:ClaimSpeaker",
        "claim:t-001",
        "rekg:speaker",
        CLAIM.replace("rekg:AuthorAnalysis", "rekg:ReportedSpeech ; rekg:speaker id:capital"),
    ),
    (
        "rekgsh:ClaimTimeFrame",
        "claim:t-001",
        "rekg:timeFrame",
        CLAIM + "claim:t-001 rekg:timeFrame id:china .",
    ),
    (
        "rekgsh:ClaimOrder",
        "claim:t-001",
        "rekg:sourceOrder",
        CLAIM.replace("rekg:sourceOrder 1", "rekg:sourceOrder 0"),
    ),
    (
        "rekgsh:ClaimSource",
        "claim:t-001",
        "prov:wasDerivedFrom",
        CLAIM.replace(
            "prov:wasDerivedFrom source:china-sea-rare-earths", "prov:wasDerivedFrom id:china"
        ),
    ),
    (
        "rekgsh:ClaimSubject",
        "claim:t-001",
        "rdf:subject",
        CLAIM
        + "claim:t-001 rdf:subject id:china, id:malaysia ; rdf:predicate rekg:partnerOf ; rdf:object id:vietnam .",
    ),
    (
        "rekgsh:ClaimObject",
        "claim:t-001",
        "rdf:object",
        CLAIM
        + "claim:t-001 rdf:subject id:china ; rdf:predicate rekg:partnerOf ; rdf:object id:vietnam, id:malaysia .",
    ),
    (
        "rekgsh:ClaimPredicateCount",
        "claim:t-001",
        "rdf:predicate",
        CLAIM
        + "claim:t-001 rdf:subject id:china ; rdf:predicate rekg:partnerOf, rekg:complements ; rdf:object id:vietnam .",
    ),
    (
        "rekgsh:ClaimShape",  # ClaimPredicateIsOntologyProperty, a SPARQL-based constraint of it
        "claim:t-001",
        "",
        CLAIM
        + "claim:t-001 rdf:subject id:china ; rdf:predicate rekg:suppliesFeedstock ; rdf:object id:vietnam .",
    ),
    (
        "rekgsh:ClaimShape",  # ClaimTripleComplete, a SPARQL-based constraint of it
        "claim:t-001",
        "",
        CLAIM + "claim:t-001 rdf:subject id:china .",
    ),
    (
        "rekgsh:ClaimShape",  # ClaimSpeakerNeedsReportedSpeech, a SPARQL-based constraint of it
        "claim:t-001",
        "",
        CLAIM + "claim:t-001 rekg:speaker id:xi-jinping .",
    ),
    (
        "rekgsh:EvidenceShape",
        "<https://w3id.org/rekg/id/claim/t-001#evidence>",
        "oa:hasSource",
        CLAIM.replace("oa:hasSource source:china-sea-rare-earths ;", ""),
    ),
    (
        "rekgsh:EvidenceShape",
        "<https://w3id.org/rekg/id/claim/t-001#evidence>",
        "oa:hasSelector",
        CLAIM.replace(
            "<https://w3id.org/rekg/id/claim/t-001#quote> a oa:TextQuoteSelector",
            "<https://w3id.org/rekg/id/claim/t-001#quote> a oa:TextPositionSelector",
        ),
    ),
    (
        "rekgsh:QuoteSelectorShape",
        "<https://w3id.org/rekg/id/claim/t-001#quote>",
        "oa:exact",
        CLAIM.replace('oa:exact "China"', 'oa:exact ""'),
    ),
    (
        "rekgsh:PositionSelectorShape",
        "<https://w3id.org/rekg/id/claim/t-001#position>",
        "oa:start",
        CLAIM.replace('oa:start "0"', 'oa:start "9"'),
    ),
    (
        "rekgsh:NamedThingShape",
        "id:malaysia",
        "rdfs:label",
        'id:malaysia rdfs:label "Malaisie"@fr .',
    ),
    (
        "rekgsh:NamedThingShape",
        "id:thailand",
        "rdfs:label",
        'id:thailand rdfs:label "Kingdom of Thailand"@en .',
    ),
    (
        "rekgsh:NamedThingShape",
        "id:vietnam",
        "skos:exactMatch",
        "id:vietnam skos:exactMatch <https://www.wikidata.org/wiki/Q881> .",
    ),
    (
        "rekgsh:DefinedThingShape",
        "id:royalties",
        "skos:definition",
        'id:royalties a rekg:Capability ; rdfs:label "royalties"@en .',
    ),
    (
        "rekgsh:CountryShape",
        "id:laos",
        "rdfs:label",
        'id:laos a rekg:Country ; rdfs:label "Laos"@fr ; skos:definition "Laos."@en .',
    ),
    (
        "rekgsh:CountryShape",
        "id:laos",
        "rekg:hasStrategicRole",
        'id:laos a rekg:Country ; rdfs:label "Laos"@en ; skos:definition "Laos."@en ; rekg:hasStrategicRole id:capital .',
    ),
    (
        "rekgsh:StrategicRoleShape",
        "id:role-laos",
        "^rekg:hasStrategicRole",
        'id:role-laos a rekg:StrategicRole ; rdfs:label "bystander"@en ; skos:definition "x"@en .',
    ),
    (
        "rekgsh:EventShape",
        "id:summit",
        "rekg:date",
        'id:summit a rekg:Event ; rdfs:label "summit"@en . id:china rekg:participatesIn id:summit .',
    ),
    (
        "rekgsh:EventShape",
        "id:summit",
        "rekg:date",
        'id:summit a rekg:Event ; rdfs:label "summit"@en ; rekg:date "soon" . id:china rekg:participatesIn id:summit .',
    ),
    (
        "rekgsh:EventShape",
        "id:summit",
        "",
        'id:summit a rekg:Event ; rdfs:label "summit"@en ; rekg:date "2025"^^xsd:gYear .',
    ),
    (
        "rekgsh:ContextEventShape",
        "id:decree",
        "dcterms:source",
        'id:decree a rekg:ContextEvent ; rdfs:label "decree"@en ; rekg:date "2025"^^xsd:gYear .',
    ),
    ("rekgsh:StageShape", "id:mining", "rekg:stageOrder", "id:mining rekg:stageOrder 0 ."),
    (
        "rekgsh:MineralGroupShape",
        "id:promethium",
        "rekg:memberOfGroup",
        'id:promethium a rekg:RareEarthElement ; rdfs:label "promethium"@en ; skos:definition "Pm."@en .',
    ),
    (
        "rekgsh:SourceDocumentShape",
        "source:china-sea-rare-earths",
        "rekg:sha256",
        'source:china-sea-rare-earths rekg:sha256 "not-a-digest" .',
    ),
    (
        "rekgsh:ObservationShape",
        "id:obs/x",
        "rekg:value",
        '<https://w3id.org/rekg/id/obs/x> a rekg:Observation ; rdfs:label "x"@en ; rekg:observedPlace id:china ; rekg:measure "m" ; '
        'rekg:unit "t" ; rekg:edition "e" ; dcterms:source "s" ; rekg:value "-5"^^xsd:decimal .',
    ),
    (
        "rekgsh:TermShape",
        "rekg:Unexplained",
        "skos:definition",
        'rekg:Unexplained a owl:Class ; rdfs:label "unexplained"@en .',
    ),
]


@pytest.mark.parametrize(
    "shape,focus,path,turtle", CASES, ids=[f"{c[0]}-{i}" for i, c in enumerate(CASES)]
)
def test_fixture_violates_shape(project, base, shapes, shape, focus, path, turtle):
    found = findings_for(project, base, shapes, turtle)
    matching = [f for f in found if f.check == shape and f.focus == focus]
    assert matching, found
    if path:
        assert path in {f.path for f in matching}, matching
    assert all(f.message for f in matching)


def test_every_named_shape_has_a_violating_fixture(shapes):
    named = set()
    for kind in (SH.NodeShape, SH.PropertyShape):
        named |= {s for s in shapes.subjects(RDF.type, kind) if not str(s).startswith("n")}
    shortnames = {"rekgsh:" + str(s).rsplit("#", 1)[1] for s in named if "#" in str(s)}
    assert shortnames - {c[0] for c in CASES} == set()


def test_every_sparql_constraint_has_a_violating_fixture(project, base, shapes):
    """A SPARQL-based constraint is reported as the shape holding it (sh:sourceShape),
    rekgsh:ClaimShape; each of its constraints is told apart by its message."""
    constraints = set(shapes.subjects(RDF.type, SH.SPARQLConstraint))
    assert {short(s) for s in shapes.objects(None, SH.sparql)} == {short(c) for c in constraints}
    assert len(constraints) == 4
    messages = [str(shapes.value(c, SH.message)).split("{?value}")[0] for c in constraints]
    found = [
        f.message
        for c in CASES
        if c[0] == "rekgsh:ClaimShape"
        for f in findings_for(project, base, shapes, c[3])
        if f.check == "rekgsh:ClaimShape"
    ]
    assert sorted(m for m in messages if any(f.startswith(m) for f in found)) == sorted(messages)
    assert len(found) == len(constraints)


def test_report_points_at_the_file_and_line(project, base, shapes):
    g = Graph()
    for triple in base:
        g.add(triple)
    g.parse(data=PREFIXES + "id:mining rekg:stageOrder 0 .", format="turtle")
    loaded = Loaded(
        project, g, places={g.namespace_manager.expand_curie("id:mining"): "data/entities.ttl:99"}
    )
    found = shacl_findings(loaded, shapes, Engine.REFERENCE)
    assert found and {f.place for f in found} == {"data/entities.ttl:99"}
