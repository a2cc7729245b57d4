"""`rekg lint`: claim files read against their sources' words. Seeded mistakes give exactly
their findings (and the deliberate cases none); exit 0 with findings, 1 with --strict; the
article's findings are pinned."""

import pytest

from .conftest import run_cli

TINY = """\
Tiny: A Test Source
Malaysia may lack heavy rare earths, but it refines ore for China. Beijing is expected to keep its know-how at home, while sharing capital. Vietnam does not export ore. Thailand hosts magnet plants and Myanmar mines ore.
He said: “China will never sell its technology.” Singapore trades ore.
Read more here
"""

# seeded: 3 a draft, 4 a modality against its cue, 6 a denial not recorded, 7 and 8 quotes
# that cross, line 3's "Singapore trades ore." quoted by none. Deliberate, never reported:
# 2 a conceded "may" (asserted), 5 a dependent clause hedged by a cue outside its quote, 9
# cues inside quoted speech, 10 the speech itself, 11 the same quote as 2, 12 a quote
# inside 4's
TINY_CLAIMS = """\
# A claim file with mistakes seeded for the lint tests.
source: tiny
claims:

- n: 1
  quote: "Tiny: A Test Source"
  modality: asserted

- n: 2
  quote: "Malaysia may lack heavy rare earths"
  modality: asserted
  negated: true

- n: 3
  quote: "but it refines ore for China"
  modality: asserted
  draft: true

- n: 4
  quote: "Beijing is expected to keep its know-how at home"
  modality: asserted

- n: 5
  quote: "while sharing capital"
  modality: expected

- n: 6
  quote: "Vietnam does not export ore"
  modality: asserted

- n: 7
  quote: "Thailand hosts magnet plants and Myanmar"
  modality: asserted

- n: 8
  quote: "Myanmar mines ore"
  modality: asserted

- n: 9
  quote: "He said: “China will never sell its technology.”"
  modality: asserted

- n: 10
  quote: "China will never sell its technology"
  modality: expected
  negated: true

- n: 11
  quote: "Malaysia may lack heavy rare earths"
  modality: asserted
  negated: true

- n: 12
  quote: "know-how"
  modality: asserted
"""

TINY_FINDINGS = """\
data/claims/tiny.yaml:17: draft: claim 3 is a draft: review it, then remove 'draft: true'
data/claims/tiny.yaml:21: modality: claim 4 is recorded asserted, but its words read expected ("is expected to"); write modality: expected
data/claims/tiny.yaml:27: negation: claim 6 is not recorded negated, but its quote denies ("not"); write negated: true
data/claims/tiny.yaml:36: overlap: the quote of claim 8 overlaps part of claim 7's (line 32): 'Myanmar'; quote the same words, or let one quote contain the other
data/sources/tiny.txt:3: uncovered: no claim quotes 'Singapore trades ore.'
"""


@pytest.fixture
def tiny(scratch):
    (scratch.data / "sources" / "tiny.txt").write_text(TINY, encoding="utf-8")
    (scratch.data / "claims" / "tiny.yaml").write_text(TINY_CLAIMS, encoding="utf-8")
    return scratch


def test_seeded_mistakes_give_exactly_their_findings(tiny):
    result = run_cli("lint", "--source", "tiny", cwd=tiny.root)
    assert result.returncode == 0, result.stderr
    assert result.stdout == TINY_FINDINGS + (
        "tiny: 12 claims (1 draft); 6 of 7 sentences covered (85.7%); 5 findings\n"
    )
    strict = run_cli("lint", "--strict", "--source", "tiny", cwd=tiny.root)
    assert strict.returncode == 1
    assert strict.stdout == result.stdout


def test_every_source_is_linted_sorted_by_file_and_line(tiny):
    result = run_cli("lint", cwd=tiny.root)
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    summaries = [line for line in lines if not line.startswith("data/")]
    assert summaries[0] == (
        "china-sea-rare-earths: 100 claims (0 drafts); 44 of 44 sentences covered (100.0%); "
        "0 findings"
    )
    assert summaries[-1] == (
        "tiny: 12 claims (1 draft); 6 of 7 sentences covered (85.7%); 5 findings"
    )
    assert lines[-len(summaries) :] == summaries  # the summaries come last
    findings = lines[: -len(summaries)]
    assert [f for f in findings if "tiny" in f] == TINY_FINDINGS.splitlines()
    places = [(f.split(":")[0], int(f.split(":")[1])) for f in findings]
    assert places == sorted(places)


def test_hedges_carried_over_and_concessions_are_held_to_their_reading(tiny):
    path = tiny.data / "claims" / "tiny.yaml"
    text = TINY_CLAIMS.replace(
        '"while sharing capital"\n  modality: expected',
        '"while sharing capital"\n  modality: asserted',
    )
    text = text.replace(
        '"Tiny: A Test Source"\n  modality: asserted',
        '"Tiny: A Test Source"\n  modality: asserted\n  negated: true',
    )
    text = text.replace(
        '- n: 11\n  quote: "Malaysia may lack heavy rare earths"\n  modality: asserted',
        '- n: 11\n  quote: "Malaysia may lack heavy rare earths"\n  modality: possible',
    )
    path.write_text(text, encoding="utf-8")
    result = run_cli("lint", "--source", "tiny", cwd=tiny.root)
    assert result.returncode == 0, result.stderr
    # the line added to claim 1 moves the findings below it one line down
    assert result.stdout.splitlines() == [
        "data/claims/tiny.yaml:8: negation: claim 1 is recorded negated, but its quote denies "
        "nothing (no negation cue such as not, no, lack, rather than); write negated: false, or "
        "quote the denying words",
        "data/claims/tiny.yaml:18: draft: claim 3 is a draft: review it, then remove 'draft: true'",
        "data/claims/tiny.yaml:22: modality: claim 4 is recorded asserted, but its words read "
        'expected ("is expected to"); write modality: expected',
        "data/claims/tiny.yaml:26: modality: claim 5 is recorded asserted, but its words read "
        'expected (a dependent clause: expected, carried over from "is expected to"); write '
        "modality: expected",
        "data/claims/tiny.yaml:28: negation: claim 6 is not recorded negated, but its quote "
        'denies ("not"); write negated: true',
        "data/claims/tiny.yaml:37: overlap: the quote of claim 8 overlaps part of claim 7's "
        "(line 33): 'Myanmar'; quote the same words, or let one quote contain the other",
        "data/claims/tiny.yaml:51: modality: claim 11 is recorded possible, but its words read "
        'asserted ("may" conceded); write modality: asserted',
        "data/sources/tiny.txt:3: uncovered: no claim quotes 'Singapore trades ore.'",
        "tiny: 12 claims (1 draft); 6 of 7 sentences covered (85.7%); 8 findings",
    ]


def test_a_clean_file_passes_strict(tiny):
    path = tiny.data / "claims" / "tiny.yaml"
    path.write_text(
        "source: tiny\nclaims:\n"
        '- {n: 1, quote: "Tiny: A Test Source", modality: asserted}\n'
        '- {n: 2, quote: "Malaysia may lack heavy rare earths, but it refines ore for China",'
        " modality: asserted, negated: true}\n"
        '- {n: 3, quote: "Beijing is expected to keep its know-how at home, while sharing '
        'capital", modality: expected}\n'
        '- {n: 4, quote: "Vietnam does not export ore", modality: asserted, negated: true}\n'
        '- {n: 5, quote: "Thailand hosts magnet plants and Myanmar mines ore", modality: '
        "asserted}\n"
        '- {n: 6, quote: "He said", modality: asserted}\n'
        '- {n: 7, quote: "Singapore trades ore", modality: asserted}\n',
        encoding="utf-8",
    )
    result = run_cli("lint", "--strict", "--source", "tiny", cwd=tiny.root)
    assert result.returncode == 0, result.stdout
    assert result.stdout == (
        "tiny: 7 claims (0 drafts); 7 of 7 sentences covered (100.0%); 0 findings\n"
    )


def test_unknown_or_unannotated_sources_are_usage_errors(tiny):
    result = run_cli("lint", "--source", "tiny-typo", cwd=tiny.root)
    assert result.returncode == 2
    assert result.stderr == (
        "rekg: unknown source 'tiny-typo'; known sources: china-sea-rare-earths, tiny\n"
        "  fix: give the slug of a text in data/sources/\n"
    )
    (tiny.data / "claims" / "tiny.yaml").unlink()
    result = run_cli("lint", "--source", "tiny", cwd=tiny.root)
    assert result.returncode == 2
    assert result.stderr == (
        "rekg: no claim file quotes the source 'tiny'\n  fix: draft one: rekg claims draft tiny\n"
    )


def test_a_claim_file_that_is_not_yaml_stops_lint(tiny):
    (tiny.data / "claims" / "tiny.yaml").write_text("source: tiny\nclaims: [\n", encoding="utf-8")
    result = run_cli("lint", cwd=tiny.root)
    assert result.returncode == 2
    assert result.stderr.startswith("rekg: data/claims/tiny.yaml:3:1: YAML syntax error")


@pytest.mark.parametrize(
    "text,message",
    [
        ("", "no 'source:' naming the slug of a source text"),
        ("- a\n- b\n", "no 'source:' naming the slug of a source text"),
        ("source: [tiny]\nclaims: []\n", "no 'source:' naming the slug of a source text"),
        (
            "source: tiny-typo\nclaims: 5\n",
            "source 'tiny-typo' has no text data/sources/tiny-typo.txt",
        ),
    ],
)
def test_a_claim_file_of_the_wrong_shape_is_a_finding(tiny, text, message):
    """An empty file or a list at the top stopped lint with an AttributeError traceback."""
    (tiny.data / "claims" / "odd.yaml").write_text(text, encoding="utf-8")
    result = run_cli("lint", "--strict", cwd=tiny.root)
    assert (result.returncode, result.stderr) == (1, "")
    assert (
        f"data/claims/odd.yaml:1: source: {message}; known: china-sea-rare-earths, tiny\n"
        in result.stdout
    )


def test_a_source_text_that_is_not_utf8_stops_lint_at_its_byte(tiny):
    (tiny.data / "sources" / "tiny.txt").write_bytes(TINY.encode() + b"caf\xe9\n")
    result = run_cli("lint", cwd=tiny.root)
    offset = len(TINY.encode()) + 3
    assert (result.returncode, result.stdout) == (2, "")
    assert result.stderr.startswith(
        f"rekg: data/sources/tiny.txt:5:4: not UTF-8: byte 0xe9 at byte offset {offset}\n"
        "  fix: convert the text to UTF-8 (iconv -f WINDOWS-1252 -t UTF-8 "
    )


# The article's findings: none. Lint found two pairs of crossing quotes (claim 14 held
# words of 13, claim 66 words of 67 and 68) and one clause no claim quoted ("This aligns
# with broader Chinese policy"); the data was fixed (14 contains 13, 66 contains 67 and 68,
# claim 100 quotes the clause), and what lint got wrong was taught in cues.yaml.
ARTICLE_FINDINGS = """\
china-sea-rare-earths: 100 claims (0 drafts); 44 of 44 sentences covered (100.0%); 0 findings
"""


def test_the_article_findings_are_pinned():
    result = run_cli("lint", "--source", "china-sea-rare-earths")
    assert result.returncode == 0, result.stderr
    assert result.stdout == ARTICLE_FINDINGS
