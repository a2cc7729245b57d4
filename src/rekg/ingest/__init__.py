"""Ingest: takes a project folder (ontology/, data/) and gives a `Loaded` project: one
graph of the ontology, the Turtle data, the compiled claim files and reference tables,
with the place (file:line) of every resource and the authoring findings.

Public: `load.load_project(project, strict, engine)`. sources.py reads source texts and
computes selectors; claims.py compiles data/claims/*.yaml; tables.py compiles the
reference tables (USGS figures, Wikidata ids, dated events) with their citations."""
