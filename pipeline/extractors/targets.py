"""Numeric targets (STUB until issue 4)."""

from __future__ import annotations

from pipeline.document import Metadata, SectionTree, Target


def extract_targets(text: str, tree: SectionTree, meta: Metadata) -> list[Target]:
    return []
