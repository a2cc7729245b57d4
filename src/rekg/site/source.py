"""The source's page: what is recorded about the source (never filled in), the text cut into
segments at every quote's start and end, so that overlapping and identical quotes each keep
their own highlight, and the coverage figure."""

import hashlib
from dataclasses import dataclass, field

from rdflib import Literal, URIRef
from rdflib.namespace import DCAT, DCTERMS, FOAF

from rekg.core.namespaces import REKG, SCHEMA
from rekg.ingest.sources import SourceText
from rekg.site.model import MODALITIES, MODALITY_KEY, Claim, Site


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
    def draft(self) -> bool:
        """Every covering claim is a draft: nothing reviewed stands behind the highlight."""
        return bool(self.claims) and all(c.draft for c in self.claims)

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


# ---------------------------------------------------------------- what is known of a source

NOT_BEFORE = URIRef(REKG._NS + "notBefore")  # not among the names core declares
# (key, label, predicates read in this order, listed as "not recorded" when absent)
METADATA = (
    ("title", "title", (DCTERMS.title,), True),
    ("creator", "creator", (DCTERMS.creator,), True),
    ("publisher", "publisher", (DCTERMS.publisher,), True),
    ("date", "date", (DCTERMS.date, DCTERMS.issued), True),
    ("not-before", "written no earlier than", (NOT_BEFORE,), False),
    ("language", "language", (DCTERMS.language,), True),
    ("url", "URL", (SCHEMA.url, DCAT.landingPage, FOAF.page, DCTERMS.source), True),
    ("format", "format", (DCTERMS.format,), False),
)
SIZE = (DCAT.byteSize, SCHEMA.contentSize)


@dataclass(frozen=True)
class Item:
    text: str
    href: str | None = None
    iri: str | None = None


@dataclass(frozen=True)
class Field:
    key: str
    label: str
    items: tuple
    note: str = ""


@dataclass(frozen=True)
class About:
    fields: tuple  # of Field, only what the graph records (and the local copy's size)
    missing: tuple  # labels of the usual fields that are not recorded


def about(site: Site, term, page: str, data: bytes | None) -> About:
    """The source's metadata as the graph records it, never filled in: a field that is not
    recorded is named in `missing` instead. `data` is the local copy's bytes, when there is
    one: its size is shown when none is recorded, and the recorded SHA-256 is checked
    against it."""
    graph = site.graph
    fields, missing = [], []
    for key, label, predicates, usual in METADATA:
        values = sorted({o for p in predicates for o in graph.objects(term, p)})
        if values:
            items = tuple(_item(site, v, page, as_url=key == "url") for v in values)
            fields.append(Field(key, label, items))
        elif usual:
            missing.append(label)
    sizes = sorted({o for p in SIZE for o in graph.objects(term, p)})
    if sizes:
        fields.append(Field("size", "size", tuple(_bytes(v) for v in sizes)))
    elif data is not None:
        fields.append(Field("size", "size", (_bytes(len(data)),), "of the local copy"))
    for digest in sorted(graph.objects(term, REKG.sha256)):
        note = ""
        if data is not None:
            same = hashlib.sha256(data).hexdigest() == str(digest).lower()
            note = "matches the local copy" if same else "does NOT match the local copy"
        fields.append(Field("sha256", "SHA-256", (Item(str(digest)),), note))
    return About(tuple(fields), tuple(missing))


def _item(site: Site, term, page: str, as_url: bool) -> Item:
    if isinstance(term, Literal):
        text = str(term)
        web = as_url and text.startswith(("http://", "https://"))
        return Item(text, text if web else None)
    if as_url:
        return Item(str(term), site.href(term, page), str(term))
    link = site.link(term, page)
    return Item(link.label, link.href, link.iri)


def _bytes(value) -> Item:
    try:
        return Item(f"{int(str(value)):,} bytes")
    except ValueError:
        return Item(str(value))
