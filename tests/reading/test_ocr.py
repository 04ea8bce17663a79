"""Scanned PDFs: OCR (Tesseract vie) of pages without a text layer, symbol repair, clear errors.

The scans are made here: a seed rendered to PDF, each page rasterised as an office
scanner copies it (greyscale, 200 dpi, turned a little, grain, JPEG), no text layer.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from conftest import GOLD_DIR, RAW_DIR, load_score_module

from pipeline.errors import UnreadableFile
from pipeline.process import process_file
from pipeline.reading import ocr, ocr_repair
from pipeline.reading.clean import clean
from pipeline.reading.readers import read
from pipeline.running.synth import render_pdf, render_scan

SCANNED_SEEDS = ["000_fb34435fc2fada6a", "003_289ed289cededb05"]
needs_tesseract = pytest.mark.skipif(ocr.tessdata() is None,
                                     reason="Tesseract's Vietnamese model is not installed (tesseract-ocr-vie)")


@pytest.mark.parametrize("ocr_text, repaired", [
    ("Tờ trình số 71/ITR-LĐTBXH ngày 15/3/2024", "Tờ trình số 71/TTr-LĐTBXH ngày 15/3/2024"),
    ("Thông tư số 13/2021/TT1-BLĐTBXH ngày 30/9/2021", "Thông tư số 13/2021/TT-BLĐTBXH ngày 30/9/2021"),
    ("Chỉ thị số 28-CT/IW ngày 25/12/2018", "Chỉ thị số 28-CT/TW ngày 25/12/2018"),
    ("Nghị định số 130/2021/NĐ-CP ngày 3O/12/2021", "Nghị định số 130/2021/NĐ-CP ngày 30/12/2021"),
    ("Công văn số 765/SGD&ĐT-HSSV", "Công văn số 765/SGD&ĐT-HSSV"),  # an unknown code stays as printed
    ("giai đoạn 2021-2025, từ 2024-nay", "giai đoạn 2021-2025, từ 2024-nay"),
    ("Quyết định số 23/QĐĐ-TTg ngày 07/01/2021", "Quyết định số 23/QĐ-TTg ngày 07/01/2021"),  # a letter printed twice
    ("Quyết định số 23/Q\u0110\u00d0-TTg", "Quyết định số 23/QĐ-TTg"),  # the second Đ read as an eth
    ("HI. Kinh phí thực hiện", "III. Kinh phí thực hiện"),
    ("1V. TỔ CHỨC THỰC HIỆN", "IV. TỔ CHỨC THỰC HIỆN"),
    ("11. Ủy ban nhân dân các xã", "11. Ủy ban nhân dân các xã"),
])
def test_ocr_slips_in_symbols_and_dates_are_repaired(ocr_text, repaired):
    assert ocr_repair.repair_line(ocr_text) == repaired


def _scan(tmp: Path, stem: str) -> Path:
    text = clean(read(RAW_DIR / f"{stem}.txt"))[0]
    pdf = render_pdf(text, tmp / f"{stem}.text.pdf")
    return render_scan(pdf, tmp / f"{stem}.pdf", dpi=200, angle=0.6, noise=12, jpeg_quality=70)


def _small_scan(path: Path) -> Path:
    """One page holding a picture of two lines of text, no text layer."""
    from PIL import Image, ImageDraw

    image = Image.new("L", (1654, 600), 255)
    ImageDraw.Draw(image).text((100, 100), "UBND", fill=0)
    image.save(str(path), "PDF", resolution=200.0)
    return path


def test_without_tesseract_a_scan_is_one_clear_error(tmp_path, monkeypatch):
    monkeypatch.setattr(ocr, "tessdata", lambda: None)
    with pytest.raises(UnreadableFile) as info:
        read(_small_scan(tmp_path / "scan.pdf"))
    assert info.value.reason == "scanned PDF: OCR needs tesseract-ocr and tesseract-ocr-vie"
    assert "apt-get install tesseract-ocr tesseract-ocr-vie" in info.value.hint


def test_without_tesseract_the_text_pages_of_a_mixed_pdf_are_kept(tmp_path, monkeypatch):
    import pypdfium2 as pdfium

    text = clean(read(RAW_DIR / "003_289ed289cededb05.txt"))[0]
    mixed = pdfium.PdfDocument(str(render_pdf(text, tmp_path / "text.pdf")))
    scan = pdfium.PdfDocument(str(_small_scan(tmp_path / "scan.pdf")))
    mixed.import_pages(scan)
    mixed.save(str(tmp_path / "mixed.pdf"))
    monkeypatch.setattr(ocr, "tessdata", lambda: None)
    raw = read(tmp_path / "mixed.pdf")
    assert raw.pages == len(mixed) and raw.ocr is None
    assert any("1 scanned page(s) not read" in w and "tesseract-ocr-vie" in w for w in raw.warnings)


@pytest.fixture(scope="module")
def scanned(tmp_path_factory) -> dict[str, dict]:
    """Records of the scans of seeds 000 and 003 (OCR'd once for the module)."""
    tmp = tmp_path_factory.mktemp("scans")
    return {stem: process_file(_scan(tmp, stem)).to_record() for stem in SCANNED_SEEDS}


@needs_tesseract
def test_the_record_says_which_pages_were_ocrd(scanned):
    for record in scanned.values():
        info = record["ocr"]
        assert info["pages"] == list(range(1, record["pages"] + 1))
        assert 80 <= info["mean_confidence"] <= 100
        assert any("OCR" in w for w in record["warnings"])


@needs_tesseract
def test_scanned_seeds_meet_the_issue_floors(scanned, tmp_path):
    gold = tmp_path / "gold"
    pred = tmp_path / "pred"
    gold.mkdir()
    pred.mkdir()
    for stem, record in scanned.items():
        shutil.copy(GOLD_DIR / f"{stem}.json", gold / f"{stem}.json")
        (pred / f"{stem}.json").write_text(json.dumps(record, ensure_ascii=False), encoding="utf-8")
    report, _ = load_score_module().score_extract(gold, pred)
    for field in ("citations", "agencies", "targets"):
        assert report[field]["f1"] >= 0.95, (field, report[field])
    assert report["sections"]["f1"] >= 0.90, report["sections"]
    assert report["metadata_accuracy"] >= 0.90, report


def test_a_batch_without_tesseract_lists_the_scan_and_goes_on(tmp_path, monkeypatch):
    from pipeline.running.batch import extract_files

    monkeypatch.setattr(ocr, "tessdata", lambda: None)
    seed = RAW_DIR / "000_fb34435fc2fada6a.txt"
    result = extract_files([_small_scan(tmp_path / "scan.pdf"), seed], tmp_path / "out", quiet=True)
    assert [p.stem for p in result.written] == [seed.stem]
    assert len(result.errors) == 1 and "OCR needs tesseract-ocr" in str(result.errors[0])
