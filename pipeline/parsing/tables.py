"""Pipe tables ("| STT | Nội dung | Cơ quan chủ trì | Cơ quan phối hợp |"): what a row is, what its columns mean.

One definition for the three places that meet them: the DOCX reader (which
writes Word tables of tasks as such rows), the structure (a row is a task) and
the agencies extractor (a body in a "chủ trì" column leads, in a "phối hợp"
column supports). The column cues are `table_columns` in resources/agencies.yaml.
"""

from __future__ import annotations

import re
from functools import cache

from pipeline.knowledge.loader import load_yaml
from pipeline.textutils import fold

ROW = re.compile(r"[ \t\u00a0]*\|(?=(?:[^|\n]*\|){2})")  # "| a | b |": three bars at least
SEPARATOR = re.compile(r"[\s|:\-–—]+")  # "|---|:---:|"


def is_row(line: str) -> bool:
    """A table row (the header included), not its |---| separator line."""
    return bool(ROW.match(line)) and not SEPARATOR.fullmatch(line)


@cache
def _column_cues() -> dict[str, list[re.Pattern]]:
    columns = load_yaml("agencies.yaml")["table_columns"]
    return {role: [re.compile(rf"(?<!\w){re.escape(fold(c))}(?!\w)") for c in cues] for role, cues in columns.items()}


def column_roles(header_cells: list[str]) -> list[str | None]:
    """The role each column gives the bodies named in it, from the header cells: support is checked
    first ("Đơn vị phối hợp thực hiện"), then lead; "Thời gian thực hiện" gives none."""
    cues = _column_cues()
    out: list[str | None] = []
    for cell in header_cells:
        folded = fold(cell)
        out.append(next((role for role in ("support", "lead") if any(p.search(folded) for p in cues[role])), None))
    return out
