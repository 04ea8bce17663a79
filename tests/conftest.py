"""Shared fixtures: where the sample plans, the gold set and ../shared live."""

from __future__ import annotations

import importlib.util
import json
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
RAW_DIR = ROOT / "data" / "raw"
SHARED = ROOT.parent / "shared"
GOLD_DIR = SHARED / "gold" if (SHARED / "gold").is_dir() else ROOT / "tests" / "gold"
SCORE_PY = SHARED / "eval" / "score.py" if (SHARED / "eval" / "score.py").is_file() else GOLD_DIR / "score.py"
EXCERPTS_DIR = SHARED / "corpus" / "excerpts"
SAMPLE_FILES = sorted(RAW_DIR.glob("*.txt"))


def load_score_module():
    spec = importlib.util.spec_from_file_location("score", SCORE_PY)
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def best_cpu_seconds(fn, *args, repeat: int = 3) -> float:
    """The least CPU time of `repeat` calls of `fn(*args)`: for size-ratio tests (never a time limit)."""
    import time

    best = float("inf")
    for _ in range(repeat):
        start = time.process_time()
        fn(*args)
        best = min(best, time.process_time() - start)
    return best


def extract_and_score(files: list[Path], gold_dir: Path, out: Path) -> dict:
    """Records of `files` written to `out`, scored by `score.py extract` against `gold_dir`."""
    from pipeline.running.batch import extract_files

    extract_files(files, out)
    report, _ = load_score_module().score_extract(gold_dir, out)
    return report


@pytest.fixture(scope="session")
def sample_records(tmp_path_factory) -> dict[str, dict]:
    """Records of the five sample plans, extracted once per test session."""
    from pipeline.running.batch import extract_files

    out = tmp_path_factory.mktemp("records")
    result = extract_files(SAMPLE_FILES, out)
    assert not result.errors, result.errors
    return {p.stem: json.loads(p.read_text(encoding="utf-8")) for p in result.written}


@pytest.fixture(scope="session")
def gold_report(sample_records, tmp_path_factory) -> dict:
    """`score.py extract` over the sample records: the yardstick of the issues."""
    out = tmp_path_factory.mktemp("pred")
    for doc_id, rec in sample_records.items():
        (out / f"{doc_id}.json").write_text(json.dumps(rec, ensure_ascii=False), encoding="utf-8")
    report, _ = load_score_module().score_extract(GOLD_DIR, out)
    return report


@pytest.fixture(scope="session")
def excerpts_dir() -> Path:
    if not EXCERPTS_DIR.is_dir():
        pytest.skip("../shared/corpus/excerpts is not present (other provinces' wording is read from there)")
    return EXCERPTS_DIR
