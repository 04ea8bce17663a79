"""What the document says around a task: its headings, the instruments it cites, its agencies.

A task under "Phòng, chống đuối nước trẻ em" is very likely about drowning even
when its own words ("Tăng cường kiểm tra các khu vực nguy hiểm") name no theme.
The tagger scores the task's text first (text alone must be enough: many tasks
come without useful headings); the context then adds, per label,

    weight["heading:…"]  x (a cue of the label in the task's ancestor headings, per facet)
  + weight["instrument"] x (a cue of the label in the name of an instrument cited in the task)
  + weight["agency"]     x (how much more often the label goes with the task's agency sectors
                            in the training data than without them)

to the text score before the per-label threshold. The weights are chosen by
grouped cross-validation on the training data (`training.tune_context`); a
weight of 0 means the evidence did not earn its place. Only numpy and the cue
lexicon are needed here: this runs in every worker.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from pipeline.classifier.cues import cue_matrix, matched_cues

FACETS = ("themes", "activities")
# a heading's theme cue and its activity cue ("Công tác truyền thông") are weighed apart
KINDS = ("heading:themes", "heading:activities", "instrument", "agency")


@dataclass
class TaskContext:
    """The words around one task (all may be empty: a task given as text alone)."""

    headings: list[str] = field(default_factory=list)  # innermost first
    instruments: list[str] = field(default_factory=list)  # names or mentions of the instruments it cites
    sectors: list[str] = field(default_factory=list)  # agency sectors ("education", "health", ...)

    @property
    def empty(self) -> bool:
        return not (self.headings or self.instruments or self.sectors)


def from_headings(headings: list[str] | str | None) -> TaskContext:
    """The context of a `classify` input line: its optional "context" field (a heading or a list of them)."""
    if not headings:
        return TaskContext()
    if isinstance(headings, str):
        headings = [headings]
    return TaskContext(headings=[str(h) for h in headings if str(h).strip()])


def of_task(task, tree=None, citations=None, agencies=None) -> TaskContext:
    """The context of a tree task: ancestor headings, instruments cited in its span, its agencies' sectors.

    A heading that names a body ("Sở Văn hóa và Thể thao" over its tasks in "Tổ chức thực hiện") says who
    acts, not what about: it is left out, else "văn hóa" in a department's name would read as a theme.
    """
    sections = tree.ancestors(task.section) if tree is not None else []
    named = [m.start for m in (agencies or [])]
    headings = [s.heading for s in sections
                if not any(s.start <= pos < max(s.heading_end, s.start + len(s.heading)) for pos in named)]
    instruments = [c.name or c.text for c in (citations or []) if task.start <= c.start < task.end]
    sectors = [key.split("/")[0] for key in (task.agencies or [])]
    sectors += [m.sector for m in (agencies or []) if task.start <= m.start < task.end]
    return TaskContext([h for h in headings if h], [i for i in instruments if i], list(dict.fromkeys(sectors)))


@dataclass
class ContextModel:
    """Weights of the context evidence and the sector -> label lift table (from the training data)."""

    weights: dict[str, float] = field(default_factory=lambda: dict.fromkeys(KINDS, 0.0))
    sector_lift: dict[str, dict[str, float]] = field(default_factory=dict)  # sector -> "facet:label" -> lift

    def evidence(self, contexts: list[TaskContext], labels: dict[str, list[str]]) -> dict[str, np.ndarray]:
        """Per kind, a (tasks, columns) matrix of the context evidence (before weighting)."""
        columns = [(f, lab) for f in FACETS for lab in labels[f]]
        out = {kind: np.zeros((len(contexts), len(columns))) for kind in KINDS}
        for kind, texts in (("heading", [" ; ".join(c.headings[:3]) for c in contexts]),
                            ("instrument", [" ; ".join(c.instruments) for c in contexts])):
            hits = np.hstack([cue_matrix(texts, f, labels[f], "cues") for f in FACETS])
            if kind == "instrument":
                out[kind] = hits
                continue
            for facet in FACETS:
                out[f"heading:{facet}"] = hits * np.array([f == facet for f, _ in columns], dtype=float)
        for i, ctx in enumerate(contexts):
            for j, (facet, label) in enumerate(columns):
                lifts = [self.sector_lift.get(s, {}).get(f"{facet}:{label}", 0.0) for s in ctx.sectors]
                out["agency"][i, j] = max(lifts, default=0.0)
        return out

    def boost(self, contexts: list[TaskContext], labels: dict[str, list[str]]) -> np.ndarray:
        """What the context adds to each text score."""
        ev = self.evidence(contexts, labels)
        return sum(self.weights.get(kind, 0.0) * ev[kind] for kind in KINDS)


def sector_lift(sectors: list[list[str]], Y: np.ndarray, columns: list[tuple[str, str]],
                prior_weight: float = 5.0, min_tasks: int = 5) -> dict[str, dict[str, float]]:
    """sector -> label -> (smoothed rate of the label among tasks with that sector) - (overall rate), >= 0 kept."""
    base = Y.mean(axis=0) if len(Y) else np.zeros(len(columns))
    out: dict[str, dict[str, float]] = {}
    for sector in sorted({s for row in sectors for s in row}):
        rows = [i for i, row in enumerate(sectors) if sector in row]
        if len(rows) < min_tasks:
            continue
        rate = (Y[rows].sum(axis=0) + prior_weight * base) / (len(rows) + prior_weight)
        lift = {f"{f}:{lab}": round(float(d), 4) for (f, lab), d in zip(columns, rate - base, strict=True) if d > 0.05}
        if lift:
            out[sector] = lift
    return out


def evidence_words(text: str, ctx: TaskContext, facet: str, label: str, model: ContextModel | None) -> list[str]:
    """Why a tag: its cue words in the text, then the heading and the instrument that carry a cue of it."""
    out = [f"cue: {c}" for c in matched_cues(text, facet, label)[:3]]
    if not out:
        out = [f"hint: {c}" for c in matched_cues(text, facet, label, "hints")[:2]]
    weights = model.weights if model is not None else {}
    if weights.get(f"heading:{facet}", 0.0) > 0:
        out += [f"heading: {h}" for h in ctx.headings[:3] if matched_cues(h, facet, label)][:1]
    if weights.get("instrument", 0.0) > 0:
        out += [f"instrument: {i}" for i in ctx.instruments if matched_cues(i, facet, label)][:1]
    return out
