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


class IntegrityError(RekgError):
    """An input whose bytes no longer match the checksum recorded for it (exit 2)."""


def decode_utf8(data: bytes, display: str, remedy: str | None = None) -> str:
    """The text of a file's bytes; InputSyntaxError at the first byte that is not UTF-8,
    with its line, column and byte offset (an editor's "go to line" finds it)."""
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise not_utf8(data, exc.start, display, remedy) from None


def not_utf8(data: bytes, offset: int, display: str, remedy: str | None = None) -> InputSyntaxError:
    """The error for a byte that is not UTF-8 at `offset` of a file's bytes."""
    line = data.count(b"\n", 0, offset) + 1
    start = data.rfind(b"\n", 0, offset) + 1
    # the column counts characters, as editors do; the bytes before the bad one decode
    column = len(data[start:offset].decode("utf-8", errors="replace")) + 1
    return InputSyntaxError(
        f"not UTF-8: byte 0x{data[offset]:02x} at byte offset {offset}",
        place=f"{display}:{line}:{column}",
        remedy=remedy or f"save the file as UTF-8, e.g. {iconv_command(display)}",
    )


def iconv_command(display: str) -> str:
    """How to convert a file to UTF-8 from WINDOWS-1252, the usual other encoding."""
    return (
        f"iconv -f WINDOWS-1252 -t UTF-8 {display} -o {display}.utf8 && mv {display}.utf8 {display}"
    )
