"""Readers: encodings, format sniffing, Word numbering and tables, PDF pages."""

from __future__ import annotations

import unicodedata
from pathlib import Path

import docx
import pytest
from docx.oxml import parse_xml

from pipeline.knowledge.loader import load_yaml
from pipeline.reading.readers import format_number, read
from pipeline.running.synth import render_docx, render_pdf

RAW_DIR = Path(__file__).resolve().parents[2] / "data" / "raw"
# Real sentences of 003 and 000
SENTENCE = "Tạo sự quan tâm, phát huy vai trò và trách nhiệm của các cấp, các ngành, gia đình, cộng đồng đối với công tác trẻ em."
HEADER = "Số: 31 /KH-UBND\nVĩnh Thuận, ngày 28 tháng 02 năm 2025\nKẾ HOẠCH\nĐỘC LẬP - TỰ DO - HẠNH PHÚC\n" + SENTENCE

_TONES = "\u0300\u0301\u0303\u0309\u0323"


def to_cp1258(text: str) -> bytes:
    """Windows-1258 keeps the tone as a separate combining byte after the letter."""
    out = []
    for ch in text:
        d = unicodedata.normalize("NFD", ch)
        tones = "".join(c for c in d if c in _TONES)
        base = unicodedata.normalize("NFC", "".join(c for c in d if c not in _TONES))
        out.append(base + tones)
    return "".join(out).encode("cp1258")


def to_legacy(text: str, encoding: str) -> str:
    """Encode Unicode into a legacy font encoding by inverting the reader's table."""
    table = load_yaml("legacy_encodings.yaml")[encoding]
    inverse = {v: k for k, v in table.items()}
    out = []
    for ch in text:
        if ch in inverse:
            out.append(inverse[ch])
        elif ch.lower() in inverse:  # TCVN3 has no upper-case toned letters (another font did them)
            out.append(inverse[ch.lower()])
        else:
            out.append(ch)
    return "".join(out)


@pytest.mark.parametrize("encode", [
    lambda s: s.encode("utf-8"),
    lambda s: b"\xef\xbb\xbf" + s.encode("utf-8"),
    lambda s: s.encode("utf-16"),  # with BOM
    lambda s: s.encode("utf-16-le"),  # without BOM
    to_cp1258,
], ids=["utf8", "utf8-bom", "utf16", "utf16le-nobom", "cp1258"])
def test_text_encodings_decode_to_the_same_text(tmp_path, encode):
    p = tmp_path / "plan.txt"
    p.write_bytes(encode(HEADER))
    assert unicodedata.normalize("NFC", read(p).text) == HEADER


@pytest.mark.parametrize("encoding", ["tcvn3", "vni"])
@pytest.mark.parametrize("as_bytes", [True, False], ids=["8bit-file", "pasted-into-utf8"])
def test_legacy_font_encodings_are_converted(tmp_path, encoding, as_bytes):
    legacy = to_legacy(HEADER, encoding)
    assert legacy != HEADER
    p = tmp_path / "plan.txt"
    p.write_bytes(legacy.encode("latin-1") if as_bytes else legacy.encode("utf-8"))
    raw = read(p)
    expected = HEADER.lower() if encoding == "tcvn3" else HEADER
    got = raw.text.lower() if encoding == "tcvn3" else raw.text
    assert got == expected
    assert any("TCVN3" in w or "VNI" in w for w in raw.warnings)


def test_unicode_text_is_not_mistaken_for_a_legacy_encoding(tmp_path):
    p = tmp_path / "plan.md"
    text = (RAW_DIR / "001_2684e7fb74e79852.txt").read_text(encoding="utf-8")
    p.write_text(text, encoding="utf-8")
    raw = read(p)
    assert raw.text == text and raw.format == "md" and not raw.warnings


def test_format_is_chosen_by_content_not_extension(tmp_path):
    text = (RAW_DIR / "000_fb34435fc2fada6a.txt").read_text(encoding="utf-8")
    pdf = render_pdf(text, tmp_path / "really_a_pdf.txt")
    docx_file = render_docx(text, tmp_path / "really_a_docx.pdf")
    assert read(pdf).format == "pdf"
    assert read(docx_file).format == "docx"


def test_pdf_pages_and_form_feeds(tmp_path):
    text = (RAW_DIR / "003_289ed289cededb05.txt").read_text(encoding="utf-8")
    raw = read(render_pdf(text, tmp_path / "p.pdf", header="UBND HUYỆN SƠN HÀ"))
    assert raw.format == "pdf" and raw.pages > 3
    assert raw.text.count("\f") == raw.pages - 1
    assert "Trang 2" in raw.text.split("\f")[1]


def _numbered(d, text: str, num_id: int, ilvl: int = 0):
    p = d.add_paragraph(text)
    p._p.get_or_add_pPr().append(parse_xml(
        '<w:numPr xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">'
        f'<w:ilvl w:val="{ilvl}"/><w:numId w:val="{num_id}"/></w:numPr>'))
    return p


def test_docx_word_numbering_labels_are_written_out(tmp_path):
    text = ("I. MỤC ĐÍCH, YÊU CẦU\n1. Mục đích\n2. Yêu cầu\na) Cụ thể hóa các nội dung\nb) Xác định rõ trách nhiệm\n"
            "II. NỘI DUNG HOẠT ĐỘNG\n1. Tăng cường sự chỉ đạo\n- Tiếp tục thực hiện tốt Chỉ thị số 28-CT/TW\n"
            "4. Phòng Văn hóa và Thông tin\n6. Phòng Tài chính - Kế hoạch")
    raw = read(render_docx(text, tmp_path / "n.docx"))
    assert raw.text.split("\n") == text.split("\n")
    d = docx.Document(str(tmp_path / "n.docx"))
    assert d.paragraphs[1].text == "Mục đích"  # the label really is Word numbering, not text


def test_docx_multilevel_numbering_and_list_style(tmp_path):
    d = docx.Document()
    numbering = d.part.numbering_part.element
    w = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
    numbering.insert(0, parse_xml(
        f'<w:abstractNum xmlns:w="{w}" w:abstractNumId="90">'
        '<w:lvl w:ilvl="0"><w:start w:val="1"/><w:numFmt w:val="upperRoman"/><w:lvlText w:val="%1."/></w:lvl>'
        '<w:lvl w:ilvl="1"><w:start w:val="1"/><w:numFmt w:val="decimal"/><w:lvlText w:val="%1.%2."/></w:lvl>'
        '<w:lvl w:ilvl="2"><w:start w:val="1"/><w:numFmt w:val="lowerLetter"/><w:lvlText w:val="%3)"/></w:lvl>'
        '</w:abstractNum>'))
    numbering.append(parse_xml(f'<w:num xmlns:w="{w}" w:numId="90"><w:abstractNumId w:val="90"/></w:num>'))
    _numbered(d, "MỤC TIÊU", 90, 0)
    _numbered(d, "Mục tiêu chung", 90, 1)
    _numbered(d, "Mục tiêu cụ thể", 90, 1)
    _numbered(d, "Giảm tỷ suất tử vong trẻ sơ sinh", 90, 2)
    _numbered(d, "GIẢI PHÁP THỰC HIỆN", 90, 0)
    _numbered(d, "Tăng cường sự lãnh đạo", 90, 1)
    d.add_paragraph("Nâng cao nhận thức", style="List Number")
    table = d.add_table(rows=1, cols=2)
    table.cell(0, 0).text = "ỦY BAN NHÂN DÂN\nTỈNH KIÊN GIANG"
    table.cell(0, 1).text = "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"
    d.save(str(tmp_path / "m.docx"))
    lines = read(tmp_path / "m.docx").text.split("\n")
    assert lines[:6] == ["I. MỤC TIÊU", "I.1. Mục tiêu chung", "I.2. Mục tiêu cụ thể",
                         "a) Giảm tỷ suất tử vong trẻ sơ sinh", "II. GIẢI PHÁP THỰC HIỆN", "II.1. Tăng cường sự lãnh đạo"]
    assert lines[6].endswith("Nâng cao nhận thức") and lines[6][0].isdigit()
    assert lines[7:10] == ["ỦY BAN NHÂN DÂN", "TỈNH KIÊN GIANG", "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"]


@pytest.mark.parametrize("n, fmt, label", [(4, "upperRoman", "IV"), (9, "lowerRoman", "ix"), (5, "lowerLetter", "e"),
                                           (27, "lowerLetter", "aa"), (3, "decimalZero", "03"), (12, "decimal", "12")])
def test_number_formats(n, fmt, label):
    assert format_number(n, fmt) == label
