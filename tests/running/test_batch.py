"""Batch machinery: doc ids, the worker pool's limits (time, memory, crash), extract's outputs."""

from __future__ import annotations

import json
import os
import signal
import threading
import time
from pathlib import Path

import psutil
import pytest
from batch_helpers import read_errors, small_plans

from pipeline.cli import main
from pipeline.running.batch import assign_doc_ids, collect_inputs, extract_files, run_batch
from pipeline.running.engines import DELAY_ENV, DELAY_MATCH_ENV, InlineEngine, Job, Limits, LocalEngine

ROOT = Path(__file__).resolve().parents[2]
RAW = ROOT / "data" / "raw"
SAMPLES = sorted(RAW.glob("*.txt"))


# ------------------------------------------------------------------ doc ids

def test_ids_are_stems_for_a_flat_folder():
    inputs = collect_inputs([RAW])
    assert [i.doc_id for i in inputs] == [p.stem for p in SAMPLES]


def test_ids_keep_subfolders_and_stay_unique(tmp_path):
    for rel in ["hanoi/2024/kh_12.txt", "hue/2024/kh_12.txt", "kh.pdf", "kh.docx", "top.txt"]:
        (tmp_path / rel).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / rel).write_text("x", encoding="utf-8")
    ids = {i.path.relative_to(tmp_path).as_posix(): i.doc_id for i in collect_inputs([tmp_path])}
    assert ids == {"hanoi/2024/kh_12.txt": "hanoi__2024__kh_12", "hue/2024/kh_12.txt": "hue__2024__kh_12",
                   "kh.docx": "kh_docx", "kh.pdf": "kh_pdf", "top.txt": "top"}


def test_same_name_under_two_folders_given_gets_distinct_stable_ids(tmp_path):
    a, b = tmp_path / "a", tmp_path / "b"
    for d in (a, b):
        d.mkdir()
        (d / "plan.txt").write_text("x", encoding="utf-8")
    first = [i.doc_id for i in collect_inputs([a, b])]
    assert len(set(first)) == 2 and all(x.startswith("plan_txt-") for x in first)
    assert [i.doc_id for i in collect_inputs([a, b])] == first
    (a / "other.txt").write_text("y", encoding="utf-8")  # an unrelated new file changes no id
    assert [i.doc_id for i in collect_inputs([a, b]) if i.path.name == "plan.txt"] == first


def test_a_file_reached_twice_is_one_input(tmp_path):
    p = small_plans(tmp_path, 1)[0]
    assert len(assign_doc_ids([(p, tmp_path), (p, None)])) == 1


# ------------------------------------------------------------------ the local pool

def test_pool_gives_the_same_records_as_in_process(tmp_path):
    files = small_plans(tmp_path / "in", 4)
    jobs = [Job(str(p), p.stem) for p in files]
    inline = {j.doc_id: o for j, o in InlineEngine().map(jobs)}
    pooled = {j.doc_id: o for j, o in LocalEngine(2, Limits(timeout=60)).map(jobs)}
    assert pooled == inline
    assert all("record" in o for o in pooled.values())


def test_in_process_engine_gives_the_heap_back_to_the_collector(tmp_path):
    """settle() freezes the loaded pipeline for speed; in the caller's process that must not outlive the batch
    (frozen objects are never collected, and extension modules report them as leaked at exit)."""
    import gc

    files = small_plans(tmp_path / "in", 2)
    seen = [gc.get_freeze_count() for _ in InlineEngine().map([Job(str(p), p.stem) for p in files])]
    assert all(n > 0 for n in seen)  # frozen while the batch runs
    assert gc.get_freeze_count() == 0
    stopped = InlineEngine().map([Job(str(p), p.stem) for p in files])
    next(stopped)
    stopped.close()  # a caller that stops early (Ctrl-C, an error) also gets it back
    assert gc.get_freeze_count() == 0


def test_a_hung_document_times_out_and_the_others_finish(tmp_path, monkeypatch):
    files = small_plans(tmp_path / "in", 5)
    monkeypatch.setenv(DELAY_ENV, "30")
    monkeypatch.setenv(DELAY_MATCH_ENV, "plan_001")
    t0 = time.monotonic()
    out = {j.doc_id: o for j, o in LocalEngine(2, Limits(timeout=1.5)).map(Job(str(p), p.stem) for p in files)}
    assert time.monotonic() - t0 < 25, "the hung worker was killed, not waited for"
    assert out["plan_001"]["error"]["reason"] == "timed out after 1.5 s"
    assert all("record" in out[p.stem] for p in files if p.stem != "plan_001")


def test_a_worker_over_its_memory_limit_is_stopped(tmp_path, monkeypatch):
    files = small_plans(tmp_path / "in", 2)
    monkeypatch.setenv(DELAY_ENV, "3")
    monkeypatch.setenv(DELAY_MATCH_ENV, "plan_000")
    out = {j.doc_id: o for j, o in LocalEngine(1, Limits(timeout=60, max_memory_mb=1)).map(
        Job(str(p), p.stem) for p in files)}
    assert "memory" in out["plan_000"]["error"]["reason"]
    # the replacement worker is over 1 MB too, but plan_001 is quick: it finishes before a check
    assert set(out) == {"plan_000", "plan_001"}


def _kill_a_busy_worker(after: float) -> None:
    def go():
        time.sleep(after)
        for child in psutil.Process().children(recursive=True):
            try:
                if child.parent().pid != os.getpid():  # a worker, not the forkserver itself
                    os.kill(child.pid, signal.SIGKILL)
                    return
            except psutil.Error:
                continue
    threading.Thread(target=go, daemon=True).start()


def test_a_crashed_worker_costs_one_document(tmp_path, monkeypatch):
    files = small_plans(tmp_path / "in", 4)
    monkeypatch.setenv(DELAY_ENV, "4")
    monkeypatch.setenv(DELAY_MATCH_ENV, "plan_000")
    _kill_a_busy_worker(after=2.0)
    out = {j.doc_id: o for j, o in LocalEngine(1, Limits(timeout=60)).map(Job(str(p), p.stem) for p in files)}
    assert "died" in out["plan_000"]["error"]["reason"]
    assert all("record" in out[f"plan_{i:03d}"] for i in (1, 2, 3))


# ------------------------------------------------------------------ extract and run outputs

def test_extract_writes_one_record_per_document_and_lists_failures(tmp_path):
    files = small_plans(tmp_path / "in", 2)
    (tmp_path / "in" / "empty.txt").write_bytes(b"")
    out = tmp_path / "out"
    assert main(["extract", str(tmp_path / "in"), "--out", str(out), "--quiet"]) == 1
    assert sorted(p.name for p in out.glob("*.json")) == [f"{p.stem}.json" for p in files]
    rec = json.loads((out / "plan_000.json").read_text(encoding="utf-8"))
    assert rec["doc_id"] == "plan_000" and rec["source"].endswith("plan_000.txt")
    rows = read_errors(out / "errors.csv")
    assert [(r["doc_id"], r["error"]) for r in rows] == [("empty", "unreadable")]
    assert rows[0]["reason"] and rows[0]["hint"]


def test_extract_with_workers_matches_in_process(tmp_path):
    small_plans(tmp_path / "in", 3)
    a = extract_files(collect_inputs([tmp_path / "in"]), tmp_path / "a")
    assert main(["extract", str(tmp_path / "in"), "--out", str(tmp_path / "b"), "--workers", "2", "--quiet"]) == 0
    for p in a.written:
        assert (tmp_path / "b" / p.name).read_bytes() == p.read_bytes()


def test_run_exits_1_and_writes_errors_when_a_document_fails(tmp_path):
    small_plans(tmp_path / "in", 2)
    (tmp_path / "in" / "junk.txt").write_bytes(bytes(range(256)) * 20)
    out = tmp_path / "out"
    assert main(["run", str(tmp_path / "in"), "--out", str(out), "--workers", "1", "--timeout", "0",
                 "--quiet"]) == 1
    assert [r["doc_id"] for r in read_errors(out / "errors.csv")] == ["junk"]
    assert sorted(p.stem for p in (out / "records").glob("*.json")) == ["plan_000", "plan_001"]


def test_run_refuses_an_output_folder_in_use(tmp_path):
    from pipeline.running.cache import FolderLock

    small_plans(tmp_path / "in", 1)
    out = tmp_path / "out"
    with FolderLock(out / ".cache" / "lock"), pytest.raises(RuntimeError, match="another run"):
        run_batch([tmp_path / "in"], out, engine=InlineEngine(), progress=False, quiet=True, export=False)
