"""An OpenAPI 3 description of the server's query API, generated from the stored queries,
so that the description cannot drift from the catalogue."""

from rekg import __version__
from rekg.query.catalogue import StoredQuery

_KIND_SCHEMAS = {
    "iri": {"type": "string", "format": "iri"},
    "integer": {"type": "integer"},
    "decimal": {"type": "number"},
    "boolean": {"type": "boolean"},
    "date": {"type": "string", "format": "date"},
    "string": {"type": "string"},
    "en": {"type": "string"},
}
_RESULTS = {
    "application/sparql-results+json": {"schema": {"$ref": "#/components/schemas/SparqlResults"}},
    "text/csv": {"schema": {"type": "string"}},
}
_ERROR = {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}


def _parameter(param) -> dict:
    schema = dict(_KIND_SCHEMAS.get(param.kind, {"type": "string"}))
    if param.default is not None:
        schema["default"] = param.default
    description = param.description or f"a value of kind {param.kind}"
    if param.kind == "iri":
        description += " (a slug such as 'malaysia', a label, a prefixed name or a full IRI)"
    return {
        "name": param.name,
        "in": "query",
        "required": not param.optional and param.default is None,
        "description": description,
        "schema": schema,
    }


def _operation(query: StoredQuery) -> dict:
    format_param = {
        "name": "format",
        "in": "query",
        "required": False,
        "description": "the result format; overrides the Accept header",
        "schema": {"type": "string", "enum": ["json", "csv"]},
    }
    return {
        "get": {
            "operationId": query.name.replace("-", "_"),
            "summary": query.summary,
            "description": query.description,
            "tags": [str(t) for t in query.tags],
            "parameters": [_parameter(p) for p in query.params] + [format_param],
            "responses": {
                "200": {"description": "the rows of the answer", "content": _RESULTS},
                "400": {"description": "an unknown parameter or a bad value", "content": _ERROR},
                "406": {"description": "no acceptable result format", "content": _ERROR},
            },
        }
    }


def openapi(catalogue: dict[str, StoredQuery], server_url: str = "/") -> dict:
    paths = {f"/api/queries/{name}": _operation(query) for name, query in sorted(catalogue.items())}
    return {
        "openapi": "3.0.3",
        "info": {
            "title": "rekg stored queries",
            "version": __version__,
            "description": "The stored strategic questions of rekg, each with typed "
            "parameters bound as RDF terms (never spliced into the query text). The full "
            "SPARQL 1.1 Protocol endpoint is at /sparql.",
            "license": {"name": "CC-BY-4.0", "url": "https://creativecommons.org/licenses/by/4.0/"},
        },
        "servers": [{"url": server_url}],
        "paths": paths,
        "components": {
            "schemas": {
                "SparqlResults": {
                    "type": "object",
                    "description": "SPARQL 1.1 Query Results JSON Format",
                    "properties": {
                        "head": {"type": "object"},
                        "results": {"type": "object"},
                    },
                },
                "Error": {
                    "type": "object",
                    "properties": {
                        "status": {"type": "integer"},
                        "error": {"type": "string"},
                        "remedy": {"type": "string"},
                    },
                    "required": ["status", "error"],
                },
            }
        },
    }
