"""`run` is incremental and resumable: cache by content, removals leave, kill -9 loses nothing."""

from __future__ import annotations

import csv
import json
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from batch_helpers import outputs, small_plans

import pipeline.running.engines as engines
from pipeline.running.batch import run_batch
from pipeline.running.cache import State
from pipeline.running.engines import DELAY_ENV, DELAY_MATCH_ENV, InlineEngine, Limits, LocalEngine

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def calls(monkeypatch) -> list[str]:
    """Paths actually processed (not served from the cache) by the in-process engine."""
    seen: list[str] = []
    real = engines.process_path

    def counting(path, max_text_mb=0):
        seen.append(Path(path).name)
        return real(path, max_text_mb)

    monkeypatch.setattr(engines, "process_path", counting)
    return seen


def run(inp: Path, out: Path, export: bool = False, **kw):
    return run_batch([inp], out, engine=InlineEngine(), progress=False, quiet=True, export=export, **kw)


def records(out: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted((out / "records").glob("*.json"))}


def test_unchanged_files_are_not_processed_again(tmp_path, calls):
    small_plans(tmp_path / "in", 3)
    first = run(tmp_path / "in", tmp_path / "out")
    before = records(tmp_path / "out")
    assert (first.processed, first.cached) == (3, 0) and len(calls) == 3
    second = run(tmp_path / "in", tmp_path / "out")
    assert (second.processed, second.cached) == (0, 3) and len(calls) == 3
    assert records(tmp_path / "out") == before


def test_a_touched_but_unchanged_file_is_served_by_its_hash(tmp_path, calls):
    files = small_plans(tmp_path / "in", 2)
    run(tmp_path / "in", tmp_path / "out")
    os.utime(files[0], ns=(time.time_ns(), time.time_ns() + 10**9))
    assert run(tmp_path / "in", tmp_path / "out").cached == 2 and len(calls) == 2


def test_a_changed_file_is_processed_again(tmp_path, calls):
    files = small_plans(tmp_path / "in", 3)
    run(tmp_path / "in", tmp_path / "out")
    files[1].write_text(files[1].read_text(encoding="utf-8") + "\nDòng mới thêm vào.\n", encoding="utf-8")
    s = run(tmp_path / "in", tmp_path / "out")
    assert (s.processed, s.cached) == (1, 2) and calls[-1] == files[1].name
    rec = json.loads((tmp_path / "out" / "records" / "plan_001.json").read_text(encoding="utf-8"))
    assert "Dòng mới thêm vào." in rec["text"]


def test_a_removed_file_leaves_records_cache_and_dataset(tmp_path):
    files = small_plans(tmp_path / "in", 3)
    out = tmp_path / "out"
    run(tmp_path / "in", out, export=True)
    files[2].unlink()
    s = run(tmp_path / "in", out, export=True)
    assert s.removed == 1
    assert sorted(records(out)) == ["plan_000.json", "plan_001.json"]
    assert "plan_002" not in State(out / ".cache").entries
    assert len(list((out / ".cache" / "objects").glob("*/*.json.gz"))) == 2
    with open(out / "csv" / "documents.csv", encoding="utf-8-sig", newline="") as f:
        assert sorted(r["doc_id"] for r in csv.DictReader(f)) == ["plan_000", "plan_001"]


def test_the_dataset_is_rebuilt_only_when_it_would_change(tmp_path, monkeypatch):
    import pipeline.running.batch as batch

    exports = []
    real = batch._export
    monkeypatch.setattr(batch, "_export", lambda *a, **k: exports.append(1) or real(*a, **k))
    files = small_plans(tmp_path / "in", 2)
    out = tmp_path / "out"
    first = run(tmp_path / "in", out, export=True)
    built = {p: p.stat().st_mtime_ns for p in first.outputs.values()}
    assert len(exports) == 1 and (out / "comparison.xlsx") in built and not first.export_skipped

    again = run(tmp_path / "in", out, export=True)  # nothing changed: the files stay as they are
    assert len(exports) == 1 and again.export_skipped and "dataset unchanged" in again.line()
    assert again.outputs == first.outputs and {p: p.stat().st_mtime_ns for p in built} == built

    (out / "report.html").unlink()  # a dataset file gone: built again
    assert not run(tmp_path / "in", out, export=True).export_skipped and (out / "report.html").exists()
    files[1].write_text(files[1].read_text(encoding="utf-8") + "\nDòng mới thêm vào.\n", encoding="utf-8")
    assert not run(tmp_path / "in", out, export=True).export_skipped  # an input changed
    assert not run(tmp_path / "in", out, export=True, use_cache=False).export_skipped  # --no-cache
    assert len(exports) == 4


def test_a_renamed_file_is_served_from_the_cache_under_its_new_id(tmp_path, calls):
    files = small_plans(tmp_path / "in", 2)
    run(tmp_path / "in", tmp_path / "out")
    files[0].rename(tmp_path / "in" / "renamed.txt")
    s = run(tmp_path / "in", tmp_path / "out")
    assert (s.processed, s.cached, s.removed) == (0, 2, 1) and len(calls) == 2
    rec = json.loads((tmp_path / "out" / "records" / "renamed.json").read_text(encoding="utf-8"))
    assert rec["doc_id"] == "renamed" and rec["source"].endswith("renamed.txt")


def test_a_new_pipeline_version_processes_everything_again(tmp_path, calls, monkeypatch):
    small_plans(tmp_path / "in", 2)
    run(tmp_path / "in", tmp_path / "out")
    import pipeline.running.batch as batch

    monkeypatch.setattr(batch, "pipeline_fingerprint", lambda: "9.9.9+different")
    assert run(tmp_path / "in", tmp_path / "out").processed == 2 and len(calls) == 4


def test_failures_are_cached_too(tmp_path, calls):
    small_plans(tmp_path / "in", 1)
    (tmp_path / "in" / "prose.txt").write_text(
        "The committee met on Tuesday to discuss the annual budget of the new school and the roads. " * 8,
        encoding="utf-8")
    out = tmp_path / "out"
    s1 = run(tmp_path / "in", out)
    s2 = run(tmp_path / "in", out)
    assert s1.failed == s2.failed == 1 and s2.errors == s1.errors and len(calls) == 2
    assert s2.errors[0]["doc_id"] == "prose" and s2.errors[0]["error"] == "not_a_plan"


def test_a_timed_out_document_is_tried_again_next_run(tmp_path, monkeypatch):
    small_plans(tmp_path / "in", 2)
    out = tmp_path / "out"
    monkeypatch.setenv(DELAY_ENV, "20")
    monkeypatch.setenv(DELAY_MATCH_ENV, "plan_000")
    s1 = run_batch([tmp_path / "in"], out, engine=LocalEngine(2, Limits(timeout=1)), progress=False,
                   quiet=True, export=False)
    assert [e["reason"] for e in s1.errors] == ["timed out after 1 s"]
    monkeypatch.delenv(DELAY_ENV)
    s2 = run(tmp_path / "in", out)
    assert (s2.processed, s2.cached, s2.failed) == (1, 1, 0)
    assert sorted(records(out)) == ["plan_000.json", "plan_001.json"]


def test_no_cache_processes_everything(tmp_path, calls):
    small_plans(tmp_path / "in", 2)
    run(tmp_path / "in", tmp_path / "out")
    assert run(tmp_path / "in", tmp_path / "out", use_cache=False).processed == 2 and len(calls) == 4


def test_a_torn_journal_line_only_costs_a_redo(tmp_path, calls):
    small_plans(tmp_path / "in", 2)
    out = tmp_path / "out"
    run(tmp_path / "in", out)
    state_file = out / ".cache" / "state.json"
    state_file.unlink()  # as if killed before the journal was folded
    (out / ".cache" / "journal.tsv").write_text('plan_000\t{"source": "x", "si', encoding="utf-8")
    s = run(tmp_path / "in", out)
    assert s.cached == 2 and len(calls) == 2  # both come back from the object cache, nothing lost


# ------------------------------------------------------------------ kill -9

def _run_cmd(inp: Path, out: Path) -> list[str]:
    return [sys.executable, "-m", "pipeline", "run", str(inp), "--out", str(out), "--workers", "2", "--quiet"]


def _wait_for_records(out: Path, n: int, proc: subprocess.Popen, limit: float = 60) -> None:
    deadline = time.monotonic() + limit
    while time.monotonic() < deadline and proc.poll() is None:
        if len(list((out / "records").glob("*.json"))) >= n:
            return
        time.sleep(0.05)
    raise AssertionError(f"run did not write {n} records in time (exit {proc.poll()})")


def _kill_tree(proc: subprocess.Popen) -> None:
    """kill -9 the run, then its workers (they are in the session it was started in)."""
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    try:
        os.killpg(proc.pid, signal.SIGKILL)
    except ProcessLookupError:
        pass


@pytest.mark.slow
def test_kill_9_at_any_moment_then_rerun_gives_the_uninterruptedoutputs(tmp_path):
    inp = tmp_path / "in"
    small_plans(inp, 20)
    (inp / "empty.txt").write_bytes(b"")  # errors must not be lost or doubled either
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    ref = tmp_path / "ref"
    done = subprocess.run(_run_cmd(inp, ref), env=env, cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert done.returncode == 1, done.stderr  # the empty file fails

    out = tmp_path / "out"
    slow = {**env, DELAY_ENV: "0.3"}
    for at in (3, 11):  # two kills at different points of the same job
        proc = subprocess.Popen(_run_cmd(inp, out), env=slow, cwd=ROOT, start_new_session=True,
                                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        try:
            _wait_for_records(out, at, proc)
        finally:
            _kill_tree(proc)
        # whatever is there is whole: every record parses, no temporary file under a real name
        for p in (out / "records").glob("*.json"):
            json.loads(p.read_text(encoding="utf-8"))
        assert len(list((out / "records").glob("*.json"))) < 21, "killed before the end"

    done = subprocess.run(_run_cmd(inp, out), env=env, cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert done.returncode == 1, done.stderr
    assert "cached" in done.stderr
    got, want = outputs(out), outputs(ref)
    assert sorted(got) == sorted(want)
    assert got == want
    rows = list(csv.DictReader((out / "errors.csv").read_text(encoding="utf-8-sig").splitlines()))
    assert [r["doc_id"] for r in rows] == ["empty"]
    assert not [p for p in (out / "records").iterdir() if p.name.startswith(".")]
    shutil.rmtree(ref)
