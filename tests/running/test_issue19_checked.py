"""Issue 19's "Checked" paragraph, for the batch: a folder of awkward files ends cleanly, every file accounted.

(Run as root here, the unreadable file is made unreadable the way a non-root user meets it: its open raises
PermissionError. The 600 kB timing claim belongs to the extractors' tests.)
"""

from __future__ import annotations

import builtins
import csv
import io
import os
import re
import sys
import zipfile
from pathlib import Path

import pytest
from batch_helpers import read_errors

from pipeline.exports.csv_export import FORMULA_TRIGGERS
from pipeline.reading.clean import clean
from pipeline.reading.readers import read
from pipeline.running.batch import run_batch
from pipeline.running.engines import InlineEngine
from pipeline.running.synth import render_docx

pytestmark = pytest.mark.slow

RAW = sorted((Path(__file__).resolve().parents[2] / "data" / "raw").glob("*.txt"))
LONG_NAME = "Kế hoạch thực hiện công tác bảo vệ, chăm sóc trẻ em trên địa bàn huyện năm 2024"  # 80 characters
EMPTY = "=cmd|' _C calc'!A0.txt"


def _docx_claiming_pages(text: str, path: Path, pages: int) -> None:
    render_docx(text, path.with_suffix(".tmp.docx"))
    with zipfile.ZipFile(path.with_suffix(".tmp.docx")) as src, zipfile.ZipFile(path, "w") as dst:
        for item in src.infolist():
            data = src.read(item)
            if item.filename == "docProps/app.xml":
                data = re.sub(rb"<Pages>\d*</Pages>", f"<Pages>{pages}</Pages>".encode(), data)
                if b"<Pages>" not in data:
                    data = data.replace(b"</Properties>", f"<Pages>{pages}</Pages></Properties>".encode())
            dst.writestr(item, data)
    path.with_suffix(".tmp.docx").unlink()


@pytest.mark.skipif(sys.platform != "linux", reason="file names as raw bytes: Linux")
def test_a_folder_of_awkward_files_ends_cleanly(tmp_path, monkeypatch):
    folder = tmp_path / "in"
    folder.mkdir()
    texts = [p.read_bytes() for p in RAW]
    (folder / "good_1.txt").write_bytes(texts[0])
    (folder / "good_2.txt").write_bytes(texts[1])
    (folder / "unreadable.txt").write_bytes(texts[2])
    with open(os.path.join(os.fsencode(folder), b"k\xe9_hoach.txt"), "wb") as f:  # a Latin-1 name
        f.write(texts[3])
    (folder / f"{LONG_NAME}.txt").write_bytes(texts[4])
    (folder / "pdf_like.txt").write_bytes(b"%PDF-1.4\n" + texts[0][:3000] + "\nBản số 2.\n".encode())
    (folder / "target.txt").write_text(texts[1].decode()[:4000] + "\n- Phấn đấu đạt " + "9" * 400 + "% trẻ em.\n",
                                       encoding="utf-8")
    (folder / EMPTY).write_bytes(b"")
    _docx_claiming_pages(clean(read(RAW[2]))[0], folder / "pages.docx", 2**63)
    real_open = builtins.open

    def guarded(file, *args, **kwargs):
        if str(file).endswith("unreadable.txt"):
            raise PermissionError(13, "Permission denied", str(file))
        return real_open(file, *args, **kwargs)

    monkeypatch.setattr(builtins, "open", guarded)
    out = tmp_path / "out"
    summary = run_batch([folder], out, engine=InlineEngine(), progress=False, quiet=True)  # raises nothing
    monkeypatch.setattr(builtins, "open", real_open)

    assert summary.total == 9 and summary.failed == 2  # exit status 1: some files failed
    errors = {r["doc_id"]: r for r in read_errors(out / "errors.csv")}
    assert errors["unreadable"]["error"] == "unreadable" and errors[EMPTY[:-4]]["error"] == "unreadable"
    with open(out / "csv" / "documents.csv", encoding="utf-8-sig", newline="") as f:
        documents = list(csv.DictReader(f))
    assert len(documents) == 7  # every readable plan (copies are there too, with duplicate_of)
    assert {"k\\xe9_hoach", LONG_NAME, "pdf_like", "target", "pages"} <= {d["doc_id"] for d in documents}
    for table in (out / "csv").glob("*.csv"):
        rows = list(csv.reader(io.StringIO(table.read_text(encoding="utf-8-sig"), newline="")))
        assert not any(cell.startswith(FORMULA_TRIGGERS) for row in rows for cell in row), table.name

    record = out / "records" / "good_1.json"
    whole = record.read_bytes()
    record.write_bytes(whole[:100])  # truncated on disk
    again = run_batch([folder], out, engine=InlineEngine(), progress=False, quiet=True)
    assert again.repaired == 1 and record.read_bytes() == whole
