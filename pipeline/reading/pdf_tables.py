"""Ruled tables of a PDF page, found with pdfplumber's table finder.

A table whose header row names who does the work ("Cơ quan chủ trì", "Cơ
quan phối hợp": `pipeline.parsing.tables.column_roles`) is written as pipe
rows, one task per row, as the DOCX reader writes Word tables of tasks; its
continuation on the next page (same number of columns, no header) too. Any
other ruled table is read cell by cell, row by row, as paragraphs.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass

from pipeline.parsing import tables


@dataclass
class Table:
    bbox: tuple[float, float, float, float]  # x0, top, x1, bottom
    rows: list[list[str]]
    tasks: bool  # a table of tasks: read row by row as pipe rows


def _cell(text: str | None) -> str:
    return " ".join(unicodedata.normalize("NFC", text or "").split()).replace("|", "/")


def find(page, task_columns: int | None = None) -> list[Table]:
    """The ruled tables of a pdfplumber page; `task_columns`: the column count of a table of
    tasks the page before ended with (a headerless table of that width goes on with it)."""
    out: list[Table] = []
    for found in page.find_tables():
        rows = [[_cell(c) for c in row] for row in found.extract()]
        rows = [r for r in rows if any(r)]
        if not rows or max(map(len, rows)) < 2:
            continue
        headed = any(tables.column_roles(rows[0]))
        goes_on = task_columns is not None and not out and len(rows[0]) == task_columns
        out.append(Table(tuple(found.bbox), rows, headed or goes_on))
    return out


def merge(lines: list[dict], found: list[Table]) -> list[dict]:
    """The page's text lines with those inside a table replaced by the table's rows, in place."""
    if not found:
        return lines

    def inside(ln: dict, t: Table) -> bool:
        x0, top, x1, bottom = t.bbox
        middle = (ln["top"] + ln["bottom"]) / 2
        return top <= middle <= bottom and ln["x0"] >= x0 - 2 and ln["x1"] <= x1 + 2

    out = [ln for ln in lines if not any(inside(ln, t) for t in found)]
    for t in found:
        x0, top, x1, bottom = t.bbox
        rows = _table_lines(t)
        step = (bottom - top) / max(len(rows), 1)
        out.extend({"text": text, "x0": x0, "x1": x1, "top": top + k * step, "bottom": top + (k + 1) * step,
                    "table": True} for k, text in enumerate(rows))
    out.sort(key=lambda ln: ln["top"])
    return out


def _table_lines(t: Table) -> list[str]:
    if t.tasks:
        return ["| " + " | ".join(row) + " |" for row in t.rows]
    return [cell for row in t.rows for cell in row if cell]
