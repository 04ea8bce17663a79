"""Document metadata: type, number, date, issuer, level, province, year, title, signer.

STUB: the structure helper implements it.
"""

from __future__ import annotations

from pipeline.document import Metadata, SectionTree


def extract_metadata(text: str, tree: SectionTree) -> Metadata:
    return Metadata()
