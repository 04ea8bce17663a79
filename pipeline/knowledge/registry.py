"""The corpus-wide instrument registry: one row per distinct cited instrument.

Each citation carries a stable `key` (pipeline/extraction/citations/symbols.symbol_key:
the symbol, plus the year when the symbol has none, so 06/QĐ-TTg of 2019 and
of 2022 stay apart; a named law's official number, else its folded name).
The registry groups mentions by key across plans, merges an undated mention
("Chỉ thị số 28-CT/TW") into the one dated instrument of that number, and
links an instrument to the plan of the corpus that IS it (a district plan
implementing "Kế hoạch số 40/KH-UBND ngày 19/02/2025 của UBND tỉnh Kiên
Giang" links to that province plan's record), matched on its metadata
number + year and, where both are known, issuer and date. A named law or
convention of resources/named_instruments.yaml is printed under its canonical
name, with its official number and date where the mentions gave none.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable
from functools import cache
from typing import Any

from pipeline.extraction.citations.named import Instrument, instruments
from pipeline.extraction.citations.symbols import norm_number, symbol_key
from pipeline.knowledge.loader import load_yaml
from pipeline.textutils import fold, squash


def citation_key(c: dict) -> str | None:
    """The citation's key, or one computed the same way for records written without it."""
    if c.get("key"):
        return c["key"]
    if c.get("number"):
        date = c.get("date") or ""
        return symbol_key(c["number"], int(date[:4]) if date[:4].isdigit() else None)
    if c.get("name"):
        return fold(squash(c["name"]))
    return None


def _year_of(key: str, date: str | None) -> int | None:
    if date and date[:4].isdigit():
        return int(date[:4])
    if "@" in key:
        tail = key.rsplit("@", 1)[1]
        return int(tail) if tail.isdigit() else None
    return None


def _most_common(values: Iterable[Any]) -> Any:
    counted = Counter(v for v in values if v not in (None, ""))
    return counted.most_common(1)[0][0] if counted else None


def _merge_undated(keys: Iterable[str]) -> dict[str, str]:
    """Undated key -> the one dated key of the same symbol, where there is exactly one."""
    dated: dict[str, set[str]] = defaultdict(set)
    for k in keys:
        if "@" in k:
            dated[k.rsplit("@", 1)[0]].add(k)
    return {k: next(iter(dated[k])) for k in keys if "@" not in k and len(dated.get(k, ())) == 1}


def _issuer_form(s: str | None) -> str:
    """Comparison form of an issuer: folded, spelled-out bodies abbreviated ("ubnd tỉnh …")."""
    s = fold(squash(s or ""))
    for long, short in load_yaml("instruments.yaml")["issuer_abbreviations"].items():
        s = s.replace(fold(long), fold(short))
    return s


def _is_that_plan(row: dict, rec: dict) -> bool:
    """Whether corpus record `rec` is the instrument of `row` (its number already equal)."""
    meta = rec.get("metadata") or {}
    own_date = meta.get("issue_date")
    own_year = int(own_date[:4]) if own_date else meta.get("year")
    year = _year_of(row["key"], row.get("date"))
    if year is not None and own_year is not None and int(own_year) != year:
        return False
    if row.get("date") and own_date and row["date"] != own_date:
        return False
    if row.get("issuer_level") and meta.get("admin_level") and row["issuer_level"] != meta["admin_level"]:
        return False
    cited, own = _issuer_form(row.get("issuer")), _issuer_form(meta.get("issuer"))
    places = [fold(p) for p in (meta.get("locality"), meta.get("province")) if p]
    if cited and own and not (cited == own or cited in own or own in cited or any(p in cited for p in places)):
        return False
    # with nothing but number and year to go on, a reused number (every UBND has a 40/KH-UBND) is not enough
    return bool(row.get("date") and own_date) or bool(cited and own)


@cache
def _named_by_key() -> dict[str, Instrument]:
    """Named instruments (resources/named_instruments.yaml) by the key their citations carry."""
    return {norm_number(e.number) if e.number else fold(squash(e.name)): e for e in instruments() if e.counts}


def _from_named_registry(row: dict) -> None:
    """A named law or convention gets its canonical name, and its official number and date where the
    mentions gave none ("Luật Trẻ em" -> 102/2016/QH13 of 2016-04-05)."""
    entry = _named_by_key().get(row["key"])
    if entry is None:
        return
    row["name"] = entry.name
    row["number"] = row["number"] or entry.number
    row["date"] = row["date"] or entry.date


def build_registry(records: Iterable[dict]) -> list[dict]:
    """One row per distinct instrument cited in `records` (plan records or slim ones with
    doc_id, metadata and citations): key, type, number, name, date, issuer, issuer_level,
    n_plans, n_mentions, doc_ids and corpus_doc_id (the plan of the corpus that is it)."""
    records = list(records)
    mentions: dict[str, list[tuple[str, dict]]] = defaultdict(list)
    for rec in records:
        for c in rec.get("citations") or []:
            key = citation_key(c)
            if key:
                mentions[key].append((rec.get("doc_id"), c))
    for undated, dated in _merge_undated(list(mentions)).items():
        mentions[dated].extend(mentions.pop(undated))

    by_number: dict[str, list[dict]] = defaultdict(list)
    for rec in records:
        number = (rec.get("metadata") or {}).get("number")
        if number:
            by_number[norm_number(number)].append(rec)

    rows = []
    for key, items in mentions.items():
        cits = [c for _, c in items]
        doc_ids = sorted({d for d, _ in items if d})
        row = {
            "key": key,
            "type": _most_common(c.get("type") for c in cits),
            "number": _most_common(c.get("number") for c in cits),
            "name": _most_common(c.get("name") for c in cits),
            "date": _most_common(c.get("date") for c in cits),
            "issuer": _most_common(c.get("issuer") for c in cits),
            "issuer_level": _most_common(c.get("issuer_level") for c in cits),
            "n_plans": len(doc_ids),
            "n_mentions": len(items),
            "doc_ids": doc_ids,
            "corpus_doc_id": None,
        }
        _from_named_registry(row)
        if row["number"]:
            for rec in by_number.get(norm_number(row["number"]), []):
                if rec.get("doc_id") not in doc_ids and _is_that_plan(row, rec):
                    row["corpus_doc_id"] = rec.get("doc_id")
                    break
        rows.append(row)
    rows.sort(key=lambda r: (-r["n_plans"], -r["n_mentions"], r["key"]))
    return rows
