"""`rekg lint`: the claim files read against the words of their sources, with the reading
that drafting uses (cues.py: the same sentences, clauses and cue lexicon).

Findings, each at a file and line:

- `modality`: a recorded modality that the quote's cue words contradict. A cue in the quote
  decides ("is expected to" → expected; a "may" conceded before "but" → asserted). A quote
  without a cue is asserted, or takes the hedge of the clause it sits in when that hedge's
  words lie outside the quote; a quote that is a whole dependent clause ("while stopping
  short of ...") must take the hedge of the clause it depends on. Cues inside quoted speech
  count only for a claim quoting that speech alone.
- `negation`: a recorded `negated` that the quote's negation cues contradict: negated
  without a denying word in the quote (or before it in its clause), or a denying word in the
  quote of a claim not negated.
- `overlap`: two claims whose quotes cross: each holds words of the other and words of its
  own. Identical quotes (one clause read as several relations) and a quote inside another
  (a relation read from a phrase of a longer clause) are deliberate and never reported.
- `uncovered`: a sentence or heading of the source that no claim's quote overlaps. Empty
  lines and boilerplate lines (the lexicon's `boilerplate`: "Read more ...") are no
  sentences.
- `draft`: a claim still marked `draft: true`.
- `quote`: a quote that does not occur in its source exactly once (no other check can read
  that claim; `rekg validate` reports it in full).
- `source`: a claim file whose `source:` names no source text.
"""

import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path

import yaml

from rekg.core.errors import UsageError
from rekg.core.project import Project
from rekg.ingest.claims import read_claim_file
from rekg.ingest.cues import MODALITIES, Clause, Cue, Reading, read_source
from rekg.ingest.draft import source_slugs
from rekg.ingest.sources import SourceText

_SHOWN = 70  # characters of a sentence or shared text shown in a finding


@dataclass(frozen=True)
class LintFinding:
    path: str
    line: int
    kind: str
    message: str

    def render(self) -> str:
        return f"{self.path}:{self.line}: {self.kind}: {self.message}"


@dataclass(frozen=True)
class Summary:
    slug: str
    claims: int
    drafts: int
    sentences: int
    covered: int
    findings: int

    @property
    def coverage(self) -> float:
        return 100 * self.covered / self.sentences if self.sentences else 100.0

    def render(self) -> str:
        return (
            f"{self.slug}: {_count(self.claims, 'claim')} ({_count(self.drafts, 'draft')}); "
            f"{self.covered} of {_count(self.sentences, 'sentence')} covered "
            f"({self.coverage:.1f}%); {_count(self.findings, 'finding')}"
        )


def _count(number: int, noun: str) -> str:
    return f"{number} {noun}" if number == 1 else f"{number} {noun}s"


@dataclass(frozen=True)
class LintReport:
    findings: tuple[LintFinding, ...]
    summaries: tuple[Summary, ...]


@dataclass
class _Claim:
    path: str
    n: object
    line: int
    lines: dict[str, int]
    fields: dict
    start: int = -1
    end: int = -1

    def at(self, key: str) -> int:
        return self.lines.get(key, self.line)


def lint(project: Project, only: str | None = None) -> LintReport:
    """Lint every claim file of the project (or only those of the source `only`)."""
    files = sorted((project.data / "claims").glob("*.yaml"))
    known = source_slugs(project)
    findings: list[LintFinding] = []
    by_source: dict[str, list[_Claim]] = {}
    for path in files:
        display = project.relative(path)
        slug, slug_line, claims = _read_claims(path, display)
        if only is not None and slug != only:
            continue
        if slug not in known:
            findings.append(
                LintFinding(
                    display,
                    slug_line,
                    "source",
                    (
                        f"source {slug!r} has no text data/sources/{slug}.txt"
                        if slug
                        else "no 'source:' naming the slug of a source text"
                    )
                    + f"; known: {', '.join(known) or 'none'}",
                )
            )
            continue
        by_source.setdefault(slug, []).extend(claims)
    if only is not None and only not in by_source:
        if only not in known:
            raise UsageError(
                f"unknown source {only!r}; known sources: {', '.join(known) or 'none'}",
                remedy="give the slug of a text in data/sources/",
            )
        raise UsageError(
            f"no claim file quotes the source {only!r}",
            remedy=f"draft one: rekg claims draft {only}",
        )
    summaries = []
    for slug in sorted(by_source):
        path = project.data / "sources" / f"{slug}.txt"
        source = SourceText.read(slug, path, project.relative(path))
        own = _lint_source(source, project.relative(source.path), by_source[slug])
        findings.extend(own[0])
        summaries.append(own[1])
    findings.sort(key=lambda f: (f.path, f.line, f.kind, f.message))
    return LintReport(tuple(findings), tuple(summaries))


def _read_claims(path: Path, display: str) -> tuple[str, int, list[_Claim]]:
    root, doc = read_claim_file(path, display)
    if root is None or not isinstance(doc, dict):
        return "", 1, []
    slug_line, entries_node = 1, None
    for key, value in root.value:
        if key.value == "source":
            slug_line = key.start_mark.line + 1
        if key.value == "claims" and isinstance(value, yaml.SequenceNode):
            entries_node = value
    slug = doc.get("source") if isinstance(doc.get("source"), str) else ""
    entries = doc.get("claims")
    if not isinstance(entries, list) or entries_node is None:
        return slug, slug_line, []
    claims = []
    for index, entry in enumerate(entries):
        if not isinstance(entry, dict):
            continue
        node = entries_node.value[index]
        lines = {k.value: k.start_mark.line + 1 for k, _v in node.value}
        claims.append(_Claim(display, entry.get("n"), node.start_mark.line + 1, lines, entry))
    return slug, slug_line, claims


def _lint_source(source: SourceText, txt: str, claims: list[_Claim]):
    reading = read_source(source)
    findings: list[LintFinding] = []

    def finding(claim: _Claim, key: str, kind: str, message: str):
        findings.append(LintFinding(claim.path, claim.at(key), kind, message))

    located = []
    for claim in claims:
        if claim.fields.get("draft") is True:
            finding(
                claim,
                "draft",
                "draft",
                f"claim {claim.n} is a draft: review it, then remove 'draft: true'",
            )
        quote = claim.fields.get("quote")
        if not isinstance(quote, str) or not quote:
            continue
        hits = source.occurrences(quote)
        if len(hits) != 1:
            where = "does not occur" if not hits else f"occurs {len(hits)} times"
            finding(
                claim,
                "quote",
                "quote",
                f"claim {claim.n}: its quote {where} in {source.path.name}; see rekg validate",
            )
            continue
        claim.start, claim.end = hits[0], hits[0] + len(unicodedata.normalize("NFC", quote))
        located.append(claim)
        _check_cues(reading, claim, finding)
    # crossing quotes: each holds words of the other and words of its own
    ordered = sorted(located, key=lambda c: (c.start, c.end))
    for i, a in enumerate(ordered):
        for b in ordered[i + 1 :]:
            if b.start >= a.end:
                break
            if b.end > a.end and b.start > a.start:
                first, second = sorted((a, b), key=lambda c: (c.path, c.line))
                shared = source.text[b.start : a.end]
                where = "" if first.path == second.path else f"{first.path}:"
                finding(
                    second,
                    "quote",
                    "overlap",
                    f"the quote of claim {second.n} overlaps part of claim {first.n}'s "
                    f"(line {where}{first.at('quote')}): {_show(shared)}; quote the same "
                    "words, or let one quote contain the other",
                )
    covered = 0
    for sentence in reading.sentences:
        if any(c.start < sentence.end and sentence.start < c.end for c in located):
            covered += 1
        else:
            text = source.text[sentence.start : sentence.end]
            findings.append(
                LintFinding(txt, sentence.line, "uncovered", f"no claim quotes {_show(text)}")
            )
    summary = Summary(
        source.slug,
        len(claims),
        sum(1 for c in claims if c.fields.get("draft") is True),
        len(reading.sentences),
        covered,
        len(findings),
    )
    return findings, summary


def _show(text: str) -> str:
    text = " ".join(text.split())
    return repr(text if len(text) <= _SHOWN else text[: _SHOWN - 4] + " ...")


def _check_cues(reading: Reading, claim: _Claim, finding) -> None:
    qs, qe = claim.start, claim.end
    clauses = [c for c in reading.clauses if c.start < qe and qs < c.end]
    if not clauses:
        return
    text = reading.source.text
    speech = _speech(text, clauses, reading)

    def own(cue: Cue) -> bool:
        if not (qs <= cue.start and cue.end <= qe):
            return False
        # a cue inside quoted speech belongs to the speaker: it counts only for a claim
        # that quotes that speech alone
        return not any(a <= cue.start < b and not (a <= qs and qe <= b) for a, b in speech)

    modality = claim.fields.get("modality")
    if isinstance(modality, str) and modality in MODALITIES:
        readings, why = _modalities(clauses, own, qs)
        if modality not in readings:
            want = " or ".join(sorted(readings, key=MODALITIES.index))
            message = f"claim {claim.n} is recorded {modality}, but its words read {want} ({why})"
            if len(readings) == 1:
                message += f"; write modality: {want}"
            finding(claim, "modality", "modality", message)
    negated = claim.fields.get("negated", False)
    if isinstance(negated, bool):
        denials = [cue for c in clauses for cue in c.negations() if own(cue)]
        if denials:
            every = all(any(own(cue) for cue in c.negations()) for c in clauses)
            allowed = {True} if every else {True, False}
        else:
            before = any(cue.start < qs for c in clauses for cue in c.negations())
            allowed = {True, False} if before else {False}
        if negated not in allowed:
            if negated:
                message = (
                    f"claim {claim.n} is recorded negated, but its quote denies nothing (no "
                    "negation cue such as not, no, lack, rather than); write negated: false, "
                    "or quote the denying words"
                )
            else:
                words = ", ".join(f'"{cue.words}"' for cue in denials)
                message = (
                    f"claim {claim.n} is not recorded negated, but its quote denies ({words}); "
                    "write negated: true"
                )
            finding(claim, "negated", "negation", message)


def _modalities(clauses: list[Clause], own, qs: int) -> tuple[set[str], str]:
    """The modalities a quote's words allow, and why."""
    cues = []
    for clause in clauses:
        for cue in clause.cues:
            if cue.kind == "modality" and own(cue):
                conceded = cue in clause.concessive
                cues.append(("asserted" if conceded else cue.value, cue, conceded))
    if cues:
        why = ", ".join(
            f'"{cue.words}" conceded' if conceded else f'"{cue.words}"'
            for _value, cue, conceded in cues
        )
        return {value for value, _cue, _c in cues}, why
    allowed, why = set(), []
    for clause in clauses:
        cue = clause.modality_cue
        if clause.how == "inherited" and qs <= clause.start:
            allowed.add(clause.modality)
            source = f'"{cue.words}"' if cue is not None else "the clause it depends on"
            why.append(f"a dependent clause: {clause.modality}, carried over from {source}")
        else:
            allowed |= {"asserted", clause.modality}
            if clause.modality != "asserted":
                why.append(f"no cue of its own; its clause reads {clause.modality}")
    return allowed, "; ".join(why) or "no cue word"


def _speech(text: str, clauses: list[Clause], reading: Reading) -> list[tuple[int, int]]:
    """The spans of quoted speech in the sentences of the clauses."""
    spans = []
    for index in sorted({c.sentence for c in clauses}):
        sentence = reading.sentences[index]
        s = text[sentence.start : sentence.end]
        for m in re.finditer(r"“[^“”]*”|\"[^\"]*\"", s):
            spans.append((sentence.start + m.start(), sentence.start + m.end()))
    return spans
