"""Docs are executed and hold together: every `$ rekg ...` example in README.md and docs/*.md
prints exactly what is shown, every page is linked from the README, every relative link and
anchor resolves, and every `make` target shown exists.

A ```console block holds one or more commands, each a line `$ rekg ARGS` (or
`$ echo 'TEXT' | rekg ARGS`, TEXT given on standard input) followed by its exact stdout;
the command must exit 0. A command written `$ rekg ARGS  # exit N` must exit N,
and the lines after it are its stdout followed by its stderr (docs/development.md)."""

import re
import shlex
import shutil
import unicodedata
from dataclasses import dataclass
from pathlib import Path

import pytest

from .conftest import ROOT, copy_project, run_cli

README = ROOT / "README.md"
DOCS = ROOT / "docs"
# run in order in a fresh copy of the project, each showing stdout then stderr
WALKTHROUGH = DOCS / "walkthrough.md"
PAGES = (
    "querying",
    "authoring",
    "publishing",
    "triple-stores",
    "performance",
    "architecture",
    "contract",
    "walkthrough",
)
FENCE = re.compile(r"^(`{3,}|~{3,})\s*([^`\s]*)")
EXIT = re.compile(r"\s+#\s*exit\s+(\d+)\s*$")
LINK = re.compile(r"\[[^\]]*\]\(([^)\s]+)\)")
HEADING = re.compile(r"^(#{1,6})\s+(.*?)\s*#*\s*$")
MAKE_RULE = re.compile(r"^([A-Za-z0-9][\w.-]*)\s*:(?!=)", re.MULTILINE)


def markdown_files() -> list[Path]:
    return [README, *sorted(DOCS.glob("*.md"))]


def _closes(line: str, fence: str) -> bool:
    text = line.strip()
    return len(text) >= len(fence) and set(text) == {fence[0]}


def split_blocks(path: Path):
    """(prose lines, code blocks) of a Markdown file: each block as (info, line number of
    its first content line, content lines). Blocks inside a longer fence are content."""
    lines = path.read_text(encoding="utf-8").splitlines()
    prose, blocks, i = [], [], 0
    while i < len(lines):
        opening = FENCE.match(lines[i])
        if not opening:
            prose.append(lines[i])
            i += 1
            continue
        fence, info = opening.groups()
        end = i + 1
        while end < len(lines) and not _closes(lines[end], fence):
            end += 1
        blocks.append((info, i + 2, lines[i + 1 : end]))
        i = end + 1
    return prose, blocks


@dataclass(frozen=True)
class Example:
    where: str
    args: tuple
    code: int
    output: str
    stdin: str | None = None


def examples(paths=None) -> list[Example]:
    found = []
    for path in paths or [p for p in markdown_files() if p != WALKTHROUGH]:
        for info, first, lines in split_blocks(path)[1]:
            if info != "console":
                continue
            starts = [n for n, line in enumerate(lines) if line.startswith("$ ")]
            assert starts and starts[0] == 0, f"{path.name}:{first}: a console block starts with $"
            for k, start in enumerate(starts):
                command = lines[start][2:]
                where = f"{path.relative_to(ROOT)}:{first + start}"
                code = 0
                marked = EXIT.search(command)
                if marked:
                    code = int(marked.group(1))
                    command = command[: marked.start()]
                stdin = None
                if command.startswith("echo ") and " | rekg " in command:
                    piped, _, command = command.partition(" | ")
                    stdin = shlex.split(piped)[1] + "\n"
                words = shlex.split(command)
                allowed = ("rekg", "cp") if path == WALKTHROUGH else ("rekg",)
                assert words[0] in allowed, f"{where}: console examples run {allowed}"
                shown = lines[start + 1 : starts[k + 1] if k + 1 < len(starts) else len(lines)]
                output = "".join(line + "\n" for line in shown)
                args = tuple(words[1:]) if words[0] == "rekg" else tuple(words)
                found.append(Example(where, args, code, output, stdin))
    return found


EXAMPLES = examples()


def test_the_docs_have_examples():
    assert sum(e.where.startswith("README.md:") for e in EXAMPLES) >= 3
    assert len(EXAMPLES) >= 10


@pytest.mark.parametrize("example", EXAMPLES, ids=[e.where for e in EXAMPLES])
def test_every_example_prints_what_is_shown(example):
    done = run_cli(*example.args, input=example.stdin)
    assert done.returncode == example.code, (example.where, done.stderr)
    shown = done.stdout if example.code == 0 else done.stdout + done.stderr
    assert shown.replace("\r\n", "\n") == example.output, example.where


@pytest.mark.slow  # a dozen commands in a row
def test_the_walkthrough_runs_in_order_in_a_fresh_copy(tmp_path):
    """docs/walkthrough.md: a researcher adds the test source, drafts, reviews, lints and asks
    the source questions; every step prints exactly what the page shows."""
    project = copy_project(tmp_path)
    second = ROOT / "tests" / "fixtures" / "second-source"
    shutil.copy(second / "mainland-brief.txt", project.root / "mainland-brief.txt")
    shutil.copy(second / "mainland-brief.yaml", project.root / "mainland-brief.reviewed.yaml")
    steps = examples([WALKTHROUGH])
    assert len(steps) >= 8
    for step in steps:
        if step.args[0] == "cp":
            shutil.copy(project.root / step.args[1], project.root / step.args[2])
            assert step.output == "", step.where
            continue
        done = run_cli(*step.args, cwd=project.root, input=step.stdin)
        assert done.returncode == step.code, (step.where, done.stderr)
        assert (done.stdout + done.stderr).replace("\r\n", "\n") == step.output, step.where


def test_readme_starts_with_the_two_commands():
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    first_block = text.split("```sh\n", 1)[1].split("```", 1)[0]
    assert [line.split()[0:2] for line in first_block.splitlines()] == [
        ["make", "#"],
        ["make", "test"],
    ]


def test_the_readme_is_short_and_starts_with_make():
    lines = README.read_text(encoding="utf-8").splitlines()
    assert len(lines) <= 250
    heads = [line.split()[:2] for line in lines[:20]]
    assert ["make", "#"] in heads
    assert ["make", "test"] in heads


def links(path: Path) -> list[str]:
    """The link targets written in the prose of a Markdown file (not in code)."""
    prose = "\n".join(split_blocks(path)[0])
    return LINK.findall(re.sub(r"`[^`\n]*`", "", prose))


def test_every_page_exists_and_is_linked_from_the_readme():
    linked = {target.split("#")[0] for target in links(README)}
    for name in PAGES:
        assert (DOCS / f"{name}.md").is_file(), name
    for page in sorted(DOCS.glob("*.md")):
        assert f"docs/{page.name}" in linked, f"README.md does not link docs/{page.name}"
    assert "../shared" not in README.read_text(encoding="utf-8")


def test_the_repository_keeps_its_own_copy_of_the_contract():
    # a clone needs no ../shared/ beside it: the contract is read from docs/
    text = (DOCS / "contract.md").read_text(encoding="utf-8")
    headings = [line for line in text.splitlines() if line.startswith("#")]
    assert headings == [
        "# The public contract of rekg",
        "## Identifiers",
        "## Minimum vocabulary",
        "## Files and commands",
    ]
    assert "docs/contract.md" in README.read_text(encoding="utf-8")


def slug(heading: str) -> str:
    """GitHub's anchor for a heading: lower case, punctuation dropped, spaces to hyphens."""
    text = heading.replace("`", "").strip().lower()
    kept = "".join(c for c in text if c in " -_" or unicodedata.category(c)[0] in "LN")
    return kept.replace(" ", "-")


def anchors(path: Path) -> set[str]:
    found, seen = set(), {}
    for line in split_blocks(path)[0]:
        heading = HEADING.match(line)
        if heading:
            base = slug(heading.group(2))
            n = seen.get(base, 0)
            seen[base] = n + 1
            found.add(base if n == 0 else f"{base}-{n}")
    return found


def test_every_relative_link_and_anchor_resolves():
    broken = []
    for path in markdown_files():
        for target in links(path):
            if re.match(r"^[a-z][a-z0-9+.-]*:", target):
                continue  # https:, mailto:
            file_part, _, fragment = target.partition("#")
            linked = (path.parent / file_part).resolve() if file_part else path
            where = f"{path.relative_to(ROOT)}: {target}"
            if not linked.exists():
                broken.append(f"{where} (no such file)")
            elif fragment and linked.suffix == ".md" and fragment not in anchors(linked):
                broken.append(f"{where} (no such heading)")
    assert not broken, "\n".join(broken)


def test_make_targets_shown_in_the_docs_exist():
    targets = set(MAKE_RULE.findall((ROOT / "Makefile").read_text(encoding="utf-8")))
    missing = []
    for path in markdown_files():
        for info, first, lines in split_blocks(path)[1]:
            if info != "sh":
                continue
            for n, line in enumerate(lines, start=first):
                words = line.split("#", 1)[0].split()
                if not words or words[0] != "make":
                    continue
                wanted = [w for w in words[1:] if not w.startswith("-") and "=" not in w]
                for target in wanted or ["all"]:
                    if target not in targets:
                        missing.append(f"{path.relative_to(ROOT)}:{n}: make {target}")
    assert not missing, "not targets of the Makefile:\n" + "\n".join(missing)


def shown_commands(program: str):
    """(place, words) of every `program ...` line of the ```sh blocks, continuations joined."""
    for path in markdown_files():
        for info, first, lines in split_blocks(path)[1]:
            if info != "sh":
                continue
            joined, start = "", first
            for n, line in enumerate(lines, start=first):
                if not joined:
                    start = n
                joined += line.rstrip("\\").rstrip() + " " if line.endswith("\\") else line
                if line.endswith("\\"):
                    continue
                words = shlex.split(joined, comments=True)
                joined = ""
                if words and words[0] in (program, f".venv/bin/{program}"):
                    yield f"{path.relative_to(ROOT)}:{start}", words[1:]


def test_every_rekg_command_shown_in_the_docs_is_accepted_by_the_cli():
    """Commands shown in ```sh blocks (placeholders for a store's URL, say) are not run, but
    each must be one the command line accepts as written: its command and options exist."""
    from rekg.cli.main import parser

    shown = list(shown_commands("rekg"))
    assert len(shown) >= 30
    refused = []
    for where, words in shown:
        try:
            parser().parse_args(words)
        except SystemExit:
            refused.append(f"{where}: rekg {' '.join(words)}")
    assert refused == []


def test_a_command_the_cli_refuses_is_caught():
    from rekg.cli.main import parser

    with pytest.raises(SystemExit):
        parser().parse_args(["query", "--no-such-option"])
