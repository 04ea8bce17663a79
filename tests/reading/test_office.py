""".doc, .odt and .rtf are read through a LibreOffice conversion to .docx (files made here from seed 002)."""

from __future__ import annotations

import csv
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest

from pipeline.errors import UnreadableFile
from pipeline.process import process_file
from pipeline.reading import office
from pipeline.reading.clean import clean
from pipeline.reading.readers import read
from pipeline.running.synth import render_docx

ROOT = Path(__file__).resolve().parents[2]
SEED = ROOT / "data" / "raw" / "002_9bc3f1274d6058dd.txt"
needs_soffice = pytest.mark.skipif(office.soffice() is None, reason="LibreOffice (soffice) is not installed")


@pytest.fixture(scope="module")
def converted(tmp_path_factory) -> dict[str, Path]:
    """Seed 002 as .docx, then saved by LibreOffice as .doc, .odt and .rtf. The .doc is made from a
    .docx whose labels are typed: LibreOffice's .doc export drops Word's restarted numbering
    (startOverride), so the .doc itself would show other numbers."""
    d = tmp_path_factory.mktemp("office")
    text = clean(read(SEED))[0]
    numbered = render_docx(text, d / "numbered.docx")
    typed = render_docx(text, d / "typed.docx", numbering=False)
    out = {}
    for kind in ("doc", "odt", "rtf"):
        with tempfile.TemporaryDirectory() as work:
            made = office.convert(office.soffice(), typed if kind == "doc" else numbered, Path(work), to=kind)
            out[kind] = d / f"plan.{kind}"
            out[kind].write_bytes(made.read_bytes())
    return out


@needs_soffice
@pytest.mark.parametrize("kind", ["doc", "odt", "rtf"])
def test_a_libreoffice_file_gives_the_record_of_the_text(converted, kind):
    base = process_file(SEED)
    doc = process_file(converted[kind])
    assert doc.format == kind
    assert doc.metadata.number == base.metadata.number
    assert doc.metadata == base.metadata
    assert [t.id for t in doc.tree.tasks] == [t.id for t in base.tree.tasks]
    assert any("LibreOffice" in w for w in doc.warnings)


@needs_soffice
def test_the_format_is_found_by_content(converted, tmp_path):
    mislabelled = tmp_path / "plan.docx"
    mislabelled.write_bytes(converted["doc"].read_bytes())
    assert read(mislabelled).format == "doc"


def test_without_libreoffice_a_doc_is_one_clear_error(tmp_path, monkeypatch):
    monkeypatch.setattr(office, "soffice", lambda: None)
    doc = tmp_path / "plan.doc"
    doc.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 600)
    with pytest.raises(UnreadableFile) as info:
        read(doc)
    assert "needs LibreOffice" in info.value.reason and "libreoffice-writer-nogui" in info.value.reason
    assert "\n" not in str(info.value)


def test_an_excel_file_is_not_sent_to_libreoffice(tmp_path):
    xls = tmp_path / "bang.xls"
    xls.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 600)
    with pytest.raises(UnreadableFile, match="Excel"):
        read(xls)


def test_a_batch_without_libreoffice_lists_the_doc_and_goes_on(tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "plan.doc").write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 600)
    (folder / SEED.name).write_bytes(SEED.read_bytes())
    out = tmp_path / "out"
    proc = subprocess.run([sys.executable, "-m", "pipeline", "extract", str(folder), "--out", str(out), "--quiet"],
                          cwd=ROOT, capture_output=True, text=True, timeout=600,
                          env={"PATH": str(tmp_path), "PYTHONPATH": str(ROOT), "HOME": str(tmp_path)})
    assert proc.returncode == 1, proc.stderr
    assert (out / f"{SEED.stem}.json").is_file()
    with open(out / "errors.csv", encoding="utf-8-sig", newline="") as f:
        rows = list(csv.DictReader(f))
    assert [r["doc_id"] for r in rows] == ["plan"]
    assert "needs LibreOffice" in rows[0]["reason"]
