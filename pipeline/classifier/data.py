"""The labelled tasks under `data/labels/`, with excerpt references resolved.

Sample-plan tasks are stored with their text (the sample plans are ours).
Excerpt tasks are stored as references (excerpt id + character offsets +
a short hash of the span), never as text: the excerpts are not ours, so the
text is read from ../shared/corpus/excerpts/ at training time.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
LABELS_DIR = ROOT / "data" / "labels"
EXCERPTS_DIR = ROOT.parent / "shared" / "corpus" / "excerpts"
DEV_THEMES = ROOT.parent / "shared" / "gold" / "dev" / "themes.jsonl"


@dataclass
class LabelledTask:
    group: str  # the document it was cut from: CV folds never split a group
    text: str
    themes: list[str]
    activities: list[str]
    source: str = ""  # "sample" | "excerpt"
    start: int | None = None  # an excerpt task's character offset in its excerpt file


@dataclass
class LabelledData:
    tasks: list[LabelledTask] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)  # what was left out and why
    excerpts_dir: Path | None = None  # where the excerpt tasks were read (their context is parsed from there)

    @property
    def groups(self) -> list[str]:
        return [t.group for t in self.tasks]


def span_hash(text: str) -> str:
    return hashlib.sha1(text.encode("utf-8")).hexdigest()[:12]


def _read_jsonl(path: Path) -> list[dict]:
    with open(path, encoding="utf-8") as f:
        return [json.loads(line) for line in f if line.strip()]


def dev_keys(path: Path = DEV_THEMES) -> set[str]:
    """Match keys of the dev gold texts (empty when ../shared is absent): these never go into training."""
    from pipeline.classifier.cues import match_key

    return {match_key(r["text"]).strip() for r in _read_jsonl(path)} if Path(path).is_file() else set()


def load_labelled(labels_dir: Path = LABELS_DIR, excerpts_dir: Path | None = EXCERPTS_DIR,
                  drop_dev: bool = True) -> LabelledData:
    """All labelled tasks of every `*.jsonl` under labels_dir (sample rows carry `doc_id` + `text`,
    excerpt rows a reference), sorted by (group, text) so training is order-independent; dev texts left out."""
    data = LabelledData(excerpts_dir=Path(excerpts_dir) if excerpts_dir is not None else None)
    rows = [r for path in sorted(Path(labels_dir).glob("*.jsonl")) for r in _read_jsonl(path)]
    for r in rows:
        if "doc_id" in r:
            data.tasks.append(LabelledTask(r["doc_id"], r["text"], sorted(r["themes"]), sorted(r["activities"]), "sample"))
    refs = [r for r in rows if "excerpt" in r]
    if excerpts_dir is None or not Path(excerpts_dir).is_dir():
        data.notes.append(f"{len(refs)} excerpt tasks skipped: {excerpts_dir} is not present; "
                          "trained on the sample-plan tasks only")
    else:
        cache: dict[str, str] = {}
        bad = 0
        for r in refs:
            x = r["excerpt"]
            if x not in cache:
                p = Path(excerpts_dir) / f"{x}.txt"
                cache[x] = p.read_text(encoding="utf-8") if p.is_file() else ""
            span = cache[x][r["start"]:r["end"]]
            if not span or span_hash(span) != r["sha1"]:
                bad += 1
                continue
            data.tasks.append(LabelledTask(x, span, sorted(r["themes"]), sorted(r["activities"]), "excerpt",
                                           r["start"]))
        if bad:
            data.notes.append(f"{bad} excerpt tasks skipped: their excerpt file is missing or changed")
    if drop_dev:
        _drop_dev_texts(data)
    data.tasks.sort(key=lambda t: (t.group, t.text))
    return data


def _drop_dev_texts(data: LabelledData) -> None:
    """The dev set is the yardstick: a labelled text that is also a dev task is not trained on (and said so)."""
    from pipeline.classifier.cues import match_key

    dev = dev_keys()
    kept = [t for t in data.tasks if match_key(t.text).strip() not in dev]
    if len(kept) < len(data.tasks):
        data.notes.append(f"{len(data.tasks) - len(kept)} labelled tasks skipped: their text is a dev task")
    data.tasks = kept
