"""The comparison workbook for policy staff (data/processed/comparison.xlsx).

First the four comparisons (plan × theme, instrument × plan, indicator ×
plan, sector × theme), then a sheet per table. Every sheet has a frozen
header, filters and readable column widths. Text is always written as text
(`strings_to_formulas` off), so "- Tăng cường ..." or "=" never runs.
"""

from __future__ import annotations

import datetime as dt
import math
import numbers
from pathlib import Path
from typing import Any

import pandas as pd
import xlsxwriter

from pipeline.exports import pivots
from pipeline.exports.files import atomic_path

EXCEL_MAX_ROWS = 1_048_576
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
        """One sheet: optional note line, header, rows; frozen header, filter, widths."""
        sheet = self.book.add_worksheet(name)
        if index_label is not None:
            df = df.reset_index().rename(columns={df.index.name or "index": index_label})
        top = 0
        if note:
            sheet.write_string(0, 0, note, self.note)
            top = 1
        columns = [str(c) for c in df.columns]
        max_rows = EXCEL_MAX_ROWS - top - 1
        if len(df) > max_rows:
            df = df.iloc[:max_rows]
        for j, col in enumerate(columns):
            sheet.write_string(top, j, col, self.header)
        widths = [min(max(len(c), 6) + 2, 40) for c in columns]
        for i, row in enumerate(df.itertuples(index=False, name=None), start=top + 1):
            for j, value in enumerate(row):
                value = _cell(value)
                if value is None:
                    continue
                if isinstance(value, str):
                    sheet.write_string(i, j, value)
                    if i < top + 200:
                        widths[j] = max(widths[j], min(len(value) + 2, 60))
                elif isinstance(value, bool):
                    sheet.write_boolean(i, j, value)
                elif isinstance(value, dt.date):
                    sheet.write_datetime(i, j, dt.datetime.combine(value, dt.time()), self.date)
                    widths[j] = max(widths[j], 12)
                else:
                    sheet.write_number(i, j, value)
        for j, width in enumerate(widths):
            sheet.set_column(j, j, width)
        sheet.freeze_panes(top + 1, 1 if index_label else 0)
        if columns:
            sheet.autofilter(top, 0, top + max(len(df), 1), len(columns) - 1)


def write_workbook(frames: dict[str, pd.DataFrame], path: Path) -> Path:
    with atomic_path(path) as tmp:
        book = xlsxwriter.Workbook(str(tmp), {"strings_to_formulas": False, "strings_to_urls": False,
                                              "strings_to_numbers": False, "constant_memory": False})
        sheets = _Sheets(book)
        for name, (note, builder) in PIVOT_SHEETS.items():
            table = getattr(pivots, builder)(frames)
            index_label = None if name in ("plan_x_instrument", "indicator_x_plan") else table.index.name
            sheets.write(name, table, index_label=index_label, note=note)
        for name, df in frames.items():
            sheets.write(name, df)
        book.close()
    return path
