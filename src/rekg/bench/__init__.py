"""The benchmark: takes the project, gives bench/results.json and results.md.

generate.py grows the project's graph the way real use does (seeded); harness.py runs
every stage of the build on each engine in worker processes (worker.py) and checks
that the engines agree; serve_load.py loads the server; report.py turns the results
into targets and a Markdown table."""
