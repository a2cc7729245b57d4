"""Serving: takes the built graph (or builds it in memory) and gives an HTTP server on
loopback: the site, every resource by content negotiation, a read-only SPARQL 1.1
Protocol endpoint and the stored questions as an API with an OpenAPI description.

app.py routes requests (`App`, `make_server`); http.py holds requests, responses and
errors; sparql.py the protocol endpoint; conneg.py the Accept parser; openapi.py the
API's description; data.py the served graphs (`ServedData`)."""
