"""Drafting a claim file from a source text: the source read into sentences and clauses
(cues.py: the same reading `rekg lint` uses), one candidate claim per clause with the
modality and negation read from its cue words, each quote made unique, the entities it
mentions, and the YAML text of data/claims/<slug>.yaml, every claim marked `draft: true`.
`evaluate` compares a draft with a hand-annotated claim file (the gold standard)."""

import json
import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path

from rekg.core.errors import UsageError
from rekg.core.project import Project, write_atomic
from rekg.ingest.cues import (
    EDGE,
    MODALITIES,
    Reading,
    Sentence,
    explain,
    normalise,
    phrase_pattern,
    read_source,
    trim,
)
from rekg.ingest.sources import SourceText

_WORD = re.compile(r"\S+")

# the end of a line that closes a sentence; a line ending otherwise is a heading when pySBD
# finds one sentence in it ("Malaysia: From Resource Holder to Processing Partner")
# --- candidate claims ---------------------------------------------------------------------


@dataclass(frozen=True)
class Entity:
    slug: str
    labels: tuple[str, ...]
    types: tuple[str, ...]


@dataclass(frozen=True)
class Candidate:
    n: int
    quote: str
    start: int
    modality: str
    negated: bool
    reading: str
    mentions: tuple[tuple[str, str], ...]
    items: tuple[str, ...]


@dataclass(frozen=True)
class Draft:
    slug: str
    path: Path
    text: str
    candidates: tuple[Candidate, ...]
    sentences: int

    def count(self, modality: str) -> int:
        return sum(1 for c in self.candidates if c.modality == modality)

    @property
    def negated(self) -> int:
        return sum(1 for c in self.candidates if c.negated)


# places and times are named in lists without being one claim each
_NOT_ITEMS = {"Country", "Region", "City", "TimeFrame", "Person", "Organisation", "Company"}


def read_entities(path: Path, display: str) -> list[Entity]:
    """The entities of data/entities.ttl with their rdfs:label and skos:altLabel values and
    their classes (local names); none when there is no such file."""
    import pyoxigraph as ox

    from rekg.graph.rdfio import parse_turtle

    label = "http://www.w3.org/2000/01/rdf-schema#label"
    alt = "http://www.w3.org/2004/02/skos/core#altLabel"
    kind = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
    base = "https://w3id.org/rekg/id/"
    labels: dict[str, list[str]] = {}
    types: dict[str, list[str]] = {}
    if not path.is_file():
        return []
    triples = parse_turtle(path, display)
    for t in triples:
        s = t.subject
        if not isinstance(s, ox.NamedNode) or not s.value.startswith(base):
            continue
        slug = s.value[len(base) :]
        if t.predicate.value in (label, alt) and isinstance(t.object, ox.Literal):
            labels.setdefault(slug, []).append(t.object.value)
        elif t.predicate.value == kind:
            types.setdefault(slug, []).append(t.object.value.rsplit("#", 1)[-1])
    return [
        Entity(slug, tuple(sorted(set(ls))), tuple(sorted(set(types.get(slug, [])))))
        for slug, ls in sorted(labels.items())
    ]


class Mentions:
    """Finds the entities named in a text by their labels: whole words, case-insensitively,
    a space and a hyphen alike ("rare earth" and "rare-earth"), the longest label first."""

    def __init__(self, entities: list[Entity]):
        self.by_label: dict[str, Entity] = {}
        for entity in entities:
            for text in entity.labels:
                self.by_label.setdefault(self._key(text), entity)
        labels = sorted(self.by_label, key=lambda k: (-len(k), k))
        parts = [r"[\s\-]+".join(phrase_pattern(w) for w in k.split(" ")) for k in labels]
        self.pattern = (
            re.compile(rf"(?<!\w)(?:{'|'.join(parts)})(?!\w)", re.IGNORECASE) if parts else None
        )

    @staticmethod
    def _key(text: str) -> str:
        return " ".join(normalise(text).replace("-", " ").split())

    def find(self, text: str) -> list[tuple[Entity, str]]:
        if self.pattern is None:
            return []
        seen, found = set(), []
        for m in self.pattern.finditer(text):
            entity = self.by_label.get(self._key(m.group(0)))
            if entity is not None and entity.slug not in seen:
                seen.add(entity.slug)
                found.append((entity, m.group(0)))
        return found


def candidates(reading: Reading, mentions: Mentions) -> list[Candidate]:
    """One candidate claim per clause, numbered from 1, each quote unique in the source."""
    text = reading.source.text
    found = []
    for clause in reading.clauses:
        sentence = reading.sentences[clause.sentence]
        start, end = unique_span(text, clause.start, clause.end, sentence)
        quote = text[start:end]
        named = mentions.find(quote)
        groups: dict[str, list[str]] = {}
        for entity, _words in named:
            for kind in entity.types:
                if kind not in _NOT_ITEMS:
                    groups.setdefault(kind, []).append(entity.slug)
        items = next((tuple(g) for g in groups.values() if len(g) > 1), ())
        found.append(
            Candidate(
                n=len(found) + 1,
                quote=quote,
                start=start,
                modality=clause.modality,
                negated=clause.negated,
                reading=explain(clause),
                mentions=tuple((e.slug, words) for e, words in named),
                items=items,
            )
        )
    return found


def unique_span(text: str, start: int, end: int, sentence: Sentence) -> tuple[int, int]:
    """The span itself when its text occurs once in `text`; else the span extended with
    neighbouring words until it does: to the right, then to the left, first within its
    sentence, then beyond."""
    if _once(text, start, end):
        return start, end
    line_start = text.rfind("\n", 0, sentence.start) + 1
    line_end = text.find("\n", sentence.end)
    line_end = len(text) if line_end < 0 else line_end
    for lo, hi in ((sentence.start, sentence.end), (line_start, line_end), (0, len(text))):
        s, e = start, end
        while True:
            m = _WORD.search(text, e)
            if m is None or m.end() > hi:
                break
            e = m.end()
            for span in _tidy(text, s, e):
                if span[1] > end and _once(text, *span):
                    return span
        while True:
            before = text[lo:s].rstrip()
            if not before:
                break
            s = lo + len(before) - len(before.split()[-1])
            for span in _tidy(text, s, e):
                if span[0] < start and _once(text, *span):
                    return span
    return start, end  # the whole text repeats itself: nothing to extend to


def _tidy(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """A span trimmed of edge punctuation, then as it is when it ends on a full stop or a
    word (never on a comma, a colon or a dash)."""
    spans = [trim(text, start, end)]
    if text[start] not in EDGE and text[end - 1] not in EDGE:
        spans.append((start, end))
    return spans


def _once(text: str, start: int, end: int) -> bool:
    """Whether text[start:end] occurs exactly once in `text`: two searches at most, where
    counting every occurrence made drafting a source that repeats itself quadratic."""
    quote = text[start:end]
    at = text.find(quote) if quote else -1
    return at != -1 and text.find(quote, at + 1) == -1


# --- the YAML text -------------------------------------------------------------------------

HEADER = """\
# DRAFT: the claims of data/sources/{slug}.txt as `rekg claims draft` first read them, one
# candidate claim per clause. No annotator has reviewed them yet: each carries `draft: true`,
# so it builds (quote, modality, negation) but never yields a plain triple, and `rekg lint`
# lists it.
#
# To review a claim:
#   1. check the quote: one clause that says something distinct, verbatim, occurring exactly
#      once in the source; split, merge or delete candidates as the text asks ("X, Y and Z"
#      may be one claim per item, each with the same quote);
#   2. check modality and negated against the words (docs/authoring.md, "Reading hedges and
#      denials from the words"); `# reading:` names the cue words they were read from;
#   3. add subject, predicate and object where the clause relates two modelled things (all
#      three or none), and time, speaker, counterpart, event or about where they apply;
#      `# mentions:` lists the entities of data/entities.ttl the quote names, in order;
#   4. remove `draft: true`.
# Then `rekg lint` and `rekg validate`. Once published, never renumber: n gives the claim's
# IRI; a new claim takes the next free number.
#
# Fields (see docs/authoring.md):
#   n           the claim's number in this source; gives its IRI .../claim/<source>-<nnn>.
#   quote       verbatim text of the source, curly quotes and dashes as written; must occur
#               exactly once in the source.
#   subject, predicate, object
#               short names (data/entities.ttl slugs, ontology property local names); all
#               three or none.
#   modality    asserted | expected | likely | possible | unlikely, from the words themselves.
#   negated     true where the source denies the relation ("lacks", "not", "rather than").
#   draft       true until an annotator has reviewed the claim.
source: {slug}
claims:
"""


def render(slug: str, found: list[Candidate]) -> str:
    """The claim file's text: the header, then each candidate with its reading and mentions
    as comments (never as fields: a draft builds unedited)."""
    out = [HEADER.format(slug=slug).rstrip("\n")]
    for c in found:
        out.append("")
        out.append(f"- n: {c.n}")
        out.append(f"  quote: {json.dumps(c.quote, ensure_ascii=False)}")
        out.append(f"  modality: {c.modality}")
        out.append(f"  negated: {'true' if c.negated else 'false'}")
        out.append("  draft: true")
        if c.reading:
            out.append(f"  # reading: {c.reading}")
        if c.mentions:
            named = ", ".join(f"{slug} ({words})" for slug, words in c.mentions)
            out.append(f"  # mentions: {named}")
        if c.items:
            out.append(f"  # a list: one claim per item? {', '.join(c.items)}")
    return "\n".join(out) + "\n"


def source_slugs(project: Project) -> list[str]:
    return sorted(p.stem for p in (project.data / "sources").glob("*.txt"))


def source_of(project: Project, slug: str) -> SourceText:
    path = project.data / "sources" / f"{slug}.txt"
    if not path.is_file():
        known = ", ".join(source_slugs(project)) or "none"
        raise UsageError(
            f"unknown source {slug!r}: no data/sources/{slug}.txt; known sources: {known}",
            remedy="give one of the known slugs, or add the source's text first",
        )
    return SourceText.read(slug, path, project.relative(path))


def draft_source(project: Project, slug: str) -> Draft:
    """The draft claim file of a source, in memory."""
    source = source_of(project, slug)
    reading = read_source(source)
    entities = project.data / "entities.ttl"
    mentions = Mentions(read_entities(entities, project.relative(entities)))
    found = candidates(reading, mentions)
    path = project.data / "claims" / f"{slug}.yaml"
    return Draft(slug, path, render(slug, found), tuple(found), len(reading.sentences))


def write_draft(project: Project, slug: str, force: bool = False) -> Draft:
    """Draft a source's claim file and write it; refuse to replace one without `force`."""
    draft = draft_source(project, slug)
    if draft.path.exists() and not force:
        raise UsageError(
            "the source has a claim file already; drafting would replace its claims",
            place=project.relative(draft.path),
            remedy="review and edit that file, or pass --force to replace it with a new draft",
        )
    write_atomic(draft.path, draft.text.encode("utf-8"))
    return draft


# --- evaluation against a gold standard ---------------------------------------------------


@dataclass(frozen=True)
class Match:
    gold: int
    drafted: int
    quote: str
    gold_modality: str
    drafted_modality: str
    gold_negated: bool
    drafted_negated: bool


@dataclass(frozen=True)
class Evaluation:
    """How a draft compares with hand-annotated claims: `matches` pairs each gold claim with
    the drafted claim whose quote overlaps it most; `missed` are gold claims overlapping none."""

    gold: int
    drafted: int
    matches: tuple[Match, ...]
    missed: tuple[int, ...]
    identical: int  # matched pairs whose quotes are the same
    useful: int  # drafted claims whose quote overlaps some gold claim's

    @property
    def coverage(self) -> float:
        return len(self.matches) / self.gold if self.gold else 0.0

    @property
    def modality_agreement(self) -> float:
        same = sum(1 for m in self.matches if m.gold_modality == m.drafted_modality)
        return same / len(self.matches) if self.matches else 0.0

    @property
    def negation_agreement(self) -> float:
        same = sum(1 for m in self.matches if m.gold_negated == m.drafted_negated)
        return same / len(self.matches) if self.matches else 0.0

    def disagreements(self) -> list[Match]:
        return [
            m
            for m in self.matches
            if m.gold_modality != m.drafted_modality or m.gold_negated != m.drafted_negated
        ]


def evaluate(drafted: list[dict], gold: list[dict], text: str) -> Evaluation:
    """Compare drafted claims with gold claims (mappings with n, quote, modality and
    optionally negated, as in a claim file) over the source text they quote."""
    text = unicodedata.normalize("NFC", text)

    def spans(claims):
        out = []
        for c in claims:
            quote = unicodedata.normalize("NFC", str(c.get("quote") or ""))
            at = text.find(quote) if quote else -1
            if at >= 0:
                out.append((at, at + len(quote), c))
        return out

    d_spans, g_spans = spans(drafted), spans(gold)
    matches, missed, identical, useful = [], [], 0, set()
    for gs, ge, g in g_spans:
        best, best_overlap = None, 0
        for ds, de, d in d_spans:
            overlap = min(ge, de) - max(gs, ds)
            if overlap > 0:
                useful.add(d["n"])
                if overlap > best_overlap:
                    best, best_overlap = d, overlap
        if best is None:
            missed.append(g["n"])
            continue
        identical += best["quote"] == g["quote"]
        matches.append(
            Match(
                gold=g["n"],
                drafted=best["n"],
                quote=g["quote"],
                gold_modality=str(g.get("modality")),
                drafted_modality=str(best.get("modality")),
                gold_negated=bool(g.get("negated", False)),
                drafted_negated=bool(best.get("negated", False)),
            )
        )
    located = {id(g) for _s, _e, g in g_spans}
    missed.extend(g["n"] for g in gold if id(g) not in located)
    return Evaluation(
        gold=len(gold),
        drafted=len(drafted),
        matches=tuple(matches),
        missed=tuple(missed),
        identical=identical,
        useful=len(useful),
    )


def compare(project: Project, slug: str) -> tuple[Draft, Evaluation, Path]:
    """Draft a source in memory and evaluate the draft against its existing claim file."""
    from rekg.ingest.claims import read_claim_file

    draft = draft_source(project, slug)
    if not draft.path.is_file():
        raise UsageError(
            f"no claim file to compare with: {project.relative(draft.path)}",
            remedy=f"draft it first (rekg claims draft {slug}) and review it",
        )
    _root, doc = read_claim_file(draft.path, project.relative(draft.path))
    entries = doc.get("claims") if isinstance(doc, dict) else None
    gold = [c for c in entries or [] if isinstance(c, dict) and "n" in c]
    drafted = [
        {"n": c.n, "quote": c.quote, "modality": c.modality, "negated": c.negated}
        for c in draft.candidates
    ]
    source = source_of(project, slug)
    return draft, evaluate(drafted, gold, source.text), draft.path


__all__ = ["MODALITIES", "compare", "draft_source", "evaluate", "read_source", "write_draft"]
