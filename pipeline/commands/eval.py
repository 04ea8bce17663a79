"""`eval`: extract every gold set and print one table, field x set (see pipeline/running/evaluate.py)."""

from __future__ import annotations

from pathlib import Path


def register(sub) -> None:
    p = sub.add_parser("eval", help="score every gold set (seeds, seeds as PDF/DOCX, dev, project gold)")
    p.add_argument("--json", type=Path, help="also write the reports as JSON")
    p.set_defaults(func=run)


def run(args) -> int:
    from pipeline.running.evaluate import main

    return main(["--json", str(args.json)] if args.json else [])
