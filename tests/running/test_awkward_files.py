"""Awkward but ordinary files and folders: each is one row of errors.csv or a clear message, never a crash.

Also: the cache is verified (a damaged record or cache entry is redone and counted) and a killed run's
temporary files are removed by the next one.
"""

from __future__ import annotations

import builtins
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from batch_helpers import read_errors, small_plans

from pipeline.cli import main
from pipeline.running.batch import MAX_ID_BYTES, collect_inputs, run_batch
from pipeline.running.engines import InlineEngine

ROOT = Path(__file__).resolve().parents[2]


def _run(folder: Path, out: Path, **kw):
    return run_batch([folder], out, engine=InlineEngine(), progress=False, quiet=True, **kw)


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no named pipes on this system")
def test_a_fifo_is_one_row_and_is_never_opened(tmp_path):
    small_plans(tmp_path / "in", 1)
    os.mkfifo(tmp_path / "in" / "pipe.txt")  # opening it for reading would block for ever
    os.mkfifo(tmp_path / "in" / "pipe")  # without a plan suffix too
    out = tmp_path / "out"
    cmd = [sys.executable, "-m", "pipeline", "run", str(tmp_path / "in"), "--out", str(out), "--workers", "1",
           "--timeout", "0", "--quiet"]
    done = subprocess.run(cmd, env={**os.environ, "PYTHONPATH": str(ROOT)}, cwd=ROOT, capture_output=True,
                          text=True, timeout=300)
    assert done.returncode == 1, done.stderr
    assert "Traceback" not in done.stderr
    rows = {r["doc_id"]: r for r in read_errors(out / "errors.csv")}
    assert set(rows) == {"pipe", "pipe_txt"} or set(rows) == {"pipe", "pipe.txt"} or len(rows) == 2
    assert all(r["error"] == "special_file" and "named pipe" in r["reason"] for r in rows.values())
    assert (out / "records" / "plan_000.json").exists()
    extract = subprocess.run([sys.executable, "-m", "pipeline", "extract", str(tmp_path / "in" / "pipe.txt"),
                              "--out", str(tmp_path / "ex"), "--quiet"], env={**os.environ, "PYTHONPATH": str(ROOT)},
                             cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert extract.returncode == 1 and "Traceback" not in extract.stderr
    assert read_errors(tmp_path / "ex" / "errors.csv")[0]["error"] == "special_file"


def test_a_file_this_user_may_not_read_is_one_row(tmp_path, monkeypatch):
    small_plans(tmp_path / "in", 2)
    secret = tmp_path / "in" / "plan_001.txt"
    real_open = builtins.open

    def guarded(file, *args, **kwargs):  # what chmod 000 does to a user who is not root
        if str(file) == str(secret):
            raise PermissionError(13, "Permission denied", str(file))
        return real_open(file, *args, **kwargs)

    monkeypatch.setattr(builtins, "open", guarded)
    summary = _run(tmp_path / "in", tmp_path / "out")
    monkeypatch.setattr(builtins, "open", real_open)
    assert summary.failed == 1 and summary.total == 2
    (row,) = read_errors(tmp_path / "out" / "errors.csv")
    assert row["doc_id"] == "plan_001" and row["error"] == "unreadable" and "permission denied" in row["reason"]
    assert "chmod" in row["hint"]


@pytest.mark.skipif(os.name != "posix" or os.geteuid() == 0, reason="root may read any file")
def test_a_chmod_000_file_is_one_row(tmp_path):
    small_plans(tmp_path / "in", 2)
    (tmp_path / "in" / "plan_001.txt").chmod(0)
    summary = _run(tmp_path / "in", tmp_path / "out")
    assert summary.failed == 1
    assert read_errors(tmp_path / "out" / "errors.csv")[0]["error"] == "unreadable"


@pytest.mark.skipif(sys.platform != "linux", reason="file names as raw bytes: Linux")
def test_a_name_that_is_not_utf8_keeps_its_bytes_escaped(tmp_path):
    (tmp_path / "in").mkdir()
    plan = small_plans(tmp_path / "plans", 1)[0].read_bytes()
    name = os.path.join(os.fsencode(tmp_path / "in"), b"k\xe9_hoach.txt")  # Latin-1 'é' from an old share
    with open(name, "wb") as f:
        f.write(plan)
    out = tmp_path / "out"
    summary = _run(tmp_path / "in", out)
    assert summary.failed == 0 and summary.total == 1
    record = json.loads((out / "records" / "k\\xe9_hoach.json").read_text(encoding="utf-8"))
    assert record["doc_id"] == "k\\xe9_hoach" and record["source"].endswith("k\\xe9_hoach.txt")
    docs = (out / "csv" / "documents.csv").read_text(encoding="utf-8-sig")
    assert "k\\xe9_hoach.txt" in docs
    assert _run(tmp_path / "in", out).cached == 1  # the second run finds it in its cache


def test_long_vietnamese_names_give_ids_that_fit_a_file_name(tmp_path):
    (tmp_path / "in").mkdir()
    plan = small_plans(tmp_path / "plans", 1)[0].read_bytes()
    medium = "Kế hoạch thực hiện công tác bảo vệ, chăm sóc trẻ em trên địa bàn huyện năm 2024"  # 80 characters
    long = "Kế hoạch triển khai thực hiện Chương trình hành động vì trẻ em " * 3
    for stem in (medium, long):
        (tmp_path / "in" / f"{stem}.txt").write_bytes(plan + stem.encode())
    ids = {i.path.stem: i.doc_id for i in collect_inputs([tmp_path / "in"])}
    assert ids[medium] == medium
    assert len(ids[long].encode()) <= MAX_ID_BYTES and ids[long].startswith("Kế hoạch triển khai")
    summary = _run(tmp_path / "in", tmp_path / "out")
    assert summary.failed == 0 and len(list((tmp_path / "out" / "records").glob("*.json"))) == 2


def test_out_pointing_at_a_file_or_inside_one_is_a_message_and_exit_2(tmp_path, capsys):
    small_plans(tmp_path / "in", 1)
    a_file = tmp_path / "dataset.xlsx"
    a_file.write_text("x")
    for out in (a_file, a_file / "sub"):
        code = main(["run", str(tmp_path / "in"), "--out", str(out), "--quiet"])
        err = capsys.readouterr().err
        assert code == 2 and "not a folder" in err and "Traceback" not in err, err


@pytest.mark.skipif(os.name != "posix" or os.geteuid() == 0, reason="root may write anywhere")
def test_an_unwritable_out_folder_is_a_message_and_exit_2(tmp_path, capsys):
    small_plans(tmp_path / "in", 1)
    locked = tmp_path / "locked"
    locked.mkdir()
    locked.chmod(0o555)
    assert main(["run", str(tmp_path / "in"), "--out", str(locked / "out"), "--quiet"]) == 2
    assert "cannot write" in capsys.readouterr().err


def test_a_record_damaged_on_disk_is_noticed_and_repaired(tmp_path):
    small_plans(tmp_path / "in", 3)
    out = tmp_path / "out"
    _run(tmp_path / "in", out)
    record = out / "records" / "plan_001.json"
    whole = record.read_bytes()
    record.write_bytes(whole[: len(whole) // 2])  # truncated
    (out / "records" / "plan_002.json").write_bytes(whole.replace(b"plan_001", b"plan_00X", 1))  # garbled, parses
    summary = _run(tmp_path / "in", out)
    assert summary.repaired == 2 and "2 damaged records repaired" in summary.line()
    assert record.read_bytes() == whole
    assert json.loads((out / "records" / "plan_002.json").read_text(encoding="utf-8"))["doc_id"] == "plan_002"
    assert _run(tmp_path / "in", out).repaired == 0


def test_a_damaged_cache_entry_is_processed_again(tmp_path):
    small_plans(tmp_path / "in", 2)
    out = tmp_path / "out"
    _run(tmp_path / "in", out)
    objects = sorted((out / ".cache" / "objects").rglob("*.json.gz"))
    assert len(objects) == 2
    for o in objects:
        o.write_bytes(b"\x1f\x8b not gzip")
    shutil_records = out / "records"
    for r in shutil_records.glob("*.json"):
        r.unlink()  # the records must come from the cache, which is damaged
    summary = _run(tmp_path / "in", out)
    assert summary.repaired == 2 and summary.processed == 2 and summary.failed == 0
    assert len(list(shutil_records.glob("*.json"))) == 2


def test_a_killed_runs_temporary_files_are_removed_by_the_next_run(tmp_path):
    small_plans(tmp_path / "in", 1)
    out = tmp_path / "out"
    _run(tmp_path / "in", out)
    left = [out / ".comparison.xlsx.k2j3.tmp", out / "records" / ".plan_000.json.x8s.tmp",
            out / "parquet" / ".tasks.parquet.a1.tmp", out / ".cache" / ".state.json.q.tmp"]
    for p in left:
        p.write_bytes(b"half")
    (out / ".export-abc123").mkdir()
    (out / ".export-abc123" / "documents.parquet").write_bytes(b"half")
    _run(tmp_path / "in", out)
    assert not [p for p in left if p.exists()] and not (out / ".export-abc123").exists()
    assert (out / "comparison.xlsx").exists() and (out / "records" / "plan_000.json").exists()
