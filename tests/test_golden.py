"""Records stay identical unless a change means to alter them (`make golden` regenerates)."""

from __future__ import annotations

import importlib.util
import json
from pathlib import Path

import pytest

HERE = Path(__file__).resolve().parent
_spec = importlib.util.spec_from_file_location("golden_regenerate", HERE / "golden" / "regenerate.py")
golden = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(golden)


def test_seed_records_are_unchanged():
    expected = json.loads((HERE / "golden" / "seeds.json").read_text(encoding="utf-8"))
    actual = {k: golden.comparable(v) for k, v in golden.extract(golden.SEEDS).items()}
    assert sorted(actual) == sorted(expected)
    for doc_id, rec in expected.items():
        for field, value in rec.items():
            assert actual[doc_id].get(field) == value, f"{doc_id}: {field} changed (make golden if meant)"


def test_dev_records_are_unchanged():
    if not golden.DEV.is_dir():
        pytest.skip("../shared/corpus/dev is absent (the dev texts are read from there, not shipped)")
    expected = json.loads((HERE / "golden" / "dev_digests.json").read_text(encoding="utf-8"))
    actual = {k: golden.field_digests(v) for k, v in golden.extract(golden.DEV).items()}
    assert sorted(actual) == sorted(expected)
    changed = [f"{d}:{f}" for d, fields in expected.items() for f, h in fields.items() if actual[d][f] != h]
    assert not changed, f"dev records changed (make golden if meant): {changed[:20]}"
