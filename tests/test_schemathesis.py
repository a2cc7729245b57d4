"""Schemathesis (PyPI), an independent API tester, run against the server's own OpenAPI
description (/api/openapi.json) over a real socket: every operation with generated
parameters, every check it has (no server error, status codes and content types as
documented, responses that match their schemas, 405 for undeclared methods ...). Its own
command line is used, as a user would run it, with a fixed seed so that a failure replays."""

import subprocess
import sys
from pathlib import Path

import pytest

from .server_helpers import serving

SCHEMATHESIS = Path(sys.executable).with_name("schemathesis")


@pytest.fixture(scope="module")
def live(app):
    with serving(app, close=False) as (_, url):
        yield url


@pytest.mark.store
@pytest.mark.slow
def test_schemathesis_finds_nothing_against_the_openapi_description(live, tmp_path):
    done = subprocess.run(
        [
            str(SCHEMATHESIS),
            "run",
            f"{live}/api/openapi.json",
            "--checks",
            "all",
            "--max-examples",
            "25",
            "--seed",
            "16",
            "--request-timeout",
            "30",
            "--generation-database",
            ":memory:",
            "--no-color",
        ],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert done.returncode == 0, done.stdout[-6000:] + done.stderr[-2000:]
    assert "Selected: 18/18" in done.stdout
    assert "No issues found" in done.stdout
