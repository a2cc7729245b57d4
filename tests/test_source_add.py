"""`rekg source add` and `rekg source list`: a text copied byte for byte with a description
that holds only what is given or computed, every refusal with its message and nothing
written, and the list of sources with their claims and drafts."""

import hashlib
import json
import re

import pytest
from rdflib import Graph, Literal, URIRef, namespace
from rdflib.compare import isomorphic
from rdflib.namespace import DCTERMS, RDF, RDFS

from rekg.core.namespaces import REKG, SCHEMA, SOURCE
from rekg.ingest import registry
from rekg.ingest.registry import SourceMetadata, date_datatype, source_turtle, turtle_string

from .conftest import copy_project, run_cli

TEXT = (
    "Vietnam’s “rare-earth ambitions” — a note.\n\n"
    "Hanoi wants processing at home — not only mining.\n"
).encode()
DIGEST = hashlib.sha256(TEXT).hexdigest()
TITLE = "Vietnam’s “ambitions” — a note"
FULL = (
    "--title",
    TITLE,
    "--creator",
    "Nguyễn Văn An",
    "--creator",
    "Jo Smith",
    "--publisher",
    "Mekong Review",
    "--date",
    "2026-02-14",
    "--url",
    "https://example.org/vn-note",
    "--language",
    "en",
)
ARTICLE = "china-sea-rare-earths"


def add(project, file, *options):
    return run_cli("--root", str(project.root), "source", "add", str(file), *options)


def listing(project) -> dict:
    """Every file under data/ (hidden ones included) with the sha256 of its bytes."""
    return {
        str(p.relative_to(project.root)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(project.data.rglob("*"))
        if p.is_file()
    }


def success_line(slug, size, digest):
    return (
        f"rekg source add: registered {slug} ({size} bytes, sha256 {digest[:12]}…); wrote "
        f"data/sources/{slug}.txt and data/sources/{slug}.ttl; next: rekg claims draft {slug}\n"
    )


@pytest.fixture
def note(tmp_path):
    path = tmp_path / "note.txt"
    path.write_bytes(TEXT)
    return path


# --- adding ------------------------------------------------------------------------------


def test_add_copies_the_text_byte_for_byte_and_describes_it(scratch, note):
    before = listing(scratch)
    done = add(scratch, note, "--slug", "vn-note", *FULL)
    assert (done.returncode, done.stdout, done.stderr) == (
        0,
        "",
        success_line("vn-note", len(TEXT), DIGEST),
    )
    assert (scratch.data / "sources" / "vn-note.txt").read_bytes() == TEXT
    source = SOURCE["vn-note"]
    expected = Graph()
    for p, o in [
        (RDF.type, REKG.SourceDocument),
        (RDFS.label, Literal(TITLE, lang="en")),
        (DCTERMS.title, Literal(TITLE)),
        (DCTERMS.creator, Literal("Nguyễn Văn An")),
        (DCTERMS.creator, Literal("Jo Smith")),
        (DCTERMS.publisher, Literal("Mekong Review")),
        (DCTERMS.date, Literal("2026-02-14", datatype=namespace.XSD.date)),
        (SCHEMA.url, URIRef("https://example.org/vn-note")),
        (DCTERMS.language, Literal("en")),
        (DCTERMS.format, Literal("text/plain; charset=utf-8")),
        (
            namespace.DCAT.byteSize,
            Literal(str(len(TEXT)), datatype=namespace.XSD.nonNegativeInteger),
        ),
        (REKG.localCopy, Literal("data/sources/vn-note.txt")),
        (REKG.sha256, Literal(DIGEST)),
    ]:
        expected.add((source, p, o))
    written = Graph().parse(scratch.data / "sources" / "vn-note.ttl", format="turtle")
    assert isomorphic(written, expected)
    assert set(listing(scratch)) - set(before) == {
        "data/sources/vn-note.txt",
        "data/sources/vn-note.ttl",
    }


def test_fields_not_given_are_left_out(scratch, note):
    done = add(scratch, note, "--slug", "vn-note", "--title", TITLE)
    assert done.returncode == 0, done.stderr
    assert (scratch.data / "sources" / "vn-note.ttl").read_text(encoding="utf-8") == (
        "@prefix rekg:    <https://w3id.org/rekg/ontology#> .\n"
        "@prefix src:     <https://w3id.org/rekg/id/source/> .\n"
        "@prefix rdfs:    <http://www.w3.org/2000/01/rdf-schema#> .\n"
        "@prefix dcterms: <http://purl.org/dc/terms/> .\n"
        "@prefix xsd:     <http://www.w3.org/2001/XMLSchema#> .\n"
        "@prefix dcat:    <http://www.w3.org/ns/dcat#> .\n"
        "\n"
        "# Registered by `rekg source add`: format, size and sha256 computed from the text.\n"
        "# Not given, so left out rather than invented: dcterms:creator, dcterms:publisher, "
        "dcterms:date, schema:url, dcterms:language.\n"
        "src:vn-note a rekg:SourceDocument ;\n"
        f'    rdfs:label "{TITLE}" ;\n'
        f'    dcterms:title "{TITLE}" ;\n'
        '    dcterms:format "text/plain; charset=utf-8" ;\n'
        f'    dcat:byteSize "{len(TEXT)}"^^xsd:nonNegativeInteger ;\n'
        '    rekg:localCopy "data/sources/vn-note.txt" ;\n'
        f'    rekg:sha256 "{DIGEST}" .\n'
    )
    graph = Graph().parse(scratch.data / "sources" / "vn-note.ttl", format="turtle")
    source = SOURCE["vn-note"]
    for prop in (DCTERMS.creator, DCTERMS.publisher, DCTERMS.date, SCHEMA.url, DCTERMS.language):
        assert list(graph.objects(source, prop)) == []
    assert list(graph.objects(source, RDFS.label)) == [Literal(TITLE)]  # no language tag


def test_the_same_input_gives_byte_identical_files(tmp_path, note):
    written = []
    for name in ("one", "two"):
        (tmp_path / name).mkdir()
        project = copy_project(tmp_path / name)
        done = add(project, note, "--slug", "vn-note", *FULL)
        assert done.returncode == 0, done.stderr
        folder = project.data / "sources"
        written.append(
            ((folder / "vn-note.txt").read_bytes(), (folder / "vn-note.ttl").read_bytes())
        )
    assert written[0] == written[1]
    assert written[0][0] == TEXT


def test_the_project_validates_after_an_add(scratch, note):
    assert add(scratch, note, "--slug", "vn-note", *FULL).returncode == 0
    done = run_cli("--root", str(scratch.root), "validate")
    assert done.returncode == 0, done.stdout + done.stderr
    assert done.stdout.rstrip().endswith("conforms.")


@pytest.mark.parametrize(
    ("date", "datatype"),
    [("2026", "gYear"), ("2026-03", "gYearMonth"), ("2024-02-29", "date"), ("0001-01-01", "date")],
)
def test_a_date_is_typed_by_its_form(date, datatype):
    assert date_datatype(date) == datatype


def test_literals_are_escaped_and_parse_back():
    title = 'He said "no" \\ then\nleft\ttabbed\x07 — “curly”'
    assert turtle_string(title) == '"He said \\"no\\" \\\\ then\\nleft\\ttabbed\\u0007 — “curly”"'
    text = source_turtle(SourceMetadata("odd", title, creators=(title,)), 5, "0" * 64)
    graph = Graph().parse(data=text, format="turtle")
    assert graph.value(SOURCE.odd, DCTERMS.title) == Literal(title)
    assert graph.value(SOURCE.odd, DCTERMS.creator) == Literal(title)


def test_when_the_second_rename_fails_the_first_file_is_removed(scratch, note, monkeypatch):
    before = listing(scratch)
    real, calls = registry.os.replace, []

    def failing(src, dst):
        calls.append(dst)
        if len(calls) == 2:
            raise OSError("disk full")
        real(src, dst)

    monkeypatch.setattr(registry.os, "replace", failing)
    with pytest.raises(OSError, match="disk full"):
        registry.register_source(scratch, note, SourceMetadata("vn-note", TITLE))
    assert len(calls) == 2
    assert listing(scratch) == before


# --- refusals: exit 2, one message with its remedy, nothing written ----------------------

REMEDY_SLUG = "  fix: choose another --slug (rekg source list shows the slugs in use)\n"
REMEDY_FILE = "  fix: give the path of the source's plain-text file, saved as UTF-8\n"
REMEDY_SAME = "  fix: the text is in the project already (rekg source list); nothing to add\n"
REMEDY_DATE = (
    "  fix: give the date as YYYY, YYYY-MM or YYYY-MM-DD, e.g. --date 2026-03, or leave it out\n"
)
REMEDY_URL = (
    "  fix: give the full address without spaces, e.g. --url https://example.org/brief, "
    "or leave it out\n"
)
REMEDY_LANGUAGE = (
    "  fix: give a tag such as en, fr or zh-Hans, or leave --language out when unknown\n"
)
SLUG_RULE = (
    "does not match ^[a-z0-9][a-z0-9-]*$\n  fix: use lower-case ASCII letters, digits and "
    "hyphens, starting with a letter or digit, e.g. --slug mainland-brief\n"
)


def _orphan_claims(project):
    (project.data / "claims" / "vn-note.yaml").write_text("source: vn-note\nclaims: []\n")


def _orphan_description(project):
    (project.data / "sources" / "vn-note.ttl").write_text("# nothing yet\n")


def _described_elsewhere(project):
    (project.data / "more.ttl").write_text(
        "@prefix rekg: <https://w3id.org/rekg/ontology#> .\n"
        "<https://w3id.org/rekg/id/source/vn-note> a rekg:SourceDocument .\n"
    )


def _recorded_elsewhere(project):
    (project.data / "more.ttl").write_text(
        "@prefix rekg: <https://w3id.org/rekg/ontology#> .\n"
        "@prefix source: <https://w3id.org/rekg/id/source/> .\n"
        f'source:the-same rekg:sha256 "{DIGEST}" .\n'
    )


def _nothing(project):
    del project


REFUSED_OPTIONS = [
    # (setup, slug, options, message after "rekg: ")
    (_nothing, "Vn-note", (), f"--slug 'Vn-note' {SLUG_RULE}"),
    (_nothing, "-vn", (), f"--slug '-vn' {SLUG_RULE}"),
    (_nothing, "vn_note", (), f"--slug 'vn_note' {SLUG_RULE}"),
    (_nothing, "vn/note", (), f"--slug 'vn/note' {SLUG_RULE}"),
    (_nothing, "vn-note\n", (), f"--slug 'vn-note\\n' {SLUG_RULE}"),
    (_nothing, "vn-note\n", ("--date", "2026\n"), f"--slug 'vn-note\\n' {SLUG_RULE}"),
    (
        _nothing,
        "vn-note",
        ("--date", "2026\n"),
        "--date '2026\\n' is not YYYY, YYYY-MM or YYYY-MM-DD\n",
    ),
    (
        _nothing,
        "vn-note",
        ("--date", "\u0662\u0660\u0662\u0666"),
        "--date '\u0662\u0660\u0662\u0666' is not YYYY, YYYY-MM or YYYY-MM-DD\n",
    ),
    (
        _nothing,
        "vn-note",
        ("--language", "en\n"),
        "--language 'en\\n' is not a BCP 47 language tag "
        f"(^[a-zA-Z]{{2,3}}(-[a-zA-Z0-9]{{2,8}})*$)\n{REMEDY_LANGUAGE}",
    ),
    (
        _nothing,
        ARTICLE,
        (),
        f"--slug '{ARTICLE}' is in use: data/sources/{ARTICLE}.txt exists\n{REMEDY_SLUG}",
    ),
    (
        _orphan_claims,
        "vn-note",
        (),
        f"--slug 'vn-note' is in use: data/claims/vn-note.yaml exists\n{REMEDY_SLUG}",
    ),
    (
        _orphan_description,
        "vn-note",
        (),
        f"--slug 'vn-note' is in use: data/sources/vn-note.ttl exists\n{REMEDY_SLUG}",
    ),
    (
        _described_elsewhere,
        "vn-note",
        (),
        f"--slug 'vn-note' is in use: data/more.ttl describes src:vn-note\n{REMEDY_SLUG}",
    ),
    (_nothing, "vn-note", ("--date", "2026-02-30"), "--date '2026-02-30' is not a real date\n"),
    (_nothing, "vn-note", ("--date", "2026-13"), "--date '2026-13' is not a real date\n"),
    (_nothing, "vn-note", ("--date", "0000"), "--date '0000' is not a real date\n"),
    *[
        (_nothing, "vn-note", ("--date", d), f"--date '{d}' is not YYYY, YYYY-MM or YYYY-MM-DD\n")
        for d in ("26", "2026-3", "2026/03", "14 February 2026", "2026-02-14T10:00")
    ],
    *[
        (
            _nothing,
            "vn-note",
            ("--url", u),
            f"--url '{u}' is not an absolute http(s) URL with a host and no spaces\n{REMEDY_URL}",
        )
        for u in (
            "ftp://example.org/a",
            "example.org/a",
            "https://",
            "http:///a",
            "https://example.org/a b",
            "https://example.org/<a>",
            "https://example.org:port/",
        )
    ],
    *[
        (
            _nothing,
            "vn-note",
            ("--language", tag),
            f"--language '{tag}' is not a BCP 47 language tag "
            f"(^[a-zA-Z]{{2,3}}(-[a-zA-Z0-9]{{2,8}})*$)\n{REMEDY_LANGUAGE}",
        )
        for tag in ("english", "e", "en_GB", "en-", "zh-Hans-toolongsubtag")
    ],
    (
        _nothing,
        "vn-note",
        ("--creator", ""),
        "--creator is empty\n  fix: give a name, or leave --creator out\n",
    ),
    (
        _nothing,
        "vn-note",
        ("--publisher", " "),
        "--publisher is empty\n  fix: give a name, or leave --publisher out\n",
    ),
]


@pytest.mark.slow  # a process for each of the refusals
@pytest.mark.parametrize(("setup", "slug", "options", "message"), REFUSED_OPTIONS)
def test_a_refused_option_writes_nothing(scratch, note, setup, slug, options, message):
    setup(scratch)
    before = listing(scratch)
    done = add(scratch, note, f"--slug={slug}", "--title", TITLE, *options)
    if message.endswith("date\n") or message.endswith("YYYY-MM-DD\n"):
        message += REMEDY_DATE
    assert (done.returncode, done.stdout, done.stderr) == (2, "", "rekg: " + message)
    assert listing(scratch) == before


@pytest.mark.parametrize("title", ["", "   "])
def test_an_empty_title_is_refused(scratch, note, title):
    before = listing(scratch)
    done = add(scratch, note, "--slug", "vn-note", "--title", title)
    assert (done.returncode, done.stderr) == (
        2,
        "rekg: --title is empty\n  fix: give the source's title, e.g. --title 'A brief'\n",
    )
    assert listing(scratch) == before


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"caf\xc3\xa9 ok \xff rest", "not UTF-8: byte 0xff at offset 9"),
        ("Hanoi — ".encode() + b"\xe2\x80", "not UTF-8: byte 0xe2 at offset 10"),
        ("‘smart’".encode("cp1252"), "not UTF-8: byte 0x91 at offset 0"),
    ],
)
def test_a_text_that_is_not_utf8_is_refused_with_the_offset(scratch, tmp_path, content, message):
    path = tmp_path / "latin.txt"
    path.write_bytes(content)
    before = listing(scratch)
    done = add(scratch, path, "--slug", "vn-note", "--title", TITLE)
    assert (done.returncode, done.stderr) == (
        2,
        f"rekg: {path}: {message}\n  fix: convert the text to UTF-8 (e.g. iconv -f "
        f"WINDOWS-1252 -t UTF-8 {path}) and add the converted file\n",
    )
    assert listing(scratch) == before


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (None, "cannot read the source text: No such file or directory"),
        ("folder", "cannot read the source text: Is a directory"),
        (b"", "the text is empty"),
        (b" \n\t\r\n\n", "the text holds only whitespace"),
        ("\u00a0\u2003\n".encode(), "the text holds only whitespace"),
    ],
)
def test_a_missing_or_empty_text_is_refused(scratch, tmp_path, content, message):
    path = tmp_path / "text.txt"
    if content == "folder":
        path.mkdir()
    elif content is not None:
        path.write_bytes(content)
    before = listing(scratch)
    done = add(scratch, path, "--slug", "vn-note", "--title", TITLE)
    assert (done.returncode, done.stderr) == (2, f"rekg: {path}: {message}\n{REMEDY_FILE}")
    assert listing(scratch) == before


def test_a_text_registered_already_is_refused_naming_its_slug(scratch, tmp_path):
    copy = tmp_path / "again.txt"
    copy.write_bytes((scratch.data / "sources" / f"{ARTICLE}.txt").read_bytes())
    before = listing(scratch)
    done = add(scratch, copy, "--slug", "again", "--title", "Again")
    assert (done.returncode, done.stderr) == (
        2,
        f"rekg: {copy}: this text is registered already as '{ARTICLE}': "
        f"data/sources/{ARTICLE}.txt has the same sha256\n{REMEDY_SAME}",
    )
    assert listing(scratch) == before


def test_a_checksum_recorded_anywhere_in_data_counts_as_registered(scratch, note):
    _recorded_elsewhere(scratch)
    before = listing(scratch)
    done = add(scratch, note, "--slug", "vn-note", "--title", TITLE)
    assert (done.returncode, done.stderr) == (
        2,
        f"rekg: {note}: this text is registered already as 'the-same': "
        f"data/more.ttl records the same rekg:sha256\n{REMEDY_SAME}",
    )
    assert listing(scratch) == before


def test_the_options_are_checked_before_the_text(scratch, tmp_path):
    done = add(scratch, tmp_path / "missing.txt", "--slug", "Bad", "--title", TITLE)
    assert done.stderr == f"rekg: --slug 'Bad' {SLUG_RULE}"


# --- listing -----------------------------------------------------------------------------


def _article_counts(project) -> tuple[int, int]:
    """The article's claims and drafts, counted from the YAML text (the claims change as
    annotators work; the list must follow them)."""
    text = (project.data / "claims" / f"{ARTICLE}.yaml").read_text(encoding="utf-8")
    return len(re.findall(r"^- n:", text, re.M)), len(re.findall(r"^  draft: true$", text, re.M))


def test_source_list_before_and_after_an_add(scratch, note):
    claims, drafts = _article_counts(scratch)
    size = (scratch.data / "sources" / f"{ARTICLE}.txt").stat().st_size
    done = run_cli("--root", str(scratch.root), "source", "list")
    assert (done.returncode, done.stderr) == (0, "")
    assert done.stdout == (
        "slug                   title  date  language  bytes  claims  drafts\n"
        "---------------------  -----  ----  --------  -----  ------  ------\n"
        f"{ARTICLE}               en        {size:>5}  {claims:>6}  {drafts:>6}\n"
        "(1 source)\n"
    )
    assert add(scratch, note, "--slug", "vn-note", *FULL).returncode == 0
    (scratch.data / "claims" / "vn-note.yaml").write_text(
        "source: vn-note\nclaims:\n- n: 1\n  quote: a\n- n: 2\n  quote: b\n  draft: true\n"
        "- n: 3\n  quote: c\n  draft: false\n",
        encoding="utf-8",
    )
    done = run_cli("--root", str(scratch.root), "source", "list")
    assert (done.returncode, done.stderr) == (0, "")
    assert done.stdout == (
        "slug                   title                           date        language  bytes  "
        "claims  drafts\n"
        "---------------------  ------------------------------  ----------  --------  -----  "
        "------  ------\n"
        f"{ARTICLE}  {'':30}  {'':10}  en        {size:>5}"
        f"  {claims:>6}  {drafts:>6}\n"
        f"vn-note                {TITLE}  2026-02-14  en        {len(TEXT):>5}       3       1\n"
        "(2 sources)\n"
    )


def test_source_list_as_csv_and_json(scratch, note):
    claims, drafts = _article_counts(scratch)
    size = (scratch.data / "sources" / f"{ARTICLE}.txt").stat().st_size
    assert add(scratch, note, "--slug", "vn-note", "--title", TITLE).returncode == 0
    done = run_cli("--root", str(scratch.root), "source", "list", "--format", "csv")
    assert done.stdout == (
        "slug,title,date,language,bytes,claims,drafts\n"
        f"{ARTICLE},,,en,{size},{claims},{drafts}\n"
        f"vn-note,{TITLE},,,{len(TEXT)},0,0\n"
    )
    done = run_cli("--root", str(scratch.root), "source", "list", "--format", "json")
    assert json.loads(done.stdout) == [
        {
            "slug": ARTICLE,
            "title": None,
            "date": None,
            "language": "en",
            "bytes": size,
            "claims": claims,
            "drafts": drafts,
        },
        {
            "slug": "vn-note",
            "title": TITLE,
            "date": None,
            "language": None,
            "bytes": len(TEXT),
            "claims": 0,
            "drafts": 0,
        },
    ]


def test_source_list_names_a_broken_claims_file(scratch):
    (scratch.data / "claims" / f"{ARTICLE}.yaml").write_text("source: x\nclaims: [\n")
    done = run_cli("--root", str(scratch.root), "source", "list")
    assert done.returncode == 2
    assert done.stderr.startswith(f"rekg: data/claims/{ARTICLE}.yaml:3:1: YAML syntax error")


# --- the command line ---------------------------------------------------------------------


@pytest.mark.parametrize(
    "words", [("source",), ("source", "add"), ("source", "rehash"), ("source", "list")]
)
def test_every_source_command_has_help(words):
    done = run_cli(*words, "--help")
    assert done.returncode == 0
    assert f"usage: rekg {' '.join(words)}" in done.stdout and "exit codes" in done.stdout


def test_source_alone_prints_its_help_and_exits_2():
    done = run_cli("source")
    assert done.returncode == 2
    assert done.stdout.startswith("usage: rekg source [-h] SUBCOMMAND ...")
    assert "add " in done.stdout and "rehash " in done.stdout and "list " in done.stdout
