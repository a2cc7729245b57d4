"""The SPARQL checks: each query in queries/checks/ names what is wrong, one row a
problem; a clean graph gives no rows."""

from rekg.core.engines import Engine
from rekg.core.report import Finding, short
from rekg.graph.engine import select
from rekg.ingest.load import Loaded
from rekg.query.catalogue import load_catalogue


def sparql_findings(loaded: Loaded, engine: Engine = Engine.FAST) -> list[Finding]:
    """One finding per row of each query in queries/checks/ (each must return none)."""
    findings = []
    data = loaded.store if Engine.named(engine) is Engine.FAST else loaded.graph
    for query in load_catalogue(loaded.project.queries, "checks").values():
        rows = select(data, query.text, engine)
        for row in rows.rows:
            focus = row.get("focus")
            findings.append(
                Finding(
                    place=loaded.place(focus),
                    focus=short(focus) if focus is not None else "",
                    path=short(row["path"]) if row.get("path") is not None else "",
                    message=str(row.get("message") or query.summary),
                    check=f"queries/checks/{query.name}.rq",
                )
            )
    return findings
