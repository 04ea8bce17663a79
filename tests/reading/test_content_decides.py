"""Content decides the format; double-encoded UTF-8 is undone; a lying DOCX does not crash (issue 19)."""

from __future__ import annotations

import codecs
import zipfile
from pathlib import Path

import pytest

from pipeline.errors import UnreadableFile
from pipeline.process import process_file
from pipeline.reading.readers import read
from pipeline.running.synth import render_docx, render_pdf

RAW_DIR = Path(__file__).resolve().parents[2] / "data" / "raw"
SEED = RAW_DIR / "000_fb34435fc2fada6a.txt"
codecs.register_error("c1-controls", lambda e: (chr(e.object[e.start]), e.start + 1))  # as Windows maps 0x81


def test_a_text_beginning_with_the_pdf_header_is_text(tmp_path):
    p = tmp_path / "kh.txt"
    p.write_text("%PDF-1.4\n" + SEED.read_text(encoding="utf-8"), encoding="utf-8")
    raw = read(p)
    assert raw.format == "txt" and "Số: 31 /KH-UBND" in raw.text
    assert any("%PDF" in w for w in raw.warnings)
    assert process_file(p).metadata.number == process_file(SEED).metadata.number


def test_a_truncated_pdf_is_still_a_damaged_pdf(tmp_path):
    pdf = render_pdf(SEED.read_text(encoding="utf-8"), tmp_path / "whole.pdf").read_bytes()
    p = tmp_path / "cut.pdf"
    p.write_bytes(pdf[: len(pdf) // 3])
    with pytest.raises(UnreadableFile, match="damaged or truncated"):
        read(p)


@pytest.mark.parametrize("misread_as", ["cp1252", "latin-1"])
def test_utf8_read_as_an_8bit_code_page_is_converted_losslessly(tmp_path, misread_as):
    text = SEED.read_text(encoding="utf-8")
    mojibake = text.encode("utf-8").decode(misread_as, errors="c1-controls")
    assert "Káº¾ HOáº" in mojibake and "Thuáº" in mojibake
    p = tmp_path / "kh.txt"
    p.write_text(mojibake, encoding="utf-8")
    raw = read(p)
    assert raw.text == text
    assert any("double-encoded" in w for w in raw.warnings)


def test_good_unicode_is_left_alone(tmp_path):
    for seed in sorted(RAW_DIR.glob("*.txt")):
        assert not read(seed).warnings


def test_a_docx_claiming_2_to_the_63_pages_is_read_with_a_warning(tmp_path):
    good = render_docx(SEED.read_text(encoding="utf-8"), tmp_path / "good.docx")
    lying = tmp_path / "lying.docx"
    with zipfile.ZipFile(good) as src, zipfile.ZipFile(lying, "w", zipfile.ZIP_DEFLATED) as dst:
        for item in src.infolist():
            if item.filename != "docProps/app.xml":
                dst.writestr(item, src.read(item.filename))
        dst.writestr("docProps/app.xml", "<Properties><Pages>9223372036854775808</Pages></Properties>")
    raw = read(lying)
    assert raw.pages == 1 and any("9223372036854775808" in w for w in raw.warnings)
    record = process_file(lying).to_record()
    assert record["pages"] == 1 and record["metadata"]["number"] == "31/KH-UBND"
