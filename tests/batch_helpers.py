"""Small corpora and output readers shared by the batch, cache/resume and Dask tests."""

from __future__ import annotations

import csv
from pathlib import Path

SAMPLES = sorted((Path(__file__).resolve().parents[1] / "data" / "raw").glob("*.txt"))


def small_plans(folder: Path, n: int) -> list[Path]:
    """`n` short, distinct plans: the head of a sample plan plus a line naming the copy."""
    folder.mkdir(parents=True, exist_ok=True)
    out = []
    for i in range(n):
        text = SAMPLES[i % len(SAMPLES)].read_text(encoding="utf-8")[:2500]
        p = folder / f"plan_{i:03d}.txt"
        p.write_text(f"{text}\nBản sao số {i}.\n", encoding="utf-8")
        out.append(p)
    return out


def read_errors(path: Path) -> list[dict]:
    with open(path, encoding="utf-8-sig", newline="") as f:
        return list(csv.DictReader(f))


def outputs(out: Path) -> dict[str, bytes]:
    """Records, errors.csv and the CSV tables of an output folder, by relative path."""
    files = [*(out / "records").glob("*.json"), out / "errors.csv", *(out / "csv").glob("*.csv")]
    return {p.relative_to(out).as_posix(): p.read_bytes() for p in sorted(files) if p.exists()}
