"""`rekg claims draft` (a first reading of a source's claims, for an annotator) and
`rekg lint` (the claim files checked against the words of their sources)."""

import sys

from rekg.cli.common import project_of
from rekg.core.errors import EXIT_DATA, EXIT_OK, UsageError


def cmd_claims(args) -> int:
    if args.claims_command == "draft":
        return cmd_draft(args)
    raise UsageError("rekg claims needs a subcommand", remedy="rekg claims draft SLUG")


def cmd_draft(args) -> int:
    project = project_of(args)
    if args.compare:
        from rekg.ingest.draft import compare

        draft, evaluation, gold = compare(project, args.slug)
        sys.stdout.write(render_evaluation(draft, evaluation, project.relative(gold)))
        return EXIT_OK
    from rekg.ingest.draft import write_draft

    draft = write_draft(project, args.slug, force=args.force)
    print(
        f"rekg claims draft: wrote {project.relative(draft.path)}: "
        f"{len(draft.candidates)} candidate claims from {draft.sentences} sentences "
        f"({draft.count('expected')} expected, {draft.count('likely')} likely, "
        f"{draft.count('possible')} possible, {draft.count('unlikely')} unlikely, "
        f"{draft.negated} negated); review each and remove 'draft: true'",
        file=sys.stderr,
    )
    return EXIT_OK


def render_evaluation(draft, evaluation, gold: str) -> str:
    def share(part: int, whole: int) -> str:
        return f"{part} of {whole} ({100 * part / whole:.1f}%)" if whole else f"{part} of 0"

    matched = len(evaluation.matches)
    same_modality = sum(1 for m in evaluation.matches if m.gold_modality == m.drafted_modality)
    same_negation = sum(1 for m in evaluation.matches if m.gold_negated == m.drafted_negated)
    lines = [
        f"{draft.slug}: {evaluation.drafted} candidate claims drafted, compared with the "
        f"{evaluation.gold} claims of {gold}",
        f"  coverage  {share(matched, evaluation.gold)} claims overlap a candidate",
        f"  modality  {share(same_modality, matched)} matched claims agree",
        f"  negation  {share(same_negation, matched)} matched claims agree",
        f"  quotes    {share(evaluation.identical, matched)} matched quotes identical; "
        f"{share(evaluation.useful, evaluation.drafted)} candidates overlap a claim",
    ]
    if evaluation.missed:
        lines.append(f"  missed    claims {', '.join(map(str, evaluation.missed))}")
    for m in evaluation.disagreements():
        said = []
        if m.gold_modality != m.drafted_modality:
            said.append(f"modality {m.gold_modality}, drafted {m.drafted_modality}")
        if m.gold_negated != m.drafted_negated:
            said.append(
                f"negated {str(m.gold_negated).lower()}, drafted {str(m.drafted_negated).lower()}"
            )
        lines.append(f"  claim {m.gold} (candidate {m.drafted}): {'; '.join(said)}: {m.quote!r}")
    return "\n".join(lines) + "\n"


def cmd_lint(args) -> int:
    from rekg.ingest.lint import lint

    project = project_of(args)
    report = lint(project, args.source)
    for finding in report.findings:
        print(finding.render())
    for summary in report.summaries:
        print(summary.render())
    return EXIT_DATA if args.strict and report.findings else EXIT_OK


def register(add) -> None:
    p = add("claims", cmd_claims, "draft a source's claim file for an annotator to review")
    sub = p.add_subparsers(dest="claims_command", metavar="SUBCOMMAND")
    d = sub.add_parser(
        "draft",
        help="write data/claims/SLUG.yaml: one candidate claim per clause of the source, "
        "with modality and negation read from cue words, each marked 'draft: true'",
        description="Split data/sources/SLUG.txt into sentences and clauses and write one "
        "candidate claim per clause to data/claims/SLUG.yaml, with a suggested modality and "
        "negation and the entities it mentions (as comments), each marked 'draft: true'. "
        "Refuses to replace an existing claim file without --force.",
        epilog="exit codes: 0 written (or compared); 2 bad usage or unreadable input: an "
        "unknown source, a claim file that exists already (without --force), which is left "
        "untouched, or a source text, claim file or data/entities.ttl that cannot be read "
        "(not UTF-8, a syntax error), named with its line",
    )
    d.add_argument("slug", metavar="SLUG", help="the source: data/sources/SLUG.txt")
    d.add_argument("--force", action="store_true", help="replace an existing data/claims/SLUG.yaml")
    d.add_argument(
        "--compare",
        action="store_true",
        help="write nothing: draft in memory and compare with the existing claim file "
        "(coverage, modality and negation agreement)",
    )
    p = add(
        "lint",
        cmd_lint,
        "check the claim files against their sources' words: modality and negation cues, "
        "overlapping quotes, uncovered sentences, claims still drafts",
    )
    p.add_argument(
        "--strict", action="store_true", help="exit 1 when there is any finding (for CI)"
    )
    p.add_argument("--source", metavar="SLUG", help="only the claims of this source")
