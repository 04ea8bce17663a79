"""The same plan as .txt, .pdf and .docx gives the same record (PDF/DOCX built in tmp)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from pipeline.process import process_file
from pipeline.reading.clean import clean
from pipeline.reading.readers import read
from pipeline.running.synth import render_docx, render_pdf

RAW_DIR = Path(__file__).resolve().parents[2] / "data" / "raw"
SAMPLES = sorted(RAW_DIR.glob("*.txt"))


def _plain_lines(text: str) -> list[str]:
    """Cleaned lines without markdown markers (the PDF/DOCX carry bold, not '**')."""
    out = []
    for ln in text.split("\n"):
        s = re.sub(r"^#{1,6}\s+", "", ln).replace("**", "").strip()
        if s:
            out.append(s)
    return out


@pytest.fixture(scope="module", params=SAMPLES, ids=lambda p: p.stem[:3])
def renditions(request, tmp_path_factory) -> dict:
    src: Path = request.param
    d = tmp_path_factory.mktemp(src.stem[:3])
    text = clean(read(src))[0]
    pdf = render_pdf(text, d / f"{src.stem}.pdf", header="Cổng thông tin điện tử - văn bản chỉ đạo điều hành")
    docx_file = render_docx(text, d / f"{src.stem}.docx")
    return {"txt": src, "pdf": pdf, "docx": docx_file, "clean": text}


@pytest.mark.parametrize("fmt", ["pdf", "docx"])
def test_cleaned_text_is_the_same(renditions, fmt):
    """Paragraphs, labels and every syllable survive the round trip (no 'ĐIỀ U' splits)."""
    got = clean(read(renditions[fmt]))[0]
    assert _plain_lines(got) == _plain_lines(renditions["clean"])


@pytest.mark.parametrize("fmt", ["pdf", "docx"])
def test_metadata_and_sections_are_the_same(renditions, fmt):
    base = process_file(renditions["txt"])
    other = process_file(renditions[fmt])
    assert other.format == fmt
    assert other.metadata == base.metadata
    assert [s.id for s in other.tree.sections] == [s.id for s in base.tree.sections]
    assert [t.id for t in other.tree.tasks] == [t.id for t in base.tree.tasks]


@pytest.mark.parametrize("layout", [
    {"font_size": 10, "margin_mm": (12, 12, 15, 10), "page_number": "- {n} -", "justify": False},
    {"font_size": 14, "margin_mm": (25, 25, 35, 20), "header": None, "page_number": "{n}", "first_line_indent_mm": 12.7},
])
def test_pdf_layouts_do_not_change_the_text(tmp_path, layout):
    src = RAW_DIR / "003_289ed289cededb05.txt"
    text = clean(read(src))[0]
    raw = read(render_pdf(text, tmp_path / "p.pdf", **layout))
    got = clean(raw)[0]
    assert _plain_lines(got) == _plain_lines(text)
    assert raw.pages > 1
