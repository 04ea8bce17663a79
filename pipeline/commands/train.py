"""`train` (STUB until issue 7)."""

from __future__ import annotations

import sys


def register(sub) -> None:
    p = sub.add_parser("train", help="not implemented yet")
    p.set_defaults(func=run)


def run(args) -> int:
    print("train: not implemented yet", file=sys.stderr)
    return 2
