"""Unreadable input (issue 16, defect 7): every bad byte, YAML tag, oversized line and
malformed table gives the file, the line, what is wrong and what to do, and exit code 2,
through the command line as a user meets it; never a traceback. Each case breaks a private
copy of the project."""

import time

import pytest

from .conftest import copy_project, run_cli

ARTICLE = "china-sea-rare-earths"
CLAIMS = f"data/claims/{ARTICLE}.yaml"
TEXT = f"data/sources/{ARTICLE}.txt"
FIFTY_MB = 50_000_000


@pytest.fixture
def broken(tmp_path):
    return copy_project(tmp_path / "project")


def rekg(project, *args):
    return run_cli("--root", str(project.root), *args)


def append(project, name: str, data: bytes) -> int:
    """Append bytes to a file of the project; return the number of the first line added."""
    path = project.root / name
    before = path.read_bytes()
    path.write_bytes(before + data)
    return before.count(b"\n") + 1


def refused(done, stderr: str) -> None:
    assert "Traceback" not in done.stderr
    assert (done.returncode, done.stdout, done.stderr) == (2, "", stderr)


def iconv(name: str) -> str:
    return f"iconv -f WINDOWS-1252 -t UTF-8 {name} -o {name}.utf8 && mv {name}.utf8 {name}"


# --- bytes that are not UTF-8 ------------------------------------------------------------


@pytest.mark.parametrize("command", [("build",), ("lint",), ("source", "list")])
def test_a_claim_file_that_is_not_utf8_names_line_column_and_byte(broken, command):
    size = (broken.root / CLAIMS).stat().st_size
    line = append(broken, CLAIMS, b"# Caf\xe9 au lait\n")
    refused(
        rekg(broken, *command),
        f"rekg: {CLAIMS}:{line}:6: not UTF-8: byte 0xe9 at byte offset {size + 5}\n"
        f"  fix: save the file as UTF-8, e.g. {iconv(CLAIMS)}\n",
    )


@pytest.mark.parametrize("command", [("validate",), ("lint",), ("claims", "draft", ARTICLE)])
def test_a_source_text_that_is_not_utf8_says_convert_then_rehash(broken, command):
    data = (broken.root / TEXT).read_bytes()
    append(broken, TEXT, b"\nHanoi\x92s plan\n")  # the text ends without a newline
    line = data.count(b"\n") + 2
    refused(
        rekg(broken, *command),
        f"rekg: {TEXT}:{line}:6: not UTF-8: byte 0x92 at byte offset {len(data) + 6}\n"
        f"  fix: convert the text to UTF-8 ({iconv(TEXT)}), then record its new checksum: "
        f"rekg source rehash {ARTICLE}\n",
    )


@pytest.mark.parametrize(
    "command",
    [
        ("--engine", "fast", "validate"),
        ("--engine", "reference", "validate"),
        ("claims", "draft", ARTICLE, "--compare"),
    ],
)
def test_a_turtle_literal_that_is_not_utf8_names_the_byte(broken, command):
    size = (broken.data / "entities.ttl").stat().st_size
    line = append(
        broken,
        "data/entities.ttl",
        b'<https://w3id.org/rekg/id/x> <http://www.w3.org/2000/01/rdf-schema#comment> "caf\xe9" .\n',
    )
    refused(
        rekg(broken, *command),
        f"rekg: data/entities.ttl:{line}:81: not UTF-8: byte 0xe9 at byte offset {size + 80}\n"
        f"  fix: save the file as UTF-8, e.g. {iconv('data/entities.ttl')}\n",
    )


def test_a_bad_byte_in_a_turtle_comment_does_not_stop_a_report(broken):
    """The parser skips comments unread; the scan for the lines of a report must not
    stumble on them either (it did: a UnicodeDecodeError traceback)."""
    append(broken, "data/entities.ttl", b"# caf\xe9\n")
    line = append(
        broken,
        "data/entities.ttl",
        b"<https://w3id.org/rekg/id/zz> a <https://w3id.org/rekg/ontology#Mineral> .\n",
    )
    done = rekg(broken, "validate")
    assert "Traceback" not in done.stderr
    assert done.returncode == 1
    assert f"Violation: data/entities.ttl:{line}\n  focus:   id:zz\n" in done.stdout


def test_a_reference_table_that_is_not_utf8(broken):
    name = "data/reference/context-events.tsv"
    size = (broken.root / name).stat().st_size
    line = append(broken, name, b"x-2025\t2025\tCaf\xe9 event\tsomewhere\n")
    refused(
        rekg(broken, "validate"),
        f"rekg: {name}:{line}:16: not UTF-8: byte 0xe9 at byte offset {size + 15}\n"
        f"  fix: save the file as UTF-8, e.g. {iconv(name)}\n",
    )


# --- YAML tags, characters and structures ------------------------------------------------


@pytest.mark.parametrize(
    "tag,shown,command",
    [
        (
            "!!python/object/apply:os.system ['touch {marker}']",
            "!!python/object/apply:os.system",
            ("validate",),
        ),
        (
            "!!python/object/apply:os.system ['touch {marker}']",
            "!!python/object/apply:os.system",
            ("lint",),
        ),
        (
            "!!python/object/apply:os.system ['touch {marker}']",
            "!!python/object/apply:os.system",
            ("source", "list"),
        ),
        ("!!python/object:os.system {{}}", "!!python/object:os.system", ("build",)),
        ("!custom value", "!custom", ("validate",)),
    ],
)
def test_a_yaml_tag_is_refused_and_never_run(broken, tmp_path, tag, shown, command):
    marker = tmp_path / "ran"
    line = append(broken, CLAIMS, f"extra: {tag.format(marker=marker)}\n".encode())
    refused(
        rekg(broken, *command),
        f"rekg: {CLAIMS}:{line}:8: YAML tag {shown} is not allowed: a claim file holds plain "
        "values (text, numbers, true/false, lists and mappings), and a tag is never "
        "constructed or run\n"
        "  fix: remove the tag; if the value is text that starts with '!', put it in quotes\n",
    )
    assert not marker.exists()


def test_a_control_character_in_yaml_is_named(broken):
    line = append(broken, CLAIMS, b"# a bell \x07 here\n")
    refused(
        rekg(broken, "validate"),
        f"rekg: {CLAIMS}:{line}:10: character U+0007 is not allowed in YAML\n"
        "  fix: remove the character (control characters other than tab and newline cannot "
        "be written in YAML; write it as an escape such as \\t inside double quotes)\n",
    )


def test_aliases_that_expand_without_end_are_refused(broken):
    """Nine levels of ten aliases: a billion values when walked, 100 nodes as written."""
    levels = ["a0: &a0 [x, x, x, x, x, x, x, x, x, x]"]
    levels += [f"a{i}: &a{i} [{', '.join([f'*a{i - 1}'] * 10)}]" for i in range(1, 10)]
    path = broken.data / "claims" / "bomb.yaml"
    path.write_text("source: china-sea-rare-earths\n" + "\n".join(levels) + "\n")
    refused(
        rekg(broken, "validate"),
        "rekg: data/claims/bomb.yaml:6:5: the YAML aliases here expand to over 100,000 values\n"
        "  fix: write the values out instead of aliases (*name) of anchors (&name) that hold "
        "aliases themselves\n",
    )


@pytest.mark.parametrize(
    "text,line,field,message",
    [
        (
            "source: [a, b]\nclaims: []\n",
            1,
            "source",
            "unknown source ['a', 'b']; known: china-sea-rare-earths",
        ),
        (
            "source: china-sea-rare-earths\nclaims: 5\n",
            2,
            "claims",
            "'claims:' must be a list of claims, each starting with '- n: NUMBER'",
        ),
        (
            "- a\n- b\n",
            1,
            "",
            "a claim file is a mapping with 'source:' (the source's slug) and 'claims:' (a "
            "list of claims), not a single value or a list",
        ),
        ("", 1, "source", "no 'source:' naming the source's slug; known: china-sea-rare-earths"),
    ],
)
def test_a_claim_file_of_the_wrong_shape_is_a_finding_not_a_traceback(
    broken, text, line, field, message
):
    (broken.data / "claims" / "odd.yaml").write_text(text)
    done = rekg(broken, "validate")
    assert "Traceback" not in done.stderr
    assert done.returncode == 1
    assert (
        f"Violation: data/claims/odd.yaml:{line}\n"
        f"  focus:   data/claims/odd.yaml\n"
        + (f"  path:    {field}\n" if field else "")
        + f"  message: {message}\n"
        "  check:   claim file\n"
    ) in done.stdout
    linted = rekg(broken, "lint")
    assert "Traceback" not in linted.stderr and linted.returncode == 0


def test_a_claim_number_that_is_true_is_not_number_one(broken):
    line = append(broken, CLAIMS, b"- n: true\n  quote: x\n  modality: asserted\n")
    done = rekg(broken, "validate")
    assert done.returncode == 1
    assert (
        f"Violation: {CLAIMS}:{line}\n  focus:   {CLAIMS}\n  path:    n\n"
        "  message: each claim needs a positive integer number n\n"
    ) in done.stdout


# --- reference tables --------------------------------------------------------------------

EVENTS = "data/reference/context-events.tsv"
USGS = "data/reference/usgs-mcs-rare-earths.tsv"


def test_a_table_without_its_columns_is_refused(broken):
    (broken.root / EVENTS).write_text("slug\twhen\tevent\tsource\nx\t2025\tX\tY\n")
    refused(
        rekg(broken, "validate"),
        f"rekg: {EVENTS}:1: the header row lacks the column date\n"
        "  fix: begin the file with the header row slug<TAB>date<TAB>event<TAB>source "
        "(columns separated by tabs)\n",
    )


def test_a_table_field_too_long_for_the_reader_is_refused_with_its_line(broken):
    line = append(broken, EVENTS, b"x-2025\t2025\t" + b"y" * 200_000 + b"\tsource\n")
    refused(
        rekg(broken, "validate"),
        f"rekg: {EVENTS}:{line}: cannot read the table: field larger than field limit "
        "(131072)\n"
        "  fix: keep each field under 131,072 characters and each row on one line (a field "
        "that holds a quote character '\"' must be quoted itself)\n",
    )


@pytest.mark.parametrize(
    "name,row,focus,field,message",
    [
        (
            EVENTS,
            "bad-month\t2025-13\tX\tY\n",
            "bad-month",
            "date",
            "date '2025-13' is not a real date written YYYY, YYYY-MM or YYYY-MM-DD (or two of "
            "them joined by '/'); write it so, e.g. 2025-04 or 2025-04-04/2025-04-09",
        ),
        (
            EVENTS,
            "short-row\t2025\n",
            "row {line}",
            "",
            "the row has 2 fields, the header 4; separate the fields with one tab each, and "
            "leave a field empty rather than out",
        ),
        (
            EVENTS,
            "Not A Slug\t2025\tX\tY\n",
            "Not A Slug",
            "slug",
            "slug 'Not A Slug' is not lower-case ASCII letters, digits and hyphens; write it "
            "as such, e.g. china-export-controls-2025-04",
        ),
        (
            USGS,
            "China\treserves\t20x4\t5\tt REO\tUSGS MCS 2025\t\n",
            "China",
            "reference_year",
            "reference_year '20x4' is not a year; write it as YYYY, or leave it empty",
        ),
        (
            USGS,
            "China\treserves\t2024\t44,000,000\tt REO\tUSGS MCS 2025\t\n",
            "China",
            "value",
            "value '44,000,000' is not a non-negative number; write it as the publisher gives "
            "it (4500 or 4500.5, no separators), or NA",
        ),
    ],
)
def test_a_bad_table_row_is_a_finding_at_its_line(broken, name, row, focus, field, message):
    line = append(broken, name, row.encode())
    done = rekg(broken, "validate")
    assert "Traceback" not in done.stderr
    assert done.returncode == 1
    assert (
        f"Violation: {name}:{line}\n"
        f"  focus:   {focus.format(line=line)}\n"
        + (f"  path:    {field}\n" if field else "")
        + f"  message: {message}\n"
        "  check:   reference data\n"
    ) in done.stdout


# --- oversized lines ---------------------------------------------------------------------


def test_a_50_mb_turtle_comment_is_refused_in_a_moment(broken):
    """pyoxigraph's parser holds a token in at most 16 MiB and raised MemoryError."""
    (broken.data / "big.ttl").write_bytes(b"# " + b"x" * FIFTY_MB + b"\n")
    started = time.monotonic()
    done = rekg(broken, "validate")
    assert time.monotonic() - started < 3
    refused(
        done,
        "rekg: data/big.ttl:1: Turtle token too long: line 1 is 50,000,002 bytes long; the "
        "parser takes comments, strings and IRIs of at most 16,777,216 bytes\n"
        "  fix: break the comment over several lines, or keep a text that long in a file of "
        "its own (a source text under data/sources/) and refer to it\n",
    )


def test_a_50_mb_turtle_literal_on_the_second_line_is_refused(broken):
    (broken.data / "big.ttl").write_bytes(
        b"@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .\n"
        b'<https://w3id.org/rekg/id/x> rdfs:comment "' + b"y" * FIFTY_MB + b'" .\n'
    )
    done = rekg(broken, "--engine", "reference", "validate")
    assert done.returncode == 2
    assert done.stderr.startswith(
        "rekg: data/big.ttl:2: Turtle token too long: line 2 is 50,000,046 bytes long"
    )


def test_a_50_mb_yaml_comment_is_read_in_a_moment(broken):
    """68 s with the pure-Python parser; libyaml's reads it in about a second."""
    append(broken, CLAIMS, b"# " + b"x" * FIFTY_MB + b"\n")
    started = time.monotonic()
    done = rekg(broken, "validate")
    took = time.monotonic() - started
    assert (done.returncode, done.stdout) == (
        0,
        "Checked 15 SHACL node shapes, SPARQL checks, 100 quotes: conforms.\n",
    )
    assert took < 5, took
