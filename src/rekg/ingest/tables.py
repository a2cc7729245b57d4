"""Compile reference tables (data/reference/*.tsv) into RDF, each row with its citation.
Figures keep the publisher's units and editions; "NA" stays absent, never zero."""

import csv
import datetime
import io
import re
from pathlib import Path

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, RDF, RDFS, SKOS, XSD

from rekg.core.errors import InputSyntaxError
from rekg.core.namespaces import ID, REKG
from rekg.core.report import Finding
from rekg.ingest.files import read_text

USGS_CITATIONS = {
    "USGS MCS 2025": "U.S. Geological Survey, Mineral Commodity Summaries 2025, rare earths "
    "(data release doi 10.5066/P13XCP3R)",
    "USGS MCS 2024": "U.S. Geological Survey, Mineral Commodity Summaries 2024, rare earths "
    "(superseded by MCS 2025; revision reported by Reuters, 13 March 2025)",
}

USGS_COLUMNS = ("country", "measure", "reference_year", "value", "unit", "edition", "note")
EVENT_COLUMNS = ("slug", "date", "event", "source")
_EXTRA = "\x00extra"  # DictReader's key for the fields beyond the header's


def _slugify(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")


class Labels:
    """What the tables look names up in: the things under id/ by their labels and
    alternative labels, in lower case, and which things have a label. Built from the
    (subject, predicate, label) triples once, rather than by scanning every label of the
    graph for each row (every claim has a label, so that scan grows with the claims)."""

    def __init__(self):
        self._by_text = {RDFS.label: {}, SKOS.altLabel: {}}
        self._labelled: set[str] = set()

    def add(self, subject: str, predicate, label: str) -> None:
        if predicate == RDFS.label:
            self._labelled.add(subject)
        if subject.startswith(str(ID)):
            self._by_text[predicate].setdefault(label.lower(), set()).add(subject)

    @classmethod
    def of_graph(cls, graph: Graph) -> "Labels":
        labels = cls()
        labels.add_graph(graph)
        return labels

    def add_graph(self, graph: Graph) -> None:
        for prop in self._by_text:
            for s, o in graph.subject_objects(prop):
                if isinstance(s, URIRef) and isinstance(o, Literal):
                    self.add(str(s), prop, str(o))

    def has_label(self, iri) -> bool:
        return str(iri) in self._labelled

    def actor(self, label: str):
        """The thing called label, or what it names in brackets ("Burma (Myanmar)"); a
        label before an alternative label, the first IRI in order when several match."""
        parts = [p.strip(" )").lower() for p in label.split("(")]
        wanted = {label.lower(), *(p for p in parts if p)}
        for by_text in self._by_text.values():
            found = set().union(*(by_text.get(w, ()) for w in wanted))
            if found:
                return URIRef(min(found))
        return None


def _rows(path: Path, display: str, columns: tuple[str, ...], findings: list):
    """(line, row) of each row of a table with the given columns; a row with a field too
    many or too few becomes a finding. Unreadable bytes, a header without the columns and a
    field too long for the reader are refused (InputSyntaxError) with the line."""
    # a spreadsheet's export may begin with a byte-order mark, which is no part of "slug"
    text = read_text(path, display).removeprefix("\ufeff")
    reader = csv.DictReader(io.StringIO(text, newline=""), delimiter="\t", restkey=_EXTRA)
    try:
        header = reader.fieldnames or []
        missing = [c for c in columns if c not in header]
        if missing:
            raise InputSyntaxError(
                f"the header row lacks the column{'s' * (len(missing) > 1)} {', '.join(missing)}",
                place=f"{display}:1",
                remedy=f"begin the file with the header row {'<TAB>'.join(columns)} "
                "(columns separated by tabs)",
            )
        for row in reader:
            if _EXTRA in row or None in row.values():
                given = len(header) + len(row.get(_EXTRA, ())) - list(row.values()).count(None)
                findings.append(
                    Finding(
                        f"{display}:{reader.line_num}",
                        f"row {reader.line_num}",
                        "",
                        f"the row has {given} fields, the header {len(header)}; "
                        "separate the fields with one tab each, and leave a field empty "
                        "rather than out",
                        "reference data",
                    )
                )
                continue
            yield reader.line_num, row
    except csv.Error as exc:
        raise InputSyntaxError(
            f"cannot read the table: {exc}",
            place=f"{display}:{reader.line_num + 1}",
            remedy="keep each field under 131,072 characters and each row on one line "
            "(a field that holds a quote character '\"' must be quoted itself)",
        ) from None


def compile_usgs(path: Path, display: str, known: Labels):
    graph, findings, places = Graph(), [], {}
    for line, row in _rows(path, display, USGS_COLUMNS, findings):
        year = row["reference_year"]
        if year and not re.fullmatch(r"[0-9]{4}", year):
            findings.append(
                Finding(
                    f"{display}:{line}",
                    row["country"],
                    "reference_year",
                    f"reference_year {year!r} is not a year; write it as YYYY, or leave it empty",
                    "reference data",
                )
            )
            continue
        value = row["value"]
        if value not in ("", "NA") and not re.fullmatch(r"[0-9]+(\.[0-9]+)?", value):
            findings.append(
                Finding(
                    f"{display}:{line}",
                    row["country"],
                    "value",
                    f"value {value!r} is not a non-negative number; write it as the "
                    "publisher gives it (4500 or 4500.5, no separators), or NA",
                    "reference data",
                )
            )
            continue
        actor = known.actor(row["country"])
        if actor is None:
            findings.append(
                Finding(
                    f"{display}:{line}",
                    row["country"],
                    "country",
                    "no entity has this label; add it to data/entities.ttl",
                    "reference data",
                )
            )
            continue
        edition = row["edition"]
        parts = [edition, str(actor).rsplit("/", 1)[-1], row["measure"], row["reference_year"]]
        obs = ID["obs/" + _slugify("-".join(p for p in parts if p))]
        places[obs] = f"{display}:{line}"
        graph.add((obs, RDF.type, REKG.Observation))
        year = f" {row['reference_year']}" if row["reference_year"] else ""
        label = f"{row['country']}: {row['measure'].replace('_', ' ')}{year} ({edition})"
        graph.add((obs, RDFS.label, Literal(label, lang="en")))
        graph.add((obs, REKG.observedPlace, actor))
        graph.add((obs, REKG.measure, Literal(row["measure"])))
        if row["reference_year"]:
            graph.add((obs, REKG.referenceYear, Literal(int(row["reference_year"]))))
        if row["value"] not in ("", "NA"):
            # the canonical decimal form ("4500.0"), which Turtle's number syntax keeps
            value = row["value"] if "." in row["value"] else row["value"] + ".0"
            graph.add((obs, REKG.value, Literal(value, datatype=XSD.decimal)))
        graph.add((obs, REKG.unit, Literal(row["unit"])))
        graph.add((obs, REKG.edition, Literal(edition)))
        graph.add((obs, DCTERMS.source, Literal(USGS_CITATIONS.get(edition, edition))))
        if row["note"]:
            graph.add((obs, RDFS.comment, Literal(row["note"], lang="en")))
    return graph, findings, places


_DATES = (
    (re.compile(r"([0-9]{4})-([0-9]{2})-([0-9]{2})"), XSD.date),
    (re.compile(r"([0-9]{4})-([0-9]{2})"), XSD.gYearMonth),
    (re.compile(r"([0-9]{4})"), XSD.gYear),
)


def _date_literal(text: str):
    """The literal of a date written YYYY, YYYY-MM or YYYY-MM-DD; None for another form or
    a day that is not in the calendar ("2025-13", "2025-02-30")."""
    for pattern, datatype in _DATES:
        match = pattern.fullmatch(text)
        if match:
            year, month, day = (int(part) for part in (*match.groups(), 1, 1)[:3])
            try:
                datetime.date(year, month, day)
            except ValueError:
                return None
            return Literal(text, datatype=datatype)
    return None


def compile_events(path: Path, display: str, known: Labels):
    graph, findings, places = Graph(), [], {}
    for line, row in _rows(path, display, EVENT_COLUMNS, findings):
        if not re.fullmatch(r"[a-z0-9][a-z0-9-]*", row["slug"]):
            findings.append(
                Finding(
                    f"{display}:{line}",
                    row["slug"],
                    "slug",
                    f"slug {row['slug']!r} is not lower-case ASCII letters, digits and "
                    "hyphens; write it as such, e.g. china-export-controls-2025-04",
                    "reference data",
                )
            )
            continue
        event = ID[row["slug"]]
        places.setdefault(event, f"{display}:{line}")
        start, _, end = row["date"].partition("/")
        first = _date_literal(start)
        if first is None or (end and _date_literal(end) is None):
            findings.append(
                Finding(
                    f"{display}:{line}",
                    row["slug"],
                    "date",
                    f"date {row['date']!r} is not a real date written YYYY, YYYY-MM or "
                    "YYYY-MM-DD (or two of them joined by '/'); write it so, e.g. "
                    "2025-04 or 2025-04-04/2025-04-09",
                    "reference data",
                )
            )
            continue
        graph.add((event, DCTERMS.source, Literal(row["source"])))
        if known.has_label(event):
            # an event the article names: the row adds its citation, not a second record
            graph.add((event, RDFS.comment, Literal(row["event"], lang="en")))
            continue
        graph.add((event, RDF.type, REKG.ContextEvent))
        graph.add((event, RDFS.label, Literal(row["event"], lang="en")))
        graph.add((event, REKG.date, first))
        if end:
            graph.add((event, REKG.endDate, _date_literal(end)))
    return graph, findings, places


COMPILERS = {
    "usgs-mcs-rare-earths.tsv": compile_usgs,
    "context-events.tsv": compile_events,
}
