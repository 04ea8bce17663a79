"""The foundation bars of issue 2, measured by ../shared/eval/score.py on the sample plans."""

from __future__ import annotations


def test_metadata_accuracy(gold_report):
    assert gold_report["metadata_accuracy"] >= 0.95


def test_sections_f1(gold_report):
    assert gold_report["sections"]["f1"] >= 0.95


def test_section_heading_accuracy(gold_report):
    assert gold_report["sections"]["heading_accuracy"] >= 0.9
