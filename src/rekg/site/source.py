"""The annotated source: the text cut into segments at every quote's start and end, so that
overlapping and identical quotes each keep their own highlight, and the coverage figure."""

from dataclasses import dataclass, field

from rekg.ingest.sources import SourceText
from rekg.site.model import MODALITIES, MODALITY_KEY, Claim


@dataclass
class Segment:
    text: str
    claims: list = field(default_factory=list)  # the claims whose quote covers it
    starts: list = field(default_factory=list)  # the claims whose quote begins here

    @property
    def modality_key(self) -> str:
        """The firmest modality among the covering claims sets the colour."""
        ranked = sorted(self.claims, key=lambda c: _rank(c))
        return ranked[0].modality_key if ranked else ""

    @property
    def innermost(self) -> Claim | None:
        """The shortest covering quote: the most specific claim for a click."""
        return min(self.claims, key=lambda c: (c.end - c.start, c.number)) if self.claims else None


def _rank(claim: Claim) -> int:
    return MODALITIES.index(claim.modality) if claim.modality in MODALITIES else len(MODALITIES)


def segments(text: str, claims: list[Claim]) -> list[Segment]:
    placed = [c for c in claims if 0 <= c.start < c.end <= len(text)]
    cuts = sorted({0, len(text)} | {c.start for c in placed} | {c.end for c in placed})
    out = []
    for a, b in zip(cuts, cuts[1:], strict=False):
        covering = sorted((c for c in placed if c.start < b and c.end > a), key=_order)
        starting = sorted((c for c in placed if c.start == a), key=_order)
        out.append(Segment(text[a:b], covering, starting))
    return out


def _order(claim: Claim):
    return (claim.number, claim.slug)


@dataclass(frozen=True)
class Coverage:
    covered: int
    sentences: int

    @property
    def percent(self) -> str:
        return f"{100 * self.covered / self.sentences:.1f}" if self.sentences else "0.0"


def coverage(source: SourceText, claims: list[Claim]) -> Coverage:
    """How many of the source's sentences carry at least one claim's quote."""
    spans = source.sentences()
    placed = [(c.start, c.end) for c in claims if c.start >= 0]
    covered = sum(1 for a, b in spans if any(s < b and e > a for s, e in placed))
    return Coverage(covered, len(spans))


def modality_counts(claims: list[Claim]) -> list[tuple[str, str, int, int]]:
    """(key, modality IRI, claims, of which negated) in rank order."""
    out = []
    for modality in MODALITIES:
        group = [c for c in claims if c.modality == modality]
        out.append(
            (MODALITY_KEY[modality], str(modality), len(group), sum(c.negated for c in group))
        )
    return out
