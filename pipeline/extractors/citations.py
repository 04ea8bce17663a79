"""Cited legal instruments (STUB until issue 3)."""

from __future__ import annotations

from pipeline.document import Citation, Metadata, SectionTree


def extract_citations(text: str, tree: SectionTree, meta: Metadata) -> list[Citation]:
    return []
