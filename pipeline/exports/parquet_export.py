"""Parquet with explicit types, so pandas, polars and DuckDB read the same columns.

Types come from `tables.SCHEMA` (not inferred), so an all-empty column in a
small corpus is still `date` or `int64`, not `null`, and files of two runs
can be concatenated.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from pipeline.exports.files import atomic_path
from pipeline.exports.tables import SCHEMA

ARROW_TYPES = {"string": pa.string(), "int": pa.int64(), "float": pa.float64(), "bool": pa.bool_(),
               "date": pa.date32()}


def arrow_schema(table: str) -> pa.Schema:
    return pa.schema([pa.field(name, ARROW_TYPES[kind]) for name, kind in SCHEMA[table]])


def to_arrow(df: pd.DataFrame, table: str) -> pa.Table:
    return pa.Table.from_pandas(df, schema=arrow_schema(table), preserve_index=False)


def write_parquet(df: pd.DataFrame, table: str, path: Path) -> Path:
    with atomic_path(path) as tmp:
        pq.write_table(to_arrow(df, table), tmp, compression="zstd")
    return path
