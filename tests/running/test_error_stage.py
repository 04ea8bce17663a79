"""errors.csv says in which stage a document failed (issue 19 item 1): read, a pipeline stage, process, export."""

from __future__ import annotations

import csv
import dataclasses
from pathlib import Path

import pipeline.process as process
from pipeline.running.batch import ERROR_FIELDS, write_errors_csv
from pipeline.running.engines import process_path

SEED = Path(__file__).resolve().parents[2] / "data" / "raw"


def _a_seed() -> Path:
    return sorted(p for p in SEED.iterdir() if p.suffix == ".txt")[0]


def test_a_failing_pipeline_stage_is_named(monkeypatch):
    def boom(doc) -> None:
        raise ValueError("broken outline")

    stage = dataclasses.replace(process.PIPELINE.get("structure"), func=boom)
    monkeypatch.setattr(process, "PIPELINE", process.PIPELINE.replace("structure", stage))
    error = process_path(str(_a_seed()))["error"]
    assert error["stage"] == "structure" and error["error"] == "bug" and "broken outline" in error["reason"]


def test_a_file_that_cannot_be_read_fails_in_read(tmp_path):
    (tmp_path / "empty.txt").write_bytes(b"")
    assert process_path(str(tmp_path / "empty.txt"))["error"]["stage"] == "read"


def test_text_that_is_not_a_plan_fails_in_guard(tmp_path):
    (tmp_path / "english.txt").write_text("This is an English shopping list: eggs, milk, bread. " * 20,
                                          encoding="utf-8")
    assert process_path(str(tmp_path / "english.txt"))["error"]["stage"] == "guard"


def test_a_good_plan_has_no_error():
    assert "record" in process_path(str(_a_seed()))


def test_errors_csv_keeps_its_columns_and_adds_stage(tmp_path):
    write_errors_csv(tmp_path, [{"doc_id": "a", "source": "a.txt", "error": "bug", "reason": "r", "hint": "h",
                                 "stage": "structure"}])
    with open(tmp_path / "errors.csv", encoding="utf-8-sig", newline="") as f:
        rows = list(csv.DictReader(f))
    assert ERROR_FIELDS[:5] == ["doc_id", "source", "error", "reason", "hint"]
    assert rows == [{"doc_id": "a", "source": "a.txt", "error": "bug", "reason": "r", "hint": "h",
                     "stage": "structure"}]
