"""The shapes on two SHACL validators that are no part of rekg, to hold both of rekg's
engines to someone else's reading of the standard: pyshacl-turbo (a Rust engine behind
pySHACL's API) and pyrudof (the rudof project's Rust engine). The parity tests
(tests/test_validators.py) compare their conformance, focus nodes and shapes with rekg's
findings, and the benchmark times them beside the fast engine.

Each reads the graph as N-Triples text (`ntriples`: the triples as written, so that a
`"5"^^xsd:nonNegativeInteger` stays one) and gives its results as `Result`s named the way
rekg's findings are (`short` for the focus and the path, `shape_name` for the shape), so
that `results_of(findings)` compares with them. Neither library is needed to run rekg:
they are development dependencies (pyproject.toml), imported when first asked for."""

from collections.abc import Callable
from dataclasses import dataclass

import pyoxigraph as ox
from rdflib import BNode, Graph, URIRef
from rdflib.namespace import RDF, SH
from rdflib.util import from_n3

from rekg.check.shapes import path_text, shape_name
from rekg.core.errors import UsageError
from rekg.core.report import Finding, short

VALIDATORS = ("pyshacl-turbo", "pyrudof")


@dataclass(frozen=True, order=True)
class Result:
    """One validation result, in the terms of a rekg finding."""

    focus: str
    shape: str  # sh:sourceShape, as shape_name names it
    path: str


@dataclass
class Outcome:
    conforms: bool
    results: list[Result]


def results_of(findings: list[Finding]) -> list[Result]:
    """rekg's SHACL findings as Results, sorted."""
    return sorted(Result(f.focus, f.check, f.path) for f in findings)


def ntriples(triples) -> str:
    """The triples (rdflib's or pyoxigraph's, as `Loaded.as_written()` gives them) as
    N-Triples text, the input both validators parse natively."""
    if isinstance(triples, Graph):
        return triples.serialize(format="nt")
    return ox.serialize(
        (ox.Triple(q.subject, q.predicate, q.object) for q in triples),
        format=ox.RdfFormat.N_TRIPLES,
    ).decode("utf-8")


def prepare(name: str, data: str, shapes: Graph) -> Callable[[], Outcome]:
    """Validator `name` with the shapes read and, where its API allows, the data parsed;
    returns the validation itself, to be run (and timed) apart from the reading."""
    if name not in VALIDATORS:
        raise UsageError(
            f"no independent SHACL validator named {name!r}",
            remedy=f"use one of {', '.join(VALIDATORS)}",
        )
    try:
        return _PREPARE[name](data, shapes)
    except ImportError as missing:
        raise UsageError(
            f"the SHACL validator {name} is not installed ({missing})",
            remedy="install the development dependencies: make install (pip install -e '.[dev]')",
        ) from missing


def validate(name: str, data: str, shapes: Graph) -> Outcome:
    return prepare(name, data, shapes)()


def _turbo(data: str, shapes: Graph) -> Callable[[], Outcome]:
    import pyshacl_turbo
    from pyshacl_turbo.rdf import Input

    program = pyshacl_turbo.compile_shapes(shapes, advanced=True)

    def run() -> Outcome:
        # given as its own Input, the text goes to the Rust parser as it is; a string or a
        # Graph would first be read into an rdflib Graph (5x the validation's own time)
        conforms, report, _text = program.validate(
            Input(data, "nt", None, {}, {}, preserve_ids=True), allow_warnings=True
        )
        results = []
        for result in report.subjects(RDF.type, SH.ValidationResult):
            results.append(
                Result(
                    short(report.value(result, SH.focusNode)),
                    shape_name(shapes, report.value(result, SH.sourceShape)),
                    path_text(report, report.value(result, SH.resultPath)),
                )
            )
        return Outcome(bool(conforms), sorted(results))

    return run


def _rudof(data: str, shapes: Graph) -> Callable[[], Outcome]:
    import pyrudof

    rudof = pyrudof.Rudof(pyrudof.RudofConfig())
    strict = pyrudof.ReaderMode.Strict
    rudof.read_data(data, format=pyrudof.RDFFormat.NTriples, reader_mode=strict)
    # N-Triples written by rdflib keep the shapes' blank node labels, and rudof reports
    # them back: an anonymous property shape is then named by the node shape holding it
    rudof.read_shacl(
        shapes.serialize(format="nt"), format=pyrudof.ShaclFormat.NTriples, reader_mode=strict
    )

    def run() -> Outcome:
        report = rudof.validate_shacl()
        results = [
            Result(
                short(_rudof_term(v.focus_node)),
                shape_name(shapes, _rudof_term(v.source_shape)),
                _rudof_path(v.path),
            )
            for v in report.violations
        ]
        return Outcome(bool(report.conforms), sorted(results))

    return run


def _rudof_term(text: str):
    """A node as pyrudof writes it: an IRI bare, a blank node `_:label`, a literal quoted."""
    if text.startswith("_:"):
        return BNode(text[2:])
    if text.startswith('"'):
        return from_n3(text)
    return URIRef(text)


def _rudof_path(text: str | None) -> str:
    if text is None:
        return ""
    if text.startswith("^(") and text.endswith(")"):
        return "^" + short(URIRef(text[2:-1]))
    if "(" in text or " " in text:
        return "(complex path)"
    return short(URIRef(text))


_PREPARE = {"pyshacl-turbo": _turbo, "pyrudof": _rudof}
