"""The project's namespaces. REKG is closed: a typo in a term fails at import, not as an
empty query result (tests check every term against ontology/rekg.ttl)."""

from rdflib import Namespace
from rdflib.namespace import DCAT, DCTERMS, OWL, PROV, RDF, RDFS, SKOS, VOID, XSD, DefinedNamespace
from rdflib.namespace import URIRef as _URIRef

BASE = "https://w3id.org/rekg/"
ONTOLOGY_IRI = _URIRef(BASE + "ontology")
ID = Namespace(BASE + "id/")
CLAIM = Namespace(BASE + "id/claim/")
SOURCE = Namespace(BASE + "id/source/")
# one named graph a source: its description, its claims with their evidence, and the plain
# triples its reviewed claims state as fact (dist/rekg.trig, dist/rekg.nq)
SOURCE_GRAPH = Namespace(BASE + "graph/source/")
OA = Namespace("http://www.w3.org/ns/oa#")
SCHEMA = Namespace("http://schema.org/")
WD = Namespace("http://www.wikidata.org/entity/")


class REKG(DefinedNamespace):
    _NS = Namespace(BASE + "ontology#")
    _fail = True

    # classes
    Actor: _URIRef
    Country: _URIRef
    Organisation: _URIRef
    Company: _URIRef
    Person: _URIRef
    Place: _URIRef
    City: _URIRef
    Region: _URIRef
    Mineral: _URIRef
    MineralGroup: _URIRef
    RareEarthElement: _URIRef
    LightRareEarthElement: _URIRef
    HeavyRareEarthElement: _URIRef
    EndUse: _URIRef
    SupplyChainStage: _URIRef
    Capability: _URIRef
    Policy: _URIRef
    StrategicRole: _URIRef
    Event: _URIRef
    ContextEvent: _URIRef
    TimeFrame: _URIRef
    Claim: _URIRef
    SourceDocument: _URIRef
    Modality: _URIRef
    Attribution: _URIRef
    Observation: _URIRef
    # individuals
    Asserted: _URIRef
    Expected: _URIRef
    Likely: _URIRef
    Possible: _URIRef
    Unlikely: _URIRef
    AuthorAnalysis: _URIRef
    ReportedSpeech: _URIRef
    # relations used by code (the rest are reached through REKG._NS only in tests)
    engagesWith: _URIRef
    immediatelyUpstreamOf: _URIRef
    upstreamOf: _URIRef
    suppliesFeedstockTo: _URIRef
    hostsProcessingFor: _URIRef
    hasStrategicRole: _URIRef
    participatesIn: _URIRef
    eventPlace: _URIRef
    # claim properties
    modality: _URIRef
    negated: _URIRef
    draft: _URIRef
    evidence: _URIRef
    quote: _URIRef
    timeFrame: _URIRef
    attribution: _URIRef
    speaker: _URIRef
    counterpart: _URIRef
    about: _URIRef
    event: _URIRef
    sourceOrder: _URIRef
    relationSources: _URIRef
    deniesStatedFact: _URIRef
    # source and observation properties
    sha256: _URIRef
    localCopy: _URIRef
    observedPlace: _URIRef
    measure: _URIRef
    referenceYear: _URIRef
    value: _URIRef
    unit: _URIRef
    edition: _URIRef
    date: _URIRef
    endDate: _URIRef


PREFIXES = {
    "rekg": str(REKG._NS),
    "id": str(ID),
    "claim": str(CLAIM),
    "source": str(SOURCE),
    "rdf": str(RDF),
    "rdfs": str(RDFS),
    "owl": str(OWL),
    "xsd": str(XSD),
    "skos": str(SKOS),
    "dcterms": str(DCTERMS),
    "prov": str(PROV),
    "oa": str(OA),
    "void": str(VOID),
    "dcat": str(DCAT),
    "schema": str(SCHEMA),
    "wd": str(WD),
}

MODALITIES = {
    "asserted": REKG.Asserted,
    "expected": REKG.Expected,
    "likely": REKG.Likely,
    "possible": REKG.Possible,
    "unlikely": REKG.Unlikely,
}


def bind_prefixes(graph):
    for prefix, ns in PREFIXES.items():
        graph.bind(prefix, ns, override=True, replace=True)
    return graph


def is_project_iri(term) -> bool:
    return isinstance(term, _URIRef) and str(term).startswith(BASE)
