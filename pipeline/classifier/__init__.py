"""Theme classifier for tasks (issue 7)."""

from __future__ import annotations

from pipeline.document import Task


def tag_tasks(tasks: list[Task]) -> None:
    """Fill `themes` and `activities` of each task in place (STUB until issue 7)."""
