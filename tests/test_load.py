"""A bounded load test on loopback (issue 16): 32 keep-alive clients for 20 seconds sending
the stored questions, ad-hoc SPARQL and pages to a real `rekg serve`, while runaway
queries (a sorted cross product, a counted triple cross product) are sent one after
another. Every client request must succeed, every runaway must be stopped with an error
at its deadline, and the server must answer at the end. The figures (p50, p99) are the
benchmark's business (`rekg bench`); here only correctness under load is asserted."""

import json
import urllib.request

import pytest

from rekg.bench import mixed_load
from rekg.query.catalogue import load_catalogue

from .conftest import ROOT
from .grlc_helpers import RekgServe


@pytest.mark.store
@pytest.mark.slow
def test_32_clients_for_20_seconds_with_runaways_sent_meanwhile(tmp_path, built):
    server = RekgServe(tmp_path).start()
    try:
        questions = sorted(load_catalogue(ROOT / "queries"))
        port = int(server.url.rsplit(":", 1)[1])
        result = mixed_load.run(port, questions, clients=32, seconds=20.0)
        assert result["errors"] == []
        assert result["requests"] > 32 * len(mixed_load.requests_for(questions)) // 4
        assert result["runaways"], "no runaway was sent"
        assert set(result["runaways"]) == {503}, result
        with urllib.request.urlopen(server.url + "/api/queries/feedstock-suppliers") as r:
            assert len(json.load(r)["results"]["bindings"]) == 5
    finally:
        server.stop()
