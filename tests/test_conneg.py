"""Content negotiation, in-process: one table of Accept headers and the offer each gets."""

import pytest

from rekg.core.formats import SPARQL_RESULT_FORMATS
from rekg.serve.app import RESOURCE_OFFERS
from rekg.serve.conneg import negotiate, parse_accept

HTML, TTL, JSONLD, NT = "text/html", "text/turtle", "application/ld+json", "application/n-triples"
RESULTS = [f.media_type for f in SPARQL_RESULT_FORMATS]

CASES = [
    # (Accept header, offers, expected offer or None for 406)
    (None, RESOURCE_OFFERS, HTML),
    ("", RESOURCE_OFFERS, HTML),
    ("*/*", RESOURCE_OFFERS, HTML),
    ("text/turtle", RESOURCE_OFFERS, TTL),
    ("TEXT/TURTLE", RESOURCE_OFFERS, TTL),
    ("text/turtle;charset=utf-8", RESOURCE_OFFERS, TTL),
    ("application/ld+json", RESOURCE_OFFERS, JSONLD),
    ("application/n-triples", RESOURCE_OFFERS, NT),
    # a browser
    (
        "text/html,application/xhtml+xml,application/xml;q=0.9,image/avif,*/*;q=0.8",
        RESOURCE_OFFERS,
        HTML,
    ),
    # combined headers with q-values: the highest quality wins, whatever the order
    ("text/html;q=0.5, text/turtle", RESOURCE_OFFERS, TTL),
    ("application/ld+json;q=0.9, text/turtle;q=0.8, */*;q=0.1", RESOURCE_OFFERS, JSONLD),
    ("text/turtle;q=0.8, application/n-triples;q=0.9", RESOURCE_OFFERS, NT),
    # text/* covers HTML and Turtle: ties go to the server's order
    ("text/*", RESOURCE_OFFERS, HTML),
    ("text/*, text/html;q=0", RESOURCE_OFFERS, TTL),
    # a more specific range decides: */* does not rescue an excluded type
    ("text/html;q=0, */*", RESOURCE_OFFERS, TTL),
    ("application/*;q=0.5, application/n-triples;q=0.1", RESOURCE_OFFERS, JSONLD),
    # nothing fits: 406
    ("application/rdf+xml", RESOURCE_OFFERS, None),
    ("image/png, application/pdf;q=0.5", RESOURCE_OFFERS, None),
    ("text/turtle;q=0", RESOURCE_OFFERS, None),
    ("*/*;q=0", RESOURCE_OFFERS, None),
    # malformed items are skipped; a header with nothing usable means anything
    ("garbage, text/turtle", RESOURCE_OFFERS, TTL),
    ("text/turtle;q=abc, application/ld+json;q=0.2", RESOURCE_OFFERS, JSONLD),
    ("garbage", RESOURCE_OFFERS, HTML),
    # SPARQL results: a SELECT asked for Turtle gets no offer (406), never another format
    ("text/turtle", RESULTS, None),
    ("application/sparql-results+xml", RESULTS, "application/sparql-results+xml"),
    ("text/csv;q=0.4, application/sparql-results+json;q=0.3", RESULTS, "text/csv"),
    ("text/*", RESULTS, "text/csv"),
    ("*/*", RESULTS, "application/sparql-results+json"),
]


@pytest.mark.parametrize(("accept", "offers", "expected"), CASES)
def test_negotiate(accept, offers, expected):
    assert negotiate(accept, offers) == expected


def test_parse_accept_reads_quality_and_clamps_it():
    ranges = parse_accept("text/turtle;q=0.7, */*;q=2, text/*;level=1")
    assert [(r.type, r.subtype, r.q) for r in ranges] == [
        ("text", "turtle", 0.7),
        ("*", "*", 1.0),
        ("text", "*", 1.0),
    ]


def test_no_offers_gives_none():
    assert negotiate("*/*", []) is None
    assert negotiate(None, []) is None
