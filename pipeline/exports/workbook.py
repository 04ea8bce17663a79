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
import functools
import math
import numbers
import os
import re
import zipfile
from collections.abc import Iterable
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import duckdb
import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq
import xlsxwriter
from xlsxwriter.utility import xl_col_to_name

from pipeline.exports import pivots
from pipeline.exports.files import atomic_path
from pipeline.exports.labels import label
from pipeline.exports.parquet_export import CHUNK_ROWS, iter_rows
from pipeline.exports.tables import LIST_SEP, SCHEMA, TABLES
from pipeline.knowledge.loader import load_yaml

EXCEL_MAX_ROWS = 1_048_576
MAX_TABLE_ROWS = 50_000  # per table sheet; the CSV and Parquet files hold every row
EXCEL_MAX_CELL = 32_767
ZIP_LEVEL = 3  # zlib level of the workbook's parts (see _deflate_level)
WIDTH_SAMPLE_ROWS = 199  # text columns are as wide as their longest text in the first rows (then capped)
SHARE_COLUMNS = ("share_of_plan", "share_of_province")  # shown as percentages
TABLE_STYLE = "Table Style Light 9"


def _value(value: Any) -> Any:
    """A comparison cell: blanks for every kind of missing value, yes/no in Vietnamese, dates as dates."""
    if isinstance(value, list | tuple | np.ndarray):
        return LIST_SEP.join(str(v) for v in value)
    if value is None or value is pd.NA or value is pd.NaT or (isinstance(value, float) and math.isnan(value)):
        return None
    if isinstance(value, bool | np.bool_):
        return label("yes_no", str(bool(value)).lower())
    if isinstance(value, pd.Timestamp | dt.datetime):
        return value.date()
    if isinstance(value, np.integer):
        return int(value)
    if isinstance(value, np.floating):
        return float(value)
    return value


def _width(header: str, values: list) -> int:
    longest = max([len(str(v)) for v in values if v is not None] or [0])
    return min(max(len(header), longest, 6) + 2, 60)


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
    if isinstance(value, list | tuple | np.ndarray):
        value = LIST_SEP.join(str(v) for v in value)
    text = str(value)
    return text if len(text) <= EXCEL_MAX_CELL else text[: EXCEL_MAX_CELL - 1] + "…"


class _Sheets:
    def __init__(self, book: xlsxwriter.Workbook):
        self.book = book
        self.header = book.add_format({"bold": True, "bg_color": "#DDEBF7", "border": 1, "text_wrap": True,
                                       "valign": "top"})
        self.date = book.add_format({"num_format": "dd/mm/yyyy"})  # 30/05/2024, as dates are written in Viet Nam
        self.share = book.add_format({"num_format": "0.0%"})
        self.note = book.add_format({"italic": True, "font_color": "#555555"})
        self.title = book.add_format({"bold": True, "font_size": 14})
        self.wrap = book.add_format({"text_wrap": True, "valign": "top"})

    def memory_sheet(self, name: str):
        """A sheet held in memory (not constant_memory): the guide and the comparisons, small, with Excel
        tables (which xlsxwriter writes only in that mode). The table sheets stream (constant_memory)."""
        self.book.constant_memory = False
        try:
            sheet = self.book.add_worksheet(name)
        finally:
            self.book.constant_memory = True
        sheet.row_data_fh_closed = True  # it has no row file for the book's close to close
        return sheet

    def comparison(self, name: str, headers: list[str], frame: pd.DataFrame, note: str) -> None:
        """A long comparison sheet: a note line, then an Excel table of `frame` under a frozen header."""
        sheet = self.memory_sheet(name)
        sheet.write_string(0, 0, note, self.note)
        rows = [tuple(_value(v) for v in row) for row in frame.itertuples(index=False, name=None)]
        formats = [self.share if c in SHARE_COLUMNS else None for c in frame.columns]
        self.table_block(sheet, 1, headers, rows, formats=formats)
        sheet.freeze_panes(2, 1)

    def table_block(self, sheet, top: int, headers: list[str], rows: list[tuple], widths: list[int] | None = None,
                    formats: list | None = None) -> None:
        """An Excel table (header with filters, banded rows) at row `top` of an in-memory sheet."""
        formats = formats or [None] * len(headers)
        columns = []
        for j, header in enumerate(headers):
            dates = any(isinstance(r[j], dt.date) for r in rows[:50])
            columns.append({"header": header, **({"format": self.date if dates else formats[j]}
                                                  if dates or formats[j] is not None else {})})
        data = [list(r) for r in rows] or [[None] * len(headers)]
        sheet.add_table(top, 0, top + len(data), len(headers) - 1,
                        {"columns": columns, "data": data, "style": TABLE_STYLE, "autofilter": True})
        for j, header in enumerate(headers):
            width = widths[j] if widths else _width(header, [r[j] for r in rows[:WIDTH_SAMPLE_ROWS]])
            sheet.set_column(j, j, width, self.wrap if widths else None)
        for j in range(len(headers)):
            sheet.write_string(top, j, headers[j], self.header)

    def write_rows(self, name: str, columns: list[str], batches: Iterable[Iterable[tuple]], n_rows: int,
                   note: str | None = None, freeze_first_column: bool = False, max_rows: int = EXCEL_MAX_ROWS,
                   cut_note: str | None = None) -> None:
        """One sheet from batches of row tuples, written top to bottom (as constant_memory needs):
        optional note line, header, at most `max_rows` rows (then `cut_note`); frozen header, filter, widths."""
        self._fill(self.book.add_worksheet(name), columns, batches, n_rows, note=note,
                   freeze_first_column=freeze_first_column, max_rows=max_rows, cut_note=cut_note)

    def _fill(self, sheet, columns: list[str], batches: Iterable[Iterable[tuple]], n_rows: int,
              note: str | None = None, freeze_first_column: bool = False, max_rows: int = EXCEL_MAX_ROWS,
              cut_note: str | None = None, table: bool = False) -> None:
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
        self._finish(sheet, columns, widths, top, i - top, n_rows, cut_note, freeze_first_column, table)

    def _finish(self, sheet, columns: list[str], widths: list[int], top: int, written: int, n_rows: int,
                cut_note: str | None, freeze_first_column: bool = False, table: bool = False) -> None:
        """Cut note under the last row (when rows were left out), widths, frozen header, filter (an Excel
        table's own, when the sheet is one)."""
        if written < n_rows and cut_note:
            sheet.write_string(top + written + 1, 0, cut_note, self.note)
        for j, width in enumerate(widths):
            sheet.set_column(j, j, width)
        sheet.freeze_panes(top + 1, 1 if freeze_first_column else 0)
        if columns and not table:
            sheet.autofilter(top, 0, top + max(written, 1), len(columns) - 1)

    def write_table(self, name: str, source: Path, n_rows: int, max_rows: int, cut_note: str) -> None:
        """A table sheet from its Parquet file: header, at most `max_rows` rows (then `cut_note`),
        frozen header, filter, widths; the same sheet write_rows makes, written as XML (see above)."""
        schema = pq.read_schema(str(source))
        columns = schema.names
        encoders = [_CELLS_BY_TYPE.get(str(field.type)) for field in schema]
        sheet = self.book.add_worksheet(name)
        _add_streamed_table(sheet, columns, min(n_rows, max_rows, EXCEL_MAX_ROWS - 2))
        if not columns or None in encoders or not _can_write_xml(sheet):
            self._fill(sheet, columns, iter_rows(source), n_rows, max_rows=max_rows, cut_note=cut_note,
                       table=True)
            return
        for j, col in enumerate(columns):
            sheet.write_string(0, j, col, self.header)
        widths = [min(max(len(c), 6) + 2, 40) for c in columns]
        max_rows = min(max_rows, EXCEL_MAX_ROWS - 2)
        sheet._write_single_row(1)  # header out to the row file; data rows follow it there
        letters = [xl_col_to_name(j) for j in range(len(columns))]
        date_xf = self.date._get_xf_index()
        written = last_row = 0  # data rows taken; 0-based index of the last row holding a cell
        for batch in pq.ParquetFile(str(source)).iter_batches(batch_size=CHUNK_ROWS):
            take = min(batch.num_rows, max_rows - written)
            if take <= 0:
                break
            numbers = pa.array(np.arange(written + 2, written + 2 + take)).cast(pa.string())  # Excel rows
            cells = []
            for j, (encode, values) in enumerate(zip(encoders, batch.columns, strict=True)):
                values = values.slice(0, take)
                if encode is _string_cells and written < WIDTH_SAMPLE_ROWS:
                    longest = pc.max(pc.utf8_length(values.slice(0, WIDTH_SAMPLE_ROWS - written))).as_py()
                    if longest is not None:
                        widths[j] = max(widths[j], min(min(longest, EXCEL_MAX_CELL) + 2, 60))
                elif encode is _date_cells and values.null_count < len(values):
                    widths[j] = max(widths[j], 12)
                # '<c r="B7"' + the cell's end; null where the cell is empty
                cells.append(pc.binary_join_element_wise('<c r="', letters[j], numbers, '"',
                                                         encode(values, date_xf), ""))
            body = pc.binary_join_element_wise(*cells, "", null_handling="replace", null_replacement="")
            filled = pc.not_equal(body, "")
            rows = pc.binary_join_element_wise('<row r="', numbers, '">', body, "</row>", "").filter(filled)
            sheet.fh.write("".join(rows.to_pylist()))
            if len(rows):
                last_row = written + int(np.flatnonzero(filled.to_numpy(zero_copy_only=False))[-1]) + 1
            written += take
        if last_row:
            sheet.dim_rowmax = max(sheet.dim_rowmax or 0, last_row)
        sheet.previous_row = written  # rows up to here are written; the cut note goes below them
        self._finish(sheet, columns, widths, top=0, written=written, n_rows=n_rows, cut_note=cut_note, table=True)

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


# --- table sheets: cells written as sheet XML, a column at a time ------------------------------------
#
# A table sheet holds up to MAX_TABLE_ROWS × ~10 cells; through xlsxwriter's write_* API each cell costs
# ~8 µs (argument checks, a cell tuple, XML escaping through several regexes), most of the export's time.
# The table sheets are therefore written the way xlsxwriter writes rows in constant_memory mode
# (`<row>` of inline-string / number / boolean / date cells) straight into the sheet's row file, each
# column encoded in one pass. Header, note, widths, panes and filter still go through xlsxwriter. When
# the xlsxwriter internals this needs are missing (another version), the sheet goes through write_rows.

_NEEDS_ESCAPE = re.compile(r"[&<>\x00-\x08\x0b-\x1f]")  # or a literal _xHHHH_ (checked after "_x" in)
_CONTROL_ESCAPE = re.compile(r"(_x[0-9a-fA-F]{4}_)")
_CONTROL_CHAR = re.compile(r"([\x00-\x08\x0b-\x1f])")
_EXCEL_EPOCH = dt.date(1899, 12, 31).toordinal()


def _inline_string(text: str) -> str:
    """The end of an inline-string `<c>` element, as xlsxwriter writes it (same escapes, same order)."""
    if len(text) > EXCEL_MAX_CELL:
        text = text[: EXCEL_MAX_CELL - 1] + "…"
    if _NEEDS_ESCAPE.search(text) or ("_x" in text and _CONTROL_ESCAPE.search(text)):
        text = _CONTROL_ESCAPE.sub(r"_x005F\1", text)
        text = _CONTROL_CHAR.sub(lambda m: f"_x{ord(m.group(1)):04X}_", text)
        text = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    preserve = ' xml:space="preserve"' if text[:1].isspace() or text[-1:].isspace() else ""
    return f' t="inlineStr"><is><t{preserve}>{text}</t></is></c>'


# Cells whose text needs xlsxwriter's control-character escapes, or that are too long, take _inline_string;
# the rest are escaped column-wise in Arrow. Leading or trailing white space (str.isspace) keeps xml:space.
_SPECIAL = r"[\x00-\x08\x0b-\x1f]|_x[0-9a-fA-F]{4}_"
_SPACE = r"[\t\n\x0b\f\r\x1c-\x1f\x{85}\pZ]"


def _string_cells(values: pa.Array, date_xf: int) -> pa.Array:
    """The end of each inline-string `<c>` element (null: no cell), the same text `_inline_string` gives."""
    text = values
    for char, entity in (("&", "&amp;"), ("<", "&lt;"), (">", "&gt;")):
        text = pc.replace_substring(text, char, entity)
    spaced = pc.or_(pc.match_substring_regex(values, "^" + _SPACE), pc.match_substring_regex(values, _SPACE + "$"))
    attribute = pc.if_else(spaced, ' xml:space="preserve"', "")
    cells = pc.binary_join_element_wise(' t="inlineStr"><is><t', attribute, ">", text, "</t></is></c>", "")
    special = pc.or_(pc.match_substring_regex(values, _SPECIAL), pc.greater(pc.utf8_length(values), EXCEL_MAX_CELL))
    if pc.any(special).as_py():
        fixed, raw = cells.to_pylist(), values.to_pylist()
        for i in np.flatnonzero(special.to_numpy(zero_copy_only=False) == True):  # noqa: E712 - nulls are None
            fixed[i] = _inline_string(raw[i])
        cells = pa.array(fixed, pa.string())
    return cells


def _python_cells(encode):
    """An encoder of Python values (numbers, booleans, dates: few cells) as one of Arrow arrays."""
    def encoder(values: pa.Array, date_xf: int) -> pa.Array:
        return pa.array(encode(values.to_pylist(), date_xf), pa.string())
    encoder.__name__ = encode.__name__
    return encoder


def _number_values(values: list, date_xf: int) -> list:
    out = []
    for v in values:
        if v is None or v != v:  # v != v: NaN, an empty cell
            out.append(None)
        elif math.isinf(v):
            raise TypeError("NAN/INF not supported in write_number()")  # as xlsxwriter's write_number
        else:
            out.append(f"><v>{v:.16G}</v></c>")
    return out


def _bool_values(values: list, date_xf: int) -> list:
    return [None if v is None else (' t="b"><v>1</v></c>' if v else ' t="b"><v>0</v></c>') for v in values]


def _date_values(values: list, date_xf: int) -> list:
    out = []
    for v in values:
        if v is None:
            out.append(None)
            continue
        serial = v.toordinal() - _EXCEL_EPOCH
        serial += 1 if serial > 59 else 0  # Excel's 1900-02-29
        out.append(f' s="{date_xf}"><v>{float(serial):.16G}</v></c>')
    return out


def _list_cells(values: pa.Array, date_xf: int) -> pa.Array:
    """A list column (themes, doc_ids): each cell its items `; `-joined, as text."""
    return _string_cells(pc.binary_join(values, LIST_SEP), date_xf)


_number_cells, _bool_cells, _date_cells = map(_python_cells, (_number_values, _bool_values, _date_values))
_CELLS_BY_TYPE = {"string": _string_cells, "int64": _number_cells, "double": _number_cells, "bool": _bool_cells,
                  "date32[day]": _date_cells, "list<item: string>": _list_cells}


def _add_streamed_table(sheet, columns: list[str], n_rows: int) -> None:
    """Make the sheet's first `n_rows` + 1 rows an Excel table, before any row is written.

    xlsxwriter refuses add_table in constant_memory mode because it writes the header cells, which
    such a sheet may already have sent to disk; here no row is on disk yet, and the header cells it
    writes are written again, as inline strings, by the sheet's own header (same text, same place).
    """
    if not columns:
        return
    sheet.constant_memory = 0
    try:
        sheet.add_table(0, 0, max(n_rows, 1), len(columns) - 1,
                        {"columns": [{"header": c} for c in columns], "style": TABLE_STYLE, "autofilter": True})
    finally:
        sheet.constant_memory = 1


def _can_write_xml(sheet) -> bool:
    return (getattr(sheet, "constant_memory", False) and hasattr(sheet, "_write_single_row")
            and hasattr(sheet, "fh") and hasattr(sheet, "previous_row") and hasattr(sheet, "dim_rowmax"))


def write_workbook(con: duckdb.DuckDBPyConnection, parquet_dir: Path, path: Path,
                   tables: list[str] = TABLES, max_table_rows: int = MAX_TABLE_ROWS) -> Path:
    """The guide, the long comparisons (from `con`, see pivots.py), then a sheet per table streamed
    from its Parquet file. Every sheet is an Excel table (filters, banded rows) under a frozen header."""
    texts = load_yaml("workbook.yaml")
    with atomic_path(path) as tmp:
        book = xlsxwriter.Workbook(str(tmp), {"strings_to_formulas": False, "strings_to_urls": False,
                                              "strings_to_numbers": False, "constant_memory": True})
        book.set_properties({"created": fixed_timestamp()})  # the same bytes for the same input, run after run
        try:
            sheets = _Sheets(book)
            _guide(sheets, texts, tables)
            for name, build in pivots.LONG_COMPARISONS.items():
                spec = texts["comparisons"][name]
                headers = {**texts["plan_columns"], **spec["columns"]}
                frame = build(con)
                sheets.comparison(spec["sheet"], [headers[c] for c in frame.columns], frame, spec["about"])
            for name in tables:
                source = parquet_dir / f"{name}.parquet"
                n_rows = pq.ParquetFile(str(source)).metadata.num_rows
                cut = texts["cut_note"].format(shown=max_table_rows, total=n_rows, table=name)
                sheets.write_table(texts["tables"][name]["sheet"], source, n_rows, max_rows=max_table_rows,
                                   cut_note=cut)
        finally:
            with _deflate_level(ZIP_LEVEL):
                book.close()
    return path


def fixed_timestamp() -> dt.datetime:
    """The workbook's 'created' property: SOURCE_DATE_EPOCH when set (reproducible builds), else the zip
    format's own epoch, 1980-01-01 (the date xlsxwriter gives every part of the file)."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH", "")
    if epoch.isdigit():
        return dt.datetime.fromtimestamp(int(epoch), tz=dt.UTC).replace(tzinfo=None)
    return dt.datetime(1980, 1, 1)


def _guide(sheets: _Sheets, texts: dict, tables: list[str]) -> None:
    """The "Hướng dẫn" sheet: how to read the workbook, then every sheet and column explained."""
    guide = texts["guide"]
    sheet = sheets.memory_sheet(guide["sheet"])
    sheet.write_string(0, 0, guide["title"], sheets.title)
    for i, line in enumerate(guide["intro"], start=1):
        sheet.write_string(i, 0, line)
    rows: list[tuple[str, str, str]] = []
    for spec in texts["comparisons"].values():
        rows.append((spec["sheet"], guide["all_columns"], spec["about"]))
        headers = {**texts["plan_columns"], **spec["columns"]}
        rows += [(spec["sheet"], header, _plan_column_meaning(texts, column)) for column, header in headers.items()]
    for name in tables:
        spec = texts["tables"][name]
        rows.append((spec["sheet"], guide["all_columns"], spec["about"]))
        rows += [(spec["sheet"], column, texts["columns"][column]) for column, _ in SCHEMA[name]]
    top = len(guide["intro"]) + 2
    sheets.table_block(sheet, top, guide["headers"], rows, widths=[30, 30, 100])
    sheet.write_string(top + len(rows) + 2, 0, guide["see_also"], sheets.note)


def _plan_column_meaning(texts: dict, column: str) -> str:
    """The meaning of a comparison column: the table column of that name, else its header."""
    known = texts["columns"].get(column)
    if known:
        return known
    headers = {**texts["plan_columns"], **{k: v for spec in texts["comparisons"].values()
                                          for k, v in spec["columns"].items()}}
    return headers.get(column, column)


@contextmanager
def _deflate_level(level: int):
    """Zip the workbook at this zlib level: xlsxwriter uses the default (6), which took a third of the
    workbook's time; level 3 zips 2.5x faster for a file ~20% larger (Excel reads both alike).
    Patches the one name xlsxwriter looks up when it closes, for this block only; leaves it alone
    when another xlsxwriter version has no such name."""
    import xlsxwriter.workbook as xlsx_module

    original = getattr(xlsx_module, "ZipFile", None)
    if original is not zipfile.ZipFile:
        yield
        return
    xlsx_module.ZipFile = functools.partial(zipfile.ZipFile, compresslevel=level)
    try:
        yield
    finally:
        xlsx_module.ZipFile = original


if __name__ == "__main__":  # python -m pipeline.exports.workbook PARQUET_DIR OUT.xlsx [TEMP_DIR]: write_dataset's side process
    import sys

    from pipeline.exports import write_workbook_file

    write_workbook_file(Path(sys.argv[1]), Path(sys.argv[2]), Path(sys.argv[3]) if len(sys.argv) > 3 else None)
