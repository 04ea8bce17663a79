"""`run [INPUT] [--out OUTPUT_DIR]`: the main job over a folder of plans, cached and resumable.

Unchanged files are taken from the cache, changed ones processed again,
removed ones dropped from the dataset; a run killed at any moment finishes
with the same outputs when started again. See docs/scaling.md.
"""

from __future__ import annotations

import sys
from pathlib import Path

from pipeline.running.engines import Limits, default_workers


def add_engine_options(p, workers_default: int | None, timeout_default: float) -> None:
    """Options shared by `run` and `extract`: how many workers, where, and the per-document limits."""
    p.add_argument("--workers", type=int, default=workers_default, metavar="N",
                   help="worker processes (default: %s)" % ("all cores" if workers_default is None
                                                            else workers_default))
    p.add_argument("--engine", choices=["local", "dask"], default="local",
                   help="local process pool (default) or a Dask cluster")
    p.add_argument("--scheduler", metavar="ADDRESS",
                   help="Dask scheduler address, e.g. tcp://10.0.0.5:8786 (default: start a local Dask cluster)")
    p.add_argument("--timeout", type=float, default=timeout_default, metavar="SECONDS",
                   help=f"time limit per document, plus --timeout-per-page for each page of a PDF; "
                        f"0 for none (default {timeout_default:g})")
    p.add_argument("--timeout-per-page", type=float, default=Limits.timeout_per_page, metavar="SECONDS",
                   help="seconds added to --timeout for each PDF page, so long and scanned (OCR) PDFs finish "
                        f"(default {Limits.timeout_per_page:g}: a 30-page PDF gets --timeout + 300 s)")
    p.add_argument("--max-memory-mb", type=int, default=Limits.max_memory_mb, metavar="MB",
                   help=f"memory limit of one worker (default {Limits.max_memory_mb}); local engine only")
    p.add_argument("--max-text-mb", type=float, default=Limits.max_text_mb, metavar="MB",
                   help=f"refuse .txt/.md files larger than this (default {Limits.max_text_mb:g})")


def make_engine(args):
    """The engine the options ask for; one worker with no time limit runs in this process."""
    from pipeline.running.engines import DaskEngine, InlineEngine, LocalEngine

    limits = Limits(timeout=args.timeout or 0, timeout_per_page=args.timeout_per_page,
                    max_memory_mb=args.max_memory_mb, max_text_mb=args.max_text_mb)
    if args.engine == "dask":
        return DaskEngine(args.scheduler, args.workers, limits)
    workers = args.workers or default_workers()
    if workers == 1 and not limits.timeout:
        return InlineEngine(limits)
    return LocalEngine(workers, limits)


def register(sub) -> None:
    p = sub.add_parser("run", help="process a folder of plans into the dataset (cached, resumable)")
    p.add_argument("input", nargs="?", default="data/raw", type=Path, help="input folder (default data/raw)")
    p.add_argument("--out", default="data/processed", type=Path, help="output folder (default data/processed)")
    p.add_argument("--no-cache", action="store_true", help="process every document again")
    p.add_argument("--quiet", action="store_true", help="no progress bar")
    add_engine_options(p, workers_default=None, timeout_default=120.0)
    p.set_defaults(func=run)


def run(args) -> int:
    from pipeline.running.batch import collect_inputs, run_batch

    problem = input_problem(args.input, collect_inputs) or output_problem(args.out)
    if problem:
        print(f"error: {problem}", file=sys.stderr)
        return 2
    engine = make_engine(args)
    try:
        summary = run_batch([args.input], args.out, engine=engine,
                            progress=not args.quiet and sys.stderr.isatty(),
                            quiet=args.quiet, use_cache=not args.no_cache)
    except RuntimeError as e:  # another run holds the output folder
        print(f"error: {e}", file=sys.stderr)
        return 2
    except OSError as e:  # the output folder itself failed (disk full, removed, permissions changed)
        print(f"error: the run failed writing {args.out}: {e.strerror or e}", file=sys.stderr)
        return 2
    finally:
        engine.close()
    print(f"{summary.line()} -> {args.out}", file=sys.stderr)
    if summary.failed and summary.failed == summary.total:
        print(f"error: none of the {summary.total} files could be read: see {args.out / 'errors.csv'}",
              file=sys.stderr)
        return 1
    if summary.failed:
        print(f"{summary.failed} documents failed: see {args.out / 'errors.csv'}", file=sys.stderr)
    print(open_line(args.out, summary.outputs), file=sys.stderr)
    return 1 if summary.failed else 0


def input_problem(folder: Path, collect_inputs) -> str | None:
    """Why a run over `folder` cannot start (missing, not a folder, no plan file in it), else None."""
    from pipeline.running.batch import INPUT_SUFFIXES

    if not folder.exists():
        return f"input folder {folder} does not exist"
    if folder.is_dir() and not collect_inputs([folder]):
        kinds = " ".join(sorted(INPUT_SUFFIXES & {".pdf", ".docx", ".txt", ".md"}))
        return f"no plan file ({kinds}) in {folder}: nothing to do"
    return None


def output_problem(out: Path) -> str | None:
    """Why the dataset cannot be written to `out` (a file, not a folder; a folder this user may not write)."""
    import os
    import tempfile

    existing = next((p for p in (out, *out.parents) if p.exists()), None)
    if out.exists() and not out.is_dir():
        return f"--out {out} is a file, not a folder: give a folder for the dataset"
    if existing is not None and not existing.is_dir():
        return f"--out {out} is inside {existing}, which is a file, not a folder"
    try:
        out.mkdir(parents=True, exist_ok=True)
        with tempfile.TemporaryFile(dir=out):
            pass
    except OSError as e:
        return f"cannot write to --out {out}: {e.strerror or e} (choose a folder this user may write)"
    if not os.access(out, os.W_OK | os.X_OK):
        return f"cannot write to --out {out}: permission denied (choose a folder this user may write)"
    return None


OPEN_FIRST = (("report.html", "the report"), ("comparison.xlsx", "the workbook"),
              ("plans.duckdb", "the database"))


def open_line(out: Path, outputs: dict) -> str:
    """The line that tells a person which files to open."""
    shown = [f"{out / name} ({what})" for name, what in OPEN_FIRST if name in outputs]
    return "open: " + ", ".join(shown) if shown else f"records in {out / 'records'}"
