"""Issue 3's bars on the gold set: citations and deadlines as the scorer counts them."""

from __future__ import annotations


def test_citations_meet_the_bar(gold_report):
    c = gold_report["citations"]
    assert c["f1"] >= 0.95, c
    assert c["date_accuracy"] >= 0.95, c
    assert c["implements_recall"] >= 0.9, c


def test_deadlines_meet_the_bar(gold_report):
    d = gold_report["deadlines"]
    assert d["f1"] >= 0.9, d
    assert d["recurrence_accuracy"] >= 0.9, d


def test_every_citation_and_deadline_offset_is_exact(sample_records):
    for rec in sample_records.values():
        text = rec["text"]
        for item in rec["citations"] + rec["deadlines"]:
            assert text[item["start"]:item["end"]] == item["text"]
        assert all(c["key"] for c in rec["citations"])
