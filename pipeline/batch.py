"""Process many files: find inputs, isolate failures, write records and errors.csv.

Extractors know nothing of this; this module knows nothing of extraction.
"""

from __future__ import annotations

import csv
import json
import os
import sys
import tempfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from pipeline.errors import PlanError
from pipeline.readers import SUPPORTED_SUFFIXES

ERROR_FIELDS = ["doc_id", "source", "error", "reason", "hint"]


@dataclass
class BatchResult:
    written: list[Path] = field(default_factory=list)
    errors: list[dict] = field(default_factory=list)


def find_inputs(paths: Iterable[str | Path]) -> Iterator[Path]:
    """Files given, and plan files (by suffix) under folders given, sorted, hidden files skipped."""
    for p in map(Path, paths):
        if p.is_dir():
            for f in sorted(p.rglob("*")):
                if f.is_file() and not f.name.startswith(".") and f.suffix.lower() in SUPPORTED_SUFFIXES:
                    yield f
        elif p.exists():
            yield p
        else:
            raise FileNotFoundError(f"no such file or folder: {p}")


def atomic_write_text(path: Path, text: str, encoding: str = "utf-8") -> None:
    """Write to a temporary file in the same folder, then rename over `path`."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding=encoding, newline="") as f:
            f.write(text)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def record_json(record: dict) -> str:
    return json.dumps(record, ensure_ascii=False, indent=1)


def error_row(path: Path, exc: BaseException) -> dict:
    if isinstance(exc, PlanError):
        return {"doc_id": path.stem, "source": str(path), "error": exc.code,
                "reason": exc.reason, "hint": exc.hint}
    return {"doc_id": path.stem, "source": str(path), "error": type(exc).__name__,
            "reason": str(exc) or type(exc).__name__,
            "hint": "this is a bug in the pipeline: please report it with the file"}


def write_errors_csv(out_dir: Path, errors: list[dict]) -> Path:
    import io

    buf = io.StringIO()
    w = csv.DictWriter(buf, fieldnames=ERROR_FIELDS, extrasaction="ignore")
    w.writeheader()
    w.writerows(errors)
    path = out_dir / "errors.csv"
    atomic_write_text(path, "\ufeff" + buf.getvalue())
    return path


def extract_files(files: list[Path], out_dir: Path, progress: bool = False) -> BatchResult:
    """Process each file in this process; one broken file never stops the batch."""
    from pipeline.process import process_file

    result = BatchResult()
    out_dir.mkdir(parents=True, exist_ok=True)
    bar = None
    if progress:
        from tqdm import tqdm

        bar = tqdm(total=len(files), unit="doc", file=sys.stderr, dynamic_ncols=True)
    for f in files:
        try:
            doc = process_file(f)
            target = out_dir / f"{doc.doc_id}.json"
            atomic_write_text(target, record_json(doc.to_record()))
            result.written.append(target)
        except Exception as exc:  # noqa: BLE001 - isolate every failure to its file
            row = error_row(f, exc)
            result.errors.append(row)
            msg = f"{f}: {row['reason']}" + (f" - {row['hint']}" if row["hint"] else "")
            (bar.write if bar else lambda m: print(m, file=sys.stderr))(f"skipped {msg}")
        if bar:
            bar.update(1)
    if bar:
        bar.close()
    return result
