"""The article's claims: every quote verbatim at its offsets, modality, negation, time frame
and attribution as written, and the contract's rule that only stated facts become triples."""

import hashlib
import random
import unicodedata

import pytest
import yaml
from rdflib import Graph, Literal, URIRef
from rdflib.compare import isomorphic
from rdflib.namespace import DCTERMS, RDF

from rekg.core.errors import InputSyntaxError
from rekg.core.namespaces import CLAIM, ID, OA, REKG, SOURCE
from rekg.ingest import files
from rekg.ingest.claims import Names, compile_claims

SOURCE_TXT = "data/sources/china-sea-rare-earths.txt"


def claim(n):
    return CLAIM[f"china-sea-rare-earths-{n:03d}"]


def quote_of(g, c):
    evidence = g.value(c, REKG.evidence)
    for sel in g.objects(evidence, OA.hasSelector):
        if (sel, RDF.type, OA.TextQuoteSelector) in g:
            return str(g.value(sel, OA.exact))
    return None


def test_every_quote_stands_verbatim_at_its_offsets(loaded, project):
    text = unicodedata.normalize("NFC", (project.root / SOURCE_TXT).read_text(encoding="utf-8"))
    g = loaded.graph
    claims = list(g.subjects(RDF.type, REKG.Claim))
    assert len(claims) == 100
    for c in claims:
        evidence = g.value(c, REKG.evidence)
        assert g.value(evidence, OA.hasSource) == SOURCE["china-sea-rare-earths"]
        selectors = {g.value(s, RDF.type): s for s in g.objects(evidence, OA.hasSelector)}
        quote, pos = selectors[OA.TextQuoteSelector], selectors[OA.TextPositionSelector]
        start, end = int(g.value(pos, OA.start)), int(g.value(pos, OA.end))
        exact = str(g.value(quote, OA.exact))
        assert text[start:end] == exact
        assert text.count(exact) == 1
        assert text[:start].endswith(str(g.value(quote, OA.prefix)))
        assert text[end:].startswith(str(g.value(quote, OA.suffix)))


def test_quotes_keep_curly_apostrophes_and_em_dashes(loaded):
    g = loaded.graph
    assert (
        quote_of(g, claim(65))
        == "Myanmar already plays a pivotal role in China\u2019s rare-earth supply chain"
    )
    assert "\u2014" in quote_of(g, claim(73))


def test_the_source_copy_is_byte_for_byte_and_unknown_metadata_stays_unknown(loaded, project):
    data = (project.root / SOURCE_TXT).read_bytes()
    digest = "4c723686f896d7c72a291a9ce477a4ab7217fdc3bfee50b3e5c196e792767052"
    assert hashlib.sha256(data).hexdigest() == digest
    src = SOURCE["china-sea-rare-earths"]
    g = loaded.graph
    assert g.value(src, REKG.sha256) == Literal(digest)
    for unknown in (
        DCTERMS.title,
        DCTERMS.creator,
        DCTERMS.publisher,
        DCTERMS.date,
        DCTERMS.issued,
    ):
        assert g.value(src, unknown) is None, unknown


MODALITY_CASES = {
    # n: (modality, negated, the word that decides it)
    89: (REKG.Asserted, True),  # "Singapore may lack mineral resources, but ..." is concessive
    49: (REKG.Possible, False),  # "Malaysia could become ..."
    50: (REKG.Possible, True),  # "... rather than a fully independent competitor"
    44: (REKG.Likely, False),  # "Beijing is likely to support Malaysia ..."
    47: (REKG.Likely, True),  # "... stopping short of transferring ..."
    62: (REKG.Expected, False),  # "Beijing is expected to integrate ..."
    61: (REKG.Expected, True),  # "Rather than exporting full processing capability"
    75: (REKG.Expected, False),  # "it will remain ..."
    74: (REKG.Unlikely, False),  # "Myanmar's role is unlikely to evolve ..."
    69: (REKG.Asserted, False),  # "The majority of Myanmar's output flows ..."
    39: (REKG.Asserted, False),  # "The country holds substantial rare-earth deposits"
    70: (REKG.Asserted, True),  # "Myanmar's lack of domestic refining capacity"
    78: (REKG.Asserted, True),  # "It is not a major resource holder"
    94: (REKG.Asserted, True),  # "Rather than hosting extraction or processing"
    95: (REKG.Asserted, True),
    58: (REKG.Possible, False),  # "... could follow"
}


def test_modality_and_negation_as_written(loaded):
    g = loaded.graph
    for n, (modality, negated) in MODALITY_CASES.items():
        assert g.value(claim(n), REKG.modality) == modality, n
        assert g.value(claim(n), REKG.negated).toPython() is negated, n


def test_time_frames_as_stated(loaded):
    g = loaded.graph
    expected = {
        74: "near-term",
        57: "near-term",
        58: "longer-term",
        11: "next-decade",
        10: "past-decade",
        13: "april-2025",
        23: "year-2026",
    }
    for n, slug in expected.items():
        assert g.value(claim(n), REKG.timeFrame) == ID[slug], n
    assert g.value(claim(69), REKG.timeFrame) is None


def test_attribution_separates_reported_speech_from_analysis(loaded):
    g = loaded.graph
    reported = {c for c in g.subjects(REKG.attribution, REKG.ReportedSpeech)}
    assert reported == {claim(n) for n in (13, 26, 27, 30, 99)}
    assert g.value(claim(13), REKG.speaker) == ID["xi-jinping"]
    assert g.value(claim(30), REKG.speaker) == ID["he-lifeng"]
    assert g.value(claim(69), REKG.attribution) == REKG.AuthorAnalysis


def test_each_country_has_its_strategic_role(loaded):
    g = loaded.graph
    roles = {
        str(c).rsplit("/", 1)[1]: str(
            g.value(r, URIRef("http://www.w3.org/2000/01/rdf-schema#label"))
        )
        for c, r in g.subject_objects(REKG._NS["hasStrategicRole"])
    }
    assert roles == {
        "malaysia": "from resource holder to processing partner",
        "vietnam": "securing raw materials, building future optionality",
        "myanmar": "critical upstream supply under complex conditions",
        "thailand": "strategic balancer and manufacturing connector",
        "singapore": "trade, finance and rare-earth R&D hub",
    }


def test_the_two_dated_events_have_participants_place_and_date(loaded):
    g = loaded.graph
    visit, wef = ID["state-visit-kuala-lumpur-2025"], ID["wef-davos-2026"]
    assert g.value(visit, REKG.date) == Literal(
        "2025-04", datatype=URIRef("http://www.w3.org/2001/XMLSchema#gYearMonth")
    )
    assert g.value(visit, REKG._NS["eventPlace"]) == ID["kuala-lumpur"]
    assert set(g.subjects(REKG._NS["participatesIn"], visit)) == {ID["xi-jinping"]}
    assert str(g.value(wef, REKG.date)) == "2026-01"
    assert g.value(wef, REKG._NS["eventPlace"]) == ID["davos"]
    assert set(g.subjects(REKG._NS["participatesIn"], wef)) == {
        ID["he-lifeng"],
        ID["chinese-officials"],
    }


def test_only_stated_facts_become_plain_triples(loaded):
    g = loaded.graph
    for c in g.subjects(RDF.type, REKG.Claim):
        s, p, o = g.value(c, RDF.subject), g.value(c, RDF.predicate), g.value(c, RDF.object)
        if p is None:
            continue
        fact = (
            g.value(c, REKG.modality) == REKG.Asserted and not g.value(c, REKG.negated).toPython()
        )
        if fact:
            assert (s, p, o) in g, c
        else:
            backed = any(
                g.value(other, REKG.modality) == REKG.Asserted
                and not g.value(other, REKG.negated).toPython()
                for other in g.subjects(RDF.subject, s)
                if g.value(other, RDF.predicate) == p and g.value(other, RDF.object) == o
            )
            assert ((s, p, o) in g) == backed, c
    # the hedged ones named in the issue never appear as facts
    assert (ID["malaysia"], REKG._NS["hostsProcessingFor"], ID["china"]) not in g
    assert (ID["vietnam"], REKG._NS["suppliesFeedstockTo"], ID["china"]) not in g
    assert (ID["singapore"], REKG._NS["holdsDepositsOf"], ID["mineral-resources"]) not in g
    assert (ID["myanmar"], REKG._NS["suppliesFeedstockTo"], ID["china"]) in g


def test_identifiers_do_not_depend_on_file_order(loaded, project, tmp_path):
    path = project.data / "claims" / "china-sea-rare-earths.yaml"
    doc = yaml.safe_load(path.read_text(encoding="utf-8"))
    random.Random(7).shuffle(doc["claims"])
    shuffled = tmp_path / "shuffled.yaml"
    shuffled.write_text(yaml.safe_dump(doc, allow_unicode=True), encoding="utf-8")
    names = Names.from_graph(loaded.graph)
    a, findings_a, _ = compile_claims(path, "a", names, loaded.sources)
    b, findings_b, _ = compile_claims(shuffled, "b", names, loaded.sources)
    assert findings_a == findings_b == []
    assert isomorphic(a, b) and len(a) == len(b) > 2000
    assert set(a.subjects(RDF.type, REKG.Claim)) == set(b.subjects(RDF.type, REKG.Claim))


def test_no_blank_nodes_in_claims(loaded):
    g = Graph()
    for triple in loaded.graph.triples((None, None, None)):
        if str(triple[0]).startswith(str(CLAIM)):
            g.add(triple)
    assert all(isinstance(t, (URIRef, Literal)) for triple in g for t in triple)


# --- reading claim files: both YAML parsers refuse alike ---------------------------------

TAG_REFUSED = (
    "is not allowed: a claim file holds plain values (text, numbers, true/false, lists and "
    "mappings), and a tag is never constructed or run\n"
    "  fix: remove the tag; if the value is text that starts with '!', put it in quotes"
)


@pytest.mark.parametrize("loader", ["CSafeLoader", "SafeLoader"])
@pytest.mark.parametrize(
    "text,error",
    [
        (
            "x: !!python/object/apply:os.system [ls]\n",
            f"c.yaml:1:4: YAML tag !!python/object/apply:os.system {TAG_REFUSED}",
        ),
        ("x: !custom 1\n", f"c.yaml:1:4: YAML tag !custom {TAG_REFUSED}"),
        (
            # the column counts characters, though libyaml reports the offset in bytes
            "quote: “q” \x07\n",
            "c.yaml:1:12: character U+0007 is not allowed in YAML\n"
            "  fix: remove the character (control characters other than tab and newline cannot "
            "be written in YAML; write it as an escape such as \\t inside double quotes)",
        ),
        (
            "a: &a [*a]\n",
            "c.yaml:1:4: the YAML aliases here refer to a value from inside itself\n"
            "  fix: write the values out instead of aliases (*name) of anchors (&name) that "
            "hold aliases themselves",
        ),
        (
            "a: b: c\n",
            "c.yaml:1:5: YAML syntax error: mapping values are not allowed {}\n"
            "  fix: correct the YAML at that position (indentation, quotes, colons)",
        ),
    ],
)
def test_both_yaml_parsers_refuse_alike(monkeypatch, loader, text, error):
    """libyaml's parser is used where it is installed, PyYAML's own elsewhere: the same
    refusals at the same places (only a syntax error's wording is the parser's own)."""
    monkeypatch.setattr(files, "LOADER", getattr(yaml, loader))
    with pytest.raises(InputSyntaxError) as caught:
        files.parse_yaml(text, "c.yaml", "a claim file")
    wording = {"CSafeLoader": "in this context", "SafeLoader": "here"}[loader]
    assert str(caught.value) == error.format(wording)


def test_claim_files_are_read_with_libyaml_where_it_is_installed():
    assert yaml.__with_libyaml__
    assert files.LOADER is yaml.CSafeLoader
