"""Read a plan file into a `RawDocument` (.txt/.md, .pdf, .docx), chosen by content.

STUB: the foundation helper replaces this with content sniffing, PDF and DOCX
readers and clear errors for broken input.
"""

from __future__ import annotations

from pathlib import Path

from pipeline.document import RawDocument
from pipeline.errors import UnreadableFile

SUPPORTED_SUFFIXES = {".txt", ".md", ".pdf", ".docx"}


def read(path: str | Path) -> RawDocument:
    p = Path(path)
    data = p.read_bytes()
    if not data.strip():
        raise UnreadableFile("the file is empty", "check the download or export")
    return RawDocument(source=str(path), format="txt", text=data.decode("utf-8", errors="replace"))
