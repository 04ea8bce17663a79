"""The same run on Dask (a LocalCluster, as CI has no cluster) gives the same tables as the local run."""

from __future__ import annotations

import pytest
from batch_helpers import outputs, small_plans

from pipeline.running.batch import run_batch
from pipeline.running.engines import DaskEngine, Job, Limits, LocalEngine

pytest.importorskip("distributed")


@pytest.fixture(scope="module")
def dask_engine():
    engine = DaskEngine(workers=2, limits=Limits(timeout=60))
    yield engine
    engine.close()


@pytest.mark.slow
def test_dask_run_gives_identical_records_and_tables(tmp_path, dask_engine):
    inp = tmp_path / "in"
    small_plans(inp, 6)
    (inp / "empty.txt").write_bytes(b"")
    local = run_batch([inp], tmp_path / "local", engine=LocalEngine(2, Limits(timeout=60)),
                      progress=False, quiet=True)
    on_dask = run_batch([inp], tmp_path / "dask", engine=dask_engine, progress=False, quiet=True)
    assert (on_dask.processed, on_dask.failed) == (local.processed, local.failed) == (7, 1)
    got, want = outputs(tmp_path / "dask"), outputs(tmp_path / "local")
    assert sorted(got) == sorted(want) and any(k.startswith("csv/") for k in want)
    assert got == want


@pytest.mark.slow
def test_dask_time_limit_reports_and_the_rest_finish(tmp_path, dask_engine):
    from pipeline.running.engines import process_path_limited

    files = small_plans(tmp_path / "in", 3)
    # the limit is measured inside the worker: give one document a limit it cannot meet
    slow = dask_engine.client().submit(process_path_limited, str(files[0]), Limits(timeout=1e-6),
                                       pure=False).result()
    assert slow["error"]["reason"].startswith("timed out") and slow["restart_worker"]
    got = {j.doc_id: o for j, o in dask_engine.map(Job(str(p), p.stem, f"k{i}") for i, p in enumerate(files))}
    assert sorted(got) == ["plan_000", "plan_001", "plan_002"]
