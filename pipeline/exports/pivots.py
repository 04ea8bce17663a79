"""The comparisons policy staff ask for, as small wide tables.

plan × theme (tasks per theme), instrument × plan (who cites what),
indicator × plan (targets side by side) and sector × theme (who is
responsible for what). The workbook and the report both show these, so they
are computed once here from the dataset's tables.
"""

from __future__ import annotations

import pandas as pd

from pipeline.indicators import canonical_indicators

UNIT_SIGNS = {"%": "%", "per_1000": "‰", "per_100000": "/100.000", "count": ""}


def _plans(frames: dict[str, pd.DataFrame]) -> pd.Series:
    """doc_id -> plan label, in document order."""
    docs = frames["documents"]
    return pd.Series(docs["plan"].astype(object).values, index=docs["doc_id"].astype(object).values)


def plan_theme(frames: dict[str, pd.DataFrame]) -> pd.DataFrame:
    """Rows: plans (all of them, even with no tagged task); columns: themes; cells: number of tasks."""
    plans = _plans(frames)
    tt = frames["task_themes"]
    tt = tt[tt["kind"] == "theme"].astype({"doc_id": object, "theme": object, "task_id": object})
    counts = tt.groupby(["doc_id", "theme"])["task_id"].nunique().unstack(fill_value=0)
    counts = counts.reindex(plans.index, fill_value=0)
    counts.index = pd.Index(plans.values, name="plan")
    counts = counts[sorted(counts.columns, key=lambda t: (-counts[t].sum(), t))]
    counts.columns.name = "theme"
    return counts.astype(int)


def instrument_plan(frames: dict[str, pd.DataFrame]) -> pd.DataFrame:
    """Rows: instruments (most widely cited first); columns: type, name, n_plans, then one per plan
    with the number of mentions (blank where the plan does not cite it)."""
    plans = _plans(frames)
    inst = frames["instruments"].astype(object)
    cit = frames["citations"].astype({"doc_id": object, "instrument_key": object})
    counts = cit.groupby(["instrument_key", "doc_id"]).size().unstack()
    counts = counts.reindex(index=list(inst["key"]), columns=list(plans.index))
    counts.columns = list(plans.values)
    label = inst["number"].where(inst["number"].notna(), inst["name"])
    head = pd.DataFrame({"instrument": label.values, "type": inst["type"].values, "name": inst["name"].values,
                         "n_plans": inst["n_plans"].values}, index=counts.index)
    out = pd.concat([head, counts], axis=1).reset_index(drop=True)
    return out


def format_target(row: pd.Series) -> str:
    """'< 9,5‰ (2025)': comparator, value with a Vietnamese decimal comma, unit sign, year."""
    value = row["value"]
    if pd.isna(value):
        shown = "?"
    else:
        shown = f"{value:g}".replace(".", ",")
    comparator = row["comparator"] if isinstance(row["comparator"], str) and row["comparator"] != "=" else ""
    unit = UNIT_SIGNS.get(row["unit"], row["unit"] if isinstance(row["unit"], str) else "")
    text = f"{comparator} {shown}{unit}".strip()
    if not pd.isna(row["target_year"]):
        text += f" ({int(row['target_year'])})"
    return text


def indicator_plan(frames: dict[str, pd.DataFrame]) -> pd.DataFrame:
    """Rows: canonical indicators (then uncategorised indicator texts); columns: plans;
    cells: every target of that plan for that indicator, '; '-joined."""
    plans = _plans(frames)
    t = frames["targets"].astype(object)
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


def sector_theme(frames: dict[str, pd.DataFrame]) -> pd.DataFrame:
    """Rows: agency sectors; columns: themes; cells: number of tasks assigned to the sector on the theme."""
    ta = frames["task_agencies"].astype(object)
    tt = frames["task_themes"].astype(object)
    tt = tt[tt["kind"] == "theme"]
    joined = ta.merge(tt[["doc_id", "task_id", "theme"]], on=["doc_id", "task_id"])
    if joined.empty:
        return pd.DataFrame(index=pd.Index([], name="sector"))
    joined["task"] = joined["doc_id"] + "#" + joined["task_id"]
    counts = joined.groupby(["sector", "theme"])["task"].nunique().unstack(fill_value=0)
    counts = counts.loc[counts.sum(axis=1).sort_values(ascending=False).index]
    counts = counts[sorted(counts.columns, key=lambda c: (-counts[c].sum(), c))]
    counts.columns.name = "theme"
    return counts.astype(int)
