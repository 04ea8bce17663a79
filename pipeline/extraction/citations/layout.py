"""Where a plan's front matter ends, its own number, and the year it is for.

Shared by citations (the preamble decides `implements`; the own number is
not a citation) and deadlines (the plan year fills dates written without
one). Each falls back on the text itself when metadata or structure are
missing, so the extractors work on any text.
"""

from __future__ import annotations

import regex as re

from pipeline.document import Metadata, SectionTree
from pipeline.extraction.citations.symbols import find_symbols, norm_number
from pipeline.knowledge.loader import load_yaml
from pipeline.textutils import fold

_PATTERNS = load_yaml("instruments.yaml")["patterns"]
# first body heading when the structure stage found none: "I. MỤC ĐÍCH", "1. …", "Điều 1."
_FIRST_HEADING = re.compile(fold(_PATTERNS["first_heading"]))
# the document's own number in its header: "Số: 31 /KH-UBND", "| Số hiệu | 36/KH-UBND |"
_OWN_NUMBER = re.compile(fold(_PATTERNS["own_number"]))
# "… Hạnh phúc Số: 170/KH- MNPT …": a capitalised "Số:" inside a flattened header line
_OWN_NUMBER_INLINE = re.compile(_PATTERNS["own_number_inline"])
_YEAR_WORD = re.compile(fold(_PATTERNS["title_year"]))
_ANY_YEAR = re.compile(r"(?<![\d/.,])((?:19|20)\d\d)(?![\d/])")
_DOC_TYPE_LINE = re.compile(fold(_PATTERNS["doc_type_line"]))


def body_start(folded: str, tree: SectionTree | None) -> int:
    """Offset where the body (first section) begins; the front matter is before it."""
    if tree is not None and tree.sections:
        return min(s.start for s in tree.sections)
    m = _FIRST_HEADING.search(folded)
    return m.start() if m else len(folded)


def own_numbers(text: str, folded: str, meta: Metadata | None) -> set[str]:
    """Comparison forms of the document's own number: metadata, else its header lines."""
    out: set[str] = set()
    if meta is not None and meta.number:
        out.add(norm_number(meta.number))
    # the header is near the top; site banners may put a numbered line before it
    limit = max(body_start(folded, None), min(len(folded), 3000))
    symbols = {a: b for a, b, _ in find_symbols(text[:limit], folded[:limit])}
    for m in [*_OWN_NUMBER.finditer(folded, 0, limit), *_OWN_NUMBER_INLINE.finditer(text, 0, limit)]:
        end = symbols.get(m.end())
        if end is not None:
            out.add(norm_number(text[m.end():end]))
    return out


def plan_year(folded: str, meta: Metadata | None, tree: SectionTree | None = None) -> int | None:
    """The year the plan is for: metadata, else "năm YYYY" in its title, else its date line, else the commonest year."""
    if meta is not None and meta.year:
        return meta.year
    front_end = body_start(folded, tree)
    title = _DOC_TYPE_LINE.search(folded, 0, front_end)
    if title:
        m = _YEAR_WORD.search(folded, title.end(), front_end)
        if m:
            return int(m.group(1))
    if meta is not None and meta.issue_date:
        return int(meta.issue_date[:4])
    m = _ANY_YEAR.search(folded, 0, 1500)  # undated: the first year of the opening (a portal's date line)
    return int(m.group(0)) if m else None
