"""Parquet with explicit types, so pandas, polars and DuckDB read the same columns.

Types come from `tables.SCHEMA` (not inferred), so an all-empty column in a
small corpus is still `date` or `int64`, not `null`, and files of two runs
can be concatenated. Rows are appended in chunks (`ChunkedParquetWriter`),
so a table of a million rows never sits in memory: the Parquet files are the
dataset's single copy, and every other format is written from them.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import Any

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from pipeline.exports.files import atomic_path
from pipeline.exports.tables import SCHEMA, _to_float, _to_int, _to_list, parse_date

ARROW_TYPES = {"string": pa.string(), "int": pa.int64(), "float": pa.float64(), "bool": pa.bool_(),
               "date": pa.date32(), "list": pa.list_(pa.string())}
CHUNK_ROWS = 5_000  # rows buffered per table before they go to disk as one row group
COMPRESSION = "zstd"


def arrow_schema(table: str) -> pa.Schema:
    return pa.schema([pa.field(name, ARROW_TYPES[kind]) for name, kind in SCHEMA[table]])


def to_arrow(df: pd.DataFrame, table: str) -> pa.Table:
    return pa.Table.from_pandas(df, schema=arrow_schema(table), preserve_index=False)


def _str(v: Any) -> str | None:
    """Text as UTF-8 can hold it: a lone surrogate (a file name's undecodable byte) is written escaped."""
    return None if v is None else str(v).encode("utf-8", "backslashreplace").decode("utf-8")


def _bool(v: Any) -> bool | None:
    return None if v is None else bool(v)


# The same conversions as tables.to_frame, so both paths give the same cells.
_CONVERT: dict[str, Callable[[Any], Any]] = {"string": _str, "int": _to_int, "float": _to_float, "bool": _bool,
                                             "date": parse_date, "list": _to_list}


def rows_to_arrow(rows: list[dict], table: str) -> pa.Table:
    """Row dicts to an Arrow table with exactly the table's columns and types."""
    schema = arrow_schema(table)
    arrays = [_column(rows, name, kind) for name, kind in SCHEMA[table]]
    return pa.Table.from_arrays(arrays, schema=schema)


def _column(rows: list[dict], name: str, kind: str) -> pa.Array:
    values = [r.get(name) for r in rows]
    if kind == "string":
        try:  # nearly always str or None already: Arrow takes them as they are (str(v) would not change them)
            return pa.array(values, type=pa.string())
        except (pa.ArrowInvalid, pa.ArrowTypeError, UnicodeError):
            pass
    convert = _CONVERT[kind]
    return pa.array([convert(v) for v in values], type=ARROW_TYPES[kind])


class ChunkedParquetWriter:
    """Appends row dicts to one table's Parquet file, CHUNK_ROWS at a time."""

    def __init__(self, table: str, path: Path, chunk_rows: int | None = None):
        self.table, self.chunk_rows = table, chunk_rows or CHUNK_ROWS
        self.writer = pq.ParquetWriter(str(path), arrow_schema(table), compression=COMPRESSION)
        self.buffer: list[dict] = []
        self.n_rows = 0
        self.closed = False

    def add(self, rows: Iterable[dict]) -> None:
        self.buffer.extend(rows)
        if len(self.buffer) >= self.chunk_rows:
            self.flush()

    def flush(self) -> None:
        if self.buffer:
            self.writer.write_table(rows_to_arrow(self.buffer, self.table))
            self.n_rows += len(self.buffer)
            self.buffer = []

    def close(self) -> None:
        """Flush and close (once); a table with no row still gets a valid file with its schema."""
        if not self.closed:
            self.closed = True
            self.flush()
            self.writer.close()


def write_parquet(df: pd.DataFrame, table: str, path: Path) -> Path:
    """One DataFrame (e.g. from `build_tables`) as a typed Parquet file, atomically."""
    with atomic_path(path) as tmp:
        pq.write_table(to_arrow(df, table), tmp, compression=COMPRESSION)
    return path


def iter_columns(path: Path, batch_rows: int | None = None) -> Iterator[list[list]]:
    """A Parquet file's rows as batches of columns (lists of Python values, dates as `datetime.date`)."""
    source = pq.ParquetFile(str(path))
    for batch in source.iter_batches(batch_size=batch_rows or CHUNK_ROWS):
        yield [column.to_pylist() for column in batch.columns]


def iter_rows(path: Path, batch_rows: int | None = None) -> Iterator[list[tuple]]:
    """A Parquet file's rows as batches of tuples of Python values."""
    for columns in iter_columns(path, batch_rows):
        yield list(zip(*columns, strict=True))
