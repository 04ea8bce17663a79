"""The dataset: tables from the plan records, written for every kind of user.

`write_dataset` is the last step of `python -m pipeline run`. From the
records folder it writes, under the output folder:

- `csv/<table>.csv`        Excel-safe CSV (UTF-8 BOM, ISO dates, formulas neutralised)
- `parquet/<table>.parquet` typed columns for pandas / polars / DuckDB
- `plans.duckdb`           the tables plus views for the common questions
- `comparison.xlsx`        the comparison workbook for policy staff
- `report.html`            the self-contained report (heatmap, registry, targets, plan pages)

Every file is written to a temporary name and renamed, so a crash never
leaves a half-written output behind.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
from pathlib import Path

from pipeline.exports.tables import TABLES, build_tables

__all__ = ["TABLES", "build_tables", "write_dataset"]


def write_dataset(records_dir: Path, out_dir: Path, errors: list[dict]) -> dict[str, Path]:
    """Build the tables from `records_dir/*.json` and write every output; return {name: path}.

    The records are read once, streamed into the Parquet files (stream.py);
    CSV, DuckDB, the workbook and the report are then written from those
    files (the report reads the records again for its plan pages), so peak
    memory does not grow with the number of rows. On two or more cores the
    workbook is written by a second Python process (`python -m
    pipeline.exports.workbook`) at the same time as CSV, DuckDB and the report.
    """
    from pipeline.exports.csv_export import write_csv
    from pipeline.exports.duckdb_export import connect_parquet, write_duckdb
    from pipeline.exports.duplicates import copy_of, find_duplicates
    from pipeline.exports.files import iter_records
    from pipeline.exports.report import write_report
    from pipeline.exports.stream import write_parquet_tables

    records_dir, out_dir = Path(records_dir), Path(out_dir)
    parquet_dir = out_dir / "parquet"
    out_dir.mkdir(parents=True, exist_ok=True)
    all_errors = list(errors)  # records that cannot be read are added while streaming, before the errors table
    written: dict[str, Path] = {}
    # staged tables and DuckDB's spill files; inside out_dir, so on the same disk as the outputs
    with tempfile.TemporaryDirectory(dir=out_dir, prefix=".export-") as staging_dir:
        staging = Path(staging_dir)
        duplicates = find_duplicates(copy_of(r) for r in iter_records(records_dir))  # a first, light pass
        parquet = write_parquet_tables(iter_records(records_dir, errors=all_errors), all_errors, parquet_dir,
                                       staging, duplicates)
        # The workbook (the longest writer, pure Python) is written by a second process, from the same
        # Parquet files, while this one writes CSV, DuckDB and the report: on 2+ cores the export takes
        # about as long as its longest half instead of the sum.
        workbook = _start_workbook(parquet_dir, out_dir / "comparison.xlsx", staging / "duckdb-workbook")
        try:
            for name, path in parquet.items():
                written[f"csv/{name}.csv"] = write_csv(path, out_dir / "csv" / f"{name}.csv")
                written[f"parquet/{name}.parquet"] = path
            written["plans.duckdb"] = write_duckdb(parquet_dir, out_dir / "plans.duckdb", temp_dir=staging / "duckdb")
            con = connect_parquet(parquet_dir, temp_dir=staging / "duckdb")
            try:
                report = write_report(con, records_dir, out_dir / "report.html")
            finally:
                con.close()
        finally:
            workbook_path = workbook.result()  # also on failure here: never leave the other process writing
        written["comparison.xlsx"] = workbook_path
        written["report.html"] = report
    return written


def write_workbook_file(parquet_dir: Path, path: Path, temp_dir: Path | None = None) -> Path:
    """write_workbook with its own DuckDB connection over the Parquet files (what the side process runs)."""
    from pipeline.exports.duckdb_export import connect_parquet
    from pipeline.exports.workbook import write_workbook

    con = connect_parquet(parquet_dir, temp_dir=temp_dir)
    try:
        return write_workbook(con, parquet_dir, path)
    finally:
        con.close()


class _Done:
    """A job already run in this process (one core: a second process would only add its start-up)."""

    def __init__(self, parquet_dir: Path, path: Path, temp_dir: Path):
        self.path, self.error = path, None
        try:
            write_workbook_file(parquet_dir, path, temp_dir)
        except Exception as exc:  # noqa: BLE001 - raised by result(), after the other writers, as a process's would be
            self.error = exc

    def result(self) -> Path:
        if self.error is not None:
            raise self.error
        return self.path


class _SideProcess:
    """`python -m pipeline.exports.workbook` in a plain subprocess. Not multiprocessing: its spawn re-runs the
    caller's main script (a script without a __main__ guard would run twice), and fork is unsafe with the
    threads Arrow and DuckDB hold."""

    def __init__(self, parquet_dir: Path, path: Path, temp_dir: Path):
        package_root = str(Path(__file__).resolve().parents[2])
        env = {**os.environ, "PYTHONPATH": os.pathsep.join(p for p in (package_root,
                                                                         os.environ.get("PYTHONPATH")) if p)}
        self.path = path
        self.process = subprocess.Popen(  # noqa: S603 - our own module, arguments are paths
            [sys.executable, "-m", "pipeline.exports.workbook", str(parquet_dir), str(path), str(temp_dir)],
            env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)

    def result(self) -> Path:
        _, stderr = self.process.communicate()
        if self.process.returncode != 0:
            raise RuntimeError(f"writing {self.path.name} failed:\n{stderr[-4000:]}")
        return self.path


def _start_workbook(parquet_dir: Path, path: Path, temp_dir: Path) -> _Done | _SideProcess:
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)
    return (_SideProcess if cores >= 2 else _Done)(parquet_dir, path, temp_dir)
