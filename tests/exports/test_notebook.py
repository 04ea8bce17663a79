"""notebooks/01_compare_plans.ipynb runs top to bottom, offline, on a processed folder."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from test_exports import synthetic_records  # tests/ is on sys.path (pytest rootdir-relative imports)

from pipeline.exports import write_dataset

pytestmark = pytest.mark.slow

NOTEBOOK = Path(__file__).resolve().parents[2] / "notebooks" / "01_compare_plans.ipynb"


def test_notebook_runs_on_the_processed_data(tmp_path, monkeypatch):
    nbformat = pytest.importorskip("nbformat")
    nbclient = pytest.importorskip("nbclient")
    records = tmp_path / "records"
    records.mkdir()
    for rec in synthetic_records():
        (records / f"{rec['doc_id']}.json").write_text(json.dumps(rec, ensure_ascii=False), encoding="utf-8")
    write_dataset(records, tmp_path / "processed", [])

    nb = nbformat.read(NOTEBOOK, as_version=4)
    monkeypatch.setenv("PLANS_DATA_DIR", str(tmp_path / "processed"))
    monkeypatch.delenv("MPLBACKEND", raising=False)  # the kernel draws inline
    client = nbclient.NotebookClient(nb, timeout=300, kernel_name="python3", resources={"metadata": {"path": str(tmp_path)}})
    client.execute(env=dict(os.environ))

    outputs = [o for cell in nb.cells if cell.cell_type == "code" for o in cell.get("outputs", [])]
    assert not [o for o in outputs if o.get("output_type") == "error"]
    text = "\n".join(str(o.get("text", "")) + str(o.get("data", {}).get("text/plain", "")) for o in outputs)
    assert "4 plans from" in text and "(0 copies set aside)" in text
    assert "Luật Trẻ em" in text  # the shared instrument
    assert "< 9.5 per_1000" in text  # a target, side by side
    assert any("image/png" in o.get("data", {}) for o in outputs)  # the plot
    assert "Phòng, chống đuối nước" in text  # themes by their Vietnamese label
    assert "tasks," in text and "citations" in text  # process_file on a sample plan
