"""Dev-set floors (issue 14): each field's score on ../shared/corpus/dev may not slide below what it reaches.

One function per field, so that the helpers' additions merge. The floors are what was measured,
rounded down a little, never above it.
"""

from __future__ import annotations

import pytest

from tests.conftest import SHARED, extract_and_score

DEV_TEXTS = SHARED / "corpus" / "dev"
DEV_GOLD = SHARED / "gold" / "dev"


@pytest.fixture(scope="module")
def dev_report(tmp_path_factory) -> dict:
    """`score.py extract` over the records of the dev texts."""
    if not DEV_GOLD.is_dir():
        pytest.skip("../shared/gold/dev is not present (the dev set is read from there)")
    return extract_and_score(sorted(DEV_TEXTS.glob("d*.txt")), DEV_GOLD, tmp_path_factory.mktemp("dev"))


def test_metadata_floor(dev_report: dict) -> None:
    assert dev_report["metadata_accuracy"] >= 0.95, dev_report["metadata_accuracy"]


def test_agencies_floor(dev_report: dict) -> None:
    agencies = dev_report["agencies"]
    assert agencies["f1"] >= 0.94, agencies
    assert agencies["precision"] >= 0.96, agencies
    assert agencies["lead_accuracy"] >= 0.97, agencies


def test_citations_floor(dev_report: dict) -> None:
    citations = dev_report["citations"]  # measured 1.0 / 1.0 / 1.0, dates 1.0, implements recall 0.956
    assert citations["f1"] >= 0.99, citations
    assert citations["precision"] >= 0.99, citations
    assert citations["recall"] >= 0.99, citations
    assert citations["date_accuracy"] >= 0.99, citations
    assert citations["implements_recall"] >= 0.95, citations


def test_deadlines_floor(dev_report: dict) -> None:
    deadlines = dev_report["deadlines"]
    assert deadlines["f1"] >= 0.98, deadlines
    assert deadlines["precision"] >= 0.97, deadlines
    assert deadlines["recall"] >= 0.98, deadlines
    assert deadlines["recurrence_accuracy"] >= 0.99, deadlines


def test_targets_floor(dev_report: dict) -> None:
    targets = dev_report["targets"]
    assert targets["f1"] >= 0.94, targets
    assert targets["precision"] >= 0.98, targets
    assert targets["recall"] >= 0.88, targets
    assert targets["target_year_accuracy"] >= 0.98, targets
    assert targets["unit_accuracy"] >= 0.99, targets
