"""The hand-made gold of the excerpts (tests/gold_sets/excerpts/) is well formed.

Each file must follow ../shared/gold/README.md and the contract's enums, and point at its
evidence by character offsets into ../shared/corpus/excerpts/<doc_id>.txt (the text itself is
not ours to copy). A wrong offset or a value outside the contract would silently skew `make eval`,
so every field is checked here. Skipped when ../shared is absent.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
import yaml

from tests.conftest import EXCERPTS_DIR, ROOT, SHARED

GOLD_SET = ROOT / "tests" / "gold_sets" / "excerpts"
GOLD_FILES = sorted(GOLD_SET.glob("*.json"))
TAXONOMY = SHARED / "taxonomy" / "agencies.yaml"

TOP_KEYS = {"doc_id", "metadata", "sections", "citations", "agencies", "deadlines", "targets"}
META_KEYS = {"doc_type", "number", "issue_date", "issuer", "admin_level", "province", "locality", "year", "signer"}
LEVELS = {"central", "province", "district", "commune"}
ROLES = {"lead", "support", "requested", "recipient"}
RELATIONS = {"implements", "cites"}
RECURRENCES = {"once", "annual"}
KINDS = {"due", "start", "end"}
UNITS = {"%", "per_1000", "per_100000", "count"}
COMPARATORS = {"<", "<=", ">", ">=", "="}
DIRECTIONS = {"decrease", "increase", "maintain", "reach"}
ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def _text_of(doc_id: str) -> str:
    return (EXCERPTS_DIR / f"{doc_id}.txt").read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def sectors() -> set[str]:
    if not TAXONOMY.is_file():
        pytest.skip("../shared/taxonomy/agencies.yaml is not present")
    return set(yaml.safe_load(TAXONOMY.read_text(encoding="utf-8"))["sectors"])


def _span_text(item: dict, text: str, where: str) -> str:
    """The evidence an item points at; fails on offsets outside the text or on blank evidence."""
    span = item.get("evidence_span")
    assert isinstance(span, list) and len(span) == 2 and all(isinstance(x, int) for x in span), where
    start, end = span
    assert 0 <= start < end <= len(text), f"{where}: span {span} outside a text of {len(text)}"
    evidence = text[start:end]
    assert evidence.strip() == evidence and evidence, f"{where}: span {span} starts or ends on white space"
    return evidence


def _numbers_in(evidence: str) -> set[int]:
    return {int(n) for n in re.findall(r"\d+", evidence)}


def test_the_set_names_its_texts() -> None:
    assert (GOLD_SET / "corpus.txt").read_text(encoding="utf-8").strip() == "../shared/corpus/excerpts"
    assert GOLD_FILES, "no gold file in tests/gold_sets/excerpts"


@pytest.mark.parametrize("path", GOLD_FILES, ids=lambda p: p.stem)
def test_gold_file_is_valid(path: Path, excerpts_dir: Path, sectors: set[str]) -> None:
    gold = json.loads(path.read_text(encoding="utf-8"))
    assert set(gold) == TOP_KEYS, set(gold) ^ TOP_KEYS
    assert gold["doc_id"] == path.stem
    assert (excerpts_dir / f"{path.stem}.txt").is_file(), f"{path.stem}: no such excerpt"
    text = _text_of(path.stem)
    assert "evidence" not in path.read_text(encoding="utf-8").replace('"evidence_span"', ""), \
        "evidence strings would copy the excerpt: store evidence_span offsets only"
    _check_metadata(gold["metadata"])
    _check_sections(gold["sections"], text)
    _check_citations(gold["citations"], text)
    _check_agencies(gold["agencies"], text, sectors)
    _check_deadlines(gold["deadlines"], text)
    _check_targets(gold["targets"], text)


def _check_metadata(meta: dict) -> None:
    assert set(meta) == META_KEYS, set(meta) ^ META_KEYS
    assert meta["admin_level"] in LEVELS | {None}
    assert meta["issue_date"] is None or ISO_DATE.match(meta["issue_date"]), meta["issue_date"]
    assert meta["year"] is None or isinstance(meta["year"], int)
    for key in META_KEYS - {"year"}:
        assert meta[key] is None or (isinstance(meta[key], str) and meta[key].strip()), key


def _check_sections(sections: list | None, text: str) -> None:
    if sections is None:
        return
    for s in sections:
        assert set(s) <= {"id", "heading", "evidence_span"}, s
        assert re.fullmatch(r"[0-9A-Za-zĐđ]+(\.[0-9A-Za-zĐđ]+)*", s["id"]), s["id"]
        assert s["heading"].strip(), s
        if "evidence_span" in s:
            _span_text(s, text, f"section {s['id']}")


def _check_citations(citations: list, text: str) -> None:
    for c in citations:
        where = f"citation {c.get('number') or c.get('name')}"
        assert set(c) == {"type", "number", "name", "date", "issuer", "relation", "evidence_span"}, where
        assert c["number"] or c["name"], where
        assert c["relation"] in RELATIONS, where
        assert c["date"] is None or ISO_DATE.match(c["date"]), where
        evidence = _span_text(c, text, where)
        if c["number"]:
            leading = int(re.match(r"\d+", c["number"]).group())
            assert leading in _numbers_in(evidence), f"{where}: its number is not in {evidence!r}"


def _check_agencies(agencies: list, text: str, sectors: set[str]) -> None:
    keys = [(a["sector"], a["level"]) for a in agencies]
    assert len(keys) == len(set(keys)), f"one entry per (sector, level): {keys}"
    for a in agencies:
        where = f"agency {a.get('name')}"
        assert set(a) == {"name", "sector", "level", "roles", "evidence_span"}, where
        assert a["sector"] in sectors, where
        assert a["level"] in LEVELS, where
        assert a["roles"] and set(a["roles"]) <= ROLES, where
        _span_text(a, text, where)


def _check_deadlines(deadlines: list, text: str) -> None:
    for d in deadlines:
        where = f"deadline {d.get('what')}"
        assert set(d) == {"year", "month", "day", "recurrence", "kind", "what", "evidence_span"}, where
        assert d["recurrence"] in RECURRENCES and d["kind"] in KINDS, where
        assert isinstance(d["month"], int) and 1 <= d["month"] <= 12, where
        assert d["day"] is None or 1 <= d["day"] <= 31, where
        assert d["year"] is None or isinstance(d["year"], int), where
        if d["recurrence"] == "annual":
            assert d["year"] is None, f"{where}: a yearly date has no year"
        written = _numbers_in(_span_text(d, text, where))
        assert d["month"] in written and (d["day"] is None or d["day"] in written), where


def _check_targets(targets: list, text: str) -> None:
    for t in targets:
        where = f"target {t.get('indicator')}"
        keys = {"indicator", "value", "unit", "comparator", "direction", "target_year", "qualifier", "evidence_span"}
        assert set(t) == keys, where
        assert isinstance(t["value"], int | float) and not isinstance(t["value"], bool), where
        assert t["unit"] in UNITS and t["comparator"] in COMPARATORS and t["direction"] in DIRECTIONS, where
        assert t["target_year"] is None or isinstance(t["target_year"], int), where
        _span_text(t, text, where)
