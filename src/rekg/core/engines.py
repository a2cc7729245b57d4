"""Which engines a run uses. FAST: pyoxigraph, `reasonable` and the shapes compiled to
set-wise checks. REFERENCE: rdflib, owlrl and pySHACL, the design card's libraries, kept
as the oracles of the parity tests. Both give the same answers, findings and bytes.

The command line chooses once (`--engine` or `$REKG_ENGINE`) and hands the value down;
no stage looks it up."""

import enum

from rekg.core.errors import UsageError


class Engine(enum.StrEnum):
    FAST = "fast"
    REFERENCE = "reference"

    @classmethod
    def named(cls, name: "str | Engine") -> "Engine":
        """The engine called `name`; a clear usage error for any other name."""
        try:
            return cls(name)
        except ValueError:
            raise UsageError(
                f"unknown engine {name!r}",
                remedy=f"choose one of {', '.join(e.value for e in cls)} (--engine or REKG_ENGINE)",
            ) from None
