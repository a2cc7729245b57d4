"""The SHACL shapes on pySHACL, the reference engine: the oracle the compiled engine
(fast.py) is compared with in tests/test_parity.py."""

from rdflib import Graph
from rdflib.namespace import RDF, SH

from rekg.check.shapes import path_text, shape_name
from rekg.core.report import Finding, short
from rekg.ingest.load import Loaded


def shacl_findings(loaded: Loaded, shapes: Graph) -> list[Finding]:
    # imported here: pySHACL takes a third of a second to import, and only this engine
    # needs it (every command that loads the pipeline would pay for it)
    from pyshacl import validate as shacl_validate

    _conforms, results, _text = shacl_validate(
        loaded.graph, shacl_graph=shapes, inference="none", advanced=True, allow_warnings=True
    )
    findings = []
    for result in results.subjects(RDF.type, SH.ValidationResult):
        focus = results.value(result, SH.focusNode)
        path = results.value(result, SH.resultPath)
        message = results.value(result, SH.resultMessage)
        severity = results.value(result, SH.resultSeverity)
        value = results.value(result, SH.value)
        text = str(message) if message is not None else "violates the shape"
        if value is not None and "{?value}" not in text and str(value) not in text:
            text += f" (value: {short(value)})"
        findings.append(
            Finding(
                place=loaded.place(focus),
                focus=short(focus),
                path=path_text(results, path),
                message=text,
                # sh:sourceShape, as the standard has it: for a SPARQL-based constraint the
                # shape that holds it (rekgsh:ClaimShape), not the constraint itself
                check=shape_name(shapes, results.value(result, SH.sourceShape)),
                severity=str(severity).rsplit("#", 1)[-1] if severity is not None else "Violation",
            )
        )
    return findings
