"""What a run takes as input, and how it ends: office leftovers ignored, a clear line on every dead end."""

from __future__ import annotations

from pathlib import Path

from batch_helpers import read_errors, small_plans

from pipeline.cli import main
from pipeline.running.batch import collect_inputs, is_leftover

LEFTOVERS = ["~$ke_hoach.docx", ".~lock.ke_hoach.docx#", "Thumbs.db", ".DS_Store", ".hidden.txt", "desktop.ini"]


def _run(tmp_path: Path, folder: Path, capsys) -> tuple[int, str]:
    code = main(["run", str(folder), "--out", str(tmp_path / "out"), "--workers", "1", "--timeout", "0",
                 "--quiet"])
    return code, capsys.readouterr().err


def test_office_leftovers_are_not_inputs(tmp_path):
    small_plans(tmp_path, 1)
    for name in LEFTOVERS:
        (tmp_path / name).write_bytes(b"\x00\x01 owner file of Word")
    assert [i.path.name for i in collect_inputs([tmp_path])] == ["plan_000.txt"]
    assert all(is_leftover(Path(n)) for n in LEFTOVERS)
    assert not is_leftover(Path("ke_hoach.docx")) and not is_leftover(Path("kh~1.pdf"))


def test_a_lock_file_named_on_the_command_line_is_ignored_too(tmp_path):
    lock = tmp_path / "~$ke_hoach.docx"
    lock.write_bytes(b"\x00owner")
    assert collect_inputs([lock]) == []


def test_leftovers_are_neither_read_nor_reported_and_the_run_exits_0(tmp_path, capsys):
    small_plans(tmp_path / "in", 2)
    for name in LEFTOVERS:
        (tmp_path / "in" / name).write_bytes(b"\x00\x01 owner file of Word")
    code, err = _run(tmp_path, tmp_path / "in", capsys)
    assert code == 0, err
    assert read_errors(tmp_path / "out" / "errors.csv") == []
    assert "~$" not in err and "failed " not in err


def test_an_empty_folder_exits_non_zero_with_one_line(tmp_path, capsys):
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "~$ke_hoach.docx").write_bytes(b"\x00")  # a leftover alone is still nothing to do
    code, err = _run(tmp_path, tmp_path / "in", capsys)
    assert code == 2
    assert err.strip().count("\n") == 0 and "no plan file" in err
    assert not (tmp_path / "out").exists()  # nothing written, an earlier dataset is never emptied


def test_a_missing_folder_exits_non_zero_with_one_line(tmp_path, capsys):
    code, err = _run(tmp_path, tmp_path / "nowhere", capsys)
    assert code == 2
    assert err.strip().count("\n") == 0 and "does not exist" in err


def test_only_unreadable_files_exit_1_and_say_so(tmp_path, capsys):
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "empty.txt").write_bytes(b"")
    (tmp_path / "in" / "junk.pdf").write_bytes(bytes(range(256)) * 20)
    code, err = _run(tmp_path, tmp_path / "in", capsys)
    assert code == 1
    assert "none of the 2 files could be read" in err
    assert len(read_errors(tmp_path / "out" / "errors.csv")) == 2


def test_the_summary_names_the_files_to_open(tmp_path, capsys):
    small_plans(tmp_path / "in", 1)
    code, err = _run(tmp_path, tmp_path / "in", capsys)
    assert code == 0
    last = err.strip().splitlines()[-1]
    assert last.startswith("open: ") and "report.html" in last and "comparison.xlsx" in last


def test_extract_of_an_empty_folder_exits_non_zero(tmp_path, capsys):
    (tmp_path / "in").mkdir()
    assert main(["extract", str(tmp_path / "in"), "--out", str(tmp_path / "out"), "--quiet"]) == 2
    assert "no plan file" in capsys.readouterr().err
