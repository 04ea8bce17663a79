"""`extract PATH... --out DIR`: one `<doc_id>.json` record per document, errors.csv if any failed.

No cache and no dataset: the simple form that scoring and scripts read.
"""

from __future__ import annotations

import sys
from pathlib import Path

from pipeline.commands.run import add_engine_options, make_engine
from pipeline.running.batch import collect_inputs, extract_files, write_errors_csv


def register(sub) -> None:
    p = sub.add_parser("extract", help="write one JSON record per plan file")
    p.add_argument("paths", nargs="+", metavar="PATH", help="plan files or folders")
    p.add_argument("--out", required=True, type=Path, metavar="DIR", help="output folder")
    p.add_argument("--quiet", action="store_true", help="no progress bar")
    add_engine_options(p, workers_default=1, timeout_default=0)
    p.set_defaults(func=run)


def run(args) -> int:
    try:
        inputs = collect_inputs(args.paths)
    except FileNotFoundError as e:
        print(f"error: {e}", file=sys.stderr)
        return 2
    if not inputs:
        print(f"error: no plan file in {' '.join(map(str, args.paths))}: nothing to do", file=sys.stderr)
        return 2
    engine = make_engine(args)
    try:
        result = extract_files(inputs, args.out, progress=not args.quiet and sys.stderr.isatty(),
                               engine=engine, quiet=args.quiet)
    finally:
        engine.close()
    if result.errors:
        write_errors_csv(args.out, result.errors)
    print(f"{len(result.written)} records written to {args.out}, {len(result.errors)} failed",
          file=sys.stderr)
    if result.errors and not result.written:
        print(f"error: none of the {len(result.errors)} files could be read: see {args.out / 'errors.csv'}",
              file=sys.stderr)
    return 1 if result.errors else 0
