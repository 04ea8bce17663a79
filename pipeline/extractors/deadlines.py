"""Deadlines and periods (STUB until issue 3)."""

from __future__ import annotations

from pipeline.document import Deadline, Metadata, SectionTree


def extract_deadlines(text: str, tree: SectionTree, meta: Metadata) -> list[Deadline]:
    return []
