"""Theme classifier (issue 7): cue lexicon, labelled data, model, commands, bars."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest
from conftest import GOLD_DIR, ROOT, SHARED, load_score_module
from hypothesis import given, settings
from hypothesis import strategies as st

from pipeline.classifier import MODEL_PATH, load_model, tag_tasks
from pipeline.classifier.cues import CueBaseline, matched_cues
from pipeline.classifier.data import LABELS_DIR, load_labelled, span_hash
from pipeline.document import Task

needs_model = pytest.mark.skipif(not MODEL_PATH.is_file(), reason="no shipped model: run `python -m pipeline train`")

# Real tasks quoted from the sample plans (data/raw).
BEACHES = ("Chỉ đạo, phối hợp các đơn vị, địa phương tăng cường kiểm tra việc thực hiện cấp giấy phép và "
           "quy định an toàn tại các khu dịch vụ bãi tắm biển, bể bơi, sông hồ trên địa bàn tỉnh.")
REPORTS = "Tổng hợp kịp thời, đầy đủ các báo cáo về công tác trẻ em theo quy định."
MARRIAGE = ("Chủ trì, phối hợp với các cơ quan, ban, ngành, UBND các xã, thị trấn triển khai thực hiện Đề án "
            "“Giảm thiểu tình trạng tảo hôn và hôn nhân cận huyết thống trong vùng dân tộc thiểu số giai đoạn 2021 - 2025”")


# ---------------------------------------------------------------- cue lexicon

def test_cue_matches_across_punctuation_and_case():
    assert matched_cues("Phòng, chống Tai nạn, thương tích trẻ em", "themes", "injury") == ["tai nạn thương tích"]


def test_cue_matches_old_tone_marks():
    # "hoà" (old style) folds to "hòa" like the cue "giáo dục hòa nhập"
    assert "giáo dục hòa nhập" in matched_cues("phát triển giáo dục hoà nhập", "themes", "disability")


def test_cue_matches_ocr_text_without_diacritics():
    assert matched_cues("phong, chong tai nan duoi nuoc trong dip he", "themes", "drowning") == ["đuối nước"]


def test_single_syllable_cue_not_matched_inside_words():
    # "hiv" must not fire inside another word; cues match whole words
    assert matched_cues("chiviec", "themes", "health_nutrition") == []


def test_cue_baseline_on_a_sample_task():
    pred = CueBaseline("themes", ["child_marriage", "ethnic_minority", "drowning"]).predict([MARRIAGE])
    assert pred.tolist() == [[1, 1, 0]]


# ---------------------------------------------------------------- labelled data

def test_labelled_data_has_no_excerpt_text():
    for line in (LABELS_DIR / "excerpt_tasks.jsonl").read_text(encoding="utf-8").splitlines():
        assert set(json.loads(line)) == {"excerpt", "start", "end", "themes", "activities", "sha1"}


def test_labels_are_taxonomy_ids():
    import yaml



    tax_path = SHARED / "taxonomy" / "themes.yaml"
    if not tax_path.is_file():
        pytest.skip("../shared/taxonomy is not present")
    tax = yaml.safe_load(tax_path.read_text(encoding="utf-8"))
    data = load_labelled(excerpts_dir=None)
    for t in data.tasks:
        assert set(t.themes) <= set(tax["themes"]) and set(t.activities) <= set(tax["activities"])


def test_excerpt_references_resolve_exactly(excerpts_dir):
    refs = [json.loads(x) for x in (LABELS_DIR / "excerpt_tasks.jsonl").read_text(encoding="utf-8").splitlines()]
    assert len(refs) >= 263
    for r in refs:
        text = (excerpts_dir / f"{r['excerpt']}.txt").read_text(encoding="utf-8")
        span = text[r["start"]:r["end"]]
        assert span and span == span.strip() and span_hash(span) == r["sha1"], r
    data = load_labelled(excerpts_dir=excerpts_dir)
    assert len(data.tasks) >= 500 and not data.notes


def test_without_excerpts_trains_on_samples_and_says_so(tmp_path):
    data = load_labelled(excerpts_dir=tmp_path / "absent")
    assert {t.source for t in data.tasks} == {"sample"}
    assert data.notes and "skipped" in data.notes[0]


# ---------------------------------------------------------------- model

def test_training_twice_gives_identical_predictions():
    from pipeline.classifier.training import fit_model

    data = load_labelled(excerpts_dir=None)
    tasks = [t for t in data.tasks if t.group in {"001_2684e7fb74e79852", "002_9bc3f1274d6058dd"}]
    a = fit_model(tasks, "logreg")
    b = fit_model(tasks, "logreg")
    probe = [t.text for t in data.tasks[:60]]
    assert (a.thresholds == b.thresholds).all()
    assert (a.scores(probe) == b.scores(probe)).all()
    assert a.predict(probe) == b.predict(probe)


@needs_model
def test_tag_tasks_fills_themes_and_activities():
    tasks = [Task(id="1", section="II", text=BEACHES, start=0, end=0),
             Task(id="2", section="V", text=REPORTS, start=0, end=0)]
    tag_tasks(tasks)
    assert tasks[0].themes == ["drowning"] and "inspection" in tasks[0].activities
    assert tasks[1].themes == [] and tasks[1].activities == ["reporting"]


@needs_model
def test_explain_names_the_words_that_pushed_a_label():
    why = load_model().explain(BEACHES)
    assert "themes:drowning" in why
    assert any("bơi" in name or "tắm" in name or name == "cue:drowning" for name, _ in why["themes:drowning"])


@needs_model
@settings(max_examples=40, deadline=None)
@given(st.text(max_size=300))
def test_predict_never_raises_and_returns_taxonomy_ids(text):
    model = load_model()
    (tags,) = model.predict([text])
    assert set(tags["themes"]) <= set(model.labels["themes"])
    assert set(tags["activities"]) <= set(model.labels["activities"])


# ---------------------------------------------------------------- the runtime model (no scikit-learn at run time)

@needs_model
def test_the_shipped_runtime_model_is_the_compiled_shipped_model():
    """`train` writes both files; a runtime file left over from another model would tag with old weights."""
    import numpy as np

    from pipeline.classifier import runtime

    shipped = runtime.load(str(runtime.runtime_path(MODEL_PATH)))
    assert shipped.source_sha256 == runtime.file_sha256(MODEL_PATH), "run `make train` (or compile the model)"
    fresh = runtime.compile_model(load_model())
    assert np.array_equal(shipped.coef, fresh.coef) and np.array_equal(shipped.thresholds, fresh.thresholds)
    assert [v.terms for v in shipped.vocabularies] == [v.terms for v in fresh.vocabularies]


@needs_model
def test_the_runtime_model_tags_every_labelled_task_as_the_full_model_does():
    import numpy as np

    from pipeline.classifier import runtime

    compiled = runtime.load(str(runtime.runtime_path(MODEL_PATH)))
    texts = [t.text for t in load_labelled().tasks] + [BEACHES, REPORTS, "", "   ", "111"]
    assert compiled.predict(texts) == load_model().predict(texts)
    assert np.allclose(compiled.scores(texts), load_model().scores(texts), rtol=0, atol=1e-12)


@needs_model
@settings(max_examples=40, deadline=None)
@given(st.text(max_size=300))
def test_the_runtime_model_agrees_on_any_text(text):
    from pipeline.classifier import runtime

    assert runtime.load(str(runtime.runtime_path(MODEL_PATH))).predict([text]) == load_model().predict([text])


@needs_model
def test_tagging_does_not_import_scikit_learn():
    code = ("import sys; from pipeline.process import process_text; "
            "process_text('KẾ HOẠCH\\nI. NHIỆM VỤ\\n1. Phòng, chống đuối nước cho trẻ em trong dịp hè.', 'x'); "
            "print(sorted(m for m in ('sklearn', 'scipy.stats') if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, check=True)
    assert out.stdout.strip() == "[]"


# ---------------------------------------------------------------- command

@needs_model
def test_classify_command_round_trip(tmp_path):
    inp = tmp_path / "in.jsonl"
    rows = [{"id": "a", "text": BEACHES}, {"id": 7, "text": ""}, {"id": "c", "text": MARRIAGE}]
    inp.write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in rows) + "\n", encoding="utf-8")
    out = tmp_path / "out.jsonl"
    subprocess.run([sys.executable, "-m", "pipeline", "classify", str(inp), "--out", str(out), "--proba",
                    "--explain"], check=True, cwd=ROOT)
    recs = [json.loads(x) for x in out.read_text(encoding="utf-8").splitlines()]
    assert [r["id"] for r in recs] == ["a", 7, "c"]
    assert "child_marriage" in recs[2]["themes"]
    assert 0.0 <= recs[0]["proba"]["themes:drowning"] <= 1.0 and recs[0]["proba"]["themes:drowning"] > 0.5
    assert "themes:drowning" in recs[0]["explain"]
    assert recs[1]["themes"] == []


@needs_model
def test_classify_output_is_read_by_the_scorer(tmp_path):


    score = load_score_module()
    gold = score.load_jsonl(GOLD_DIR / "themes.jsonl")
    rows = score.gold_ids(gold)
    inp = "\n".join(json.dumps({"id": r["id"], "text": r["text"]}, ensure_ascii=False) for r in rows)
    res = subprocess.run([sys.executable, "-m", "pipeline", "classify"], input=inp, capture_output=True,
                         text=True, check=True, cwd=ROOT)
    pred = [json.loads(x) for x in res.stdout.splitlines()]
    report, _ = score.score_themes(gold, pred)
    assert report["missing_predictions"] == 0
    assert report["themes"]["micro"]["f1"] > 0.9  # training data: a floor, not a measure of quality


# ---------------------------------------------------------------- the bars

@pytest.mark.slow
def test_grouped_cv_meets_the_bars_and_beats_the_cue_baseline(excerpts_dir):
    """Leave-one-document-out over data/labels/, the shipped family (same numbers as `train --evaluate`)."""
    from pipeline.classifier.card import bars_met
    from pipeline.classifier.training import train

    family = load_model().family if MODEL_PATH.is_file() else "logreg"
    result = train(load_labelled(excerpts_dir=excerpts_dir), families=[family], log=lambda m: None)
    assert bars_met(result) == []
