"""`stages`: print the pipeline's declared stages (name, requires, assigns, purpose)."""

from __future__ import annotations


def register(sub) -> None:
    p = sub.add_parser("stages", help="list the pipeline's stages in order")
    p.set_defaults(func=run)


def stage_table() -> str:
    """The stage list as a markdown table: the README's pipeline section is this output."""
    from pipeline.process import GIVEN, PIPELINE

    rows = ["| # | stage | requires | assigns | purpose |", "|---|---|---|---|---|",
            f"| 0 | read | file | {', '.join(GIVEN)} | sniff the format and read PDF / DOCX / text |"]
    for i, s in enumerate(PIPELINE.stages, 1):
        rows.append(f"| {i} | {s.name} | {', '.join(s.requires)} | {', '.join(s.assigns)} | {s.purpose} |")
    return "\n".join(rows)


def run(args) -> int:
    print(stage_table())
    return 0
