"""The context of each labelled task (headings, cited instruments, agencies), for training the context weights.

The labels store only a task's text (sample plans) or its offsets (excerpts);
here each source document is run through the stages up to the citations and
the task is located in it, so training sees the same context that
`tag_tasks(..., tree=, citations=, agencies=)` gets in the pipeline. A task
that cannot be located (its document is absent) gets an empty context.
"""

from __future__ import annotations

import bisect
from pathlib import Path

from pipeline.classifier.context import TaskContext, of_task
from pipeline.classifier.data import EXCERPTS_DIR, ROOT, LabelledTask
from pipeline.document import RawDocument, Task

RAW_DIR = ROOT / "data" / "raw"


def _parsed(path: Path):
    """(cleaned text, offset map, tree, citations, agencies) of one document, through the stages the context needs."""
    from pipeline.process import process_text
    from pipeline.reading.clean import clean

    raw = path.read_text(encoding="utf-8")
    text, offs = clean(RawDocument(source=str(path), format="txt", text=raw))
    doc = process_text(raw, path.stem, str(path), until="citations")
    return text, offs, doc.tree, doc.citations, doc.agencies


def _locate(task: LabelledTask, text: str, offs: list[int], raw_start: int | None) -> int | None:
    """Where the task starts in the cleaned text: from its raw offset (excerpts) or by its first words."""
    if raw_start is not None:
        i = bisect.bisect_left(offs, raw_start)
        return i if i < len(text) else None
    for n in (60, 30):
        pos = text.find(" ".join(task.text.split())[:n])
        if pos >= 0:
            return pos
    return None


def contexts(tasks: list[LabelledTask], excerpts_dir: Path | None = EXCERPTS_DIR) -> list[TaskContext]:
    """One context per task, in order."""
    parsed: dict[str, tuple | None] = {}
    out = []
    for task in tasks:
        if task.group not in parsed:
            folder = RAW_DIR if task.source == "sample" else Path(excerpts_dir or "")
            path = folder / f"{task.group}.txt"
            parsed[task.group] = _parsed(path) if path.is_file() else None
        doc = parsed[task.group]
        pos = _locate(task, doc[0], doc[1], task.start) if doc else None
        if doc is None or pos is None:
            out.append(TaskContext())
            continue
        text, _, tree, citations, agencies = doc
        found = tree.task_at(pos)
        probe = Task(id="", section=tree.section_at(pos) or "", text=task.text, start=pos, end=pos + len(task.text),
                     agencies=list(found.agencies) if found else [])
        out.append(of_task(probe, tree, citations, agencies))
    return out
