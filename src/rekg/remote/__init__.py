"""Other triple stores: takes a built dataset or a stored question, gives it to a remote
store or endpoint.

endpoint.py runs queries on a SPARQL endpoint (`Endpoint`, `answerer` for `rekg build
--endpoint`); gsp.py is a Graph Store Protocol client; push.py uploads a dataset,
chunked, with an atomic swap (`push`); transport.py is the HTTP underneath all three
(credentials as the server's challenge asks, the store's answer read even when it cut the
upload short)."""
