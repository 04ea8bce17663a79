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

import multiprocessing
import os
import tempfile
from concurrent.futures import Future, ProcessPoolExecutor
from pathlib import Path

from pipeline.exports.tables import TABLES, build_tables

__all__ = ["TABLES", "build_tables", "write_dataset"]


def write_dataset(records_dir: Path, out_dir: Path, errors: list[dict]) -> dict[str, Path]:
    """Build the tables from `records_dir/*.json` and write every output; return {name: path}.

    The records are read once, streamed into the Parquet files (stream.py);
    CSV, DuckDB, the workbook and the report are then written from those
    files (the report reads the records again for its plan pages), so peak
    memory does not grow with the number of rows.
    """
    from pipeline.exports.csv_export import write_csv
    from pipeline.exports.duckdb_export import connect_parquet, write_duckdb
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
        parquet = write_parquet_tables(iter_records(records_dir, errors=all_errors), all_errors, parquet_dir,
                                       staging)
        for name, path in parquet.items():
            written[f"csv/{name}.csv"] = write_csv(path, out_dir / "csv" / f"{name}.csv")
            written[f"parquet/{name}.parquet"] = path
        # The workbook (the longest writer, pure Python) is written by a second process, from the same
        # Parquet files, while this one writes CSV, DuckDB and the report: on 2+ cores the export takes
        # about as long as its longest half instead of the sum.
        with _side_process() as pool:
            workbook = pool.submit(_workbook_from_parquet, parquet_dir, out_dir / "comparison.xlsx",
                                   staging / "duckdb-workbook")
            for name, path in parquet.items():
                written[f"csv/{name}.csv"] = write_csv(path, out_dir / "csv" / f"{name}.csv")
                written[f"parquet/{name}.parquet"] = path
            written["plans.duckdb"] = write_duckdb(parquet_dir, out_dir / "plans.duckdb", temp_dir=staging / "duckdb")
            con = connect_parquet(parquet_dir, temp_dir=staging / "duckdb")
            try:
                report = write_report(con, records_dir, out_dir / "report.html")
            finally:
                con.close()
            written["comparison.xlsx"] = workbook.result()
            written["report.html"] = report
    return written


def _workbook_from_parquet(parquet_dir: Path, path: Path, temp_dir: Path) -> Path:
    """write_workbook with its own DuckDB connection (it runs in another process)."""
    from pipeline.exports.duckdb_export import connect_parquet
    from pipeline.exports.workbook import write_workbook

    con = connect_parquet(parquet_dir, temp_dir=temp_dir)
    try:
        return write_workbook(con, parquet_dir, path)
    finally:
        con.close()


class _InProcess:
    """The pool's interface, run here and now: for one core, where a second process only adds its start-up."""

    def submit(self, fn, *args) -> Future:
        future: Future = Future()
        try:
            future.set_result(fn(*args))
        except BaseException as exc:  # noqa: BLE001 - handed to the caller by .result(), as a pool does
            future.set_exception(exc)
        return future

    def __enter__(self) -> _InProcess:
        return self

    def __exit__(self, *exc) -> None:
        return None


def _side_process() -> ProcessPoolExecutor | _InProcess:
    """One worker process (spawned: the caller may hold threads, which fork does not copy safely)."""
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)
    if cores < 2:
        return _InProcess()
    return ProcessPoolExecutor(max_workers=1, mp_context=multiprocessing.get_context("spawn"))
