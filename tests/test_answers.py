"""`rekg answers`: the reviewed answers of the stored questions (queries/questions/
NAME.expected.csv) against the current data. A data change shows as a difference to
review, named question by question with its counts, and `--write` makes it the new
reviewed answer: exactly the rows the change added."""

import yaml

from rekg.query.answers import SUFFIX, difference, plural
from rekg.query.catalogue import load_catalogue

from .conftest import ROOT, run_cli

C = "https://w3id.org/rekg/id/claim/china-sea-rare-earths-"
ID = "https://w3id.org/rekg/id/"
REKG = "https://w3id.org/rekg/ontology#"
FIX = (
    "  fix: review the change (rekg answers --diff); when every changed row follows from it, "
    "run 'make answers' (rekg answers --write) and commit the new files\n"
)


def ok_lines(built, names) -> dict[str, str]:
    return {name: f"ok {name} ({plural(len(built.answers[name]))})" for name in names}


def expected_files(project) -> dict[str, bytes]:
    folder = project.queries / "questions"
    return {p.name: p.read_bytes() for p in sorted(folder.glob("*" + SUFFIX))}


def add_claim(project) -> int:
    """One more claim, valid: Myanmar likely supplies feedstock to China."""
    path = project.data / "claims" / "china-sea-rare-earths.yaml"
    n = max(e["n"] for e in yaml.safe_load(path.read_text(encoding="utf-8"))["claims"]) + 1
    with path.open("a", encoding="utf-8") as handle:
        handle.write(
            f'\n- n: {n}\n  quote: "this upstream supply corridor"\n  subject: myanmar\n'
            "  predicate: suppliesFeedstockTo\n  object: china\n  modality: likely\n"
        )
    return n


def test_the_project_s_answers_are_the_reviewed_ones(built, project):
    before = expected_files(project)
    done = run_cli("answers")
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines() == list(ok_lines(built, sorted(built.answers)).values())
    assert done.stderr == ""
    assert expected_files(project) == before  # checking writes nothing
    assert len(before) == len(built.answers) == 18


def test_one_more_claim_shows_as_the_rows_it_adds(built, scratch):
    n = add_claim(scratch)
    before = expected_files(scratch)
    changed = {
        "claims-by-modality": "+1 row, -1 row",
        "claims-vs-reference": "+2 rows, -0 rows",
        "country-profile": "+1 row, -0 rows",
        "fact-vs-forecast": "+2 rows, -2 rows",
        "feedstock-suppliers": "+1 row, -0 rows",
        "relation-evidence": "+1 row, -0 rows",
        "sources": "+1 row, -1 row",
    }
    lines = ok_lines(built, sorted(built.answers))
    lines.update({name: f"differs {name}: {counts}" for name, counts in changed.items()})

    done = run_cli("answers", "--root", str(scratch.root))
    assert done.returncode == 1
    assert done.stdout.splitlines() == list(lines.values())
    assert done.stderr == (
        "rekg: 7 stored answers in queries/questions/ disagree with the current data\n" + FIX
    )

    done = run_cli("answers", "--write", "--root", str(scratch.root))
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines() == [
        f"wrote queries/questions/{name}{SUFFIX} ({counts})" for name, counts in changed.items()
    ]
    assert done.stderr == (
        "rekg answers: wrote 7, removed 0 and left 11 of the expected files in "
        "queries/questions/ as they were\n"
    )
    after = expected_files(scratch)
    assert {k for k in after if after[k] != before[k]} == {f"{k}{SUFFIX}" for k in changed}

    # the diff of a file the claim only adds to is exactly the added row
    quote = f"this upstream supply corridor,{ID}source/china-sea-rare-earths"
    feeds = f"{ID}myanmar,{REKG}suppliesFeedstockTo,{ID}china"
    added = {
        "country-profile": f"{REKG}Likely,false,{feeds},{quote},{C}{n}\r\n",
        "feedstock-suppliers": f"{ID}myanmar,{REKG}Likely,false,,{quote},{C}{n}\r\n",
        "relation-evidence": f"for,{REKG}suppliesFeedstockTo,{REKG}Likely,,{quote},{C}{n}\r\n",
    }
    for name, row in added.items():
        old = before[name + SUFFIX].decode("utf-8").splitlines(keepends=True)
        new = after[name + SUFFIX].decode("utf-8").splitlines(keepends=True)
        at = new.index(row)
        assert new[:at] + new[at + 1 :] == old, name
    # in feedstock-suppliers it comes last: ordered by modality, a likely claim after
    # every stated and expected one
    assert (
        after["feedstock-suppliers" + SUFFIX].decode("utf-8").endswith(added["feedstock-suppliers"])
    )

    done = run_cli("answers", "--root", str(scratch.root))
    assert done.returncode == 0, done.stdout + done.stderr
    assert [line.split(" ", 1)[0] for line in done.stdout.splitlines()] == ["ok"] * 18


def test_a_missing_and_an_orphaned_expected_file(built, scratch):
    folder = scratch.queries / "questions"
    (folder / f"timeline{SUFFIX}").unlink()
    (folder / f"retired{SUFFIX}").write_bytes(b"x\r\n1\r\n")
    rows = plural(len(built.answers["timeline"]))
    lines = ok_lines(built, sorted(built.answers))
    lines["timeline"] = f"missing timeline ({rows}, no timeline{SUFFIX})"

    done = run_cli("--root", str(scratch.root), "answers")
    assert done.returncode == 1
    assert done.stdout.splitlines() == [*lines.values(), "orphan retired: no question retired.rq"]
    assert done.stderr.startswith("rekg: 2 stored answers in queries/questions/ disagree")

    done = run_cli("--root", str(scratch.root), "answers", "--write")
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines() == [
        f"wrote queries/questions/timeline{SUFFIX} (new, {rows})",
        f"removed queries/questions/retired{SUFFIX} (no question retired.rq)",
    ]
    assert sorted(p.name for p in folder.glob("*" + SUFFIX)) == sorted(
        f"{name}{SUFFIX}" for name in built.answers
    )
    assert (folder / f"timeline{SUFFIX}").read_bytes() == (
        ROOT / "queries" / "questions" / f"timeline{SUFFIX}"
    ).read_bytes()


def test_a_query_that_orders_its_rows_otherwise_differs(built, scratch):
    path = scratch.queries / "questions" / "partners-hedging.rq"
    text = path.read_text(encoding="utf-8")
    assert "ORDER BY ?country ?claim" in text
    path.write_text(text.replace("ORDER BY ?country ?claim", "ORDER BY DESC(?country)"))
    done = run_cli("answers", "--root", str(scratch.root))
    assert done.returncode == 1
    assert "differs partners-hedging: +0 rows, -0 rows, the same rows in another order" in (
        done.stdout.splitlines()
    )


def test_the_difference_reads_as_a_diff_and_ignores_line_ends(built, scratch):
    query = load_catalogue(scratch.queries)["claims-by-modality"]
    path = scratch.queries / "questions" / f"claims-by-modality{SUFFIX}"
    text = path.read_bytes().decode("utf-8")
    # a file whose line ends were converted (by git or an editor) still agrees
    path.write_bytes(text.replace("\r\n", "\n").encode("utf-8"))
    assert difference(query, built.answers["claims-by-modality"]) is None
    # a row gone from the answer
    lines = text.splitlines(keepends=True)
    path.write_bytes("".join([*lines, f"{REKG}Certain,0,1,0\r\n"]).encode("utf-8"))
    found = difference(query, built.answers["claims-by-modality"])
    assert found.line() == "differs claims-by-modality: +0 rows, -1 row"
    assert found.removed == ((f"{REKG}Certain", "0", "1", "0"),)
    assert found.diff().splitlines()[-1] == f"-{REKG}Certain,0,1,0"
    assert found.diff().splitlines()[:2] == [
        f"--- claims-by-modality{SUFFIX} (expected)",
        "+++ claims-by-modality (answer)",
    ]
    # other columns
    path.write_bytes(text.replace("negations", "denials", 1).encode("utf-8"))
    found = difference(query, built.answers["claims-by-modality"])
    assert found.line() == (
        "differs claims-by-modality: columns modality,rank,claims,denials -> "
        "modality,rank,claims,negations; +0 rows, -0 rows"
    )


def test_check_and_write_do_not_go_together():
    done = run_cli("answers", "--check", "--write")
    assert done.returncode == 2
    assert "not allowed with argument" in done.stderr


def test_answers_has_help_with_the_exit_codes():
    done = run_cli("answers", "--help")
    assert done.returncode == 0
    assert "usage: rekg answers" in done.stdout and "exit codes" in done.stdout
