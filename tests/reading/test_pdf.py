"""PDF reading: pypdfium2 text layer, pdfplumber only on pages with ruled tables."""

from __future__ import annotations

from pathlib import Path

import pytest

from pipeline.reading import pdf
from pipeline.reading.clean import clean
from pipeline.reading.readers import read
from pipeline.running.synth import render_pdf

RAW_DIR = Path(__file__).resolve().parents[2] / "data" / "raw"


def test_a_hyphen_pdfium_merged_over_a_line_end_is_written_back():
    text = "Nghị định số 130/2021/NĐ\ufffeCP ngày 30/12/2021\r\ncủa Chính phủ"
    assert [s for _, s in pdf._segments(text)] == ["Nghị định số 130/2021/NĐ-", "CP ngày 30/12/2021", "của Chính phủ"]
    starts = [i for i, _ in pdf._segments(text)]
    assert text[starts[1]:].startswith("CP") and text[starts[2]:].startswith("của")


def test_plain_pages_never_open_pdfplumber(tmp_path, monkeypatch):
    """pdfplumber is 50x slower: a page without ruling lines is read by pdfium alone."""
    import pdfplumber

    text = clean(read(RAW_DIR / "003_289ed289cededb05.txt"))[0]
    path = render_pdf(text, tmp_path / "p.pdf")
    monkeypatch.setattr(pdfplumber, "open", lambda *a, **k: pytest.fail("pdfplumber opened on a plain PDF"))
    raw = read(path)
    assert raw.pages > 3 and raw.format == "pdf"
    assert clean(raw)[0].replace("**", "").split("\n") == text.replace("**", "").split("\n")


def test_a_page_turned_by_rotate_reads_the_same(tmp_path):
    import pypdfium2 as pdfium

    text = clean(read(RAW_DIR / "003_289ed289cededb05.txt"))[0]
    path = render_pdf(text, tmp_path / "p.pdf")
    doc = pdfium.PdfDocument(str(path))
    for page in doc:
        page.set_rotation(90)
    doc.save(str(tmp_path / "turned.pdf"))
    assert clean(read(tmp_path / "turned.pdf"))[0] == clean(read(path))[0]
