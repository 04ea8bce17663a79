"""Responsible agencies with sector, level and role (STUB until issue 4)."""

from __future__ import annotations

from pipeline.document import AgencyMention, Metadata, SectionTree


def extract_agencies(text: str, tree: SectionTree, meta: Metadata) -> list[AgencyMention]:
    return []


def assign_task_agencies(tree: SectionTree, mentions: list[AgencyMention]) -> None:
    """Fill each task's `agencies` ("sector/level"), inherited from its block."""
