"""Issue 16's "Checked" paragraph, literally: the samples with a copy, a PDF rendering and a Word lock file."""

from __future__ import annotations

import shutil
from pathlib import Path

import openpyxl
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from batch_helpers import read_errors
from test_report import RAW_MARKS, visible_text

from pipeline import load_dataset, process_file
from pipeline.cli import main
from pipeline.reading.clean import clean
from pipeline.reading.readers import read
from pipeline.running.synth import render_pdf

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parents[2]
SEEDS = sorted((ROOT / "data" / "raw").glob("*.txt"))
SEED_000 = SEEDS[0]
LOCK = "~$ke_hoach.docx"
COPY = "ban_sao_ke_hoach_000.txt"
PDF = "ke_hoach_000.pdf"


@pytest.fixture(scope="module")
def run(tmp_path_factory):
    folder = tmp_path_factory.mktemp("in")
    for seed in SEEDS:
        shutil.copy(seed, folder / seed.name)
    shutil.copy(SEED_000, folder / COPY)  # byte-identical, another name
    render_pdf(clean(read(SEED_000))[0], folder / PDF)  # its PDF rendering
    (folder / LOCK).write_bytes(b"\x0bNguyen Van A" + b"\x00" * 150)  # Word's owner file of an open document
    out = tmp_path_factory.mktemp("out")
    code = main(["run", str(folder), "--out", str(out), "--workers", "1", "--timeout", "0", "--quiet"])
    return code, out


def test_exit_0_and_the_lock_file_neither_read_nor_reported(run):
    code, out = run
    assert code == 0
    assert read_errors(out / "errors.csv") == []
    docs = pq.read_table(out / "parquet" / "documents.parquet").to_pylist()
    assert not any("ke_hoach" == d["doc_id"] or LOCK in (d["source"] or "") for d in docs)


def test_both_copies_carry_duplicate_of_and_their_tasks_are_not_in_tasks(run):
    _, out = run
    docs = {d["doc_id"]: d for d in pq.read_table(out / "parquet" / "documents.parquet").to_pylist()}
    copies = {Path(COPY).stem, Path(PDF).stem}
    assert {d for d, row in docs.items() if row["duplicate_of"]} == copies
    assert all(docs[c]["duplicate_of"] == SEED_000.stem for c in copies)
    task_docs = set(pq.read_table(out / "parquet" / "tasks.parquet", columns=["doc_id"]).column(0).to_pylist())
    assert not task_docs & copies
    assert len([d for d in docs.values() if not d["duplicate_of"]]) == 5  # five distinct plans


def test_the_report_has_no_raw_cells(run):
    _, out = run
    text = visible_text((out / "report.html").read_text(encoding="utf-8"))
    assert not RAW_MARKS.search(text), RAW_MARKS.search(text)  # NaT, nan, None, 00:00:00, ** and more


def test_the_workbook_speaks_vietnamese(run):
    _, out = run
    wb = openpyxl.load_workbook(out / "comparison.xlsx", read_only=True)
    cells = {v for ws in wb.worksheets for row in ws.iter_rows(values_only=True) for v in row if isinstance(v, str)}
    assert any("Phòng, chống đuối nước" in c for c in cells)


def test_parquet_types(run):
    _, out = run
    docs = pq.read_schema(out / "parquet" / "documents.parquet")
    assert pa.types.is_integer(docs.field("year").type)
    tasks = pq.read_schema(out / "parquet" / "tasks.parquet")
    assert pa.types.is_list(tasks.field("themes").type) and pa.types.is_list(tasks.field("activities").type)


def test_the_python_api(run):
    _, out = run
    assert process_file(SEEDS[0]).citations
    tasks = load_dataset(out).tasks
    assert isinstance(tasks, pd.DataFrame) and len(tasks) > 0


def test_an_empty_input_folder_exits_non_zero_with_a_message(tmp_path, capsys):
    (tmp_path / "empty").mkdir()
    assert main(["run", str(tmp_path / "empty"), "--out", str(tmp_path / "out"), "--quiet"]) != 0
    assert "no plan file" in capsys.readouterr().err
