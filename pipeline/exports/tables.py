"""Build the dataset's tables (pandas DataFrames) from plan records.

One pass over the records, one row per extracted item; every row carries
`doc_id` and, where the item has them, `section`, `start`, `end` and the
`evidence` text, so any number in a spreadsheet leads back to the sentence
it came from. Column names and types are declared once in `SCHEMA`; the
data dictionary (docs/data_dictionary.md) documents them and a test keeps the
two in step. Writers (csv, parquet, duckdb, workbook, report) only format.
"""

from __future__ import annotations

import datetime as dt
import math
import sys
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from pipeline.exports.labels import agency_label, label, theme_label
from pipeline.knowledge.indicators import get_indicator, normalize_indicator
from pipeline.textutils import fold, squash

# (column, type) per table; type is one of string | int | float | bool | date | list (a list of strings).
SPAN = [("section", "string"), ("start", "int"), ("end", "int"), ("evidence", "string")]
SCHEMA: dict[str, list[tuple[str, str]]] = {
    "documents": [
        ("doc_id", "string"), ("plan", "string"), ("plan_key", "string"), ("duplicate_of", "string"),
        ("source", "string"),
        ("format", "string"), ("pages", "int"), ("n_chars", "int"),
        ("doc_type", "string"), ("number", "string"), ("issue_date", "date"), ("issuer", "string"),
        ("admin_level", "string"), ("admin_level_label", "string"), ("province", "string"), ("province_2025", "string"),
        ("locality", "string"), ("year", "int"), ("title", "string"), ("signer", "string"),
        ("n_sections", "int"), ("n_tasks", "int"), ("n_citations", "int"), ("n_agencies", "int"),
        ("n_deadlines", "int"), ("n_targets", "int"), ("warnings", "list"), ("pipeline_version", "string"),
    ],
    "sections": [
        ("doc_id", "string"), ("section", "string"), ("level", "int"), ("label", "string"),
        ("parent", "string"), ("heading", "string"), ("start", "int"), ("end", "int"), ("evidence", "string"),
    ],
    "tasks": [
        ("doc_id", "string"), ("task_id", "string"), *SPAN, ("label", "string"),
        ("themes", "list"), ("themes_label", "list"), ("activities", "list"), ("activities_label", "list"),
        ("agencies", "list"), ("agencies_label", "list"),
    ],
    "task_themes": [
        ("doc_id", "string"), ("task_id", "string"), *SPAN, ("kind", "string"), ("theme", "string"),
        ("theme_label", "string"),
    ],
    "citations": [
        ("doc_id", "string"), *SPAN, ("type", "string"), ("number", "string"), ("name", "string"),
        ("date", "date"), ("issuer", "string"), ("issuer_level", "string"), ("issuer_level_label", "string"),
        ("relation", "string"), ("relation_label", "string"), ("short_form", "bool"), ("instrument_key", "string"), ("cited_doc_id", "string"),
    ],
    "instruments": [
        ("key", "string"), ("type", "string"), ("number", "string"), ("name", "string"), ("date", "date"),
        ("issuer", "string"), ("issuer_level", "string"), ("issuer_level_label", "string"), ("n_plans", "int"), ("n_mentions", "int"),
        ("doc_ids", "list"), ("corpus_doc_id", "string"), ("doc_id", "string"), *SPAN,
    ],
    "agencies": [
        ("doc_id", "string"), *SPAN, ("name", "string"), ("sector", "string"), ("sector_label", "string"),
        ("level", "string"), ("level_label", "string"), ("role", "string"), ("role_label", "string"),
    ],
    "task_agencies": [
        ("doc_id", "string"), ("task_id", "string"), *SPAN, ("agency", "string"), ("agency_label", "string"),
        ("sector", "string"), ("sector_label", "string"), ("level", "string"), ("level_label", "string"),
    ],
    "deadlines": [
        ("doc_id", "string"), *SPAN, ("date", "date"), ("year", "int"), ("month", "int"), ("day", "int"),
        ("recurrence", "string"), ("recurrence_label", "string"), ("kind", "string"), ("kind_label", "string"),
        ("what", "string"), ("agency", "string"),
    ],
    "targets": [
        ("doc_id", "string"), *SPAN, ("indicator", "string"), ("indicator_id", "string"),
        ("indicator_label", "string"), ("value", "float"), ("unit", "string"), ("comparator", "string"),
        ("direction", "string"), ("direction_label", "string"), ("target_year", "int"), ("qualifier", "string"),
    ],
    "errors": [
        ("doc_id", "string"), ("source", "string"), ("error", "string"), ("reason", "string"), ("hint", "string"),
        ("stage", "string"),
    ],
}
TABLES = list(SCHEMA)
LIST_SEP = "; "  # joins list cells (themes, doc_ids) where a format has no lists (CSV, the workbook)

LEVEL_WORDS = {"central": "trung ương", "province": "tỉnh", "district": "huyện", "commune": "xã"}


def parse_date(value: Any) -> dt.date | None:
    """ISO `YYYY-MM-DD` to a date; anything else (None, partial, invalid) to None."""
    if isinstance(value, dt.date):
        return value
    if not isinstance(value, str):
        return None
    try:
        return dt.date.fromisoformat(value.strip()[:10])
    except ValueError:
        return None


def _span(record: dict, item: dict, evidence_key: str = "text") -> dict:
    return {"doc_id": record["doc_id"], "section": item.get("section"), "start": item.get("start"),
            "end": item.get("end"), "evidence": item.get(evidence_key)}


# --- plans: province, level, locality, year -----------------------------------

def _gazetteer():
    from pipeline.knowledge import gazetteer

    return gazetteer


def normalize_province(name: str | None) -> str | None:
    """Canonical province name (gazetteer when present, else the name without 'tỉnh'/'thành phố')."""
    if not name:
        return None
    gz = _gazetteer()
    if gz is not None and hasattr(gz, "normalize_province"):
        try:
            found = gz.normalize_province(name)
        except Exception:  # noqa: BLE001 - a gazetteer hiccup must not lose the row
            found = None
        if found:
            return found
    cleaned = squash(name)
    for prefix in ("tỉnh ", "thành phố ", "tp. ", "tp "):
        if fold(cleaned).startswith(prefix):
            cleaned = cleaned[len(prefix):]
    return cleaned or None


def province_after_2025(province: str | None, given: str | None) -> str | None:
    """The post-2025 province: the record's own value, else the gazetteer's mapping."""
    if given:
        return given
    gz = _gazetteer()
    if province and gz is not None and hasattr(gz, "province_2025"):
        try:
            return gz.province_2025(province)
        except Exception:  # noqa: BLE001
            return None
    return None


def plan_name(meta: dict) -> str:
    """Readable plan label: 'Kiên Giang · huyện Vĩnh Thuận · 2025'."""
    parts = [meta.get("province") or "?"]
    level, locality = meta.get("admin_level"), meta.get("locality")
    if level in ("district", "commune") and locality:
        parts.append(f"{LEVEL_WORDS[level]} {locality}")
    elif level:
        parts.append(LEVEL_WORDS.get(level, level))
    parts.append(str(meta.get("year") or "?"))
    return " · ".join(parts)


def plan_key(meta: dict) -> str:
    """Grouping key of a plan's identity: province | level | locality | year (folded)."""
    vals = [meta.get("province"), meta.get("admin_level"), meta.get("locality"), meta.get("year")]
    return "|".join(fold(str(v)) if v is not None else "" for v in vals)


# --- instruments ----------------------------------------------------------------

def instrument_key(citation: dict) -> str | None:
    """Registry key: the extractor's `key`, else the registry's own rule, else the number
    (spaces out, upper case), else the folded name."""
    if citation.get("key"):
        return citation["key"]
    from pipeline.knowledge.registry import citation_key

    return citation_key(citation)
    if citation.get("number"):
        return "".join(citation["number"].split()).upper()
    if citation.get("name"):
        return fold(squash(citation["name"]))
    return None


def _most_common(values: Iterable[Any]) -> Any:
    counted = Counter(v for v in values if v not in (None, ""))
    return counted.most_common(1)[0][0] if counted else None


def build_registry(slim_records: list[dict]) -> list[dict]:
    """The instrument registry (`pipeline.knowledge.registry`)."""
    from pipeline.knowledge.registry import build_registry as registry_builder

    return registry_builder(slim_records)


def _key_resolver(registry_keys: list[str]):
    """Map a mention's key to its registry row's key: the registry may merge an undated
    mention ('28-CT/TW') into the one dated instrument of that symbol ('28-CT/TW@2023')."""
    known = set(registry_keys)
    by_symbol: dict[str, list[str]] = defaultdict(list)
    for key in registry_keys:
        if key and "@" in key:
            by_symbol[key.rsplit("@", 1)[0]].append(key)

    def resolve(key: str | None) -> str | None:
        if key is None or key in known:
            return key
        dated = by_symbol.get(key, [])
        return dated[0] if len(dated) == 1 else key

    return resolve


# --- the builder -------------------------------------------------------------------

ROW_TABLES = ("documents", "sections", "tasks", "task_themes", "citations", "agencies", "task_agencies",
              "deadlines", "targets")  # tables with rows from a single record (the rest are corpus-level)
REGISTRY_DROP = ("text", "start", "end", "section")  # evidence and position: the registry never reads them


def _task_rows(doc_id: str, t: dict, rows: dict[str, list[dict]]) -> None:
    """The rows of one task: in tasks, and its long forms in task_themes and task_agencies."""
    task = {"doc_id": doc_id, "task_id": t.get("id"), "section": t.get("section"),
            "start": t.get("start"), "end": t.get("end"), "evidence": t.get("text")}
    rows["tasks"].append({
        **task, "label": t.get("label"),
        **{k: list(t.get(k) or []) for k in ("themes", "activities", "agencies")},
        **{f"{k}_label": [shown(v) for v in t.get(k) or []]
           for k, shown in (("themes", theme_label), ("activities", theme_label), ("agencies", agency_label))},
    })
    for kind, key in (("theme", "themes"), ("activity", "activities")):
        for theme in t.get(key) or []:
            rows["task_themes"].append({**task, "kind": kind, "theme": theme, "theme_label": theme_label(theme)})
    for agency in t.get("agencies") or []:
        sector, _, level = agency.partition("/")
        rows["task_agencies"].append({**task, "agency": agency, "agency_label": agency_label(agency),
                                      "sector": sector, "sector_label": label("sectors", sector),
                                      "level": level or None, "level_label": label("levels", level or None)})


def record_rows(record: dict, duplicate_of: str | None = None) -> dict[str, list[dict]]:
    """The rows one record contributes to each table in `ROW_TABLES`.

    A copy of another plan (`duplicate_of`, see duplicates.py) gives its
    documents row only. Corpus-level values are left for `finish_documents` /
    `finish_citations`: a plan label may still need its doc_id (two plans of
    one label), a citation's `instrument_key` its registry row and
    `cited_doc_id` the corpus.
    """
    rows: dict[str, list[dict]] = {t: [] for t in ROW_TABLES}
    doc_id = record["doc_id"]
    meta = dict(record.get("metadata") or {})
    meta["province"] = normalize_province(meta.get("province"))
    meta["province_2025"] = province_after_2025(meta["province"], meta.get("province_2025"))
    counts = {k: len(record.get(k) or []) for k in
              ("sections", "tasks", "citations", "agencies", "deadlines", "targets")}
    rows["documents"].append({
        "doc_id": doc_id, "plan": plan_name(meta), "plan_key": plan_key(meta), "duplicate_of": duplicate_of,
        "source": record.get("source"), "format": record.get("format"), "pages": record.get("pages"),
        "n_chars": len(record.get("text") or ""),
        **{k: meta.get(k) for k in ("doc_type", "number", "issue_date", "issuer", "admin_level",
                                    "province", "province_2025", "locality", "year", "title", "signer")},
        "admin_level_label": label("levels", meta.get("admin_level")),
        **{f"n_{k}": n for k, n in counts.items()},
        "warnings": list(record.get("warnings") or []),
        "pipeline_version": record.get("pipeline_version"),
    })
    if duplicate_of is not None:
        return rows
    text = record.get("text") or ""
    for s in record.get("sections") or []:
        heading_end = s.get("heading_end") or 0
        evidence = text[s["start"]:heading_end] if heading_end > s.get("start", 0) else s.get("heading")
        rows["sections"].append({
            "doc_id": doc_id, "section": s.get("id"), "level": s.get("level"), "label": s.get("label"),
            "parent": s.get("parent"), "heading": s.get("heading"), "start": s.get("start"),
            "end": s.get("end"), "evidence": evidence,
        })
    for t in record.get("tasks") or []:
        _task_rows(doc_id, t, rows)
    for c in record.get("citations") or []:
        rows["citations"].append({
            **_span(record, c), **{k: c.get(k) for k in ("type", "number", "name", "date", "issuer",
                                                         "issuer_level", "relation")},
            "issuer_level_label": label("levels", c.get("issuer_level")),
            "relation_label": label("relations", c.get("relation")),
            "short_form": bool(c.get("short_form")), "instrument_key": instrument_key(c),
            "cited_doc_id": None,
        })
    for a in record.get("agencies") or []:
        rows["agencies"].append({**_span(record, a), **{k: a.get(k) for k in ("name", "sector", "level", "role")},
                                 "sector_label": label("sectors", a.get("sector")),
                                 "level_label": label("levels", a.get("level")),
                                 "role_label": label("roles", a.get("role"))})
    for d in record.get("deadlines") or []:
        rows["deadlines"].append({**_span(record, d), **{k: d.get(k) for k in (
            "date", "year", "month", "day", "recurrence", "kind", "what", "agency")},
            "recurrence_label": label("recurrences", d.get("recurrence")),
            "kind_label": label("deadline_kinds", d.get("kind"))})
    for t in record.get("targets") or []:
        ind_id = t.get("indicator_id") or normalize_indicator(t.get("indicator"), t.get("text"))
        ind = get_indicator(ind_id)
        rows["targets"].append({
            **_span(record, t), "indicator": t.get("indicator"), "indicator_id": ind_id,
            "indicator_label": ind.label if ind else None,
            **{k: t.get(k) for k in ("value", "unit", "comparator", "direction", "target_year", "qualifier")},
            "direction_label": label("directions", t.get("direction")),
        })
    return rows


def _interned(value: Any) -> Any:
    return sys.intern(value) if isinstance(value, str) else value


def slim_record(record: dict) -> dict:
    """What the instrument registry reads of a record: doc_id, metadata and citations without their
    evidence and position. Held for every plan until the registry is built, so its strings are
    interned (types, numbers, issuers repeat from plan to plan)."""
    return {"doc_id": record["doc_id"],
            "metadata": {k: _interned(v) for k, v in (record.get("metadata") or {}).items()},
            "citations": [{k: _interned(v) for k, v in c.items() if k not in REGISTRY_DROP}
                          for c in record.get("citations") or []]}


def error_rows(errors: Iterable[dict]) -> list[dict]:
    return [{k: e.get(k) for k, _ in SCHEMA["errors"]} for e in errors]


def finish_documents(documents: list[dict]) -> None:
    """Make plan labels unique: a label two plans share gets each one's doc_id."""
    finish = PlanLabels(r["plan"] for r in documents if not r.get("duplicate_of")).finish
    for r in documents:
        finish(r)


class PlanLabels:
    """Unique plan labels, from the count of every label over the corpus (rows can then stream).

    `labels` are those of the kept plans; a duplicate always gets its doc_id (its label is its kept copy's)."""

    def __init__(self, labels: Iterable[str]):
        self.seen = Counter(labels)

    def finish(self, row: dict) -> dict:
        if row.get("duplicate_of") or self.seen[row["plan"]] > 1:
            row["plan"] = f"{row['plan']} [{row['doc_id']}]"
        return row


class CitationFinisher:
    """Corpus-level values of citation rows, fed one row at a time (so they can stream).

    Built from the registry: `finish(row)` resolves the row's `instrument_key`
    to its registry row and sets `cited_doc_id`; `instrument_rows()` then gives
    the instruments table, each with the evidence of its first full mention.
    """

    def __init__(self, registry: list[dict]):
        self.registry = registry
        self.resolve = _key_resolver([inst.get("key") for inst in registry])
        self.corpus_of = {inst["key"]: inst["corpus_doc_id"] for inst in registry if inst.get("corpus_doc_id")}
        self.first_mention: dict[str, dict] = {}

    def finish(self, c: dict) -> dict:
        key = c["instrument_key"] = self.resolve(c["instrument_key"])
        cited = self.corpus_of.get(key)
        c["cited_doc_id"] = cited if cited != c["doc_id"] else None
        first = self.first_mention.get(key) if key else None
        if key and (first is None or (first["short_form"] and not c["short_form"])):
            self.first_mention[key] = {k: c.get(k) for k in ("doc_id", "section", "start", "end", "evidence",
                                                              "short_form")}
        return c

    def instrument_rows(self) -> list[dict]:
        rows = []
        for inst in self.registry:
            doc_ids = inst.get("doc_ids") or []
            mention = self.first_mention.get(inst.get("key"), {})
            rows.append({
                **{k: inst.get(k) for k in ("key", "type", "number", "name", "date", "issuer", "issuer_level",
                                            "n_plans", "n_mentions", "corpus_doc_id")},
                "issuer_level_label": label("levels", inst.get("issuer_level")),
                "doc_ids": list(doc_ids) if isinstance(doc_ids, list | tuple) else _to_list(doc_ids),
                **{k: mention.get(k) for k in ("doc_id", "section", "start", "end", "evidence")},
            })
        rows.sort(key=lambda r: (-(r["n_plans"] or 0), -(r["n_mentions"] or 0), r["key"]))
        return rows


@dataclass
class TableBuilder:
    """Accumulates every row in memory; `frames()` turns them into typed DataFrames.

    For tests and notebooks on small corpora; `write_dataset` streams instead
    (pipeline/exports/stream.py), with the same rows.
    """

    rows: dict[str, list[dict]] = field(default_factory=lambda: {t: [] for t in TABLES})
    slim: list[dict] = field(default_factory=list)  # metadata + citations only, for the registry

    def add(self, record: dict, duplicate_of: str | None = None) -> None:
        for table, rows in record_rows(record, duplicate_of).items():
            self.rows[table].extend(rows)
        if duplicate_of is None:
            self.slim.append(slim_record(record))

    def add_errors(self, errors: Iterable[dict]) -> None:
        self.rows["errors"].extend(error_rows(errors))

    def _finish(self) -> None:
        """Corpus-level steps: unique plan labels, the instrument registry, citation links."""
        finish_documents(self.rows["documents"])
        finisher = CitationFinisher(build_registry(self.slim))
        for c in self.rows["citations"]:
            finisher.finish(c)
        self.rows["instruments"] = finisher.instrument_rows()

    def frames(self) -> dict[str, pd.DataFrame]:
        self._finish()
        return {name: to_frame(self.rows[name], name) for name in TABLES}


def to_frame(rows: list[dict], table: str) -> pd.DataFrame:
    """A DataFrame with exactly the table's columns, in order, with nullable typed dtypes."""
    columns = SCHEMA[table]
    data: dict[str, Any] = {}
    for name, kind in columns:
        values = [r.get(name) for r in rows]
        if kind == "string":
            data[name] = pd.array([None if v is None else str(v) for v in values], dtype="string")
        elif kind == "int":
            data[name] = pd.array([_to_int(v) for v in values], dtype="Int64")
        elif kind == "float":
            data[name] = pd.array([_to_float(v) for v in values], dtype="Float64")
        elif kind == "bool":
            data[name] = pd.array([None if v is None else bool(v) for v in values], dtype="boolean")
        elif kind == "date":
            data[name] = pd.Series([parse_date(v) for v in values], dtype="object")
        elif kind == "list":
            data[name] = pd.Series([_to_list(v) for v in values], dtype="object")
        else:  # pragma: no cover - SCHEMA is fixed
            raise ValueError(kind)
    return pd.DataFrame(data, columns=[c for c, _ in columns])


def _to_list(v: Any) -> list[str] | None:
    """A list cell: a list of strings; a joined string (an older record) is split at LIST_SEP."""
    if v is None:
        return None
    if isinstance(v, str):
        return [p for p in v.split(LIST_SEP) if p]
    return [str(x) for x in v]


INT64_MAX = 2**63 - 1


def _to_int(v: Any) -> int | None:
    """An integer cell; a value no 64-bit column holds (a DOCX claiming 2^63 pages) is unknown, not a crash."""
    try:
        n = None if v is None or v == "" else int(v)
    except (TypeError, ValueError, OverflowError):
        return None
    return n if n is None or -INT64_MAX <= n <= INT64_MAX else None


def _to_float(v: Any) -> float | None:
    """A number cell; infinity or NaN (a 400-digit number) is unknown: Excel and JSON hold neither."""
    try:
        x = None if v is None or v == "" else float(v)
    except (TypeError, ValueError, OverflowError):
        return None
    return x if x is None or math.isfinite(x) else None


def build_tables(records: Iterable[dict], errors: Iterable[dict] = ()) -> dict[str, pd.DataFrame]:
    """All tables of the dataset from records (and the batch's error rows), each plan once."""
    from pipeline.exports.duplicates import copy_of, find_duplicates

    records = list(records)
    duplicates = find_duplicates(copy_of(r) for r in records)
    builder = TableBuilder()
    for record in records:
        builder.add(record, duplicates.get(record["doc_id"]))
    builder.add_errors(errors)
    return builder.frames()
