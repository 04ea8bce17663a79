"""The Python API: `from pipeline import process_file, process_text, load_dataset`."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

import pipeline
from pipeline import load_dataset, process_file, process_text

ROOT = Path(__file__).resolve().parents[2]
SEED = sorted((ROOT / "data" / "raw").glob("*.txt"))[0]


def test_process_file_gives_the_document_with_every_extracted_list():
    doc = process_file(SEED)
    assert doc.doc_id == SEED.stem and doc.metadata.year
    assert doc.tasks and doc.tasks is doc.tree.tasks
    assert doc.citations and doc.agencies and doc.deadlines is not None and doc.targets is not None
    assert doc.to_record()["tasks"][0]["id"] == doc.tasks[0].id


def test_process_text_reads_a_text_already_in_memory():
    doc = process_text(SEED.read_text(encoding="utf-8"), doc_id="mine")
    assert doc.doc_id == "mine" and len(doc.tasks) == len(process_file(SEED).tasks)


def test_load_dataset_gives_one_frame_per_table(tmp_path):
    from pipeline.exports import TABLES
    from pipeline.running.batch import run_batch
    from pipeline.running.engines import InlineEngine

    (tmp_path / "in").mkdir()
    (tmp_path / "in" / SEED.name).write_bytes(SEED.read_bytes())
    run_batch([tmp_path / "in"], tmp_path / "out", engine=InlineEngine(), progress=False, quiet=True)
    data = load_dataset(tmp_path / "out")
    assert set(data.frames) == set(TABLES)
    assert len(data.tasks) == len(process_file(SEED).tasks) > 0
    assert list(data.plans["doc_id"]) == [SEED.stem]
    assert "tasks: " in repr(data)
    with pytest.raises(AttributeError, match="no table"):
        data.nothing  # noqa: B018 - the attribute access is the test
    with pytest.raises(FileNotFoundError, match="no dataset"):
        load_dataset(tmp_path / "in")


def test_importing_the_package_loads_no_stage():
    code = "import sys, pipeline; print(any(m.startswith('pipeline.') for m in sys.modules))"
    assert subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True,
                          cwd=ROOT).stdout.strip() == "False"
    assert {"process_file", "process_text", "load_dataset"} <= set(dir(pipeline))
