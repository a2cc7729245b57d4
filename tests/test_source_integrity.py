"""Integrity of the metadata (issue 16, defect 8): a source text whose bytes no longer give
its recorded rekg:sha256 (or dcat:byteSize) is refused, exit 2, with the command that
re-registers it; `rekg source rehash` is that command; and the typed metadata literals
(dates, sizes, checksums, language tags) are held to their datatypes and lexical forms by
the shapes, the same on both SHACL engines."""

import hashlib
import stat

import pytest
from rdflib import Graph, Literal, URIRef, namespace

from rekg.check.shapes import load_shapes
from rekg.check.validate import shacl_findings
from rekg.core.engines import Engine
from rekg.core.namespaces import REKG, SOURCE
from rekg.ingest.load import Loaded

from .conftest import run_cli
from .test_shapes import PREFIXES

ARTICLE = "china-sea-rare-earths"
NOT_BEFORE_P = URIRef("https://w3id.org/rekg/ontology#notBefore")
TEXT = f"data/sources/{ARTICLE}.txt"
TTL = f"data/sources/{ARTICLE}.ttl"
RECORDED = "4c723686f896d7c72a291a9ce477a4ab7217fdc3bfee50b3e5c196e792767052"
SHA_LINE = 18  # the line of rekg:sha256 in the article's description


def rekg(project, *args):
    return run_cli("--root", str(project.root), *args)


def refusal(local: str, slug: str, what: str, line: str) -> str:
    return (
        f"rekg: {line}: {local} no longer matches what src:{slug} records of it: {what}\n"
        f"  fix: if the text was edited on purpose, record its new checksum with `rekg "
        f"source rehash {slug}`, then run `rekg validate` to check the claims' quotes against "
        f"it; otherwise restore the registered text (e.g. git checkout -- {local})\n"
    )


def edit(project, text: bytes = b"\nAn editor's note.\n") -> str:
    path = project.root / TEXT
    path.write_bytes(path.read_bytes() + text)
    return hashlib.sha256(path.read_bytes()).hexdigest()


# --- an edited source is refused ---------------------------------------------------------


@pytest.mark.parametrize(
    "engine,command",
    [("fast", "build"), ("reference", "validate"), ("fast", "reason"), ("fast", "export")],
)
def test_an_edited_source_is_refused_and_says_how_to_rehash(scratch, engine, command):
    assert (
        (scratch.root / TTL)
        .read_text()
        .splitlines()[SHA_LINE - 1]
        .startswith(f'    rekg:sha256 "{RECORDED}"')
    )
    digest = edit(scratch)
    done = rekg(scratch, "--engine", engine, command)
    assert (done.returncode, done.stdout, done.stderr) == (
        2,
        "",
        refusal(
            TEXT,
            ARTICLE,
            f"recorded sha256 {RECORDED[:12]}…, the file's bytes give {digest[:12]}…",
            f"{TTL}:{SHA_LINE}",
        ),
    )
    assert not (scratch.root / "dist").exists()


def test_rehash_rewrites_only_the_checksum_and_the_build_passes(scratch):
    before = (scratch.root / TTL).read_bytes()
    mode = stat.S_IMODE((scratch.root / TTL).stat().st_mode)
    digest = edit(scratch)
    size = (scratch.root / TEXT).stat().st_size
    done = rekg(scratch, "source", "rehash", ARTICLE)
    assert (done.returncode, done.stdout, done.stderr) == (
        0,
        "",
        f"rekg source rehash: {TEXT} is now recorded as sha256 {digest[:12]}… ({size} bytes), "
        f"was {RECORDED[:12]}…; wrote {TTL}; next: rekg validate (checks the claims' quotes "
        "against the new text)\n",
    )
    after = (scratch.root / TTL).read_bytes()
    assert after == before.replace(RECORDED.encode(), digest.encode())
    assert stat.S_IMODE((scratch.root / TTL).stat().st_mode) == mode
    assert rekg(scratch, "validate").returncode == 0
    again = rekg(scratch, "source", "rehash", ARTICLE)
    assert (again.returncode, again.stderr) == (
        0,
        f"rekg source rehash: {TEXT} matches the sha256 recorded in {TTL} ({size} bytes); "
        "nothing written\n",
    )
    assert (scratch.root / TTL).read_bytes() == after


def test_rehash_after_an_add_gives_what_add_would_give_for_the_new_text(scratch, tmp_path):
    """`source add` records dcat:byteSize too: rehash rewrites both, and the description is
    then byte for byte the one `source add` writes for the edited text."""
    note = tmp_path / "note.txt"
    note.write_bytes("Hanoi’s note.\n".encode())
    options = ("--slug", "vn-note", "--title", "A note", "--date", "2026-02")
    assert rekg(scratch, "source", "add", str(note), *options).returncode == 0
    text = scratch.data / "sources" / "vn-note.txt"
    text.write_bytes("Hanoi’s note, revised.\n".encode())
    done = rekg(scratch, "build")
    old = hashlib.sha256(note.read_bytes()).hexdigest()
    new = hashlib.sha256(text.read_bytes()).hexdigest()
    assert (done.returncode, done.stderr) == (
        2,
        refusal(
            "data/sources/vn-note.txt",
            "vn-note",
            f"recorded sha256 {old[:12]}…, the file's bytes give {new[:12]}…",
            "data/sources/vn-note.ttl:17",
        ),
    )
    assert rekg(scratch, "source", "rehash", "vn-note").returncode == 0
    rehashed = (scratch.data / "sources" / "vn-note.ttl").read_bytes()
    fresh = tmp_path / "fresh"
    (fresh / "data").mkdir(parents=True)
    (fresh / "ontology").mkdir()
    (fresh / "ontology" / "rekg.ttl").write_bytes((scratch.root / "ontology/rekg.ttl").read_bytes())
    again = run_cli("--root", str(fresh), "source", "add", str(text), *options)
    assert again.returncode == 0, again.stderr
    assert rehashed == (fresh / "data" / "sources" / "vn-note.ttl").read_bytes()


def test_a_byte_size_that_no_longer_matches_is_refused(scratch, tmp_path):
    note = tmp_path / "note.txt"
    note.write_bytes(b"A short note.\n")
    assert (
        rekg(scratch, "source", "add", str(note), "--slug", "note", "--title", "N").returncode == 0
    )
    ttl = scratch.data / "sources" / "note.ttl"
    ttl.write_text(
        ttl.read_text().replace('"14"^^xsd:nonNegativeInteger', '"15"^^xsd:nonNegativeInteger')
    )
    done = rekg(scratch, "validate")
    assert (done.returncode, done.stderr) == (
        2,
        refusal(
            "data/sources/note.txt",
            "note",
            "recorded dcat:byteSize 15, the file has 14 bytes",
            "data/sources/note.ttl:14",
        ),
    )


@pytest.mark.parametrize(
    "written,local,where,line",
    [
        ("data/sources/gone.txt", "data/sources/gone.txt", "does not exist", 17),
        ("/dev/zero", "/dev/zero", "is not a file inside the project", 17),
        ("../outside.txt", "../outside.txt", "does not exist", 17),
        ("data/sources", "data/sources", "is not a file inside the project", 17),
        # not found on its own line as written, so the place is the source's first line
        ("a\\u0000b", "a\x00b", "is not a path of a file", 11),
    ],
)
def test_a_local_copy_that_is_missing_or_outside_the_project_is_refused(
    scratch, written, local, where, line
):
    ttl = scratch.root / TTL
    ttl.write_text(ttl.read_text().replace(f'"{TEXT}"', f'"{written}"'))
    done = rekg(scratch, "validate")
    assert (done.returncode, done.stdout, done.stderr) == (
        2,
        "",
        f"rekg: {TTL}:{line}: the local copy of src:{ARTICLE}, {local!r}, {where}\n"
        f"  fix: restore the text at {local!r}, or correct rekg:localCopy to the text's path "
        f"relative to the project folder (data/sources/{ARTICLE}.txt)\n",
    )


def test_two_edited_sources_are_named_together(scratch, tmp_path):
    note = tmp_path / "note.txt"
    note.write_bytes(b"A short note.\n")
    assert (
        rekg(scratch, "source", "add", str(note), "--slug", "note", "--title", "N").returncode == 0
    )
    (scratch.data / "sources" / "note.txt").write_bytes(b"A short note!\n")
    digest = edit(scratch)
    done = rekg(scratch, "validate")
    assert done.returncode == 2
    assert done.stderr.startswith(
        f"rekg: {TTL}:{SHA_LINE}: {TEXT} no longer matches what src:{ARTICLE} records of it: "
        f"recorded sha256 {RECORDED[:12]}…, the file's bytes give {digest[:12]}… (and 1 more: "
        "note)\n"
    )


@pytest.mark.parametrize(
    "slug,stderr",
    [
        (
            "nope",
            "rekg: no file under data/ records a rekg:sha256 of src:nope; known sources: "
            f"{ARTICLE}\n"
            "  fix: give the slug of a registered source (rekg source list), or register a new "
            "text with rekg source add\n",
        ),
    ],
)
def test_rehash_refuses_an_unknown_source(scratch, slug, stderr):
    done = rekg(scratch, "source", "rehash", slug)
    assert (done.returncode, done.stdout, done.stderr) == (2, "", stderr)


def test_rehash_refuses_a_text_that_is_not_utf8_and_writes_nothing(scratch):
    before = (scratch.root / TTL).read_bytes()
    size = (scratch.root / TEXT).stat().st_size
    edit(scratch, b"\xe9")
    done = rekg(scratch, "source", "rehash", ARTICLE)
    assert done.returncode == 2
    assert done.stderr.startswith(
        f"rekg: {scratch.root / TEXT}: not UTF-8: byte 0xe9 at offset {size}\n"
    )
    assert (scratch.root / TTL).read_bytes() == before


def test_rehash_has_help():
    done = run_cli("source", "rehash", "--help")
    assert done.returncode == 0
    assert done.stdout.startswith("usage: rekg source rehash [-h] SLUG")
    assert "exit codes" in done.stdout


# --- typed metadata literals -------------------------------------------------------------

SRC = f"source:{ARTICLE}"
NOT_BEFORE = (
    'A source has at most one rekg:notBefore, a real date typed xsd:date ("2026-01-15"), '
    'xsd:gYearMonth ("2026-01") or xsd:gYear ("2026"); write e.g. "2026-01"^^xsd:gYearMonth.'
)
DATE = (
    'A source has at most one dcterms:date, a real date typed xsd:date ("2026-03-01"), '
    'xsd:gYearMonth ("2026-03") or xsd:gYear ("2026"); rekg source add --date writes it so.'
)
SIZE = (
    "A source has at most one dcat:byteSize, the size of its text in bytes typed "
    'xsd:nonNegativeInteger ("6354"^^xsd:nonNegativeInteger); rekg source rehash SLUG writes it.'
)
EVENT_DATE = (
    'An event needs exactly one rekg:date, a real date typed xsd:date ("2025-04-04"), '
    'xsd:gYearMonth ("2025-04") or xsd:gYear ("2025").'
)
END_DATE = (
    'An event has at most one rekg:endDate, a real date typed xsd:date ("2025-04-09"), '
    "xsd:gYearMonth or xsd:gYear."
)
FRAME_DATE = (
    'A time frame has at most one rekg:date, a real date typed xsd:date ("2025-04-04"), '
    'xsd:gYearMonth ("2025-04") or xsd:gYear ("2026").'
)
SHA = (
    "A source's rekg:sha256 is a plain string of 64 lower-case hexadecimal digits, with no "
    "datatype or language tag; rekg source rehash SLUG writes it."
)
LANGUAGE = (
    'A source\'s dcterms:language is a BCP 47 language tag as a plain string, such as "en" '
    'or "zh-Hans".'
)

# (what replaces the article's value of a property, the finding: focus, path, message,
# shape); a message with "{}" gets the value
TYPED = [
    (
        (SOURCE[ARTICLE], NOT_BEFORE_P),
        '"2026-13"^^xsd:gYearMonth',
        (SRC, "rekg:notBefore", NOT_BEFORE + " (value: 2026-13)", "rekgsh:SourceDocumentShape"),
    ),
    (
        (SOURCE[ARTICLE], NOT_BEFORE_P),
        '"2026-02-30"^^xsd:date',
        (SRC, "rekg:notBefore", NOT_BEFORE + " (value: 2026-02-30)", "rekgsh:SourceDocumentShape"),
    ),
    (
        (SOURCE[ARTICLE], NOT_BEFORE_P),
        '"January 2026"',
        (
            SRC,
            "rekg:notBefore",
            NOT_BEFORE + " (value: January 2026)",
            "rekgsh:SourceDocumentShape",
        ),
    ),
    (
        (SOURCE[ARTICLE], NOT_BEFORE_P),
        '"999"^^xsd:gYear',
        (SRC, "rekg:notBefore", NOT_BEFORE + " (value: 999)", "rekgsh:SourceDocumentShape"),
    ),
    (
        None,
        f'{SRC} dcterms:date "2026-3"^^xsd:gYearMonth .',
        (SRC, "dcterms:date", DATE + " (value: 2026-3)", "rekgsh:SourceDocumentShape"),
    ),
    (
        None,
        f'{SRC} <http://www.w3.org/ns/dcat#byteSize> "-5"^^xsd:nonNegativeInteger .',
        (SRC, "dcat:byteSize", SIZE + " (value: -5)", "rekgsh:SourceDocumentShape"),
    ),
    (
        None,
        f"{SRC} <http://www.w3.org/ns/dcat#byteSize> 12 .",
        (SRC, "dcat:byteSize", SIZE + " (value: 12)", "rekgsh:SourceDocumentShape"),
    ),
    (
        (SOURCE[ARTICLE], REKG.sha256),
        f'"{RECORDED}"^^xsd:hexBinary',
        (SRC, "rekg:sha256", SHA + f" (value: {RECORDED})", "rekgsh:SourceDocumentShape"),
    ),
    (
        (SOURCE[ARTICLE], URIRef("http://purl.org/dc/terms/language")),
        '"English"',
        (SRC, "dcterms:language", LANGUAGE + " (value: English)", "rekgsh:SourceDocumentShape"),
    ),
    (
        (URIRef("https://w3id.org/rekg/id/wef-davos-2026"), REKG.date),
        '"2026-00"^^xsd:gYearMonth',
        ("id:wef-davos-2026", "rekg:date", EVENT_DATE + " (value: 2026-00)", "rekgsh:EventShape"),
    ),
    (
        None,
        'id:wef-davos-2026 rekg:endDate "2026-01-32"^^xsd:date .',
        (
            "id:wef-davos-2026",
            "rekg:endDate",
            END_DATE + " (value: 2026-01-32)",
            "rekgsh:EventShape",
        ),
    ),
    (
        (URIRef("https://w3id.org/rekg/id/april-2025"), REKG.date),
        '"April 2025"^^xsd:gYearMonth',
        (
            "id:april-2025",
            "rekg:date",
            FRAME_DATE + " (value: April 2025)",
            "rekgsh:DefinedThingShape",
        ),
    ),
]


@pytest.fixture(scope="module")
def shapes(project):
    return load_shapes(project.shapes, "ontology/shapes.ttl")


def with_literal(base, replaced, turtle) -> Graph:
    g = Graph()
    for triple in base:
        g.add(triple)
    if replaced is not None:
        g.remove((*replaced, None))
        turtle = f"<{replaced[0]}> <{replaced[1]}> {turtle} ."
    g.parse(data=PREFIXES + turtle, format="turtle")
    return g


def found(project, shapes, graph, engine):
    return sorted(
        (f.focus, f.path, f.message, f.check)
        for f in shacl_findings(Loaded(project, graph), shapes, engine)
    )


def test_the_typed_metadata_of_the_article_conforms(project, base, shapes):
    assert found(project, shapes, with_literal(base, None, ""), Engine.FAST) == []


@pytest.mark.parametrize("replaced,turtle,finding", TYPED, ids=[t[1] for t in TYPED])
def test_an_ill_typed_literal_is_a_finding(project, base, shapes, replaced, turtle, finding):
    graph = with_literal(base, replaced, turtle)
    assert found(project, shapes, graph, Engine.FAST) == [finding]


@pytest.mark.slow
@pytest.mark.parametrize("replaced,turtle,finding", TYPED, ids=[t[1] for t in TYPED])
def test_pyshacl_finds_the_same(project, base, shapes, replaced, turtle, finding):
    graph = with_literal(base, replaced, turtle)
    assert found(project, shapes, graph, Engine.REFERENCE) == [finding]


@pytest.mark.parametrize(
    "value",
    [
        '"2026-01"^^xsd:gYearMonth',
        '"2026"^^xsd:gYear',
        '"2026-01-15"^^xsd:date',
        '"2026-01-15Z"^^xsd:date',
        '"2026-01+05:30"^^xsd:gYearMonth',
    ],
)
def test_well_typed_dates_pass(project, base, shapes, value):
    graph = with_literal(base, (SOURCE[ARTICLE], NOT_BEFORE_P), value)
    assert found(project, shapes, graph, Engine.FAST) == []


@pytest.mark.parametrize("engine", ["fast", pytest.param("reference", marks=pytest.mark.slow)])
def test_an_ill_typed_date_in_the_data_fails_validate_at_its_file_and_line(scratch, engine):
    ttl = scratch.root / TTL
    ttl.write_text(
        ttl.read_text().replace('"2026-01"^^xsd:gYearMonth', '"2026-13"^^xsd:gYearMonth')
    )
    done = rekg(scratch, "--engine", engine, "validate")
    assert (done.returncode, done.stderr) == (1, "")
    assert done.stdout == (
        f"Violation: {TTL}:11\n"
        f"  focus:   {SRC}\n"
        "  path:    rekg:notBefore\n"
        f"  message: {NOT_BEFORE} (value: 2026-13)\n"
        "  check:   rekgsh:SourceDocumentShape\n"
        "Checked 15 SHACL node shapes, SPARQL checks, 100 quotes: 1 problem found.\n"
    )


def test_the_literal_the_fixtures_change_is_there(base):
    """The replacements above remove a value the article has: make sure they do."""
    for replaced, _turtle, _finding in TYPED:
        if replaced is not None:
            assert list(base.objects(*replaced)), replaced
    assert Literal("2026-01", datatype=namespace.XSD.gYearMonth) in set(
        base.objects(SOURCE[ARTICLE], NOT_BEFORE_P)
    )
