"""The ground every stage stands on: errors with a place and a remedy and their exit codes
(errors.py), the namespaces and prefixes (namespaces.py), the one table of formats
(formats.py), where a project's files are and atomic writes (project.py), findings and
reports (report.py), the engine value (engines.py) and the collector pause (collector.py).
Imports nothing else of rekg."""
