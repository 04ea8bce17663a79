"""The comparisons policy staff ask for, as small wide tables.

plan × theme (tasks per theme), instrument × plan (who cites what),
indicator × plan (targets side by side) and sector × theme (who is
responsible for what). The workbook and the report both show these, so they
are computed here from the dataset's tables.

Every function takes a DuckDB connection holding the tables (views over the
Parquet files, `duckdb_export.connect_parquet`, or `connect_frames` for
in-memory tables): the big tables are aggregated in DuckDB and only the
small results (one row per plan, instrument, indicator or sector) reach
pandas, so a million task rows never become a DataFrame.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import duckdb
import pandas as pd

from pipeline.exports.labels import label
from pipeline.knowledge.indicators import canonical_indicators

UNIT_SIGNS = {"%": "%", "per_1000": "‰", "per_100000": "/100.000", "count": ""}


def _plans(con: duckdb.DuckDBPyConnection) -> pd.Series:
    """doc_id -> plan label, in document order (copies of a plan set aside, see duplicates.py)."""
    docs = con.execute("SELECT doc_id, plan FROM documents WHERE duplicate_of IS NULL").fetchall()
    return pd.Series([p for _, p in docs], index=[d for d, _ in docs], dtype=object)


def plan_theme(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """Rows: plans (all of them, even with no tagged task); columns: themes; cells: number of tasks."""
    plans = _plans(con)
    long = con.execute("""SELECT doc_id, theme, count(DISTINCT task_id) AS n FROM task_themes
                          WHERE kind = 'theme' AND doc_id IS NOT NULL AND theme IS NOT NULL
                          GROUP BY doc_id, theme""").df().astype({"doc_id": object, "theme": object})
    counts = long.set_index(["doc_id", "theme"])["n"].unstack(fill_value=0)
    counts = counts.reindex(plans.index, fill_value=0)
    counts.index = pd.Index(plans.values, name="plan")
    counts = counts[sorted(counts.columns, key=lambda t: (-counts[t].sum(), t))]
    counts.columns.name = "theme"
    return counts.astype(int)


def instrument_plan(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """Rows: instruments (most widely cited first); columns: type, name, n_plans, then one per plan
    with the number of mentions (blank where the plan does not cite it)."""
    plans = _plans(con)
    inst = con.execute("SELECT key, type, number, name, n_plans FROM instruments").df().astype(object)
    long = con.execute("""SELECT instrument_key, doc_id, count(*) AS n FROM citations
                          WHERE instrument_key IS NOT NULL AND doc_id IS NOT NULL
                          GROUP BY instrument_key, doc_id""").df().astype({"instrument_key": object,
                                                                          "doc_id": object})
    counts = long.set_index(["instrument_key", "doc_id"])["n"].unstack()
    counts = counts.reindex(index=list(inst["key"]), columns=list(plans.index))
    counts.columns = list(plans.values)
    label = inst["number"].where(inst["number"].notna(), inst["name"])
    head = pd.DataFrame({"instrument": label.values, "type": inst["type"].values, "name": inst["name"].values,
                         "n_plans": inst["n_plans"].values}, index=counts.index)
    out = pd.concat([head, counts], axis=1).reset_index(drop=True)
    return out


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


def indicator_plan(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """Rows: canonical indicators (then uncategorised indicator texts); columns: plans;
    cells: every target of that plan for that indicator, '; '-joined."""
    plans = _plans(con)
    # targets are few (a handful per plan) and their order matters (cells list them as they come)
    t = con.execute("""SELECT doc_id, indicator, indicator_id, indicator_label, value, unit, comparator, target_year
                       FROM targets""").df().astype(object)
    if t.empty:
        return pd.DataFrame(columns=["indicator_id", "indicator", *plans.values])
    t = t.assign(
        row_id=t["indicator_id"].where(t["indicator_id"].notna(), "other"),
        row_label=t["indicator_label"].where(t["indicator_label"].notna(), t["indicator"]).fillna("?"),
        shown=t.apply(format_target, axis=1),
    )
    cells = t.groupby(["row_id", "row_label", "doc_id"], sort=False)["shown"].agg("; ".join).unstack()
    cells = cells.reindex(columns=list(plans.index))
    cells.columns = list(plans.values)
    cells = cells.reset_index().rename(columns={"row_id": "indicator_id", "row_label": "indicator"})
    # Canonical indicators in the resource file's order (health, injury, protection ...), then the rest.
    rank = {ind.id: i for i, ind in enumerate(canonical_indicators())}
    order = sorted(range(len(cells)), key=lambda i: (rank.get(cells["indicator_id"][i], len(rank)),
                                                      str(cells["indicator"][i])))
    return cells.iloc[order].reset_index(drop=True)


def sector_theme(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """Rows: agency sectors; columns: themes; cells: number of tasks assigned to the sector on the theme."""
    long = con.execute("""
        SELECT ta.sector, tt.theme, count(DISTINCT ta.doc_id || '#' || ta.task_id) AS n
        FROM task_agencies ta
        JOIN task_themes tt ON tt.doc_id = ta.doc_id AND tt.task_id = ta.task_id AND tt.kind = 'theme'
        WHERE ta.sector IS NOT NULL AND tt.theme IS NOT NULL
        GROUP BY ta.sector, tt.theme""").df().astype({"sector": object, "theme": object})
    if long.empty:
        return pd.DataFrame(index=pd.Index([], name="sector"))
    counts = long.set_index(["sector", "theme"])["n"].unstack(fill_value=0)
    counts = counts.loc[counts.sum(axis=1).sort_values(ascending=False).index]
    counts = counts[sorted(counts.columns, key=lambda c: (-counts[c].sum(), c))]
    counts.columns.name = "theme"
    return counts.astype(int)


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
