"""Parameter variables are named as grlc names them, so that grlc serves the stored
questions unchanged and reads each parameter as rekg does (tests/test_grlc.py runs grlc)."""

import pytest
from rdflib import Literal, namespace

from rekg.core.errors import InputSyntaxError
from rekg.query.bind import bindings_for
from rekg.query.catalogue import parse_query_file

HEADER = "#+ summary: A question?\n"


def write(tmp_path, body):
    path = tmp_path / "q.rq"
    path.write_text(HEADER + body, encoding="utf-8")
    return path


def test_grlc_type_suffixes_give_typed_parameters(tmp_path):
    path = write(
        tmp_path,
        "SELECT * WHERE { ?s ?p ?_share_xsd_decimal, ?_year_integer, ?__flag_xsd_boolean,"
        " ?_day_xsd_date, ?_name_xsd_string, ?_label_en, ?_who_iri, ?_plain }\n",
    )
    query = parse_query_file(path, "questions", "queries/questions/q.rq")
    assert [(p.name, p.variable, p.kind, p.optional) for p in query.params] == [
        ("share", "_share_xsd_decimal", "decimal", False),
        ("year", "_year_integer", "integer", False),
        ("flag", "__flag_xsd_boolean", "boolean", True),
        ("day", "_day_xsd_date", "date", False),
        ("name", "_name_xsd_string", "string", False),
        ("label", "_label_en", "en", False),
        ("who", "_who_iri", "iri", False),
        ("plain", "_plain", "string", False),
    ]
    given = {"share": "0.5", "year": "2025", "day": "2025-01-02", "name": "x", "label": "y",
             "who": "https://example.org/w", "plain": "z"}  # fmt: skip
    terms = bindings_for(query, given, None)
    assert terms["_share_xsd_decimal"] == Literal("0.5", datatype=namespace.XSD.decimal)
    assert terms["_day_xsd_date"] == Literal("2025-01-02", datatype=namespace.XSD.date)
    assert "__flag_xsd_boolean" not in terms  # optional, no default: left unbound


@pytest.mark.parametrize("kind", ["decimal", "boolean", "date", "string"])
def test_a_suffix_grlc_reads_as_a_language_tag_is_refused(tmp_path, kind):
    path = write(tmp_path, f"SELECT * WHERE {{\n  ?s ?p ?_x_{kind} }}\n")
    with pytest.raises(InputSyntaxError) as caught:
        parse_query_file(path, "questions", "queries/questions/q.rq")
    assert str(caught.value) == (
        f"queries/questions/q.rq:3: parameter variable ?_x_{kind}: grlc reads the suffix "
        f'_{kind} as a language tag ("..."@{kind}), not as xsd:{kind}\n'
        f"  fix: write ?_x_xsd_{kind}, which grlc and rekg both read as an xsd:{kind} literal"
    )
