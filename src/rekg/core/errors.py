"""Errors users can act on. Each carries a place (file:line:column) and a remedy, and the
CLI maps it to an exit code in one place: 1 the data or a check failed, 2 bad usage or
unreadable input."""

from dataclasses import dataclass

EXIT_OK = 0
EXIT_DATA = 1
EXIT_USAGE = 2


@dataclass
class RekgError(Exception):
    message: str
    place: str | None = None
    remedy: str | None = None
    exit_code: int = EXIT_USAGE

    def __str__(self) -> str:
        head = f"{self.place}: {self.message}" if self.place else self.message
        return f"{head}\n  fix: {self.remedy}" if self.remedy else head


class UsageError(RekgError):
    """Bad arguments or unreadable input (exit 2)."""


class InputSyntaxError(RekgError):
    """A file that does not parse (exit 2)."""


class DataError(RekgError):
    """Input that parses but says something wrong (exit 1)."""

    def __init__(self, message, place=None, remedy=None):
        super().__init__(message, place, remedy, exit_code=1)


class CheckFailed(RekgError):
    """Validation or consistency checks found problems (exit 1); carries the report."""

    def __init__(self, message, report=None):
        super().__init__(message, exit_code=1)
        self.report = report
