"""Serving: takes the built graph (or builds it in memory) and gives an HTTP server on
loopback: the site, every resource by content negotiation, a read-only SPARQL 1.1
Protocol endpoint and the stored questions as an API with an OpenAPI description.

app.py routes requests (`App`); server.py is the socket side (`make_server`: read timeout,
connection cap); http.py holds requests, responses and errors; sparql.py the protocol
endpoint; pool.py runs each query in a worker process (worker.py, evaluating with
evaluate.py) that can be killed at its deadline; limits.py the limits (`Limits`);
conneg.py the Accept parser; openapi.py the API's description; data.py the served graphs
(`ServedData`)."""
