"""Split a cleaned text into its section tree and leaf tasks.

STUB: the structure helper implements Roman/arabic/lettered/bullet parsing.
"""

from __future__ import annotations

from pipeline.document import SectionTree


def parse_structure(text: str) -> SectionTree:
    return SectionTree()
