"""Docs are executed: every `$ rekg ...` example in the README prints exactly what is shown."""

import re
import shlex

from .conftest import ROOT, run_cli

BLOCK = re.compile(r"```console\n(.*?)```", re.DOTALL)


def examples():
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    for block in BLOCK.findall(text):
        lines = block.splitlines()
        assert lines[0].startswith("$ rekg ")
        yield shlex.split(lines[0][2:])[1:], "\n".join(lines[1:]) + "\n"


def test_the_readme_has_examples():
    assert len(list(examples())) >= 3


def test_every_readme_example_prints_what_is_shown():
    for args, shown in examples():
        done = run_cli(*args)
        assert done.returncode == 0, done.stderr
        assert done.stdout.replace("\r\n", "\n") == shown, args


def test_readme_starts_with_the_two_commands():
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    first_block = text.split("```sh\n", 1)[1].split("```", 1)[0]
    assert [line.split()[0:2] for line in first_block.splitlines()] == [
        ["make", "#"],
        ["make", "test"],
    ]
