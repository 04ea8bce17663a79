"""The report, read as text: self-contained, Vietnamese, no raw values; each plan's evidence a JSON block."""

from __future__ import annotations

import datetime as dt
import html
import json
import re

import pytest
from test_exports import synthetic_records  # tests/ is on sys.path (pytest rootdir-relative imports)

from pipeline.exports import write_dataset
from pipeline.exports.report import format_date, format_partial_date, plain, plan_evidence, shown, unpacked

RAW_MARKS = re.compile(r"(?m)\bNaT\b|\bnan\b|\bNone\b|00:00:00|\*\*|<NA>|^#{1,6} ")


def visible_text(page: str) -> str:
    """What a person reads: the page without tags, styles and scripts, plus every evidence block's strings."""
    body = re.sub(r"<style>.*?</style>|<script>.*?</script>", "", page, flags=re.S)
    blocks = [json.loads(b) for b in re.findall(r'<script type="application/json"[^>]*>(.*?)</script>', body, re.S)]
    blocks += [unpacked(b) for b in re.findall(r'<script type="application/gzip\+base64"[^>]*>(.*?)</script>', body,
                                                re.S)]
    body = re.sub(r'<script type="application/[^"]*"[^>]*>.*?</script>', "", body, flags=re.S)
    strings = []

    def walk(v):
        if isinstance(v, str):
            strings.append(v)
        elif isinstance(v, list | tuple):
            for x in v:
                walk(x)
        elif isinstance(v, dict):
            for x in v.values():
                walk(x)

    for block in blocks:
        walk(block)
    return html.unescape(re.sub(r"<[^>]+>", "\n", body)) + "\n" + "\n".join(strings)


@pytest.fixture(scope="module")
def page(tmp_path_factory) -> str:
    records = tmp_path_factory.mktemp("records")
    for rec in synthetic_records():
        (records / f"{rec['doc_id']}.json").write_text(json.dumps(rec, ensure_ascii=False), encoding="utf-8")
    out = tmp_path_factory.mktemp("out")
    return write_dataset(records, out, [])["report.html"].read_text(encoding="utf-8")


def test_the_report_loads_nothing_from_outside(page):
    assert not re.search(r"""(src|href)\s*=\s*["']?(https?:)?//""", page)
    assert "<link" not in page and "@import" not in page


def test_the_overview_has_plans_by_province_level_year_themes_instruments_deadlines(page):
    for part in ("plans-by-province", "plans-by-level", "plans-by-year", "themes-by-province", "top-instruments",
                 "deadlines-by-month", "plan-table"):
        assert f'id="{part}"' in page, part
    text = visible_text(page)
    assert "Phòng, chống đuối nước" in text and "Luật Trẻ em" in text
    assert "4/2023" in text  # the deadline 'trước ngày 15/4/2023', counted in its month


def test_no_raw_value_anywhere_and_dates_as_people_write_them(page):
    text = visible_text(page)
    assert not RAW_MARKS.search(text), RAW_MARKS.search(text)
    assert "28/2/2025" in text and "2025-02-28" not in text  # the issue date of plan 000
    assert "drowning" not in re.sub(r'title="[^"]*"', "", text)  # ids are not shown, labels are


def test_each_plan_has_one_row_and_one_evidence_block(page):
    rows = re.findall(r'<tr data-i="(\d+)" data-doc="([^"]+)"', page)
    assert sorted(d for _, d in rows) == sorted(r["doc_id"] for r in synthetic_records())
    for i, doc_id in rows:
        block = re.search(rf'<script type="application/gzip\+base64" id="ev-{i}">(.*?)</script>', page, flags=re.S)
        assert unpacked(block.group(1))["doc_id"] == doc_id


def test_a_plans_evidence_marks_each_value_in_its_sentence():
    rec = next(r for r in synthetic_records() if r["doc_id"].startswith("001"))
    ev = plan_evidence(rec, "Thừa Thiên Huế · tỉnh · 2023", {"facts": {"issuer": "Cơ quan ban hành"}})
    target = next(i for i in ev["items"]["targets"] if i[2] == "dưới 9,5%")
    assert target[0].startswith("Tỷ suất tử vong trẻ sơ sinh") and "< 9,5‰" in target[0]
    assert "sơ sinh" in target[1]  # the words before the value, from its sentence
    deadline = ev["items"]["deadlines"][0]
    assert deadline[2] == "trước ngày 15/4/2023" and "15/4/2023" in deadline[0]
    agency = ev["items"]["agencies"][0] if ev["items"]["agencies"] else None
    if agency:
        assert agency[0] == "Lao động - Thương binh và Xã hội (tỉnh) · Nhận báo cáo"
    assert ev["items"]["tasks"][0][0] == "Chăm sóc sức khỏe, dinh dưỡng"
    assert ev["facts"] == [["Cơ quan ban hành", "UBND tỉnh Thừa Thiên Huế"]]


def test_a_script_tag_in_a_plans_text_cannot_end_its_block(tmp_path):
    rec = synthetic_records()[0]
    rec["text"] += "\n</script><script>alert(1)</script><!--"
    rec["tasks"] = [{"id": "X", "section": None, "text": "</script><b>x</b>", "start": 0, "end": 1,
                     "themes": ["drowning"], "activities": [], "agencies": []}]
    (tmp_path / "r").mkdir()
    (tmp_path / "r" / f"{rec['doc_id']}.json").write_text(json.dumps(rec, ensure_ascii=False), encoding="utf-8")
    page = write_dataset(tmp_path / "r", tmp_path / "out", [])["report.html"].read_text(encoding="utf-8")
    assert page.count("</script>") == page.count("<script")
    assert "alert(1)" not in page and "<b>x</b>" not in page  # packed: a plan's text is never markup
    assert "</script><b>x</b>" in visible_text(page)  # and is shown as the text it is


@pytest.mark.parametrize("value, text", [
    ("2024-05-30", "30/5/2024"), (dt.date(2024, 5, 3), "3/5/2024"), (dt.datetime(2024, 5, 30, 0, 0), "30/5/2024"),
    (None, ""), ("2024", ""), ("nonsense", "")])
def test_dates_read_day_month_year(value, text):
    assert format_date(value) == text


def test_missing_values_and_markdown_never_show():
    import pandas as pd

    assert [shown(v) for v in (None, float("nan"), pd.NaT, pd.NA, [None, "a"], 9.5)] == ["", "", "", "", "a", "9,5"]
    assert plain("## **I. MỤC TIÊU**\n  `x`") == "I. MỤC TIÊU x"
    assert format_partial_date(2024, 5, None) == "5/2024" and format_partial_date(2024) == "2024"
    assert format_partial_date(None, 5, 1) == "" and format_partial_date(2024, 5, 30) == "30/5/2024"


def test_a_task_tag_shows_the_words_that_gave_it():
    """Issue 17: each tag carries its evidence in the report (cue words, not the model's n-grams)."""
    from pipeline.exports.report import _value_of

    task = {"themes": ["drowning"], "tag_evidence": {"themes:drowning": ["cue: đuối nước", "word: bơi cho"]}}
    shown = _value_of("tasks", task)
    assert "(đuối nước)" in shown and "bơi cho" not in shown
