"""The reviewed answers of the stored questions: `queries/questions/NAME.expected.csv` beside
each `NAME.rq`, byte for byte what `rekg query NAME --format csv` prints (SPARQL 1.1 CSV:
one header line, full IRIs, CRLF line ends, rows in the query's ORDER BY order).

`compare` says which stored answers differ from the answers at hand (reading the CSV, so a
file whose line ends were converted still agrees); `write` rewrites the files that changed
and removes those of questions that no longer exist. A change to the data thus shows as a
diff of answers, to review with the change that caused it."""

import csv
import difflib
import io
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from rekg.core.project import write_atomic
from rekg.graph.engine import Rows
from rekg.query.catalogue import StoredQuery
from rekg.query.results import to_csv

SUFFIX = ".expected.csv"


def expected_path(query: StoredQuery) -> Path:
    """Where the reviewed answer of `query` lives: beside its .rq file."""
    return query.path.with_name(query.name + SUFFIX)


def render(rows: Rows) -> str:
    """The text of an expected file: what `rekg query NAME --format csv` prints."""
    return to_csv(rows)


def parse(text: str) -> tuple[tuple[str, ...], list[tuple[str, ...]]]:
    """The header and the rows of an expected file (CRLF or LF line ends alike)."""
    lines = [tuple(line) for line in csv.reader(io.StringIO(text, newline=""))]
    return (lines[0] if lines else ()), lines[1:]


def plural(n: int, word: str = "row") -> str:
    return f"{n} {word}{'s' * (n != 1)}"


@dataclass(frozen=True)
class Difference:
    """How the answer of one stored question disagrees with its expected file.

    kind: "missing" (no expected file), "differs" (other rows, columns or order) or
    "orphan" (an expected file whose question no longer exists)."""

    name: str
    kind: str
    path: Path
    added: tuple = ()  # rows the answer has and the file lacks, in the answer's order
    removed: tuple = ()  # rows the file has and the answer lacks, in the file's order
    columns: tuple | None = None  # (file's header, answer's header) when they differ
    rows: int = 0  # rows in the answer
    old: str = ""  # the file's text
    new: str = ""  # the answer's text

    def counts(self) -> str:
        """What changed, in a few words: "+1 row, -0 rows"."""
        if self.kind == "missing":
            return f"new, {plural(self.rows)}"
        if self.kind == "orphan":
            return f"no question {self.name}.rq"
        counts = f"+{plural(len(self.added))}, -{plural(len(self.removed))}"
        if self.columns is not None:
            old, new = (",".join(c) for c in self.columns)
            return f"columns {old} -> {new}; {counts}"
        if not self.added and not self.removed:
            return counts + ", the same rows in another order"
        return counts

    def line(self) -> str:
        """One line for `rekg answers`: "differs NAME: +1 row, -0 rows"."""
        if self.kind == "missing":
            return f"missing {self.name} ({plural(self.rows)}, no {self.path.name})"
        return f"{self.kind} {self.name}: {self.counts()}"

    def diff(self) -> str:
        """A unified diff of the expected file against the answer, line ends aside."""
        lines = difflib.unified_diff(
            self.old.splitlines(),
            self.new.splitlines(),
            f"{self.name}{SUFFIX} (expected)",
            f"{self.name} (answer)",
            lineterm="",
        )
        return "".join(line + "\n" for line in lines)


def _multiset_minus(these: list, those: list) -> tuple:
    """The rows of `these` not matched by a row of `those`, in the order of `these`."""
    left = Counter(these) - Counter(those)
    out = []
    for row in these:
        if left[row]:
            left[row] -= 1
            out.append(row)
    return tuple(out)


def difference(query: StoredQuery, rows: Rows) -> Difference | None:
    """How the answer `rows` of `query` disagrees with its expected file, or None."""
    path = expected_path(query)
    new = render(rows)
    if not path.is_file():
        return Difference(query.name, "missing", path, rows=len(rows), new=new)
    old = path.read_bytes().decode("utf-8")
    (old_header, old_rows), (new_header, new_rows) = parse(old), parse(new)
    if old_header == new_header and old_rows == new_rows:
        return None
    return Difference(
        query.name,
        "differs",
        path,
        _multiset_minus(new_rows, old_rows),
        _multiset_minus(old_rows, new_rows),
        None if old_header == new_header else (old_header, new_header),
        len(rows),
        old,
        new,
    )


def orphans(catalogue: dict[str, StoredQuery], folder: Path) -> list[Difference]:
    """Expected files under `folder` whose question is not in the catalogue."""
    known = {expected_path(q) for q in catalogue.values()}
    out = []
    for path in sorted(folder.rglob("*" + SUFFIX)):
        if path not in known:
            name = path.name[: -len(SUFFIX)]
            out.append(Difference(name, "orphan", path, old=path.read_bytes().decode("utf-8")))
    return out


def compare(
    catalogue: dict[str, StoredQuery], answers: dict[str, Rows], folder: Path
) -> list[Difference]:
    """Every disagreement between the answers and the expected files under `folder`
    (queries/questions/): by question name, then the orphaned files. Empty: all agree."""
    found = [difference(catalogue[name], answers[name]) for name in sorted(catalogue)]
    return [d for d in found if d is not None] + orphans(catalogue, folder)


def write(
    catalogue: dict[str, StoredQuery], answers: dict[str, Rows], folder: Path
) -> list[Difference]:
    """Make the expected files under `folder` agree with the answers: rewrite (atomically)
    those that differ or are missing, remove the orphans; files that agree are left
    untouched. Gives what changed, as `compare` saw it before."""
    changes = compare(catalogue, answers, folder)
    for change in changes:
        if change.kind == "orphan":
            change.path.unlink()
        else:
            write_atomic(change.path, change.new.encode("utf-8"))
    return changes
