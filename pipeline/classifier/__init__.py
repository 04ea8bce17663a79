"""Theme classifier: tags each task with `themes` and `activities` (issue 7).

The shipped model (`pipeline/classifier/models/theme_classifier.joblib`) is rebuilt by
`python -m pipeline train` from `data/labels/`; it is loaded once, lazily.
"""

from __future__ import annotations

import time
from functools import cache
from pathlib import Path

from pipeline.document import Task

MODEL_PATH = Path(__file__).resolve().parent / "models" / "theme_classifier.joblib"
CARD_PATH = MODEL_PATH.with_suffix(".md")


@cache
def load_model(path: str | None = None):
    """The shipped ThemeModel (cached): the scikit-learn pipeline, for `classify --explain` and training."""
    import joblib

    return joblib.load(path or MODEL_PATH)


def load_predictor():
    """What tag_tasks predicts with: the compiled runtime model (no scikit-learn import, see
    runtime.py) when it is shipped, else the full model."""
    from pipeline.classifier import runtime

    compiled = runtime.runtime_path(MODEL_PATH)
    return runtime.load(str(compiled)) if compiled.is_file() else load_model()


def tag_tasks(tasks: list[Task], tree=None, citations=None, agencies=None) -> None:
    """Fill `themes`, `activities` and `tag_evidence` of each task in place (no-op when there is no model file).

    With the document's `tree` (SectionTree), `citations` and `agencies` (AgencyMention list), a task's
    ancestor headings, the instruments cited in its span and its agencies add to its text's scores
    (see context.py); without them the task is tagged from its text alone.
    """
    if not tasks or not MODEL_PATH.is_file():
        return
    from pipeline.classifier import context

    model = load_predictor()
    contexts = [context.of_task(t, tree, citations, agencies) for t in tasks]
    tagged = model.predict([t.text for t in tasks], contexts)
    for task, tags, ctx in zip(tasks, tagged, contexts, strict=True):
        task.themes = tags["themes"]
        task.activities = tags["activities"]
        task.tag_evidence = tag_evidence(model, task.text, ctx, tags)


def tag_evidence(model, text: str, ctx, tags: dict[str, list[str]], top: int = 4) -> dict[str, list[str]]:
    """Per tag, its top evidence: cue words of the text, the heading and the instrument carrying a cue
    of it (when the context counts), then the words the learned model weighed most."""
    from pipeline.classifier.context import evidence_words

    columns = model.columns
    out: dict[str, list[str]] = {}
    for facet in ("themes", "activities"):
        for label in tags[facet]:
            found = evidence_words(text, ctx, facet, label, getattr(model, "context", None))
            if len(found) < top and hasattr(model, "top_words"):
                found += [f"word: {w}" for w in model.top_words(text, columns.index((facet, label)), top - len(found))
                          if f"cue: {w}" not in found]
            out[f"{facet}:{label}"] = found[:top]
    return out


def bench_figures() -> dict:
    """Load time (fresh load of what tag_tasks uses) and tagging speed on 1,000 tasks, for `make bench`."""
    from pipeline.classifier import runtime

    t0 = time.perf_counter()
    runtime.load.cache_clear()
    model = load_predictor()
    load_s = time.perf_counter() - t0
    from pipeline.classifier.data import load_labelled

    texts = [t.text for t in load_labelled().tasks]
    # distinct texts, so the per-text key cache cannot flatter the figure
    batch = [f"{texts[i % len(texts)]} ({i})" for i in range(1000)]
    t0 = time.perf_counter()
    model.predict(batch)
    run_s = time.perf_counter() - t0
    return {"classifier_load_s": round(load_s, 3), "classify_1000_tasks_s": round(run_s, 3),
            "classifier_tasks_per_s": round(1000 / run_s, 1), "model_bytes": _loaded_path().stat().st_size}


def _loaded_path() -> Path:
    from pipeline.classifier import runtime

    compiled = runtime.runtime_path(MODEL_PATH)
    return compiled if compiled.is_file() else MODEL_PATH
