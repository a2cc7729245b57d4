"""The W3C SPARQL 1.1 Protocol tests against the server, over a real socket. Query and
bad-request tests must pass as the manifest says; update tests must be refused with 403."""

import pytest

from .protocol_runner import load_manifest, run, serve_store, store_for, summary

TESTS = load_manifest()


@pytest.fixture(scope="module")
def outcomes():
    server = serve_store(store_for(TESTS))
    try:
        yield {o.test.name: o for o in run(TESTS, *server.server_address[:2])}
    finally:
        server.shutdown()
        server.server_close()


def test_the_manifest_is_the_whole_suite():
    kinds = [t.kind for t in TESTS]
    assert (
        len(TESTS),
        kinds.count("query"),
        kinds.count("bad request"),
        kinds.count("update"),
    ) == (
        34,
        13,
        14,
        7,
    )


@pytest.mark.parametrize("name", [t.name for t in TESTS])
@pytest.mark.store
def test_protocol(outcomes, name):
    outcome = outcomes[name]
    assert outcome.passed, f"{name} ({outcome.test.title}): {outcome.detail}"
    if outcome.test.kind == "update":
        assert outcome.statuses == [403]


@pytest.mark.store
def test_pass_count(outcomes, capsys):
    line = summary(list(outcomes.values()))
    with capsys.disabled():
        print("\n" + line)
    assert line == (
        "W3C SPARQL 1.1 Protocol: 34/34 passed (27/27 query and bad-request tests passed, "
        "7/7 update tests refused with 403)"
    )
