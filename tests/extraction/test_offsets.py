"""Every item with offsets points at its own evidence in the record's text."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from pipeline.document import iter_spans
from pipeline.errors import PlanError
from pipeline.process import process_text
from pipeline.reading.readers import read
from pipeline.textutils import squash

RAW_DIR = Path(__file__).resolve().parents[2] / "data" / "raw"
SAMPLE_TEXTS = {p.stem: read(p).text for p in sorted(RAW_DIR.glob("*.txt"))}


def _plain(s: str) -> str:
    return squash(re.sub(r"[*_#`|]+", " ", s))


def check_offsets(record: dict) -> None:
    text = record["text"]
    for kind, item in iter_spans(record):
        start, end = item["start"], item["end"]
        assert 0 <= start <= end <= len(text), (kind, item)
        if kind == "sections":
            # a heading wrapped over two lines is one string, and it drops markdown markers
            # (* _ # ` |, as the structure's _MARKUP_RE): compare with both folded away
            heading = _plain(item["heading"])
            assert heading[:30] in _plain(text[start:end]), (kind, item["id"], heading)
        else:
            assert text[start:end] == item["text"], (kind, item.get("id"), item["text"][:60])


@pytest.mark.parametrize("doc_id", sorted(SAMPLE_TEXTS))
def test_sample_offsets(doc_id):
    check_offsets(process_text(SAMPLE_TEXTS[doc_id], doc_id=doc_id).to_record())


# Lines of the samples, shuffled and cut: plan-like text in unexpected arrangements.
SAMPLE_LINES = sorted({ln for t in SAMPLE_TEXTS.values() for ln in t.splitlines() if ln.strip()})


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(lines=st.lists(st.sampled_from(SAMPLE_LINES), min_size=1, max_size=25),
       cut=st.integers(min_value=0, max_value=40),
       noise=st.text(alphabet=st.sampled_from(list("aăđêôơư ĐIV.-)\n1234567890:;,")), max_size=60))
def test_offsets_on_random_plan_text(lines, cut, noise):
    text = "\n".join(lines)[cut:] + noise
    try:
        record = process_text(text).to_record()
    except PlanError:
        return  # the guard may reject text that is not a plan: a clear error, not a crash
    check_offsets(record)


@settings(max_examples=40, deadline=None)
@given(st.text(max_size=400))
def test_offsets_on_arbitrary_text(text):
    try:
        record = process_text(text).to_record()
    except PlanError:
        return
    check_offsets(record)


# Every extractor on any text (derandomized, so CI runs the same examples every time): the guard is switched off so that arbitrary Unicode reaches every stage
# (through the pipeline the guard refuses most of it, and the extractors would never see it).
_PLAN_WORDS = st.sampled_from(["Kế hoạch số 12/KH-UBND ngày 3/4/2024", "Sở Y tế chủ trì", "đạt 95%",
                               "trước ngày 30/6", "Luật Trẻ em", "UBND các xã", "I. MỤC TIÊU", "a) ", "- ",
                               "giảm xuống dưới 10%", "Quyết định số 863", "năm 2025", "\n", " | "])


@settings(max_examples=100, deadline=None, derandomize=True, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.one_of(st.text(max_size=40), _PLAN_WORDS), max_size=30).map("".join))
@example("0.:_0")  # found by this test: a heading drops the markdown "_" its span keeps
def test_every_extractor_on_any_text_keeps_its_offsets(text):
    record = process_text(text, disable=("guard",)).to_record()
    check_offsets(record)
