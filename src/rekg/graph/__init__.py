"""RDF in memory and on disk: takes files and terms, gives graphs and stores.

quads.py holds the triples as written (pyoxigraph terms, per-predicate tables); store.py
converts terms and makes pyoxigraph stores; rdfio.py parses and serializes with exact
error places; engine.py is the one seam to a SPARQL engine (`select(graph, text,
engine)` -> Rows); cache.py says whether a built file is fresh (`is_fresh`)."""
