"""`rekg claims draft`: sentences, clauses and cues read into a draft claim file, exactly;
the draft builds unedited; an existing claim file is never replaced without --force; the
evaluator that compares a draft with hand-annotated claims."""

import shutil

import pytest

from rekg.ingest.cues import lexicon, read_source, split_sentences
from rekg.ingest.draft import draft_source, evaluate
from rekg.ingest.sources import SourceText

from .conftest import run_cli
from .corpus import SECOND, with_second_source

# a heading, each cue kind, a conceded "may ..., but", a hedge carried over to a dependent
# clause, a clause that occurs twice (extended until unique), and a boilerplate line
BRIEF = """\
Malaysia: From Ore to Refinery
Malaysia may lack heavy rare earths, but it refines ore for China. Beijing is expected to keep its know-how at home; Vietnam is likely to export ore. Thailand could host magnet plants, while Myanmar is unlikely to stop mining. Singapore does not mine ore for China.

Vietnam: Ore Exporter
Vietnam is likely to export ore, rather than refining it.
Read more about rare earths here
"""

BRIEF_CLAIMS = """\
source: brief
claims:

- n: 1
  quote: "Malaysia: From Ore to Refinery"
  modality: asserted
  negated: false
  draft: true
  # mentions: malaysia (Malaysia)

- n: 2
  quote: "Malaysia may lack heavy rare earths"
  modality: asserted
  negated: true
  draft: true
  # reading: "may" conceded → asserted; "lack" → negated
  # mentions: malaysia (Malaysia)

- n: 3
  quote: "but it refines ore for China"
  modality: asserted
  negated: false
  draft: true
  # mentions: china (China)

- n: 4
  quote: "Beijing is expected to keep its know-how at home"
  modality: expected
  negated: false
  draft: true
  # reading: "is expected to" → expected

- n: 5
  quote: "Vietnam is likely to export ore."
  modality: likely
  negated: false
  draft: true
  # reading: "is likely to" → likely
  # mentions: vietnam (Vietnam)

- n: 6
  quote: "Thailand could host magnet plants"
  modality: possible
  negated: false
  draft: true
  # reading: "could" → possible
  # mentions: thailand (Thailand)

- n: 7
  quote: "while Myanmar is unlikely to stop mining"
  modality: unlikely
  negated: false
  draft: true
  # reading: "is unlikely to" → unlikely
  # mentions: myanmar (Myanmar)

- n: 8
  quote: "Singapore does not mine ore for China"
  modality: asserted
  negated: true
  draft: true
  # reading: "not" → negated
  # mentions: singapore (Singapore), china (China)

- n: 9
  quote: "Vietnam: Ore Exporter"
  modality: asserted
  negated: false
  draft: true
  # mentions: vietnam (Vietnam)

- n: 10
  quote: "Vietnam is likely to export ore, rather"
  modality: likely
  negated: false
  draft: true
  # reading: "is likely to" → likely
  # mentions: vietnam (Vietnam)

- n: 11
  quote: "rather than refining it"
  modality: likely
  negated: true
  draft: true
  # reading: likely, carried over from "is likely to"; "rather than" → negated
"""

BRIEF_MESSAGE = (
    "rekg claims draft: wrote data/claims/brief.yaml: 11 candidate claims from 7 sentences "
    "(1 expected, 3 likely, 1 possible, 1 unlikely, 3 negated); review each and remove "
    "'draft: true'\n"
)


@pytest.fixture
def brief(scratch):
    (scratch.data / "sources" / "brief.txt").write_text(BRIEF, encoding="utf-8")
    return scratch


# --- cues ----------------------------------------------------------------------------------


def cues_of(text):
    return [(c.words, c.kind, c.value) for c in lexicon().cues(text)]


def test_cues_are_whole_words_longest_first_either_apostrophe():
    assert cues_of("China is unlikely to show willingness; it won’t, and Malaysia lacks ore") == [
        ("is unlikely to", "modality", "unlikely"),
        ("won’t", "modality", "expected"),
        ("won’t", "negation", "negated"),
        ("lacks", "negation", "negated"),
    ]


def test_phrases_that_neither_hedge_nor_deny_and_the_month_may():
    assert cues_of("It is not only cheap but no longer rare") == [
        ("no longer", "negation", "negated")
    ]
    assert cues_of("In May 2025 Malaysia may refine ore") == [("may", "modality", "possible")]
    assert cues_of("May it refine ore?") == [("May", "modality", "possible")]
    assert cues_of("Myanmar’s lack of domestic refining capacity") == [
        ("lack of", "negation", "negated")
    ]


# --- sentences -----------------------------------------------------------------------------


def test_sentences_line_by_line_headings_on_their_own_boilerplate_skipped():
    text = SourceText("brief", None, BRIEF).text
    found = [(s.line, s.heading, text[s.start : s.end]) for s in split_sentences(text, lexicon())]
    assert found == [
        (1, True, "Malaysia: From Ore to Refinery"),
        (2, False, "Malaysia may lack heavy rare earths, but it refines ore for China."),
        (
            2,
            False,
            "Beijing is expected to keep its know-how at home; Vietnam is likely to export ore.",
        ),
        (2, False, "Thailand could host magnet plants, while Myanmar is unlikely to stop mining."),
        (2, False, "Singapore does not mine ore for China."),
        (4, True, "Vietnam: Ore Exporter"),
        (5, False, "Vietnam is likely to export ore, rather than refining it."),
    ]


def test_the_article_headings_are_sentences_of_their_own(project):
    source = SourceText.read("a", project.data / "sources" / "china-sea-rare-earths.txt")
    headings = [
        source.text[s.start : s.end] for s in split_sentences(source.text, lexicon()) if s.heading
    ]
    assert headings == [
        "Malaysia: From Resource Holder to Processing Partner",
        "Vietnam: Securing Raw Materials, Building Future Optionality",
        "Myanmar: Critical Upstream Supply Under Complex Conditions",
        "Thailand: Strategic Balancer and Manufacturing Connector",
        "Singapore: Trade, Finance and Rare-Earth R&D",
    ]


def test_clauses_cut_at_connectives_but_not_inside_asides_lists_or_intro_phrases():
    text = (
        "Thailand, which hosts magnet makers, is unlikely to mine ore — and where possible "
        "exports — more ore, rather than refining it. "
        "In the near term, securing ore helps, and it could fund engineering, processing and "
        "mining, as it did in Laos. "
        "Myanmar is not only a miner but a trader — not through refining; instead, it will "
        "sell ore, reflecting Myanmar’s lack of refineries and China’s control."
    )
    reading = read_source(SourceText("t", None, text))
    assert [(c.opener, text[c.start : c.end], c.modality, c.negated) for c in reading.clauses] == [
        (
            "",
            "Thailand, which hosts magnet makers, is unlikely to mine ore — and where possible "
            "exports — more ore",
            "unlikely",
            False,
        ),
        ("rather than", "rather than refining it", "unlikely", True),
        ("", "In the near term, securing ore helps", "asserted", False),
        ("and", "it could fund engineering, processing and mining", "possible", False),
        ("as", "as it did in Laos", "asserted", False),
        ("", "Myanmar is not only a miner but a trader", "asserted", False),
        ("—", "not through refining", "asserted", True),
        (";", "instead, it will sell ore", "expected", False),
        ("participle", "reflecting Myanmar’s lack of refineries", "asserted", True),
        ("and", "China’s control", "asserted", False),
    ]


# --- the draft file --------------------------------------------------------------------------


def test_draft_writes_the_claim_file_exactly(brief):
    result = run_cli("claims", "draft", "brief", cwd=brief.root)
    assert result.returncode == 0, result.stderr
    assert result.stderr == BRIEF_MESSAGE
    assert result.stdout == ""
    text = (brief.data / "claims" / "brief.yaml").read_text(encoding="utf-8")
    header, body = text.split("source: brief\n")
    assert header.startswith(
        "# DRAFT: the claims of data/sources/brief.txt as `rekg claims draft` first read them, "
        "one\n# candidate claim per clause."
    )
    assert "#   4. remove `draft: true`.\n" in header
    assert all(line.startswith("#") for line in header.splitlines())
    assert "source: brief\n" + body == BRIEF_CLAIMS


def test_every_drafted_quote_of_the_article_occurs_once(project):
    draft = draft_source(project, "china-sea-rare-earths")
    source = SourceText.read("a", project.data / "sources" / "china-sea-rare-earths.txt")
    assert [c.n for c in draft.candidates] == list(range(1, len(draft.candidates) + 1))
    assert all(len(source.occurrences(c.quote)) == 1 for c in draft.candidates)
    assert draft.sentences == 44  # 45 lines' sentences less "Read more about Rare Earths here"


def test_an_existing_claim_file_is_never_replaced_without_force(brief):
    target = brief.data / "claims" / "brief.yaml"
    target.write_bytes(b"source: brief\nclaims: []\n# by hand\n")
    before = target.read_bytes()
    result = run_cli("claims", "draft", "brief", cwd=brief.root)
    assert result.returncode == 2
    assert target.read_bytes() == before
    assert result.stderr == (
        "rekg: data/claims/brief.yaml: the source has a claim file already; drafting would "
        "replace its claims\n"
        "  fix: review and edit that file, or pass --force to replace it with a new draft\n"
    )
    result = run_cli("claims", "draft", "brief", "--force", cwd=brief.root)
    assert result.returncode == 0, result.stderr
    assert result.stderr == BRIEF_MESSAGE
    assert target.read_text(encoding="utf-8").endswith(BRIEF_CLAIMS)


def test_an_unknown_source_is_refused_with_the_known_ones(brief):
    result = run_cli("claims", "draft", "brief-typo", cwd=brief.root)
    assert result.returncode == 2
    assert result.stderr == (
        "rekg: unknown source 'brief-typo': no data/sources/brief-typo.txt; known sources: "
        "brief, china-sea-rare-earths\n"
        "  fix: give one of the known slugs, or add the source's text first\n"
    )
    assert not (brief.data / "claims" / "brief-typo.yaml").exists()


@pytest.mark.slow
def test_an_unedited_draft_builds(scratch, tmp_path):
    for name in ("mainland-brief.txt", "mainland-brief.ttl"):
        shutil.copy(SECOND / name, scratch.data / "sources" / name)
    result = run_cli("claims", "draft", "mainland-brief", cwd=scratch.root)
    assert result.returncode == 0, result.stderr
    assert result.stderr == (
        "rekg claims draft: wrote data/claims/mainland-brief.yaml: 13 candidate claims from 10 "
        "sentences (1 expected, 0 likely, 1 possible, 2 unlikely, 2 negated); review each and "
        "remove 'draft: true'\n"
    )
    result = run_cli("validate", cwd=scratch.root)
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout.splitlines()[-1] == (
        "Checked 15 SHACL node shapes, SPARQL checks, 113 quotes: conforms."
    )
    result = run_cli("build", "--out", str(tmp_path / "out"), cwd=scratch.root)
    assert result.returncode == 0, result.stderr


# --- evaluation against hand-annotated claims ---------------------------------------------


def test_evaluate_matches_each_gold_claim_to_the_draft_overlapping_it_most():
    text = "Ana sells ore, but Bo may not buy it. Cy will mine. Di rests."
    drafted = [
        {"n": 1, "quote": "Ana sells ore", "modality": "asserted", "negated": False},
        {"n": 2, "quote": "but Bo may not buy it", "modality": "possible", "negated": True},
        {"n": 3, "quote": "Cy will mine", "modality": "expected", "negated": False},
        {"n": 4, "quote": "Di rests", "modality": "asserted", "negated": False},
    ]
    gold = [
        # overlaps 1 (13 characters) and 2 ("but": 3): matched to 1
        {"n": 1, "quote": "Ana sells ore, but", "modality": "asserted"},
        {"n": 2, "quote": "Bo may not buy it", "modality": "asserted", "negated": True},
        {"n": 3, "quote": "Cy will mine", "modality": "expected", "negated": True},
        {"n": 4, "quote": "absent from the text", "modality": "asserted"},
    ]
    result = evaluate(drafted, gold, text)
    assert [(m.gold, m.drafted) for m in result.matches] == [(1, 1), (2, 2), (3, 3)]
    assert result.missed == (4,)
    assert result.coverage == 0.75
    assert result.modality_agreement == 2 / 3  # gold 2 asserted, drafted possible
    assert result.negation_agreement == 2 / 3  # gold 3 negated, drafted not
    assert result.identical == 1  # "Cy will mine"
    assert result.useful == 3  # draft 4 overlaps no gold claim
    assert [m.gold for m in result.disagreements()] == [2, 3]


def test_compare_reports_the_agreement_with_the_annotated_claims(tmp_path):
    project = with_second_source(tmp_path)
    result = run_cli("claims", "draft", "mainland-brief", "--compare", cwd=project.root)
    assert result.returncode == 0, result.stderr
    assert result.stdout == (
        "mainland-brief: 13 candidate claims drafted, compared with the 12 claims of "
        "data/claims/mainland-brief.yaml\n"
        "  coverage  12 of 12 (100.0%) claims overlap a candidate\n"
        "  modality  12 of 12 (100.0%) matched claims agree\n"
        "  negation  12 of 12 (100.0%) matched claims agree\n"
        "  quotes    10 of 12 (83.3%) matched quotes identical; 12 of 13 (92.3%) candidates "
        "overlap a claim\n"
    )
    # nothing written
    assert (project.data / "claims" / "mainland-brief.yaml").read_bytes() == (
        SECOND / "mainland-brief.yaml"
    ).read_bytes()
