"""The static site: takes a built dist/ (building it first when stale) and gives site/, a
page and Turtle, JSON-LD and N-Triples for every resource (its evidence grouped by source),
a page per source (what is recorded about it, its annotated text, its claims by modality),
the ontology reference, the stored questions with their answers and a diagram.

Public: `render.publish(project, out, dist, engine, warn)`. model.py reads claims and
resources from the graph; ontology.py documents the ontology's terms; source.py shows what
is recorded about a source and marks up its text; diagram.py draws the supply chain with
Graphviz (without Graphviz the site is published undrawn, with one warning)."""
