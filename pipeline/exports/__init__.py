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

from pathlib import Path

from pipeline.exports.tables import TABLES, build_tables

__all__ = ["TABLES", "build_tables", "write_dataset"]


def write_dataset(records_dir: Path, out_dir: Path, errors: list[dict]) -> dict[str, Path]:
    """Build the tables from `records_dir/*.json` and write every output; return {name: path}."""
    from pipeline.exports.csv_export import write_csv
    from pipeline.exports.duckdb_export import write_duckdb
    from pipeline.exports.files import iter_records
    from pipeline.exports.parquet_export import write_parquet
    from pipeline.exports.report import write_report
    from pipeline.exports.workbook import write_workbook

    records_dir, out_dir = Path(records_dir), Path(out_dir)
    all_errors = list(errors)  # records that cannot be read are added while streaming, before the errors table
    frames = build_tables(iter_records(records_dir, errors=all_errors), all_errors)
    written: dict[str, Path] = {}
    for name, df in frames.items():
        written[f"csv/{name}.csv"] = write_csv(df, out_dir / "csv" / f"{name}.csv")
        written[f"parquet/{name}.parquet"] = write_parquet(df, name, out_dir / "parquet" / f"{name}.parquet")
    written["plans.duckdb"] = write_duckdb(frames, out_dir / "plans.duckdb")
    written["comparison.xlsx"] = write_workbook(frames, out_dir / "comparison.xlsx")
    written["report.html"] = write_report(frames, records_dir, out_dir / "report.html")
    return written
