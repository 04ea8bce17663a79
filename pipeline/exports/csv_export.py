"""CSV for Excel: UTF-8 with BOM, ISO dates, one header row, no formula runs.

Excel guesses the encoding of a double-clicked CSV from a BOM (without one,
"Tăng cường" shows as "TÄƒng cÆ°á»ng"), and it runs any cell that starts
with = + - @ tab or CR as a formula. Plans are full of "- Tăng cường ..."
bullets, so, as OWASP's CSV-injection guidance says, such cells get a leading
single quote (Excel shows it and stops there) and every text cell is quoted.
"""

from __future__ import annotations

from pathlib import Path

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv
import pyarrow.parquet as pq

from pipeline.exports.files import atomic_path
from pipeline.exports.parquet_export import CHUNK_ROWS
from pipeline.exports.tables import LIST_SEP

FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")


def neutralise(cell: str) -> str:
    """Prefix a cell that a spreadsheet would run as a formula with a single quote."""
    return "'" + cell if cell.startswith(FORMULA_TRIGGERS) else cell


_TRIGGER_PATTERN = "^[" + "".join("\\" + c if c in "-^]\\" else c for c in FORMULA_TRIGGERS) + "]"


def _excel_safe(column: pa.Array | pa.ChunkedArray) -> pa.Array | pa.ChunkedArray:
    """One column as Excel should see it: text neutralised, lists `; `-joined, true/false and ISO dates
    as text, numbers bare.

    Column-wise in Arrow (no Python per cell); text follows `neutralise`. Missing values are empty cells.
    """
    kind = column.type
    if pa.types.is_list(kind) or pa.types.is_large_list(kind):  # a list cell: its items joined, as text
        column = pc.binary_join(column, LIST_SEP)
        kind = column.type
    if pa.types.is_string(kind) or pa.types.is_large_string(kind):
        runs = pc.match_substring_regex(column, _TRIGGER_PATTERN)
        column = pc.if_else(runs, pc.binary_join_element_wise("'", column, ""), column)
        return pc.fill_null(column, "")
    if pa.types.is_boolean(kind):
        return pc.fill_null(pc.if_else(column, "true", "false"), "")
    if pa.types.is_date(kind) or pa.types.is_timestamp(kind):
        return pc.fill_null(pc.cast(column, pa.string()), "")
    if pa.types.is_floating(kind):
        return pc.if_else(pc.is_nan(column), pa.scalar(None, kind), column)  # NaN: an empty cell, not "nan"
    if pa.types.is_integer(kind):
        return column
    return pc.fill_null(pc.cast(column, pa.string()), "")


def write_csv(parquet_path: Path, path: Path) -> Path:
    """Write a table's Parquet file as an Excel-friendly CSV, atomically, a batch of rows at a time.

    Arrow's CSV writer quotes every text cell and leaves numbers bare (as the csv
    module's QUOTE_NONNUMERIC does), so Excel reads numbers as numbers and text as text.
    """
    source = pq.ParquetFile(str(parquet_path))
    schema = source.schema_arrow
    options = pacsv.WriteOptions(eol="\r\n", quoting_style="needed", quoting_header="needed")
    with atomic_path(path) as tmp:
        with open(tmp, "wb") as f:
            f.write("\ufeff".encode())
            writer = None
            for batch in source.iter_batches(batch_size=CHUNK_ROWS):
                safe = pa.RecordBatch.from_arrays([_excel_safe(col) for col in batch.columns], names=schema.names)
                if writer is None:
                    writer = pacsv.CSVWriter(f, safe.schema, write_options=options)
                writer.write_batch(safe)
            if writer is None:  # no rows: the header alone
                header = pa.schema([(name, _excel_safe(pa.array([], field.type)).type)
                                    for name, field in zip(schema.names, schema, strict=True)])
                writer = pacsv.CSVWriter(f, header, write_options=options)
            writer.close()
    return path
