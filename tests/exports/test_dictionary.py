"""The data dictionary is generated from the schema in code, and the real files have those types."""

from __future__ import annotations

import datetime as dt
import json

import duckdb
import pandas as pd
import pyarrow.parquet as pq
from test_exports import (  # tests/ is on sys.path (pytest rootdir-relative imports)
    DICTIONARY,
    synthetic_records,
)

from pipeline import load_dataset
from pipeline.exports import write_dataset
from pipeline.exports.dictionary import missing_meanings, render
from pipeline.exports.tables import SCHEMA, TABLES

DUCKDB_TYPES = {"string": "VARCHAR", "int": "BIGINT", "float": "DOUBLE", "bool": "BOOLEAN", "date": "DATE",
                "list": "VARCHAR[]"}
PANDAS_TYPES = {"string": "string", "int": "Int64", "float": "Float64", "bool": "boolean", "date": "object",
                "list": "object"}


def test_the_dictionary_file_is_what_the_schema_generates():
    assert missing_meanings() == []
    assert DICTIONARY.read_text(encoding="utf-8") == render(), "run: python -m pipeline.exports.dictionary"


def _dataset(tmp_path):
    records = tmp_path / "records"
    records.mkdir()
    for rec in synthetic_records():
        rec["metadata"]["year"] = None if rec["doc_id"].startswith("004") else rec["metadata"]["year"]  # a gap
        (records / f"{rec['doc_id']}.json").write_text(json.dumps(rec, ensure_ascii=False), encoding="utf-8")
    write_dataset(records, tmp_path / "out", [])
    return tmp_path / "out"


def test_parquet_duckdb_and_pandas_types_are_the_documented_ones(tmp_path):
    out = _dataset(tmp_path)
    con = duckdb.connect(str(out / "plans.duckdb"), read_only=True)
    data = load_dataset(out)
    try:
        for table in TABLES:
            described = con.execute(f'DESCRIBE "{table}"').fetchall()
            assert [(r[0], r[1]) for r in described] == [(c, DUCKDB_TYPES[k]) for c, k in SCHEMA[table]], table
            frame = data[table]
            assert [(c, str(t)) for c, t in frame.dtypes.items()] == [(c, PANDAS_TYPES[k]) for c, k in SCHEMA[table]]
    finally:
        con.close()
    docs = data.documents
    assert docs["year"].dtype == "Int64" and docs["year"].isna().sum() == 1  # a gap stays an integer column
    assert pq.read_schema(out / "parquet" / "documents.parquet").field("year").type == "int64"
    tasks = data.tasks
    assert isinstance(tasks["themes"].iloc[0], list) and isinstance(tasks["activities"].iloc[0], list)
    assert pq.read_schema(out / "parquet" / "tasks.parquet").field("themes").type.value_type == "string"
    issued = docs.set_index("doc_id")["issue_date"]["000_fb34435fc2fada6a"]
    assert issued == dt.date(2025, 2, 28) and type(issued) is dt.date
    assert isinstance(data.instruments["doc_ids"].iloc[0], list)
    assert pd.api.types.is_integer_dtype(data.instruments["n_plans"])
