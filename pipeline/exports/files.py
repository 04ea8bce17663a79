"""File plumbing of the exports: atomic writes and streaming the records.

A crash (or Ctrl-C) halfway through a 5,000-plan run must never leave a
half-written parquet or workbook that a notebook then reads as if whole, so
every writer writes a temporary file in the target folder and renames it.
"""

from __future__ import annotations

import json
import os
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path


@contextmanager
def atomic_path(path: Path) -> Iterator[Path]:
    """Yield a fresh temporary path beside `path`; on success rename it over `path`.

    The temporary file does not exist when yielded (some writers, DuckDB,
    refuse to open an existing non-database file).
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp_name = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    os.close(fd)
    tmp = Path(tmp_name)
    tmp.unlink()
    try:
        yield tmp
        os.replace(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)
        Path(f"{tmp}.wal").unlink(missing_ok=True)


def record_paths(records_dir: Path) -> list[Path]:
    """The record files of a folder, sorted by name (temporary and hidden files skipped)."""
    return sorted(p for p in Path(records_dir).glob("*.json") if not p.name.startswith("."))


def iter_records(records_dir: Path, errors: list[dict] | None = None) -> Iterator[dict]:
    """Yield records one at a time, so thousands of plans never sit in memory together.

    A record that cannot be read is reported in `errors` (when given) and skipped.
    """
    for path in record_paths(records_dir):
        try:
            record = json.loads(path.read_text(encoding="utf-8"))
            if not isinstance(record, dict) or "doc_id" not in record:
                raise ValueError("not a plan record (no doc_id)")
        except (OSError, ValueError) as exc:
            if errors is not None:
                errors.append({"doc_id": path.stem, "source": str(path), "error": "BadRecord",
                               "reason": f"cannot read record: {exc}",
                               "hint": "re-run `python -m pipeline extract` on this document", "stage": "export"})
            continue
        yield record
