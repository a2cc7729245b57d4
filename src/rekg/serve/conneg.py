"""Content negotiation: the one place that reads an Accept header.

Every caller passes its offers, in its own order of preference, and gets back the offer to
send or None (the caller answers 406). The rules (RFC 9110, section 12.5.1): each media
range carries a quality (q, default 1; q=0 means "not this"); an offer takes the quality
of the most specific range that matches it (type/subtype over type/* over */*); the
highest quality wins and ties go to the server's order. A missing or empty Accept means
anything, so the first offer. Media-type parameters other than q are ignored, so
`text/turtle;charset=utf-8` matches `text/turtle`.
"""

import math
from dataclasses import dataclass

# How specific a media range is: the more specific range decides an offer's quality.
_EXACT, _SUBTYPE_WILDCARD, _ANY = 3, 2, 1


@dataclass(frozen=True)
class MediaRange:
    type: str
    subtype: str
    q: float

    def specificity(self, offer: str) -> int:
        """How closely this range matches `offer` (0 when it does not)."""
        kind, _, sub = offer.partition("/")
        if self.type == "*" and self.subtype == "*":
            return _ANY
        if self.type != kind:
            return 0
        if self.subtype == "*":
            return _SUBTYPE_WILDCARD
        return _EXACT if self.subtype == sub else 0


def _quality(text: str) -> float:
    """A q value clamped into 0..1. Not a number at all (float() also reads "nan", which
    compares false with everything, and "inf") gives the range no weight."""
    try:
        q = float(text)
    except ValueError:
        return 0.0
    return min(max(q, 0.0), 1.0) if math.isfinite(q) else 0.0


def parse_accept(header: str | None) -> list[MediaRange]:
    """The media ranges of an Accept header; malformed items are skipped, not fatal, since
    clients send odd headers and a server should still answer what it can."""
    ranges = []
    for item in (header or "").split(","):
        fields = [f.strip() for f in item.split(";")]
        kind, slash, sub = fields[0].lower().partition("/")
        if not slash or not kind or not sub or (kind == "*" and sub != "*"):
            continue
        q = 1.0
        for param in fields[1:]:
            name, _, value = param.partition("=")
            if name.strip().lower() == "q":
                q = _quality(value.strip())
        ranges.append(MediaRange(kind, sub, q))
    return ranges


def quality(ranges: list[MediaRange], offer: str) -> float:
    best, best_specificity = 0.0, 0
    for media_range in ranges:
        specificity = media_range.specificity(offer)
        if specificity > best_specificity:
            best, best_specificity = media_range.q, specificity
    return best


def negotiate(accept: str | None, offers) -> str | None:
    """The offer to send for this Accept header, or None when nothing is acceptable."""
    offers = list(offers)
    ranges = parse_accept(accept)
    if not ranges:
        return offers[0] if offers else None
    best, best_q = None, 0.0
    for offer in offers:
        q = quality(ranges, offer)
        if q > best_q:
            best, best_q = offer, q
    return best
