"""Where a plan's front matter ends, its own number, and the year it is for.

Shared by citations (the preamble decides `implements`; the own number is
not a citation) and deadlines (the plan year fills dates written without
one). Each falls back on the text itself when metadata or structure are
missing, so the extractors work on any text.
"""

from __future__ import annotations

from functools import cache

import regex as re

from pipeline.document import Metadata, SectionTree
from pipeline.extraction.citations.find import type_words
from pipeline.extraction.citations.symbols import find_symbols, norm_number
from pipeline.knowledge.loader import load_yaml
from pipeline.parsing.structure import document_header_at
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
_NUMBER_INTRO = re.compile(fold(_PATTERNS["number_intro"]))
_SENTENCE_END = re.compile(r"\.(?=\s)|\n[ \t]*\n|\)")
_DATE_AFTER = re.compile(fold(_PATTERNS["date_intro"]))
_BARE_BRACKET = re.compile(r"\(\s*([^()\s][^()\n]{2,60}?)\s*\)")


def body_start(folded: str, tree: SectionTree | None) -> int:
    """Offset where the body (first section) begins; the front matter is before it.

    Without sections, the first heading after the document's own header (a
    portal's breadcrumbs "1. Trang chủ" above it are no heading)."""
    if tree is not None and tree.sections:
        return min(s.start for s in tree.sections)
    m = _FIRST_HEADING.search(folded, document_header_at(folded) or 0)
    return m.start() if m else len(folded)


@cache
def _reported() -> tuple[re.Pattern, re.Pattern, re.Pattern, re.Pattern, dict]:
    data = load_yaml("instruments.yaml")["reported_document"]

    def alts(words: list[str]) -> str:
        return "|".join(re.escape(fold(w)).replace(r"\ ", r"\s+") for w in sorted(words, key=len, reverse=True))

    types = type_words()[0].pattern
    verb = re.compile(rf"(?<![\w])(?:(?:{alts(data['adverbs'])})\s+)*(?:{alts(data['verbs'])})\s+{types}")
    bracket = re.compile(rf"\(\s*(?:{types})?{fold(_PATTERNS['number_intro'])}")
    ends = re.compile(rf"(?<![\w])(?:{alts(data['opening_ends'])})(?![\w])")
    past = re.compile(rf"(?<![\w])(?:{alts(data['past'])})\s+$")
    return verb, bracket, ends, past, data


@cache
def _title_type() -> re.Pattern:
    return re.compile(rf"\s*[#*>|]*[ \t]*{type_words()[0].pattern}[ \t]+")


def reported_document(text: str, folded: str) -> tuple[int, int] | None:
    """Span of the number of the document a summary reports on ("UBND tỉnh vừa ban hành Kế hoạch số …").

    The document the page's first line is titled by; else the first document
    the opening says is issued; else a symbol alone in brackets in the title
    before the addressee or the first cue.
    """
    verb, bracket, ends, past, data = _reported()
    window = min(len(folded), int(data["window"]))
    symbols = {a: b for a, b, _ in find_symbols(text[:window], folded[:window])}
    title = _title_type().match(folded)  # a portal page titled "Kế hoạch 182/KH-UBND 2022 …"
    if title and title.end() in symbols and "\n" in folded[title.end():title.end() + 300]:
        end = symbols[title.end()]
        if _DATE_AFTER.match(folded, end) is None:  # "Quyết định 23/QĐ-TTg ngày …" opens a sentence
            return title.end(), end
    heading = _FIRST_HEADING.search(folded, 0, window)
    for m in verb.finditer(folded, 0, window):
        if heading and heading.start() < m.start() and past.search(folded, max(0, m.start() - 20), m.start()):
            continue  # a plan's body telling what was issued before: a citation
        at = _NUMBER_INTRO.match(folded, m.end()).end()
        if at in symbols:
            return at, symbols[at]
        stop = _SENTENCE_END.search(folded, m.end(), min(window, m.end() + int(data["bracket_window"])))
        for b in bracket.finditer(folded, m.end(), stop.start() if stop else window):
            if b.end() in symbols:
                return b.end(), symbols[b.end()]
    end = ends.search(folded, 0, window)
    for b in _BARE_BRACKET.finditer(folded, 0, end.start() if end else window):
        if b.start(1) in symbols and symbols[b.start(1)] == b.end(1):
            return b.start(1), b.end(1)
    return None


def own_numbers(text: str, folded: str, meta: Metadata | None) -> set[str]:
    """Comparison forms of the document's own number: metadata and its header lines; without a
    header line, also the number of the document a summary reports on (kept whole: "765/SGD&ĐT-HSSV"
    even where another stage read less of it)."""
    out: set[str] = set()
    # the header is near the top; site banners may put a numbered line before it
    limit = max(body_start(folded, None), min(len(folded), 3000))
    symbols = {a: b for a, b, _ in find_symbols(text[:limit], folded[:limit])}
    for m in [*_OWN_NUMBER.finditer(folded, 0, limit), *_OWN_NUMBER_INLINE.finditer(text, 0, limit)]:
        end = symbols.get(m.end())
        if end is not None:
            out.add(norm_number(text[m.end():end]))
    header = bool(out)
    if meta is not None and meta.number:
        out.add(norm_number(meta.number))
    if not header:
        reported = reported_document(text, folded)
        if reported is not None:
            out.add(norm_number(text[reported[0]:reported[1]]))
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
