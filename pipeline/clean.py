"""Clean a `RawDocument` into the one canonical text the record holds.

STUB: NFC only. The foundation helper adds page-number, header/footer and link
removal and the re-joining of wrapped lines, with an offset map to the raw text.
"""

from __future__ import annotations

from pipeline.document import RawDocument
from pipeline.textutils import nfc


def clean(raw: RawDocument) -> tuple[str, list[int]]:
    """Return the cleaned text and, for each of its characters, the offset in `raw.text`."""
    text = nfc(raw.text)
    return text, list(range(len(text)))
