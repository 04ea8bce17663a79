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

from pipeline.exports.files import atomic_path

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


def write_csv(df: pd.DataFrame, path: Path) -> Path:
    """Write `df` as an Excel-friendly CSV, atomically."""
    with atomic_path(path) as tmp:
        with open(tmp, "w", encoding="utf-8-sig", newline="") as f:
            # Text cells are quoted (QUOTE_NONNUMERIC); numbers are left bare so Excel reads them as numbers.
            writer = csv.writer(f, quoting=csv.QUOTE_NONNUMERIC, lineterminator="\r\n")
            writer.writerow(list(df.columns))
            for row in df.itertuples(index=False, name=None):
                writer.writerow([csv_cell(v) for v in row])
    return path
