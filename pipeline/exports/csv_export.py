"""CSV for Excel: UTF-8 with BOM, ISO dates, one header row, no formula runs.

Excel guesses the encoding of a double-clicked CSV from a BOM (without one,
"Tăng cường" shows as "TÄƒng cÆ°á»ng"), and it runs any cell that starts
with = + - @ tab or CR as a formula. Plans are full of "- Tăng cường ..."
bullets, so, as OWASP's CSV-injection guidance says, such cells get a leading
single quote (Excel shows it and stops there) and every text cell is quoted.
"""

from __future__ import annotations

import csv
import datetime as dt
import math
import numbers
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from pipeline.exports.files import atomic_path
from pipeline.exports.parquet_export import iter_columns

FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")


def neutralise(cell: str) -> str:
    """Prefix a cell that a spreadsheet would run as a formula with a single quote."""
    return "'" + cell if cell.startswith(FORMULA_TRIGGERS) else cell


def csv_cell(value: Any) -> Any:
    """One value as the csv module should write it: numbers stay numbers, the rest safe text."""
    if value is None or value is pd.NA or (isinstance(value, float) and math.isnan(value)):
        return ""
    if isinstance(value, bool | np.bool_):
        return "true" if value else "false"
    if isinstance(value, numbers.Integral):
        return int(value)
    if isinstance(value, numbers.Real):
        return float(value)
    if isinstance(value, dt.date):
        return value.isoformat()
    return neutralise(str(value))


def _text_cells(values: list) -> list:
    return ["" if v is None else ("'" + v if v.startswith(FORMULA_TRIGGERS) else v) for v in values]


def _number_cells(values: list) -> list:
    return ["" if v is None or v != v else v for v in values]  # v != v: NaN


def _bool_cells(values: list) -> list:
    return ["" if v is None else ("true" if v else "false") for v in values]


def _date_cells(values: list) -> list:
    return ["" if v is None else v.isoformat() for v in values]


# Column-wise equivalents of csv_cell for the dataset's Arrow types (a batch at a time, no per-cell dispatch).
_COLUMN_CELLS = {"string": _text_cells, "int64": _number_cells, "double": _number_cells, "bool": _bool_cells,
                 "date32[day]": _date_cells}


def _cells_of(arrow_type: pa.DataType):
    return _COLUMN_CELLS.get(str(arrow_type), lambda values: [csv_cell(v) for v in values])


def write_csv(parquet_path: Path, path: Path) -> Path:
    """Write a table's Parquet file as an Excel-friendly CSV, atomically, a batch of rows at a time."""
    schema = pq.read_schema(str(parquet_path))
    converters = [_cells_of(field.type) for field in schema]
    with atomic_path(path) as tmp:
        with open(tmp, "w", encoding="utf-8-sig", newline="") as f:
            # Text cells are quoted (QUOTE_NONNUMERIC); numbers are left bare so Excel reads them as numbers.
            writer = csv.writer(f, quoting=csv.QUOTE_NONNUMERIC, lineterminator="\r\n")
            writer.writerow(schema.names)
            for columns in iter_columns(parquet_path):
                writer.writerows(zip(*(cells(values) for cells, values in zip(converters, columns, strict=True)),
                                     strict=True))
    return path
