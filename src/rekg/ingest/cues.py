"""Reading a source's words for hedges and denials, with the lexicon in cues.yaml: the text
split into sentences (line by line, pySBD within a line) and clauses, and each clause's
modality and negation read from its cue words. Drafting (draft.py) and `rekg lint`
(lint.py) share this one reading, so they never disagree on where a sentence or a clause
ends, nor on what a clause says.

A cue is a word or phrase of the lexicon found in a text as whole words, case-insensitively,
straight and curly apostrophes alike; where phrases overlap the longest wins, and a phrase
of the lexicon's `ignore` list ("not only") consumes its words so that nothing inside it is
a cue. A clause's modality is its first cue, except a conceded "may ..., but" (asserted);
a clause without a cue that depends on a hedged one (the lexicon's `clauses: inherit`)
takes its hedge."""

import re
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

from rekg.core.errors import InputSyntaxError
from rekg.ingest.files import load_yaml
from rekg.ingest.sources import SourceText

LEXICON = Path(__file__).with_name("cues.yaml")
MODALITIES = ("asserted", "expected", "likely", "possible", "unlikely")
NEGATED = "negated"

# the apostrophes a word may be written with; a lexicon entry's "'" matches either
_APOSTROPHES = "'\u2019"
# a word character, or a hyphen or apostrophe inside a word: a cue never starts or ends there
_WORDISH = r"[\w\-'\u2019]"


@dataclass(frozen=True)
class Cue:
    """A cue found in a text: its span (offsets into the text searched, plus the offset
    given), what it reads as ('modality' with the modality's name, or 'negation' with
    'negated') and the words as written."""

    start: int
    end: int
    kind: str
    value: str
    words: str


@dataclass(frozen=True)
class ClauseRules:
    after_comma: tuple[str, ...]
    anywhere: tuple[str, ...]
    sentence_openers: tuple[str, ...]
    inherit: frozenset[str]
    inherit_forward: frozenset[str]
    adjunct_participles: frozenset[str]
    ing_nouns: frozenset[str]
    clause_starters: frozenset[str]
    verbs: frozenset[str]
    intro_prepositions: frozenset[str]
    as_auxiliaries: tuple[str, ...]


@dataclass(frozen=True, eq=False)
class Lexicon:
    modality: dict[str, str]  # phrase (normalised) -> modality
    negation: frozenset[str]
    ignore: frozenset[str]
    ignore_capitalised: frozenset[str]
    concessive_hedges: frozenset[str]
    concessive_followers: frozenset[str]
    concessive_openers: frozenset[str]
    clauses: ClauseRules
    boilerplate: tuple[str, ...]
    pattern: re.Pattern

    @classmethod
    def read(cls, path: Path = LEXICON) -> "Lexicon":
        display = path.name
        _root, data = load_yaml(path, display, "the cue lexicon")
        data = data or {}

        def words(value) -> list[str]:
            return [normalise(str(w)) for w in (value or [])]

        modality = {}
        for name, phrases in (data.get("modality") or {}).items():
            if name not in MODALITIES:
                raise InputSyntaxError(
                    f"unknown modality {name!r} in the lexicon",
                    place=display,
                    remedy=f"use one of {', '.join(MODALITIES)}",
                )
            for phrase in words(phrases):
                modality[phrase] = name
        negation = frozenset(words(data.get("negation")))
        ignore = frozenset(words(data.get("ignore")))
        concessive = data.get("concessive") or {}
        c = data.get("clauses") or {}
        rules = ClauseRules(
            after_comma=tuple(words(c.get("after_comma"))),
            anywhere=tuple(words(c.get("anywhere"))),
            sentence_openers=tuple(words(c.get("sentence_openers"))),
            inherit=frozenset(words(c.get("inherit"))),
            inherit_forward=frozenset(words(c.get("inherit_forward"))),
            adjunct_participles=frozenset(words(c.get("adjunct_participles"))),
            ing_nouns=frozenset(words(c.get("ing_nouns"))),
            clause_starters=frozenset(words(c.get("clause_starters"))),
            verbs=frozenset(words(c.get("verbs"))),
            intro_prepositions=frozenset(words(c.get("intro_prepositions"))),
            as_auxiliaries=tuple(words(c.get("as_auxiliaries"))),
        )
        phrases = sorted(set(modality) | negation | ignore, key=lambda p: (-len(p), p))
        pattern = re.compile(
            "|".join(f"(?<!{_WORDISH}){phrase_pattern(p)}(?!{_WORDISH})" for p in phrases),
            re.IGNORECASE,
        )
        return cls(
            modality=modality,
            negation=negation,
            ignore=ignore,
            ignore_capitalised=frozenset(words(data.get("ignore_capitalised"))),
            concessive_hedges=frozenset(words(concessive.get("hedges"))),
            concessive_followers=frozenset(words(concessive.get("followed_by"))),
            concessive_openers=frozenset(words(concessive.get("opened_by"))),
            clauses=rules,
            boilerplate=tuple(words(data.get("boilerplate"))),
            pattern=pattern,
        )

    def cues(self, text: str, offset: int = 0) -> list[Cue]:
        """The cues of a sentence (or any text that starts one), in order, with their spans
        shifted by `offset`. A phrase may be both kinds ("won't": expected and negated)."""
        found = []
        for match in self.pattern.finditer(text):
            words = match.group(0)
            phrase = normalise(words)
            if phrase in self.ignore:
                continue
            if (
                phrase in self.ignore_capitalised
                and words[:1].isupper()
                and text[: match.start()].strip(' "“‘(') != ""
            ):
                continue
            start, end = offset + match.start(), offset + match.end()
            if phrase in self.modality:
                found.append(Cue(start, end, "modality", self.modality[phrase], words))
            if phrase in self.negation:
                found.append(Cue(start, end, "negation", NEGATED, words))
        return found

    def is_boilerplate(self, line: str) -> bool:
        """Whether a line is no statement of the source (the lexicon's `boilerplate`)."""
        head = normalise(line)
        for start in self.boilerplate:
            if head.startswith(start) and (
                len(head) == len(start) or not start[-1].isalnum() or not head[len(start)].isalnum()
            ):
                return True
        return False


def normalise(phrase: str) -> str:
    """A phrase as the lexicon keys it: lower case, one space between words, "'" for
    apostrophes."""
    for apostrophe in _APOSTROPHES[1:]:
        phrase = phrase.replace(apostrophe, "'")
    return " ".join(phrase.lower().split())


def phrase_pattern(phrase: str) -> str:
    """The regular expression of a lexicon phrase: its words with any white space between,
    either apostrophe where it has one."""
    parts = []
    for word in phrase.split(" "):
        parts.append("".join(f"[{_APOSTROPHES}]" if ch == "'" else re.escape(ch) for ch in word))
    return r"\s+".join(parts)


@cache
def lexicon() -> Lexicon:
    """The package's lexicon, read once per process."""
    return Lexicon.read()


# --- reading a source: sentences, clauses, and each clause's modality and negation ----

_TERMINAL = ".!?…:;"
_CLOSERS = "\"”’')]"
EDGE = " \t,;:—–-"
_DASH = re.compile(r"\s+[—–]\s+|(?<=\w)—(?=\w)")


@cache
def _segmenter():
    """pySBD's English segmenter, built once per process (building it compiles its rules)."""
    import pysbd

    return pysbd.Segmenter(language="en", clean=False, char_span=True)


@dataclass(frozen=True)
class Sentence:
    """A sentence of a source, or a heading: its span in the NFC text and its line (1-based)."""

    start: int
    end: int
    line: int
    heading: bool


@dataclass
class Clause:
    """A clause of a sentence and its reading. `opener` is the connective that opened it
    ('' for a sentence's first clause unless a subordinator opens the sentence, ';', ':',
    '—', 'and', 'participle', or a connective of the lexicon such as 'but' or 'rather than')."""

    start: int
    end: int
    sentence: int
    opener: str
    cues: list[Cue] = field(default_factory=list)
    modality: str = "asserted"
    negated: bool = False
    # why: the cue that gave the modality, and how ('own', 'concession', 'inherited')
    modality_cue: Cue | None = None
    how: str = ""
    concessive: list[Cue] = field(default_factory=list)
    participle: str = ""

    def negations(self) -> list[Cue]:
        return [c for c in self.cues if c.kind == "negation"]


@dataclass
class Reading:
    """A source read into sentences and clauses."""

    source: SourceText
    sentences: list[Sentence]
    clauses: list[Clause]

    def clauses_of(self, index: int) -> list[Clause]:
        return [c for c in self.clauses if c.sentence == index]


def read_source(source: SourceText, lex: Lexicon | None = None) -> Reading:
    """Split a source into sentences (line by line, pySBD within a line) and clauses, and
    read each clause's modality and negation."""
    lex = lex or lexicon()
    sentences = split_sentences(source.text, lex)
    clauses: list[Clause] = []
    for index, sentence in enumerate(sentences):
        clauses.extend(_read_sentence(source.text, index, sentence, lex))
    return Reading(source, sentences, clauses)


# --- sentences ---------------------------------------------------------------------------


def split_sentences(text: str, lex: Lexicon) -> list[Sentence]:
    """The sentences and headings of a text: each line on its own (a heading is a line of
    one sentence without closing punctuation), pySBD's sentences within a line. Empty lines
    and the lexicon's boilerplate lines ("Read more ...") are skipped."""
    found, offset = [], 0
    for number, line in enumerate(text.split("\n"), start=1):
        start = offset
        offset += len(line) + 1
        if not line.strip() or lex.is_boilerplate(line):
            continue
        spans = _line_sentences(line)
        closed = line.rstrip().rstrip(_CLOSERS)[-1:] in _TERMINAL
        heading = len(spans) == 1 and not closed
        for s, e in spans:
            found.append(Sentence(start + s, start + e, number, heading))
    return found


def _line_sentences(line: str) -> list[tuple[int, int]]:
    """pySBD's sentence spans in a line, trimmed of white space. Its spans are checked
    against the line (a repeated sentence can get the span of its first occurrence) and
    found again from the running position when they do not match."""
    spans, cursor = [], 0
    for piece in _segmenter().segment(line):
        s, e = piece.start, piece.end
        if line[s:e] != piece.sent or s < cursor:
            s = line.find(piece.sent, cursor)
            if s < 0:
                continue
            e = s + len(piece.sent)
        cursor = e
        body = line[s:e]
        lead = len(body) - len(body.lstrip())
        s, e = s + lead, s + len(body.rstrip())
        if e > s:
            spans.append((s, e))
    return spans


# --- clauses ------------------------------------------------------------------------------


def _phrases(words) -> str:
    return "|".join(phrase_pattern(p) for p in sorted(words, key=lambda p: (-len(p), p)))


@cache
def _clause_patterns(lex: Lexicon) -> dict[str, re.Pattern]:
    r = lex.clauses
    end = f"(?!{_WORDISH})"
    return {
        "opener": re.compile(rf"(?:{_phrases(r.sentence_openers)}){end}", re.IGNORECASE),
        "intro": re.compile(rf"(?:{_phrases(r.intro_prepositions)}){end}", re.IGNORECASE),
        "after_comma": re.compile(rf",\s+((?:{_phrases(r.after_comma)})){end}", re.IGNORECASE),
        "anywhere": re.compile(rf"(?<=[\w’'\"”)])\s+((?:{_phrases(r.anywhere)})){end}"),
        "participle": re.compile(r",\s+(?:and\s+)?([a-z]+ing)(?![\w\-'’])"),
        "and_clause": re.compile(r",\s+and\s+([\w’']+)(?:\s+([\w’']+))?"),
        "and_comma": re.compile(r"\s+and,\s+"),
        "and_possessive": re.compile(r"\s+and\s+(?=[A-Z][\w-]*['’]s(?!\w))"),
        # a comparison with what someone did: "... to Malaysia, as it did to Laos"
        "as_did": re.compile(
            rf"(?:,\s+|\s+)(as)\s+(?:[\w’']+\s+){{1,3}}(?:{_phrases(r.as_auxiliaries)}){end}"
        ),
        "semicolon": re.compile(r";\s+"),
        "colon": re.compile(r"(?<!\d):\s+"),
    }


def _protected(s: str) -> list[tuple[int, int]]:
    """Spans whose inside is never cut: an aside between two dashes, brackets, quoted speech."""
    spans = []
    dashes = list(_DASH.finditer(s))
    for first, second in zip(dashes[::2], dashes[1::2], strict=False):
        spans.append((first.start(), second.end()))
    for pattern in (r"\([^()]*\)", r"“[^“”]*”", r'"[^"]*"'):
        spans.extend((m.start(), m.end()) for m in re.finditer(pattern, s))
    return spans


def _cuts(s: str, lex: Lexicon) -> tuple[str, list[tuple[int, int, str, str]]]:
    """Where a sentence is cut into clauses: (the first clause's opener, and for each cut
    the start of the text dropped, the start of the next clause, its opener, and for a
    participle the word)."""
    r, p = lex.clauses, _clause_patterns(lex)
    cuts: list[tuple[int, int, str, str]] = []
    first_opener = ""
    first_comma = s.find(", ")
    if m := p["opener"].match(s):
        first_opener = normalise(m.group(0))
        if first_comma > 0:
            cuts.append((first_comma, first_comma + 2, ",", ""))
    # an introductory phrase ("In the near term, ...") ends at a comma that cuts nothing
    quiet_comma = first_comma if p["intro"].match(s) else -1
    dashes = list(_DASH.finditer(s))
    if len(dashes) % 2 == 1:
        last = dashes[-1]
        cuts.append((last.start(), last.end(), "—", ""))
    for m in p["as_did"].finditer(s):
        cuts.append((m.start(), m.start(1), "as", ""))
    for m in p["semicolon"].finditer(s):
        cuts.append((m.start(), m.end(), ";", ""))
    for m in p["colon"].finditer(s):
        cuts.append((m.start(), m.end(), ":", ""))
    for m in p["after_comma"].finditer(s):
        cuts.append((m.start(), m.start(1), normalise(m.group(1)), ""))
    for m in p["anywhere"].finditer(s):
        if m.start() > 0:
            cuts.append((m.start(), m.start(1), normalise(m.group(1)), ""))
    for m in p["participle"].finditer(s):
        word = m.group(1)
        if word not in r.ing_nouns and m.start() != quiet_comma:
            cuts.append((m.start(), m.start(1), "participle", word))
    for m in p["and_clause"].finditer(s):
        word, following = m.group(1), m.group(2) or ""
        starts_clause = normalise(word) in r.clause_starters or (
            word[:1].isupper()
            and (normalise(following) in r.verbs or re.fullmatch(r"[a-z]+(?:s|ed)", following))
        )
        if starts_clause and m.start() != quiet_comma:
            cuts.append((m.start(), m.start(1), "and", ""))
    for name in ("and_comma", "and_possessive"):
        for m in p[name].finditer(s):
            cuts.append((m.start(), m.end(), "and", ""))
    # ", which ...," before the main verb is an aside: "Thailand, which hosts magnet makers,
    # is unlikely to ..." (unless a cut follows its comma: "..., which could ease it, but")
    begins = {cut[1] for cut in cuts}
    for cut in [c for c in cuts if c[2] == "which"]:
        comma = s.find(", ", cut[1])
        if comma != -1 and comma + 2 not in begins:
            cuts.remove(cut)
    inside = _protected(s)
    kept: dict[int, tuple[int, int, str, str]] = {}
    for cut in sorted(cuts):
        drop, begin = cut[0], cut[1]
        if begin <= 0 or begin >= len(s) or any(a < drop < b for a, b in inside):
            continue
        if begin not in kept:  # the same clause start found by two rules: the earlier cut
            kept[begin] = cut
    return first_opener, sorted(kept.values(), key=lambda c: c[1])


def _read_sentence(text: str, index: int, sentence: Sentence, lex: Lexicon) -> list[Clause]:
    s = text[sentence.start : sentence.end]
    if sentence.heading:
        pieces = [(0, len(s), "", "")]
    else:
        first_opener, cuts = _cuts(s, lex)
        pieces, begin, opener, word = [], 0, first_opener, ""
        for drop, next_begin, next_opener, next_word in cuts:
            if drop < begin:
                continue
            pieces.append((begin, drop, opener, word))
            begin, opener, word = next_begin, next_opener, next_word
        pieces.append((begin, len(s), opener, word))
    clauses = []
    for begin, end, opener, word in pieces:
        a, b = trim(s, begin, end)
        if b > a:
            clauses.append(
                Clause(sentence.start + a, sentence.start + b, index, opener, participle=word)
            )
    cues = lex.cues(s, sentence.start)
    for cue in cues:
        for clause in clauses:
            if clause.start <= cue.start < clause.end:
                clause.cues.append(cue)
                break
    _read_modality(clauses, lex)
    return clauses


def _inherits(clause: Clause, lex: Lexicon) -> bool:
    if clause.opener == "participle":
        return clause.participle not in lex.clauses.adjunct_participles
    return clause.opener in lex.clauses.inherit


def _read_modality(clauses: list[Clause], lex: Lexicon) -> None:
    """Each clause's modality: its first cue; a conceded hedge ("may ..., but") reads as
    asserted; a clause without a cue that depends on a hedged one takes its hedge."""
    decided = []
    for i, clause in enumerate(clauses):
        clause.negated = bool(clause.negations())
        hedges = [c for c in clause.cues if c.kind == "modality"]
        conceded = clause.opener in lex.concessive_openers or any(
            later.opener in lex.concessive_followers for later in clauses[i + 1 :]
        )
        clause.concessive = [
            c for c in hedges if conceded and normalise(c.words) in lex.concessive_hedges
        ]
        own = [c for c in hedges if c not in clause.concessive]
        if own:
            clause.modality, clause.modality_cue, clause.how = own[0].value, own[0], "own"
        elif clause.concessive:
            clause.modality, clause.modality_cue = "asserted", clause.concessive[0]
            clause.how = "concession"
        decided.append(bool(clause.how))
    if (
        len(clauses) > 1
        and not decided[0]
        and clauses[0].opener in lex.clauses.inherit_forward
        and decided[1]
    ):
        _inherit(clauses[0], clauses[1])
    for i in range(1, len(clauses)):
        if not clauses[i].how and _inherits(clauses[i], lex):
            _inherit(clauses[i], clauses[i - 1])


def _inherit(clause: Clause, governor: Clause) -> None:
    clause.modality = governor.modality
    clause.modality_cue = governor.modality_cue
    clause.how = "inherited"


def trim(s: str, start: int, end: int) -> tuple[int, int]:
    """A span of `s` without white space and punctuation at its edges: a final full stop
    goes (unless the last word is an abbreviation such as "U.S."), and so do quotation
    marks and brackets left unpaired by a cut."""
    while True:
        before = (start, end)
        while start < end and s[start] in EDGE:
            start += 1
        while end > start and s[end - 1] in EDGE:
            end -= 1
        if end > start and s[end - 1] == ".":
            last = s[start:end].split()[-1]
            if "." not in last[:-1]:
                end -= 1
        piece = s[start:end]
        for opening, closing in (("“", "”"), ("(", ")"), ("‘", "’")):
            if piece.startswith(opening) and closing not in piece:
                start += 1
            if piece.endswith(closing) and opening not in piece and closing != "’":
                end -= 1
        if piece.count('"') % 2 == 1:
            if piece.startswith('"'):
                start += 1
            elif piece.endswith('"'):
                end -= 1
        if (start, end) == before:
            return start, end


def explain(clause: Clause) -> str:
    """Which words the clause's reading came from, for the annotator."""
    parts = []
    cue = clause.modality_cue
    if clause.how == "own":
        parts.append(f'"{cue.words}" → {clause.modality}')
    elif clause.how == "concession":
        parts.append(f'"{cue.words}" conceded → asserted')
    elif clause.how == "inherited" and cue is not None:
        parts.append(f'{clause.modality}, carried over from "{cue.words}"')
    for negation in clause.negations():
        parts.append(f'"{negation.words}" → negated')
    return "; ".join(parts)
