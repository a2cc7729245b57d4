"""Validation: the SHACL shapes, the SPARQL checks in queries/checks/ (each must return no
rows), and the checks only code can do (each quote standing verbatim at its offsets in its
source). All report in one format.

The shapes run on pySHACL (reference.py) or compiled to set-wise checks over the quads
(fast.py); both report the same findings (tests/test_parity.py)."""

from pathlib import Path

from rdflib import Graph
from rdflib.namespace import RDF, SH

from rekg.check import fast, reference
from rekg.check.quotes import claim_count, quote_findings
from rekg.check.shapes import load_shapes
from rekg.check.sparql import sparql_findings
from rekg.core.engines import Engine
from rekg.core.report import Finding, Report
from rekg.ingest.load import Loaded

SHACL_ENGINES = {Engine.FAST: fast.shacl_findings, Engine.REFERENCE: reference.shacl_findings}


def shacl_findings(loaded: Loaded, shapes: Graph, engine: Engine = Engine.FAST) -> list[Finding]:
    """The SHACL results of `shapes` on the loaded graph, on `engine`."""
    return SHACL_ENGINES[Engine.named(engine)](loaded, shapes)


def validate(
    loaded: Loaded, engine: Engine = Engine.FAST, shapes_path: Path | None = None
) -> Report:
    """Every finding of the shapes, the SPARQL checks and the quote check, on `engine`."""
    engine = Engine.named(engine)
    shapes_path = shapes_path or loaded.project.shapes
    shapes = load_shapes(shapes_path, loaded.project.relative(shapes_path))
    report = Report(list(loaded.findings))
    report.extend(shacl_findings(loaded, shapes, engine))
    report.checked.append(f"{len(set(shapes.subjects(RDF.type, SH.NodeShape)))} SHACL node shapes")
    report.extend(sparql_findings(loaded, engine))
    report.checked.append("SPARQL checks")
    report.extend(quote_findings(loaded, engine))
    report.checked.append(f"{claim_count(loaded, engine)} quotes")
    return report
