import csv

from rdflib import Graph, URIRef
from rdflib.namespace import DCTERMS, OWL, RDF, RDFS, SKOS

from rekg.core.namespaces import ONTOLOGY_IRI, REKG, WD
from rekg.graph.rdfio import parse_file


def ontology(project) -> Graph:
    g = Graph()
    parse_file(project.ontology, g)
    return g


def test_header_has_version_title_description_licence_creator(project):
    g = ontology(project)
    assert (ONTOLOGY_IRI, RDF.type, OWL.Ontology) in g
    assert g.value(ONTOLOGY_IRI, OWL.versionIRI) == URIRef("https://w3id.org/rekg/ontology/0.4.0")
    for prop in (DCTERMS.title, DCTERMS.description, DCTERMS.license, DCTERMS.creator):
        assert g.value(ONTOLOGY_IRI, prop) is not None, prop


def test_minimum_vocabulary_of_the_contract(project):
    g = ontology(project)
    classes = {
        "Actor",
        "Country",
        "Organisation",
        "Company",
        "Person",
        "Mineral",
        "RareEarthElement",
        "LightRareEarthElement",
        "HeavyRareEarthElement",
        "SupplyChainStage",
        "EndUse",
        "Event",
        "StrategicRole",
        "Claim",
        "SourceDocument",
    }
    for name in classes:
        assert (REKG._NS[name], RDF.type, OWL.Class) in g, name
    properties = {
        "suppliesFeedstockTo",
        "receivesFeedstockFrom",
        "hostsProcessingFor",
        "hasStrategicRole",
        "holdsDepositsOf",
        "hostsStage",
        "participatesIn",
        "eventPlace",
        "date",
        "usedIn",
        "upstreamOf",
        "modality",
        "negated",
        "evidence",
        "timeFrame",
    }
    for name in properties:
        assert (REKG._NS[name], None, None) in g, name
    assert (REKG.Country, RDFS.subClassOf, REKG.Actor) in g
    assert (REKG.Claim, RDFS.subClassOf, RDF.Statement) in g
    assert (REKG._NS["upstreamOf"], RDF.type, OWL.TransitiveProperty) in g
    assert (
        g.value(REKG._NS["suppliesFeedstockTo"], OWL.inverseOf) == REKG._NS["receivesFeedstockFrom"]
    )


def test_every_term_has_english_label_and_definition(project):
    g = ontology(project)
    terms = set()
    for kind in (OWL.Class, OWL.ObjectProperty, OWL.DatatypeProperty, OWL.NamedIndividual):
        terms |= set(g.subjects(RDF.type, kind))
    assert len(terms) > 80
    for term in terms:
        labels = [lbl for lbl in g.objects(term, RDFS.label) if lbl.language == "en"]
        assert len(labels) == 1, term
        assert g.value(term, SKOS.definition) is not None, term


def test_every_term_of_the_closed_namespace_is_defined(project):
    g = ontology(project)
    for name in REKG.__annotations__:
        assert (REKG._NS[name], None, None) in g, name


def test_stays_inside_the_owl2_rl_profile(project):
    """Constructs OWL 2 RL forbids where rekg could slip: existential or union superclasses,
    enumerations, cardinalities above one, and non-class domains."""
    g = ontology(project)
    for forbidden in (
        OWL.unionOf,
        OWL.oneOf,
        OWL.someValuesFrom,
        OWL.minCardinality,
        OWL.cardinality,
        OWL.complementOf,
    ):
        assert not list(g.subject_objects(forbidden)), forbidden
    for prop in (RDFS.domain, RDFS.range):
        for _s, cls in g.subject_objects(prop):
            assert isinstance(cls, URIRef), (prop, cls)
    for _s, n in g.subject_objects(OWL.maxCardinality):
        assert int(n) <= 1


def test_wikidata_links_are_exactly_the_verified_ids(loaded, project):
    verified = {}
    with (project.data / "reference" / "wikidata-ids.tsv").open(encoding="utf-8") as handle:
        for row in csv.DictReader(handle, delimiter="\t"):
            verified[row["label"].lower()] = WD[row["wikidata"]]
    g = loaded.graph
    linked = {}
    for thing, target in g.subject_objects(SKOS.exactMatch):
        if str(target).startswith(str(WD)):
            linked[str(g.value(thing, RDFS.label)).lower()] = target
    assert linked == verified
    for unverified in ("he-lifeng", "world-economic-forum", "davos", "rare-earth-elements"):
        assert g.value(URIRef("https://w3id.org/rekg/id/" + unverified), SKOS.exactMatch) is None
