"""Issue 4 bars on the gold set: agencies F1 >= 0.9 with lead accuracy >= 0.9; targets F1 >= 0.95, unit accuracy >= 0.9."""

from __future__ import annotations


def test_agencies_on_gold(gold_report: dict) -> None:
    agencies = gold_report["agencies"]
    assert agencies["f1"] >= 0.9, agencies
    assert agencies["lead_accuracy"] >= 0.9, agencies


def test_targets_on_gold(gold_report: dict) -> None:
    targets = gold_report["targets"]
    assert targets["f1"] >= 0.95, targets
    assert targets["unit_accuracy"] >= 0.9, targets


def test_every_agency_and_target_offset_is_exact(sample_records: dict) -> None:
    for doc_id, rec in sample_records.items():
        text = rec["text"]
        for kind in ("agencies", "targets"):
            for item in rec[kind]:
                assert text[item["start"]:item["end"]] == item["text"], (doc_id, kind, item)


def test_tasks_carry_agencies(sample_records: dict) -> None:
    """The blocks of "Tổ chức thực hiện" hand their agencies down to their tasks."""
    with_agencies = [t for rec in sample_records.values() for t in rec["tasks"] if t["agencies"]]
    assert len(with_agencies) >= 50
    for rec in sample_records.values():
        for task in rec["tasks"]:
            for key in task["agencies"]:
                sector, level = key.split("/")
                assert level in ("central", "province", "district", "commune"), key
