"""The embedded database: every table plus views for the common questions.

Researchers answer "which plans cite Chỉ thị 28?" or "what under-5 stunting
targets do provinces set?" with one SQL line (docs/queries.md). The views
join the plan label in, so results read as plans, not doc ids.
"""

from __future__ import annotations

from pathlib import Path

import duckdb
import pandas as pd

from pipeline.exports.files import atomic_path
from pipeline.exports.parquet_export import to_arrow
from pipeline.exports.tables import TABLES

VIEWS = {
    # Each plan once: the documents that are not a copy of another (duplicates.py).
    "plans": "SELECT * FROM documents WHERE duplicate_of IS NULL",
    # One row per (plan, theme): how many tasks of the plan carry the theme.
    "plan_theme": """
        SELECT d.doc_id, d.plan, d.province, d.province_2025, d.admin_level, d.year, tt.theme,
               count(DISTINCT tt.task_id) AS n_tasks
        FROM task_themes tt JOIN documents d USING (doc_id)
        WHERE tt.kind = 'theme'
        GROUP BY ALL""",
    # Which plans cite which instrument, with the number of mentions.
    "plan_instrument": """
        SELECT c.instrument_key AS key, any_value(i.type) AS type, any_value(i.number) AS number,
               any_value(i.name) AS name, d.doc_id, d.plan, count(*) AS n_mentions,
               bool_or(c.relation = 'implements') AS implements
        FROM citations c JOIN documents d USING (doc_id) LEFT JOIN instruments i ON i.key = c.instrument_key
        GROUP BY c.instrument_key, d.doc_id, d.plan""",
    # Targets side by side: one row per target with its plan and canonical indicator.
    "targets_by_indicator": """
        SELECT coalesce(t.indicator_id, 'other') AS indicator_id,
               coalesce(t.indicator_label, t.indicator) AS indicator_label,
               d.plan, d.province, d.province_2025, d.admin_level, d.year, t.comparator, t.value, t.unit,
               t.direction, t.target_year, t.evidence, t.doc_id, t.section, t.start, t."end"
        FROM targets t JOIN documents d USING (doc_id)""",
    # Who is responsible for what: tasks per (sector, level, theme).
    "sector_theme": """
        SELECT ta.sector, ta.level, tt.theme, count(DISTINCT ta.doc_id || '#' || ta.task_id) AS n_tasks,
               count(DISTINCT ta.doc_id) AS n_plans
        FROM task_agencies ta
        JOIN task_themes tt ON tt.doc_id = ta.doc_id AND tt.task_id = ta.task_id AND tt.kind = 'theme'
        GROUP BY ALL""",
    # Citation links between plans of the corpus (a plan carrying out another one).
    "plan_links": """
        SELECT c.doc_id AS citing_doc_id, a.plan AS citing_plan, c.cited_doc_id, b.plan AS cited_plan,
               c.relation, c.evidence, c.section, c.start, c."end"
        FROM citations c JOIN documents a ON a.doc_id = c.doc_id JOIN documents b ON b.doc_id = c.cited_doc_id
        WHERE c.cited_doc_id IS NOT NULL""",
}


# The export runs beside a batch and its memory must not grow with the corpus: DuckDB gets a small
# buffer pool and spills to a temporary folder past it (it copies tables and sorts, nothing more).
DUCKDB_SETTINGS = {"memory_limit": "64MB", "threads": 1}


def _config(temp_dir: Path | None) -> dict:
    return {**DUCKDB_SETTINGS, **({"temp_directory": str(temp_dir)} if temp_dir else {})}


def _sql_path(path: Path) -> str:
    return "'" + str(path).replace("'", "''") + "'"


def write_duckdb(parquet_dir: Path, path: Path, tables: list[str] = TABLES, temp_dir: Path | None = None) -> Path:
    """Create the database (tables copied from the Parquet files) in a temporary file, then move it over `path`."""
    with atomic_path(path) as tmp:
        con = duckdb.connect(str(tmp), config=_config(temp_dir))
        try:
            for name in tables:
                con.execute(f'CREATE TABLE "{name}" AS SELECT * FROM read_parquet({_sql_path(parquet_dir / f"{name}.parquet")})')
            for name, sql in VIEWS.items():
                con.execute(f'CREATE VIEW "{name}" AS {sql}')
            con.execute("CHECKPOINT")
        finally:
            con.close()
    return path


def connect_parquet(parquet_dir: Path, tables: list[str] = TABLES,
                    temp_dir: Path | None = None) -> duckdb.DuckDBPyConnection:
    """An in-memory DuckDB whose tables are views over the Parquet files: what pivots, workbook and report read."""
    con = duckdb.connect(":memory:", config=_config(temp_dir))
    for name in tables:
        con.execute(f'CREATE VIEW "{name}" AS SELECT * FROM read_parquet({_sql_path(parquet_dir / f"{name}.parquet")})')
    return con


def connect_frames(frames: dict[str, pd.DataFrame]) -> duckdb.DuckDBPyConnection:
    """The same for in-memory tables (`build_tables`), e.g. to compute the pivots in a notebook."""
    con = duckdb.connect(":memory:", config=DUCKDB_SETTINGS)
    for name, df in frames.items():
        arrow = to_arrow(df, name)  # noqa: F841 - read by DuckDB's replacement scan
        con.execute(f'CREATE TABLE "{name}" AS SELECT * FROM arrow')
    return con
