"""The comparisons policy staff ask for, long and pivot-ready: one row per plan and item.

Tasks per theme (with their share of the plan's and of the province's
tasks), who cites what, targets side by side, and who is responsible for
what; each row starts with the plan, its province, province after 2025,
level and year, so a spreadsheet pivot or a filter works on any of them.
The workbook and the report both show these, so they are computed here.

Every function takes a DuckDB connection holding the tables (views over the
Parquet files, `duckdb_export.connect_parquet`, or `connect_frames` for
in-memory tables): the big tables are aggregated in DuckDB and only the
results reach pandas, so a million task rows never become a DataFrame.
Copies of a plan (`documents.duplicate_of`) are left out.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import duckdb
import pandas as pd

from pipeline.exports.labels import label

UNIT_SIGNS = {"%": "%", "per_1000": "‰", "per_100000": "/100.000", "count": ""}


def format_target(row: Mapping[str, Any]) -> str:
    """'< 9,5‰ (2025)': comparator, value with a Vietnamese decimal comma, unit sign, year.

    `row`: a row of the targets table (a Series) or a record's target (a dict).
    """
    value = row.get("value")
    if pd.isna(value):
        shown = "?"
    else:
        shown = f"{value:g}".replace(".", ",")
    comparator = row.get("comparator")
    comparator = comparator if isinstance(comparator, str) and comparator != "=" else ""
    unit = row.get("unit")
    unit = UNIT_SIGNS.get(unit, unit if isinstance(unit, str) else "")
    text = f"{comparator} {shown}{unit}".strip()
    year = row.get("target_year")
    if not pd.isna(year):
        text += f" ({int(year)})"
    return text


# --- long, pivot-ready comparisons: one row per plan and item, the plan's place and year on every row ---------

PLAN_COLUMNS = ["plan", "doc_id", "province", "province_2025", "level", "year"]
_PLANS = """p AS (SELECT doc_id, plan, province, province_2025, admin_level_label AS level, year, n_tasks,
                    coalesce(province, '') AS province_key
             FROM documents WHERE duplicate_of IS NULL)"""


def _long(con: duckdb.DuckDBPyConnection, sql: str) -> pd.DataFrame:
    return con.execute(sql).df()


def plan_theme_long(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """(plan, theme): tasks on the theme, their share of the plan's tasks and of its province's tasks."""
    return _long(con, f"""
        WITH {_PLANS},
        pt AS (SELECT doc_id, theme, any_value(theme_label) AS theme_label, count(DISTINCT task_id) AS n_tasks
               FROM task_themes WHERE kind = 'theme' AND theme IS NOT NULL GROUP BY doc_id, theme),
        prov AS (SELECT province_key, CAST(sum(n_tasks) AS BIGINT) AS province_tasks FROM p GROUP BY province_key),
        prov_theme AS (SELECT p.province_key, pt.theme, CAST(sum(pt.n_tasks) AS BIGINT) AS province_theme_tasks
                       FROM pt JOIN p USING (doc_id) GROUP BY p.province_key, pt.theme)
        SELECT p.plan, p.doc_id, p.province, p.province_2025, p.level, p.year, pt.theme_label, pt.theme,
               pt.n_tasks, p.n_tasks AS plan_tasks, pt.n_tasks / nullif(p.n_tasks, 0) AS share_of_plan,
               pv.province_theme_tasks, prov.province_tasks,
               pv.province_theme_tasks / nullif(prov.province_tasks, 0) AS share_of_province
        FROM pt JOIN p USING (doc_id) JOIN prov USING (province_key)
        JOIN prov_theme pv ON pv.province_key = p.province_key AND pv.theme = pt.theme
        ORDER BY p.province NULLS LAST, p.year NULLS LAST, p.plan, pt.n_tasks DESC, pt.theme""")


def plan_instrument_long(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """(plan, instrument): mentions, whether the plan carries it out, how many plans cite it."""
    return _long(con, f"""
        WITH {_PLANS}
        SELECT p.plan, p.doc_id, p.province, p.province_2025, p.level, p.year,
               coalesce(i.number, i.name, c.instrument_key) AS instrument, i.type, i.name, i.date, i.issuer,
               count(*) AS n_mentions, bool_or(c.relation = 'implements') AS implements, i.n_plans,
               c.instrument_key AS key
        FROM citations c JOIN p USING (doc_id) LEFT JOIN instruments i ON i.key = c.instrument_key
        WHERE c.instrument_key IS NOT NULL
        GROUP BY ALL
        ORDER BY i.n_plans DESC NULLS LAST, key, p.province NULLS LAST, p.year NULLS LAST, p.plan""")


def plan_target_long(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """(plan, target): the canonical indicator, the value as written ('< 9,5‰ (2025)') and its parts."""
    df = _long(con, f"""
        WITH {_PLANS}
        SELECT p.plan, p.doc_id, p.province, p.province_2025, p.level, p.year,
               coalesce(t.indicator_label, t.indicator) AS indicator, t.indicator_id, NULL AS shown,
               t.comparator, t.value, t.unit, t.target_year, t.direction_label AS direction, t.evidence
        FROM targets t JOIN p USING (doc_id)
        ORDER BY t.indicator_id NULLS LAST, p.province NULLS LAST, p.year NULLS LAST, p.plan, t.start""")
    df["shown"] = [format_target(row) for row in df.to_dict("records")]
    df["unit"] = [label("units", u) if isinstance(u, str) else None for u in df["unit"]]
    return df


def sector_theme_long(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """(plan, sector, agency level, theme): tasks assigned to the sector on the theme."""
    return _long(con, f"""
        WITH {_PLANS}
        SELECT p.plan, p.doc_id, p.province, p.province_2025, p.level, p.year,
               any_value(ta.sector_label) AS sector_label, any_value(ta.level_label) AS agency_level,
               any_value(tt.theme_label) AS theme_label,
               count(DISTINCT ta.task_id) AS n_tasks, ta.sector, tt.theme
        FROM task_agencies ta JOIN p USING (doc_id)
        JOIN task_themes tt ON tt.doc_id = ta.doc_id AND tt.task_id = ta.task_id AND tt.kind = 'theme'
        WHERE ta.sector IS NOT NULL AND tt.theme IS NOT NULL
        GROUP BY p.plan, p.doc_id, p.province, p.province_2025, p.level, p.year, ta.sector, ta.level, tt.theme
        ORDER BY p.province NULLS LAST, p.year NULLS LAST, p.plan, n_tasks DESC, ta.sector, tt.theme""")


LONG_COMPARISONS = {"plan_theme": plan_theme_long, "plan_instrument": plan_instrument_long,
                    "plan_target": plan_target_long, "sector_theme": sector_theme_long}
