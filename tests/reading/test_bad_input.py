"""Hostile files: each gives one clear UnreadableFile (or converts), and a batch goes on."""

from __future__ import annotations

import csv
import os
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from pipeline.errors import UnreadableFile
from pipeline.knowledge.loader import load_yaml
from pipeline.reading.readers import read
from pipeline.running.synth import render_pdf

ROOT = Path(__file__).resolve().parents[2]
GOOD_PLAN = ROOT / "data" / "raw" / "000_fb34435fc2fada6a.txt"
# A real passage of 000, for the legacy-encoding files
PASSAGE = ("KẾ HOẠCH\nVề việc triển khai thực hiện công tác trẻ em năm 2025\n"
           "Thực hiện Kế hoạch số 40/KH-UBND ngày 19 tháng 02 năm 2025 của Ủy ban nhân dân tỉnh Kiên Giang.")


def _legacy(text: str, encoding: str) -> bytes:
    inverse = {v: k for k, v in load_yaml("legacy_encodings.yaml")[encoding].items()}
    return "".join(inverse.get(c, inverse.get(c.lower(), c)) for c in text).encode("latin-1")


def _image_only_pdf(path: Path) -> Path:
    from reportlab.lib.utils import ImageReader
    from reportlab.pdfgen import canvas

    png = path.with_suffix(".png")
    from PIL import Image

    Image.new("RGB", (120, 160), "white").save(png)
    c = canvas.Canvas(str(path))
    c.drawImage(ImageReader(str(png)), 50, 300, 400, 500)
    c.showPage()
    c.save()
    png.unlink()
    return path


def _zip_bomb(path: Path) -> Path:
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml", "<Types/>")
        z.writestr("word/document.xml", b"<w:document>" + b" " * (24 * 2**20) + b"</w:document>")
    return path


@pytest.fixture(scope="module")
def hostile(tmp_path_factory) -> dict[str, Path]:
    """name -> file, built in tmp (nothing binary is committed)."""
    d = tmp_path_factory.mktemp("hostile")
    good_pdf = render_pdf(GOOD_PLAN.read_text(encoding="utf-8"), d / "good.pdf.bin")
    data = good_pdf.read_bytes()
    good_pdf.unlink()
    files = {
        "empty": d / "empty.txt",
        "junk": d / "junk.txt",
        "truncated": d / "truncated.pdf",
        "locked": d / "locked.pdf",
        "scan": d / "scan.pdf",
        "notzip": d / "notzip.docx",
        "zipnotword": d / "zipnotword.docx",
        "bomb": d / "bomb.docx",
        "olddoc": d / "olddoc.docx",
    }
    files["empty"].write_bytes(b"")
    files["junk"].write_bytes(os.urandom(4096))
    files["truncated"].write_bytes(data[: len(data) // 3])
    render_pdf(GOOD_PLAN.read_text(encoding="utf-8"), files["locked"], password="mat-khau")
    _image_only_pdf(files["scan"])
    files["notzip"].write_bytes(b"PK\x03\x04" + b"not a zip at all " * 20)
    with zipfile.ZipFile(files["zipnotword"], "w") as z:
        z.writestr("readme.txt", "hello")
    _zip_bomb(files["bomb"])
    files["olddoc"].write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 600)
    return files


@pytest.mark.parametrize("name, words", [
    ("empty", "empty"),
    ("junk", "binary"),
    ("truncated", "damaged or truncated"),
    ("locked", "password"),
    ("scan", "no extractable text"),
    ("notzip", "not a valid zip"),
    ("zipnotword", "not a Word"),
    ("bomb", "zip bomb"),
    ("olddoc", ".doc"),
])
def test_each_hostile_file_gives_one_clear_error(hostile, name, words):
    with pytest.raises(UnreadableFile) as info:
        read(hostile[name])
    err = info.value
    assert words in err.reason
    assert err.hint, "every error says what to do"
    assert "\n" not in str(err)
    if name == "scan":
        assert "OCR" in err.hint


@pytest.mark.parametrize("encoding", ["tcvn3", "vni"])
def test_legacy_encoded_files_convert(tmp_path, encoding):
    p = tmp_path / f"{encoding}.txt"
    p.write_bytes(_legacy(PASSAGE, encoding))
    text = read(p).text
    assert (text.lower() if encoding == "tcvn3" else text) == (PASSAGE.lower() if encoding == "tcvn3" else PASSAGE)


def test_extract_over_a_folder_keeps_going_and_lists_failures(hostile, tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    for f in hostile.values():
        (folder / f.name).write_bytes(f.read_bytes())
    (folder / "legacy.txt").write_bytes(_legacy(GOOD_PLAN.read_text(encoding="utf-8"), "tcvn3"))
    (folder / GOOD_PLAN.name).write_bytes(GOOD_PLAN.read_bytes())
    out = tmp_path / "out"
    proc = subprocess.run([sys.executable, "-m", "pipeline", "extract", str(folder), "--out", str(out), "--quiet"],
                          cwd=ROOT, capture_output=True, text=True, timeout=600)
    assert proc.returncode == 1, proc.stderr
    assert (out / f"{GOOD_PLAN.stem}.json").is_file()
    assert (out / "legacy.json").is_file()  # converted, not rejected
    with open(out / "errors.csv", encoding="utf-8-sig", newline="") as f:
        rows = {r["doc_id"]: r for r in csv.DictReader(f)}
    assert set(rows) == {f.stem for f in hostile.values()}
    assert all(r["error"] == "unreadable" and r["reason"] and r["hint"] for r in rows.values())
