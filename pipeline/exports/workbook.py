"""The comparison workbook for policy staff (data/processed/comparison.xlsx).

First the four comparisons (plan × theme, instrument × plan, indicator ×
plan, sector × theme), then a sheet per table. Every sheet has a frozen
header, filters and readable column widths. Text is always written as text
(`strings_to_formulas` off), so "- Tăng cường ..." or "=" never runs.

The workbook is written in xlsxwriter's `constant_memory` mode (each row
goes to disk as soon as the next one starts) from the Parquet files, a batch
at a time. A table sheet stops at `MAX_TABLE_ROWS` rows, with a line under
the last row saying so and where the whole table is (CSV / Parquet): past
that, a sheet is slow to write and to open, and nobody reads it in Excel.
"""

from __future__ import annotations

import datetime as dt
import math
import numbers
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import duckdb
import pandas as pd
import pyarrow.parquet as pq
import xlsxwriter

from pipeline.exports import pivots
from pipeline.exports.files import atomic_path
from pipeline.exports.parquet_export import iter_rows
from pipeline.exports.tables import TABLES

EXCEL_MAX_ROWS = 1_048_576
MAX_TABLE_ROWS = 50_000  # per table sheet; the CSV and Parquet files hold every row
EXCEL_MAX_CELL = 32_767
PIVOT_SHEETS = {
    "plan_x_theme": ("Số nhiệm vụ theo chủ đề của mỗi kế hoạch (tasks per theme, per plan)", "plan_theme"),
    "plan_x_instrument": ("Văn bản được trích dẫn trong mỗi kế hoạch: số lần (who cites what)",
                          "instrument_plan"),
    "indicator_x_plan": ("Chỉ tiêu theo kế hoạch: giá trị, đơn vị, năm (targets side by side)",
                         "indicator_plan"),
    "sector_x_theme": ("Số nhiệm vụ theo ngành và chủ đề (who is responsible for what)", "sector_theme"),
}


def _cell(value: Any) -> Any:
    if value is None or value is pd.NA or (isinstance(value, float) and math.isnan(value)):
        return None
    if isinstance(value, bool):
        return value
    if isinstance(value, numbers.Integral):
        return int(value)
    if isinstance(value, numbers.Real):
        return float(value)
    if isinstance(value, dt.date):
        return value
    text = str(value)
    return text if len(text) <= EXCEL_MAX_CELL else text[: EXCEL_MAX_CELL - 1] + "…"


class _Sheets:
    def __init__(self, book: xlsxwriter.Workbook):
        self.book = book
        self.header = book.add_format({"bold": True, "bg_color": "#DDEBF7", "border": 1, "text_wrap": True,
                                       "valign": "top"})
        self.date = book.add_format({"num_format": "yyyy-mm-dd"})
        self.note = book.add_format({"italic": True, "font_color": "#555555"})

    def write(self, name: str, df: pd.DataFrame, index_label: str | None = None, note: str | None = None) -> None:
        """A pivot sheet (a small DataFrame): note line, header, rows."""
        if index_label is not None:
            df = df.reset_index().rename(columns={df.index.name or "index": index_label})
        self.write_rows(name, [str(c) for c in df.columns], [df.itertuples(index=False, name=None)],
                        len(df), note=note, freeze_first_column=index_label is not None)

    def write_rows(self, name: str, columns: list[str], batches: Iterable[Iterable[tuple]], n_rows: int,
                   note: str | None = None, freeze_first_column: bool = False, max_rows: int = EXCEL_MAX_ROWS,
                   cut_note: str | None = None) -> None:
        """One sheet from batches of row tuples, written top to bottom (as constant_memory needs):
        optional note line, header, at most `max_rows` rows (then `cut_note`); frozen header, filter, widths."""
        sheet = self.book.add_worksheet(name)
        top = 0
        if note:
            sheet.write_string(0, 0, note, self.note)
            top = 1
        max_rows = min(max_rows, EXCEL_MAX_ROWS - top - 2)
        for j, col in enumerate(columns):
            sheet.write_string(top, j, col, self.header)
        widths = [min(max(len(c), 6) + 2, 40) for c in columns]
        i = top
        for rows in batches:
            for row in rows:
                if i - top >= max_rows:
                    break
                i += 1
                self._row(sheet, i, row, widths, measure=i < top + 200)
            if i - top >= max_rows:
                break
        written = i - top
        if written < n_rows and cut_note:
            sheet.write_string(i + 1, 0, cut_note, self.note)
        for j, width in enumerate(widths):
            sheet.set_column(j, j, width)
        sheet.freeze_panes(top + 1, 1 if freeze_first_column else 0)
        if columns:
            sheet.autofilter(top, 0, top + max(written, 1), len(columns) - 1)

    def _row(self, sheet, i: int, row: tuple, widths: list[int], measure: bool) -> None:
        for j, value in enumerate(row):
            if value is None:
                continue
            if type(value) is not str:  # text, most cells, skips the general conversion
                value = _cell(value)
                if value is None:
                    continue
            if isinstance(value, str):
                if len(value) > EXCEL_MAX_CELL:
                    value = value[: EXCEL_MAX_CELL - 1] + "…"
                sheet.write_string(i, j, value)
                if measure:
                    widths[j] = max(widths[j], min(len(value) + 2, 60))
            elif isinstance(value, bool):
                sheet.write_boolean(i, j, value)
            elif isinstance(value, dt.date):
                sheet.write_datetime(i, j, dt.datetime.combine(value, dt.time()), self.date)
                widths[j] = max(widths[j], 12)
            else:
                sheet.write_number(i, j, value)


def write_workbook(con: duckdb.DuckDBPyConnection, parquet_dir: Path, path: Path,
                   tables: list[str] = TABLES, max_table_rows: int = MAX_TABLE_ROWS) -> Path:
    """The pivots (from `con`, see pivots.py), then a sheet per table streamed from its Parquet file."""
    with atomic_path(path) as tmp:
        book = xlsxwriter.Workbook(str(tmp), {"strings_to_formulas": False, "strings_to_urls": False,
                                              "strings_to_numbers": False, "constant_memory": True})
        try:
            sheets = _Sheets(book)
            for name, (note, builder) in PIVOT_SHEETS.items():
                table = getattr(pivots, builder)(con)
                index_label = None if name in ("plan_x_instrument", "indicator_x_plan") else table.index.name
                sheets.write(name, table, index_label=index_label, note=note)
            for name in tables:
                source = parquet_dir / f"{name}.parquet"
                n_rows = pq.ParquetFile(str(source)).metadata.num_rows
                cut = (f"Chỉ hiện {max_table_rows:,} dòng đầu tiên trong {n_rows:,} dòng; bảng đầy đủ: "
                       f"csv/{name}.csv, parquet/{name}.parquet (first {max_table_rows:,} of {n_rows:,} rows "
                       "shown; the whole table is in the CSV and Parquet files)")
                sheets.write_rows(name, pq.read_schema(str(source)).names, iter_rows(source), n_rows,
                                  max_rows=max_table_rows, cut_note=cut)
        finally:
            book.close()
    return path
