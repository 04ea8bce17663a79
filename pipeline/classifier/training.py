"""Train and evaluate the tagger with cross-validation grouped by document.

Leave-one-document-out: each sample plan and each excerpt is one group, so a
fold never sees another task of the document it is tested on. Per-label
thresholds are tuned on out-of-fold scores; in evaluation the threshold used
for a document is tuned on the out-of-fold scores of the OTHER documents only.
"""

from __future__ import annotations

import itertools
import time
from dataclasses import dataclass, field

import numpy as np
from sklearn.model_selection import LeaveOneGroupOut

from pipeline.classifier.context import KINDS, ContextModel, TaskContext, sector_lift
from pipeline.classifier.cues import lexicon
from pipeline.classifier.data import LabelledData, LabelledTask
from pipeline.classifier.model import (
    BLEND,
    DEFAULT_FAMILIES,
    FACETS,
    ThemeModel,
    blend,
    blend_weights,
    build_pipeline,
    cue_columns,
    decode,
    label_matrix,
)

GRID = np.round(np.arange(0.05, 0.951, 0.025), 3)
MIN_POSITIVES_TO_TUNE = 3
MACRO_MIN_SUPPORT = 5  # macro-F1 over labels with at least this many examples
# learned-score weights tried per facet (the rest is the 0/1 cue hit, see model.blend); BLEND is the default
BLEND_GRID = [{"themes": t, "activities": a} for t in (0.3, 0.5, 0.7) for a in (0.5, 0.7, 1.0)]
# weights tried for the context evidence (context.py); ties go to the smaller weights
CONTEXT_GRID = {"heading:themes": (0.0, 0.1, 0.2, 0.3, 0.5), "heading:activities": (0.0, 0.1, 0.2, 0.3, 0.5),
                "instrument": (0.0, 0.2, 0.5), "agency": (0.0, 0.25, 0.5, 1.0)}


def label_columns() -> dict[str, list[str]]:
    """Label ids per facet, in the lexicon's (= taxonomy's) order."""
    return {f: list(lexicon(f)) for f in FACETS}


def targets(tasks: list[LabelledTask], columns) -> np.ndarray:
    return label_matrix([{"themes": t.themes, "activities": t.activities} for t in tasks], columns)


def oof_scores(family: str, texts: list[str], Y: np.ndarray, groups: list[str]) -> np.ndarray:
    """Out-of-fold scores of the pipeline alone (before the cue blend), leave-one-group-out."""
    scores = np.zeros(Y.shape, dtype=float)
    texts_arr = np.array(texts, dtype=object)
    for train_idx, test_idx in LeaveOneGroupOut().split(texts_arr, Y, groups):
        pipe = build_pipeline(family).fit(list(texts_arr[train_idx]), Y[train_idx])
        scores[test_idx] = pipe.predict_proba(list(texts_arr[test_idx]))
    return scores


def _f1(tp: int, fp: int, fn: int) -> float:
    return 2 * tp / (2 * tp + fp + fn) if tp else 0.0


def tune_thresholds(scores: np.ndarray, Y: np.ndarray) -> np.ndarray:
    """Per column, the grid threshold with the best F1 (ties: closest to 0.5); 0.5 when too few positives."""
    out = np.full(Y.shape[1], 0.5)
    for j in range(Y.shape[1]):
        y = Y[:, j].astype(bool)
        if y.sum() < MIN_POSITIVES_TO_TUNE:
            continue
        best = (-1.0, 0.0)
        for t in GRID:
            p = scores[:, j] >= t
            f = _f1(int((p & y).sum()), int((p & ~y).sum()), int((~p & y).sum()))
            key = (round(f, 6), -abs(t - 0.5))
            if key > best:
                best, out[j] = key, t
    return out


def grouped_predictions(scores: np.ndarray, Y: np.ndarray, groups: list[str]) -> np.ndarray:
    """Predictions where each group's thresholds come from the other groups' out-of-fold scores."""
    groups_arr = np.array(groups)
    pred = np.zeros(Y.shape, dtype=int)
    for g in sorted(set(groups)):
        inside = groups_arr == g
        th = tune_thresholds(scores[~inside], Y[~inside])
        pred[inside] = scores[inside] >= th
    return pred


@dataclass
class Report:
    """Scores of one system over the labelled data."""

    name: str
    per_label: dict[str, dict[str, float]] = field(default_factory=dict)  # "facet:label" -> p, r, f1, support
    summary: dict[str, float] = field(default_factory=dict)


def score(name: str, pred: np.ndarray, Y: np.ndarray, columns) -> Report:
    rep = Report(name)
    for facet in FACETS:
        tp = fp = fn = 0
        macro = []
        for j, (f, lab) in enumerate(columns):
            if f != facet:
                continue
            p, y = pred[:, j].astype(bool), Y[:, j].astype(bool)
            a, b, c = int((p & y).sum()), int((p & ~y).sum()), int((~p & y).sum())
            tp, fp, fn = tp + a, fp + b, fn + c
            prec = a / (a + b) if a + b else 0.0
            rec = a / (a + c) if a + c else 0.0
            rep.per_label[f"{f}:{lab}"] = {"p": prec, "r": rec, "f1": _f1(a, b, c), "support": int(y.sum())}
            if y.sum() >= MACRO_MIN_SUPPORT:
                macro.append(_f1(a, b, c))
        rep.summary[f"{facet}_micro_p"] = tp / (tp + fp) if tp + fp else 0.0
        rep.summary[f"{facet}_micro_r"] = tp / (tp + fn) if tp + fn else 0.0
        rep.summary[f"{facet}_micro_f1"] = _f1(tp, fp, fn)
        rep.summary[f"{facet}_macro_f1"] = float(np.mean(macro)) if macro else 0.0
    return rep


def headline(rep: Report) -> float:
    """What model selection maximises: themes micro + macro F1 + activities micro F1."""
    return rep.summary["themes_micro_f1"] + rep.summary["themes_macro_f1"] + rep.summary["activities_micro_f1"]


def _grouped_context_parts(oof: np.ndarray, Y: np.ndarray, groups: list[str], contexts: list[TaskContext],
                           labels: dict[str, list[str]], flat) -> tuple[np.ndarray, np.ndarray]:
    """Per task: the thresholds and the agency evidence learned WITHOUT its document (no leak)."""
    groups_arr = np.array(groups)
    thresholds, agency = np.zeros_like(oof), np.zeros_like(oof)
    sectors = [c.sectors for c in contexts]
    for g in sorted(set(groups)):
        inside = groups_arr == g
        thresholds[inside] = tune_thresholds(oof[~inside], Y[~inside])
        lift = sector_lift([sectors[i] for i in np.flatnonzero(~inside)], Y[~inside], flat)
        agency[inside] = ContextModel(sector_lift=lift).evidence([contexts[i] for i in np.flatnonzero(inside)],
                                                                 labels)["agency"]
    return thresholds, agency


def tune_context(oof: np.ndarray, Y: np.ndarray, groups: list[str], contexts: list[TaskContext],
                 labels: dict[str, list[str]]) -> tuple[ContextModel, Report]:
    """The context weights with the best grouped-CV headline on top of the text's out-of-fold scores."""
    flat = [(f, lab) for f in FACETS for lab in labels[f]]
    thresholds, agency = _grouped_context_parts(oof, Y, groups, contexts, labels, flat)
    evidence = ContextModel().evidence(contexts, labels)
    evidence["agency"] = agency
    best: tuple | None = None
    for combo in itertools.product(*(CONTEXT_GRID[k] for k in KINDS)):
        weights = dict(zip(KINDS, combo, strict=True))
        scored = oof + sum(weights[k] * evidence[k] for k in KINDS)
        rep = score("with context", (scored >= thresholds).astype(int), Y, flat)
        key = (round(headline(rep), 4), -sum(combo))
        if best is None or key > best[0]:
            best = (key, weights, rep)
    _, weights, rep = best
    rep.name = "with context (" + ", ".join(f"{k} {v}" for k, v in weights.items()) + ")"
    return ContextModel(weights, sector_lift([c.sectors for c in contexts], Y, flat)), rep


@dataclass
class TrainResult:
    model: ThemeModel
    reports: list[Report]  # baseline first, then every family; the shipped one is model.family
    data: LabelledData
    seconds: float


def fit_model(tasks: list[LabelledTask], family: str, thresholds: np.ndarray | None = None,
              info: dict | None = None, weights: dict[str, float] | None = None) -> ThemeModel:
    """Fit on all `tasks`; thresholds from grouped out-of-fold scores unless given."""
    columns = label_columns()
    model = ThemeModel(build_pipeline(family), columns, np.full(sum(map(len, columns.values())), 0.5),
                       family=family, blend=dict(weights or BLEND), info=dict(info or {}))
    texts = [t.text for t in tasks]
    Y = targets(tasks, model.columns)
    if thresholds is None:
        oof = oof_scores(family, texts, Y, [t.group for t in tasks])
        thresholds = tune_thresholds(blend(oof, cue_columns(texts, columns), blend_weights(columns, model.blend)), Y)
    model.pipeline.fit(texts, Y)
    model.thresholds = np.asarray(thresholds, dtype=float)
    return model


def train(data: LabelledData, families: list[str] | None = None, log=print) -> TrainResult:
    """Compare the cue baseline and each family (with each cue blend of BLEND_GRID) by leave-one-document-out
    CV; fit the winner on all data, with the context weights tuned on its out-of-fold scores."""
    t0 = time.perf_counter()
    families = families or list(DEFAULT_FAMILIES)
    columns = label_columns()
    flat = [(f, lab) for f in FACETS for lab in columns[f]]
    tasks = data.tasks
    texts, groups = [t.text for t in tasks], [t.group for t in tasks]
    Y = targets(tasks, flat)
    reports = []
    base = cue_columns(texts, columns)
    reports.append(score("cue baseline", base.astype(int), Y, flat))
    best: dict[str, tuple[dict, np.ndarray]] = {}  # family -> (blend, blended out-of-fold scores)
    for fam in families:
        t1 = time.perf_counter()
        raw = oof_scores(fam, texts, Y, groups)
        candidates = []
        for weights in BLEND_GRID:
            oof = blend(raw, base, blend_weights(columns, weights))
            candidates.append((headline(score(fam, grouped_predictions(oof, Y, groups), Y, flat)), weights, oof))
        _, weights, oof = max(candidates, key=lambda c: c[0])
        best[fam] = (weights, oof)
        reports.append(score(fam, grouped_predictions(oof, Y, groups), Y, flat))
        log(f"  {fam}: grouped CV in {time.perf_counter() - t1:.0f}s, blend {weights}")
    winner = max(reports[1:], key=headline)
    weights, oof = best[winner.name]
    context_model, context_report = _context(data, oof, Y, groups, columns, log)
    info = {"tasks": len(tasks), "groups": len(set(groups)),
            "sample_tasks": sum(t.source == "sample" for t in tasks),
            "excerpt_tasks": sum(t.source == "excerpt" for t in tasks), "notes": list(data.notes)}
    model = fit_model(tasks, winner.name, tune_thresholds(oof, Y), info, weights)
    model.context = context_model
    if context_report is not None:
        reports.append(context_report)
    return TrainResult(model, reports, data, time.perf_counter() - t0)


def _context(data: LabelledData, oof: np.ndarray, Y: np.ndarray, groups: list[str], columns, log):
    """The context model (None when no training task has a context) and its grouped-CV report."""
    from pipeline.classifier.training_context import contexts as task_contexts

    t1 = time.perf_counter()
    contexts = task_contexts(data.tasks, data.excerpts_dir)
    if all(c.empty for c in contexts):
        return None, None
    model, report = tune_context(oof, Y, groups, contexts, columns)
    log(f"  context weights {model.weights}: grouped CV in {time.perf_counter() - t1:.0f}s")
    return model, report


def predictions_as_records(model: ThemeModel, texts: list[str]) -> list[dict[str, list[str]]]:
    return decode(model.scores(texts) >= model.thresholds, model.columns)
