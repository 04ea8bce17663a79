"""`extract PATH... --out DIR`: one `<doc_id>.json` record per document."""

from __future__ import annotations

import sys
from pathlib import Path

from pipeline.batch import extract_files, find_inputs, write_errors_csv


def register(sub) -> None:
    p = sub.add_parser("extract", help="write one JSON record per plan file")
    p.add_argument("paths", nargs="+", metavar="PATH", help="plan files or folders")
    p.add_argument("--out", required=True, type=Path, metavar="DIR", help="output folder")
    p.add_argument("--quiet", action="store_true", help="no progress bar")
    p.set_defaults(func=run)


def run(args) -> int:
    try:
        files = list(find_inputs(args.paths))
    except FileNotFoundError as e:
        print(f"error: {e}", file=sys.stderr)
        return 2
    result = extract_files(files, args.out, progress=not args.quiet and sys.stderr.isatty())
    if result.errors:
        write_errors_csv(args.out, result.errors)
    print(f"{len(result.written)} records written to {args.out}, {len(result.errors)} failed",
          file=sys.stderr)
    return 1 if result.errors else 0
