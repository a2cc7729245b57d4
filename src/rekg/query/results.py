"""Query results as text: an aligned table, CSV and TSV (SPARQL 1.1 CSV/TSV), JSON (SPARQL
1.1 JSON results) and Markdown. Tables show prefixed names; CSV and JSON keep full IRIs."""

import csv
import io
import json

from rdflib import BNode, Literal, URIRef

from rekg.core.report import short
from rekg.graph.engine import Rows


def display(term) -> str:
    if term is None:
        return ""
    if isinstance(term, URIRef):
        return short(term)
    return str(term)


def to_table(rows: Rows) -> str:
    header = rows.variables
    body = [[display(r.get(v)).replace("\n", " ") for v in header] for r in rows.rows]
    widths = [max([len(h)] + [len(line[i]) for line in body]) for i, h in enumerate(header)]
    out = ["  ".join(h.ljust(w) for h, w in zip(header, widths, strict=True)).rstrip()]
    out.append("  ".join("-" * w for w in widths))
    out += [
        "  ".join(c.ljust(w) for c, w in zip(line, widths, strict=True)).rstrip() for line in body
    ]
    out.append(f"({len(body)} row{'s' * (len(body) != 1)})")
    return "\n".join(out) + "\n"


def to_markdown(rows: Rows) -> str:
    def cell(term):
        return display(term).replace("|", "\\|").replace("\n", " ")

    out = ["| " + " | ".join(rows.variables) + " |", "|" + "---|" * len(rows.variables)]
    out += ["| " + " | ".join(cell(r.get(v)) for v in rows.variables) + " |" for r in rows.rows]
    return "\n".join(out) + "\n"


def to_csv(rows: Rows, delimiter: str = ",") -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=delimiter, lineterminator="\r\n")
    writer.writerow(rows.variables)
    for r in rows.rows:
        writer.writerow(["" if r.get(v) is None else str(r[v]) for v in rows.variables])
    return buffer.getvalue()


def to_tsv(rows: Rows) -> str:
    lines = ["\t".join("?" + v for v in rows.variables)]
    for r in rows.rows:
        lines.append("\t".join("" if r.get(v) is None else r[v].n3() for v in rows.variables))
    return "\n".join(lines) + "\n"


def term_json(term) -> dict:
    if isinstance(term, URIRef):
        return {"type": "uri", "value": str(term)}
    if isinstance(term, BNode):
        return {"type": "bnode", "value": str(term)}
    out = {"type": "literal", "value": str(term)}
    if isinstance(term, Literal) and term.language:
        out["xml:lang"] = term.language
    elif isinstance(term, Literal) and term.datatype:
        out["datatype"] = str(term.datatype)
    return out


def to_json(rows: Rows) -> str:
    if rows.variables == ["ask"] and len(rows.rows) == 1:
        return json.dumps({"head": {}, "boolean": bool(rows.rows[0]["ask"].toPython())}) + "\n"
    doc = {
        "head": {"vars": rows.variables},
        "results": {"bindings": [{v: term_json(t) for v, t in r.items()} for r in rows.rows]},
    }
    return json.dumps(doc, ensure_ascii=False, indent=1) + "\n"


WRITERS = {"table": to_table, "csv": to_csv, "tsv": to_tsv, "json": to_json, "md": to_markdown}
