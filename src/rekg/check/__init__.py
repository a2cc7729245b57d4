"""Checking: takes a loaded project and gives a Report of every SHACL violation, every
row of the SPARQL checks in queries/checks/ and every quote that does not stand verbatim
in its source.

Public: `validate(loaded, engine, shapes_path)`. The shapes run on pySHACL (reference.py)
or compiled to set-wise checks (fast.py); shapes.py holds what both share. independent.py
runs them on two validators that are no part of rekg, for the tests and the benchmark."""

from rekg.check.validate import validate

__all__ = ["validate"]
