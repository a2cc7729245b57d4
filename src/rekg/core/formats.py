"""One table of formats, used by export, CLI and (later) the server alike."""

from dataclasses import dataclass


@dataclass(frozen=True)
class RdfFormat:
    name: str
    extension: str
    media_type: str
    rdflib: str


RDF_FORMATS = (
    RdfFormat("turtle", "ttl", "text/turtle", "turtle"),
    RdfFormat("ntriples", "nt", "application/n-triples", "nt"),
    RdfFormat("jsonld", "jsonld", "application/ld+json", "json-ld"),
)


@dataclass(frozen=True)
class ResultFormat:
    name: str
    extension: str
    media_type: str


RESULT_FORMATS = (
    ResultFormat("table", "txt", "text/plain"),
    ResultFormat("csv", "csv", "text/csv"),
    ResultFormat("tsv", "tsv", "text/tab-separated-values"),
    ResultFormat("json", "json", "application/sparql-results+json"),
    ResultFormat("md", "md", "text/markdown"),
)


def rdf_format(name_or_extension: str) -> RdfFormat:
    for fmt in RDF_FORMATS:
        if name_or_extension in (fmt.name, fmt.extension, fmt.media_type):
            return fmt
    raise KeyError(name_or_extension)


def rdf_format_for_path(path) -> RdfFormat:
    return rdf_format(str(path).rsplit(".", 1)[-1])


# The server's media types. A SPARQL result can be a table (SELECT), a boolean (ASK) or a
# graph (CONSTRUCT, DESCRIBE); each kind offers its own formats, the first the default.
@dataclass(frozen=True)
class SparqlResultFormat:
    name: str
    media_type: str


SPARQL_RESULT_FORMATS = (
    SparqlResultFormat("json", "application/sparql-results+json"),
    SparqlResultFormat("xml", "application/sparql-results+xml"),
    SparqlResultFormat("csv", "text/csv"),
    SparqlResultFormat("tsv", "text/tab-separated-values"),
)
SPARQL_BOOLEAN_FORMATS = SPARQL_RESULT_FORMATS[:2]
HTML_MEDIA_TYPE = "text/html"
SPARQL_QUERY_MEDIA_TYPE = "application/sparql-query"
SPARQL_UPDATE_MEDIA_TYPE = "application/sparql-update"
FORM_MEDIA_TYPE = "application/x-www-form-urlencoded"
