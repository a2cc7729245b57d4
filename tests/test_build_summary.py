"""`make` ends with a summary, not the 260 lines of every answer: one line a stored
question and where the full answers are."""

import re

from rekg.query.catalogue import load_catalogue

from .conftest import ROOT, run_cli


def test_build_summary_names_every_question_with_its_rows_and_where_the_answers_are(
    tmp_path, project
):
    done = run_cli("build", "--summary", "--out", str(tmp_path / "dist"))
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    catalogue = load_catalogue(project.queries)
    assert lines[0] == f"{len(catalogue)} stored questions answered:"
    rows = [re.match(r"  (\S+) +(\d+) rows  (.+)$", line) for line in lines[1:-2]]
    assert [m.group(1) for m in rows] == sorted(catalogue)
    assert [m.group(3) for m in rows] == [catalogue[n].summary for n in sorted(catalogue)]
    answers = (tmp_path / "dist" / "answers.md").read_text(encoding="utf-8")
    for m in rows:
        assert f"{m.group(2)} rows." in answers
    assert lines[-2] == f"Every answer in full: {tmp_path / 'dist'}/answers.md"
    assert lines[-1].startswith("Ask one: .venv/bin/rekg query NAME")
    assert len(lines) == len(catalogue) + 3


def test_answers_and_summary_exclude_each_other():
    done = run_cli("build", "--answers", "--summary")
    assert done.returncode == 2
    assert "not allowed with argument" in done.stderr


def test_make_prints_the_summary_not_every_answer():
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
    recipe = makefile.split("\nbuild:", 1)[1].split("\n\n", 1)[0]
    assert "$(REKG) build --summary" in recipe
    assert "--answers" not in recipe
