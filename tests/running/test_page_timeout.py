"""The time limit of a document grows with its PDF pages (issue 19 item 4).

A flat limit killed valid long plans: a 1,000-page PDF, or a 30-page scan at
~1.5-6 s of OCR a page. The worker counts the pages before processing and the
parent allows `timeout + timeout_per_page × pages`. Time is simulated with the
test delay hook; nothing here asserts how long anything took.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from pipeline.running.engines import (
    DELAY_ENV,
    DELAY_MATCH_ENV,
    Job,
    Killed,
    Limits,
    LocalEngine,
    document_timeout,
    pdf_pages,
)


def _pdf(path: Path, pages: int) -> Path:
    from reportlab.pdfgen import canvas

    c = canvas.Canvas(str(path))
    for i in range(pages):
        c.drawString(72, 720, f"Page {i + 1}")
        c.showPage()
    c.save()
    return path


def test_the_limit_is_the_base_plus_a_share_per_page():
    limits = Limits(timeout=120, timeout_per_page=10)
    assert document_timeout(limits, 0) == 120  # a text or DOCX file keeps the base limit
    assert document_timeout(limits, 30) == 420  # a 30-page scan at 6 s a page of OCR (180 s) fits
    assert document_timeout(limits, 1000) == 10120
    assert document_timeout(Limits(timeout=0), 1000) == 0  # no limit stays no limit


def test_pages_are_counted_for_pdfs_only(tmp_path):
    assert pdf_pages(str(_pdf(tmp_path / "three.pdf", 3))) == 3
    (tmp_path / "plan.txt").write_text("Kế hoạch", encoding="utf-8")
    assert pdf_pages(str(tmp_path / "plan.txt")) == 0
    (tmp_path / "broken.pdf").write_bytes(b"%PDF-1.4\nnot really")
    assert pdf_pages(str(tmp_path / "broken.pdf")) == 0  # the reader reports it; the base limit holds


def test_a_long_pdf_outlives_the_base_limit_that_kills_a_short_file(tmp_path, monkeypatch):
    """Both documents take the same (simulated) 3 s: more than the base limit of 1 s, less than the
    1 + 3 × 3 s the three-page PDF is allowed. The text file is killed, the PDF is not."""
    pdf = _pdf(tmp_path / "long.pdf", 3)
    txt = tmp_path / "short.txt"
    txt.write_text("Kế hoạch\n", encoding="utf-8")
    monkeypatch.setenv(DELAY_ENV, "3")
    monkeypatch.delenv(DELAY_MATCH_ENV, raising=False)
    engine = LocalEngine(2, Limits(timeout=1, timeout_per_page=3))
    got = {job.doc_id: outcome for job, outcome in engine.map([Job(str(pdf), "long"), Job(str(txt), "short")])}
    assert got["short"]["error"]["error"] == Killed.code
    assert got["short"]["error"]["reason"] == "timed out after 1 s"
    assert got["long"].get("error", {}).get("error") != Killed.code, got["long"]


@pytest.mark.parametrize("argv, per_page", [([], 10.0), (["--timeout-per-page", "2.5"], 2.5)])
def test_the_run_command_passes_the_per_page_limit(argv, per_page):
    import argparse

    from pipeline.commands.run import add_engine_options, make_engine

    p = argparse.ArgumentParser()
    add_engine_options(p, workers_default=2, timeout_default=120.0)
    engine = make_engine(p.parse_args(argv))
    assert engine.limits.timeout_per_page == per_page and engine.limits.timeout == 120
