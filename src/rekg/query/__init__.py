"""Questions: takes the stored .rq files and a graph or store, gives rows.

catalogue.py reads queries/ (each file's grlc-style header: summary, parameters);
bind.py turns parameter values (slug, label, IRI) into typed RDF terms and binds them;
run.py runs a stored query (`run_stored`) or the whole catalogue (`run_catalogue`);
adhoc.py runs a user's own SPARQL with the project's prefixes predeclared;
resolver.py resolves parameters on a pyoxigraph store; results.py writes rows as a
table, CSV, TSV, JSON or Markdown; answers.py compares answers with the reviewed files
queries/questions/NAME.expected.csv and rewrites them."""
