"""What the site's pages say, read from the graphs: where each IRI is published, labels and
links, each document's RDF description, and the claims about a resource."""

import posixpath
import re
from collections import defaultdict
from dataclasses import dataclass, field

from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import RDF, RDFS, SKOS

from rekg.core.errors import DataError
from rekg.core.namespaces import BASE, OA, REKG, WD
from rekg.core.report import short

MODALITIES = (REKG.Asserted, REKG.Expected, REKG.Likely, REKG.Possible, REKG.Unlikely)
MODALITY_KEY = {m: str(m).rsplit("#", 1)[-1].lower() for m in MODALITIES}
# What ties a claim to a resource it is about: rekg:about holds subject, object, counterpart
# and speaker already, but a hand-written graph may lack it, so the roles are read too.
CLAIM_ROLES = (RDF.subject, RDF.object, REKG.about, REKG.counterpart, REKG.speaker, REKG.event)
_SAFE_PATH = re.compile(r"^(?:id|ontology)(?:/[A-Za-z0-9][A-Za-z0-9._-]*)*$")


def document_of(term) -> str | None:
    """The site path, without extension, of the document describing an IRI under
    https://w3id.org/rekg/: 'id/myanmar'; 'id/claim/x' for 'id/claim/x#quote'; 'ontology'
    for 'ontology#Country'. None for anything published elsewhere."""
    if not isinstance(term, URIRef):
        return None
    text = str(term)
    if not text.startswith(BASE):
        return None
    path = text[len(BASE) :].split("#", 1)[0]
    if not (path == "ontology" or path.startswith(("ontology/", "id/"))) or path == "id/":
        return None
    if not _SAFE_PATH.match(path) or ".." in path.split("/"):
        raise DataError(
            f"cannot publish <{text}>: its path is not a plain file path",
            remedy="use lower-case ASCII slugs (letters, digits, '-', '.', '_') in IRIs",
        )
    return path


def fragment(term) -> str:
    return str(term).split("#", 1)[1] if "#" in str(term) else ""


@dataclass(frozen=True)
class Link:
    label: str
    href: str | None  # relative to the page it is shown on; None when not linkable
    iri: str


@dataclass
class Value:
    """An object or subject as shown in a table: a link, or a literal with its tags."""

    link: Link | None = None
    text: str = ""
    note: str = ""  # language or datatype of a literal


class Site:
    """Labels and links for every term, computed once for all pages."""

    def __init__(self, described: Graph, closure: Graph):
        self.graph = described
        self.closure = closure
        self.labels = {}
        for graph in (closure, described):
            for s, label in graph.subject_objects(RDFS.label):
                if isinstance(label, Literal) and (
                    s not in self.labels or label.language in (None, "en")
                ):
                    self.labels[s] = str(label)

    def label(self, term) -> str:
        if term in self.labels:
            return self.labels[term]
        if isinstance(term, BNode):
            return "(a blank node)"
        if fragment(term) and document_of(term) is not None:
            return f"{short(URIRef(BASE + document_of(term)))}#{fragment(term)}"
        return short(term)

    def target(self, term) -> str | None:
        """The site path a term links to, from the site root, or an absolute URL."""
        doc = document_of(term)
        if doc is not None:
            frag = fragment(term)
            return f"{doc}.html" + (f"#{frag}" if frag else "")
        text = str(term)
        if isinstance(term, URIRef) and text.startswith(BASE + "dist/"):
            return text[len(BASE) :]
        if isinstance(term, URIRef) and text.startswith(("http://", "https://")):
            return text
        return None

    def href(self, term, page: str) -> str | None:
        """A link to `term` from the page at site path `page` (relative, so the site works
        from a file server and under any path prefix)."""
        target = self.target(term)
        if target is None or target.startswith(("http://", "https://")):
            return target
        path, _, frag = target.partition("#")
        if path == page and frag:
            return "#" + frag
        here = posixpath.dirname(page) or "."
        return posixpath.relpath(path, here) + (f"#{frag}" if frag else "")

    def link(self, term, page: str) -> Link:
        return Link(self.label(term), self.href(term, page), str(term))

    def value(self, term, page: str) -> Value:
        if isinstance(term, Literal):
            note = term.language or (short(term.datatype) if term.datatype else "")
            return Value(None, str(term), note)
        return Value(self.link(term, page))


def descriptions(graph: Graph) -> dict[str, Graph]:
    """Each document's RDF description: the triples about it and its hash parts (with the
    blank nodes they lead to), and the triples pointing at it from other documents."""
    out: dict[str, set] = defaultdict(set)
    blank: dict = defaultdict(list)
    for triple in graph:
        if isinstance(triple[0], BNode):
            blank[triple[0]].append(triple)
    for triple in graph:
        s, _, o = triple
        doc_s, doc_o = document_of(s), document_of(o)
        if doc_s is not None:
            out[doc_s].add(triple)
            _add_blank(o, blank, out[doc_s])
        if doc_o is not None:
            out[doc_o].add(triple)
    result = {}
    for doc, triples in out.items():
        g = Graph()
        for triple in triples:
            g.add(triple)
        result[doc] = g
    return result


def _add_blank(node, blank, into, seen=None):
    if not isinstance(node, BNode):
        return
    seen = seen if seen is not None else set()
    if node in seen:
        return
    seen.add(node)
    for triple in blank.get(node, ()):
        into.add(triple)
        _add_blank(triple[2], blank, into, seen)


@dataclass
class Claim:
    iri: URIRef
    slug: str  # 'china-sea-rare-earths-065'
    number: int
    modality: URIRef
    negated: bool
    exact: str = ""
    prefix: str = ""
    suffix: str = ""
    start: int = -1
    end: int = -1
    source: URIRef | None = None
    subject: URIRef | None = None
    predicate: URIRef | None = None
    object: object = None
    time: URIRef | None = None
    about: set = field(default_factory=set)
    draft: bool = False  # a machine's first reading that no annotator has reviewed

    @property
    def modality_key(self) -> str:
        return MODALITY_KEY.get(self.modality, "other")

    @property
    def page(self) -> str:
        return document_of(self.iri) + ".html"


def read_claims(graph: Graph) -> dict[URIRef, Claim]:
    claims = {}
    for iri in sorted(set(graph.subjects(RDF.type, REKG.Claim))):
        doc = document_of(iri)
        if doc is None:
            continue
        order = graph.value(iri, REKG.sourceOrder)
        claim = Claim(
            iri,
            doc.rsplit("/", 1)[-1],
            int(order) if order is not None else 0,
            graph.value(iri, REKG.modality),
            _is_true(graph.value(iri, REKG.negated)),
            subject=graph.value(iri, RDF.subject),
            predicate=graph.value(iri, RDF.predicate),
            object=graph.value(iri, RDF.object),
            time=graph.value(iri, REKG.timeFrame),
            draft=_is_true(graph.value(iri, REKG.draft)),
        )
        for role in CLAIM_ROLES:
            claim.about.update(graph.objects(iri, role))
        evidence = graph.value(iri, REKG.evidence)
        if evidence is not None:
            claim.source = graph.value(evidence, OA.hasSource)
            for selector in graph.objects(evidence, OA.hasSelector):
                if graph.value(selector, OA.exact) is not None:
                    claim.exact = str(graph.value(selector, OA.exact))
                    claim.prefix = str(graph.value(selector, OA.prefix) or "")
                    claim.suffix = str(graph.value(selector, OA.suffix) or "")
                if graph.value(selector, OA.start) is not None:
                    claim.start = int(graph.value(selector, OA.start))
                    claim.end = int(graph.value(selector, OA.end))
        claims[iri] = claim
    return claims


def claims_about(claims: dict[URIRef, Claim], term) -> list[tuple[URIRef, list[Claim]]]:
    """The claims about a resource, grouped by modality (firmest first), each group in the
    source's order."""
    return by_modality(c for c in claims.values() if term in c.about)


def by_modality(claims) -> list[tuple[URIRef, list[Claim]]]:
    """Claims grouped by modality (firmest first), each group in the source's order; only
    the modalities that have claims."""
    groups = defaultdict(list)
    for claim in claims:
        groups[claim.modality].append(claim)
    order = {m: i for i, m in enumerate(MODALITIES)}
    return [
        (modality, sorted(group, key=lambda c: (c.number, c.slug)))
        for modality, group in sorted(
            groups.items(), key=lambda kv: (order.get(kv[0], 99), str(kv[0]))
        )
    ]


def evidence_about(
    claims: dict[URIRef, Claim], term, label
) -> list[tuple[URIRef | None, list[tuple[URIRef, list[Claim]]]]]:
    """The claims about a resource grouped by the source they are quoted from (sources in
    the order of `label(source)`, then IRI; claims without a source last), and within each
    source by modality."""
    sources = defaultdict(list)
    for claim in claims.values():
        if term in claim.about:
            sources[claim.source].append(claim)
    ordered = sorted(
        sources, key=lambda s: (s is None, label(s) if s is not None else "", str(s or ""))
    )
    return [(source, by_modality(sources[source])) for source in ordered]


def wikidata_links(graph: Graph, term) -> list[str]:
    return sorted(
        str(o)
        for o in graph.objects(term, SKOS.exactMatch)
        if isinstance(o, URIRef) and str(o).startswith(str(WD))
    )


def _is_true(term) -> bool:
    return isinstance(term, Literal) and term.toPython() is True
