"""The command line as users meet it: help everywhere, exit codes, and errors with a place
and a remedy instead of tracebacks."""

import json

import pytest

from .conftest import copy_project, run_cli

COMMANDS = ["build", "validate", "reason", "export", "queries", "query"]


@pytest.mark.parametrize("command", [None, *COMMANDS])
def test_every_command_has_help(command):
    done = run_cli(*([command] if command else []), "--help")
    assert done.returncode == 0
    assert "usage: rekg" in done.stdout and "exit codes" in done.stdout


def _edit(project, relative, old, new):
    path = project.root / relative
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def test_malformed_turtle_names_file_line_column_and_exits_2(tmp_path):
    scratch = copy_project(tmp_path)
    (scratch.data / "broken.ttl").write_text(
        "@prefix id: <https://w3id.org/rekg/id/> .\n\nid:a id:b id:c ;\n  id:d .\n",
        encoding="utf-8",
    )
    done = run_cli("--root", str(tmp_path), "build")
    assert done.returncode == 2
    assert "data/broken.ttl:4:8: Turtle syntax error: . is not a valid RDF object" in done.stderr
    assert "Traceback" not in done.stderr


def test_a_quote_not_in_the_source_exits_1_with_claim_and_quote(tmp_path):
    scratch = copy_project(tmp_path)
    _edit(
        scratch,
        "data/claims/china-sea-rare-earths.yaml",
        "The majority of Myanmar’s output flows directly",
        "The majority of Myanmar's output flows directly",
    )
    done = run_cli("--root", str(tmp_path), "build")
    assert done.returncode == 1
    assert "claim:china-sea-rare-earths-069" in done.stderr
    assert "does not occur in china-sea-rare-earths.txt" in done.stderr
    assert (
        "The majority of Myanmar's output flows directly into China for processing" in done.stderr
    )
    assert "Traceback" not in done.stderr


def test_a_quote_occurring_twice_exits_1(tmp_path):
    scratch = copy_project(tmp_path)
    _edit(
        scratch,
        "data/claims/china-sea-rare-earths.yaml",
        'quote: "Despite political instability"',
        'quote: "rare-earth"',
    )
    done = run_cli("--root", str(tmp_path), "validate")
    assert done.returncode == 1
    assert "claim:china-sea-rare-earths-072" in done.stdout
    assert "occurs 10 times" in done.stdout and "lengthen the quote" in done.stdout


def test_an_unknown_short_name_suggests_the_nearest(tmp_path):
    scratch = copy_project(tmp_path)
    _edit(scratch, "data/claims/china-sea-rare-earths.yaml", "subject: myanmar", "subject: myanmr")
    _edit(
        scratch,
        "data/claims/china-sea-rare-earths.yaml",
        "predicate: suppliesFeedstockTo",
        "predicate: suppliesFeedstock",
    )
    done = run_cli("--root", str(tmp_path), "build")
    assert done.returncode == 1
    assert "unknown short name 'myanmr'; nearest known names: myanmar" in done.stderr
    assert (
        "unknown property 'suppliesFeedstock'; nearest ontology properties: suppliesFeedstockTo"
        in done.stderr
    )
    assert "data/claims/china-sea-rare-earths.yaml:" in done.stderr
    assert "Traceback" not in done.stderr


def test_validate_conforms_and_reports_violations(tmp_path):
    done = run_cli("validate")
    assert done.returncode == 0
    assert done.stdout.strip().endswith("conforms.")
    scratch = copy_project(tmp_path)
    _edit(
        scratch,
        "data/entities.ttl",
        'id:thailand a rekg:Country ; rdfs:label "Thailand"@en ;',
        'id:thailand a rekg:Country ; rdfs:label "Thailande"@fr ;',
    )
    done = run_cli("--root", str(tmp_path), "validate")
    assert done.returncode == 1
    assert "focus:   id:thailand" in done.stdout
    assert "path:    rdfs:label" in done.stdout
    assert "data/entities.ttl:" in done.stdout
    assert "check:   rekgsh:CountryShape" in done.stdout


@pytest.mark.slow
def test_query_formats(tmp_path):
    done = run_cli("query", "strategic-roles", "--format", "csv")
    assert done.returncode == 0
    lines = done.stdout.splitlines()
    assert lines[0] == "country,role,roleLabel,modality,quote,source,claim"
    assert lines[1].startswith(
        "https://w3id.org/rekg/id/malaysia,https://w3id.org/rekg/id/role-malaysia,"
    )
    doc = json.loads(run_cli("query", "strategic-roles", "--format", "json").stdout)
    assert doc["head"]["vars"][0] == "country" and len(doc["results"]["bindings"]) == 5
    md = run_cli("query", "partners-hedging", "--format", "md").stdout
    assert (
        md.splitlines()[0] == "| country | policy | modality | negated | quote | source | claim |"
    )
    table = run_cli("query", "country-profile", "--param", "country=Thailand").stdout
    assert table.rstrip().endswith("(14 rows)")


def test_query_errors_exit_2_with_a_suggestion():
    done = run_cli("query", "country-profil")
    assert done.returncode == 2
    assert "no stored query named 'country-profil'" in done.stderr
    assert "did you mean country-profile" in done.stderr
    done = run_cli("query", "country-profile", "--param", "nation=myanmar")
    assert done.returncode == 2 and "did you mean --param country=...?" in done.stderr
    done = run_cli("query", "country-profile", "--param", "country")
    assert done.returncode == 2 and "is not NAME=VALUE" in done.stderr


def test_ad_hoc_query_file(tmp_path):
    q = tmp_path / "q.rq"
    q.write_text(
        "PREFIX rekg: <https://w3id.org/rekg/ontology#>\n"
        "SELECT (COUNT(?c) AS ?n) WHERE { ?c a rekg:Claim }\n",
        encoding="utf-8",
    )
    done = run_cli("query", "--file", str(q), "--format", "csv")
    assert done.returncode == 0 and done.stdout.splitlines() == ["n", "100"]


def test_queries_lists_names_and_parameters():
    done = run_cli("queries")
    assert done.returncode == 0
    assert "country-profile  --param country=..." in done.stdout
    assert done.stdout.count("\n    ") >= 14


def test_reason_writes_the_closure(tmp_path):
    done = run_cli("reason", "--out", str(tmp_path))
    assert done.returncode == 0
    assert (tmp_path / "rekg-inferred.ttl").stat().st_size > 100_000
    assert "entailments about the project's resources" in done.stderr


@pytest.mark.slow
def test_engine_flag_selects_the_reference_engines_with_the_same_output(tmp_path):
    outs = {}
    for engine in ("fast", "reference"):
        done = run_cli("--engine", engine, "build", "--out", str(tmp_path / engine))
        assert done.returncode == 0, done.stderr
        outs[engine] = {p.name: p.read_bytes() for p in sorted((tmp_path / engine).iterdir())}
    assert outs["fast"] == outs["reference"]
    done = run_cli("--engine", "quick", "build")
    assert done.returncode == 2 and "invalid choice: 'quick'" in done.stderr
