"""`run [INPUT_DIR] [--out OUTPUT_DIR]`: the main job over a folder of plans."""

from __future__ import annotations

import sys
import time
from pathlib import Path

from pipeline.batch import extract_files, find_inputs, write_errors_csv


def register(sub) -> None:
    p = sub.add_parser("run", help="process a folder of plans into the dataset")
    p.add_argument("input", nargs="?", default="data/raw", type=Path, help="input folder (default data/raw)")
    p.add_argument("--out", default="data/processed", type=Path, help="output folder (default data/processed)")
    p.add_argument("--quiet", action="store_true", help="no progress bar")
    p.set_defaults(func=run)


def run(args) -> int:
    if not args.input.exists():
        print(f"error: input folder {args.input} does not exist", file=sys.stderr)
        return 2
    t0 = time.perf_counter()
    files = list(find_inputs([args.input]))
    records_dir = args.out / "records"
    result = extract_files(files, records_dir, progress=not args.quiet)
    write_errors_csv(args.out, result.errors)
    dt = time.perf_counter() - t0
    print(f"processed {len(files)} files in {dt:.1f}s: {len(result.written)} records, "
          f"{len(result.errors)} errors -> {args.out}", file=sys.stderr)
    return 1 if result.errors else 0
