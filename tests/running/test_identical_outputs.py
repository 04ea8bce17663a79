"""Two runs on the same input write the same files: byte for byte, except plans.duckdb (equal in content).

The README says which is which; this test checks each claim.
"""

from __future__ import annotations

from pathlib import Path

import duckdb
from batch_helpers import small_plans

from pipeline.exports.tables import TABLES
from pipeline.running.batch import run_batch
from pipeline.running.engines import InlineEngine

BYTE_IDENTICAL = ["records/*.json", "errors.csv", "csv/*.csv", "parquet/*.parquet", "comparison.xlsx", "report.html"]
EQUAL_IN_CONTENT = ["plans.duckdb"]


def _files(out: Path, patterns: list[str]) -> dict[str, bytes]:
    return {p.relative_to(out).as_posix(): p.read_bytes() for pattern in patterns for p in sorted(out.glob(pattern))}


def test_two_runs_on_the_same_input_write_the_same_bytes(tmp_path, monkeypatch):
    monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)
    small_plans(tmp_path / "in", 3)
    (tmp_path / "in" / "empty.txt").write_bytes(b"")
    outs = [tmp_path / "a", tmp_path / "b"]
    for out in outs:
        run_batch([tmp_path / "in"], out, engine=InlineEngine(), progress=False, quiet=True, use_cache=False)
    first, second = (_files(out, BYTE_IDENTICAL) for out in outs)
    assert len(first) == 3 + 1 + 2 * len(TABLES) + 2
    assert first == second

    tables = []
    for out in outs:
        con = duckdb.connect(str(out / EQUAL_IN_CONTENT[0]), read_only=True)
        try:
            tables.append({t: con.execute(f'SELECT * FROM "{t}"').fetchall() for t in TABLES})
        finally:
            con.close()
    assert tables[0] == tables[1] and tables[0]["documents"]
