"""`make eval`: the gold sets it finds and the one table it prints."""

from __future__ import annotations

import pytest

from pipeline.running import evaluate


def _report(f1: float, docs: int = 2) -> dict:
    cell = {"precision": f1, "recall": f1, "f1": f1, "tp": 3, "fp": 1, "fn": 1}
    empty = {"precision": 1.0, "recall": 1.0, "f1": 1.0, "tp": 0, "fp": 0, "fn": 0}
    return {"documents": docs, "metadata_accuracy": 0.5,
            "sections": empty | {"heading_accuracy": None}, "citations": cell | {"date_accuracy": 1.0},
            "agencies": cell | {"lead_accuracy": 0.9}, "deadlines": cell | {"recurrence_accuracy": 1.0},
            "targets": cell | {"target_year_accuracy": 0.75}}


def test_table_has_one_column_per_set_and_a_row_per_field():
    table = evaluate.format_table({"seeds": _report(1.0, 5), "dev": _report(0.8, 84)})
    lines = table.splitlines()
    assert lines[0] == "| field | seeds (5 docs) | dev (84 docs) |"
    assert "| citations P / R / F1 | 1.000 / 1.000 / **1.000** | 0.800 / 0.800 / **0.800** |" in lines
    assert "| sections P / R / F1 | – | – |" in lines  # nothing annotated: no score, not a perfect one
    assert "| target year accuracy | 0.750 | 0.750 |" in lines


def test_sample_plans_are_scored_as_text_pdf_and_docx():
    names = [s.name for s in evaluate.gold_sets()]
    assert names[:3] == ["seeds", "seeds as PDF", "seeds as DOCX"]


def test_seeds_score_perfectly_through_the_shared_scorer():
    seeds = evaluate.gold_sets()[0]
    report = evaluate.score_set(seeds, evaluate.load_scorer())
    assert report["documents"] == 5 and report["citations"]["f1"] == 1.0


def test_dev_set_is_scored_when_shared_is_present():
    if not (evaluate.SHARED / "gold" / "dev").is_dir():
        pytest.skip("../shared/gold/dev is absent")
    assert "dev" in [s.name for s in evaluate.gold_sets()]
