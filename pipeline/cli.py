"""Command line: `python -m pipeline {extract,run,train,classify,stages,eval}`.

Each command lives in `pipeline/commands/<name>.py` with `register(subparsers)`.
"""

from __future__ import annotations

import argparse
import importlib
import sys

from pipeline import __version__

COMMANDS = ["extract", "run", "train", "classify", "stages", "eval"]


def build_parser() -> argparse.ArgumentParser:
    ap = argparse.ArgumentParser(
        prog="python -m pipeline",
        description="Read Vietnamese child-protection plans and write a comparable dataset.",
    )
    ap.add_argument("--version", action="version", version=f"vn-child-plans {__version__}")
    sub = ap.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for name in COMMANDS:
        importlib.import_module(f"pipeline.commands.{name}").register(sub)
    return ap


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return int(args.func(args) or 0)
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130
