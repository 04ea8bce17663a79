"""Paragraphs of PDF pages from the geometry of their text lines.

Input per page: text lines as dicts with `text`, `x0`, `x1`, `top`, `bottom`
(points, y down), from pypdfium2 or pdfplumber; a line with `table` set is a
pipe row of a ruled table and stays a paragraph of its own. Output: the page's
running header, body paragraphs and footer; `join_pages` joins a paragraph (or
a table row) running over a page break and drops a table header repeated on
the next page.
"""

from __future__ import annotations

from dataclasses import dataclass

from pipeline.parsing import tables


@dataclass
class PageText:
    header: list[str]  # lines in the top margin (running header)
    body: list[str]  # one paragraph per entry
    footer: list[str]  # lines in the bottom margin (page number, running footer)
    ends_open: bool  # the last body line runs to the right margin: the paragraph may go on
    starts_flush: bool  # the first body line is not indented and not a list label
    uses_indent: bool  # paragraphs start indented, so a flush first line goes on the paragraph before
    margins: tuple[float, float] | None = None  # left and right edges of full lines


MIN_LINES_FOR_MARGINS = 6  # fewer prose lines on a page: use the margins of the page before


def page_text(lines: list[dict], height: float, margins: tuple[float, float] | None = None) -> PageText:
    """Paragraphs of a page from its layout: wrapped lines of a paragraph are joined.

    A new paragraph starts after extra vertical space, at an indented line, after
    a line that stops short of the right margin, or at a list label. `margins`
    (left, right) of an earlier page serve a page with too few lines to tell its own.
    """
    from pipeline.reading.clean import is_range_continuation, starts_with_label

    header, footer, body_lines = _split_margins(lines, height)
    prose = [ln for ln in body_lines if not ln.get("table")]
    if len(prose) < 3:
        return PageText(header, [ln["text"].strip() for ln in body_lines], footer, False, False, False, margins)
    rights = sorted(ln["x1"] for ln in prose)
    right = rights[int(0.9 * (len(rights) - 1))]
    # the left margin: where full lines (the inside of paragraphs) start
    span = right - min(ln["x0"] for ln in prose)
    full = [ln["x0"] for ln in prose if ln["x1"] >= right - 0.12 * span]
    left = min(full or [ln["x0"] for ln in prose])
    if margins and len(prose) < MIN_LINES_FOR_MARGINS:
        left, right = margins
    width = max(right - left, 1)
    steps = sorted(b["top"] - a["top"] for a, b in zip(prose, prose[1:], strict=False) if b["top"] > a["top"])
    pitch = steps[len(steps) // 2] if steps else 0

    def indented(ln) -> bool:
        return ln["x0"] > left + 0.02 * width

    def short(ln) -> bool:
        return ln["x1"] < right - 0.12 * width

    out = [body_lines[0]["text"].strip()]
    for a, b in zip(body_lines, body_lines[1:], strict=False):
        text = b["text"].strip()
        new_paragraph = (
            a.get("table") or b.get("table")  # a table row is a paragraph of its own
            or b["top"] - a["top"] > 1.35 * pitch
            or b["top"] < a["top"]  # a new column or an out-of-order block
            or indented(b)
            or short(a)
            or (starts_with_label(text) and out[-1][-1:] not in ",-–(" and not is_range_continuation(out[-1], text))
        )
        if new_paragraph:
            out.append(text)
        else:
            out[-1] += " " + text
    first = body_lines[0]["text"].strip()
    uses_indent = any(indented(ln) and not starts_with_label(ln["text"].strip()) for ln in prose)
    return PageText(header, out, footer,
                    ends_open=not body_lines[-1].get("table") and not short(body_lines[-1]),
                    starts_flush=(not body_lines[0].get("table") and not indented(body_lines[0])
                                  and not starts_with_label(first)),
                    uses_indent=uses_indent,
                    margins=(left, right) if len(prose) >= MIN_LINES_FOR_MARGINS else margins)


def _split_margins(lines: list[dict], height: float) -> tuple[list[str], list[str], list[dict]]:
    """Header lines (top 15% of the page, set apart by a gap), footer lines likewise, and the body."""
    if len(lines) < 3:
        return [], [], lines
    steps = sorted(b["top"] - a["top"] for a, b in zip(lines, lines[1:], strict=False) if b["top"] > a["top"])
    pitch = steps[len(steps) // 2] if steps else 0
    head = 0
    while (head < min(2, len(lines) - 1) and lines[head]["bottom"] < 0.15 * height
           and lines[head + 1]["top"] - lines[head]["top"] > 1.8 * pitch):
        head += 1
    tail = len(lines)
    while (tail - 1 > head and len(lines) - tail < 2 and lines[tail - 1]["top"] > 0.85 * height
           and lines[tail - 1]["top"] - lines[tail - 2]["top"] > 1.8 * pitch):
        tail -= 1
    strip = [ln["text"].strip() for ln in lines]
    return strip[:head], strip[tail:], lines[head:tail]


def join_pages(pages: list[PageText]) -> str:
    """Pages separated by form feeds; a paragraph running over a page break is joined.

    The running header and footer of the break are moved after the joined
    paragraph, so the text reads in order (cleaning removes them).
    """
    open_para: list[str] | None = None  # the body list whose last paragraph may go on
    indents = any(p.uses_indent for p in pages)  # the document's paragraphs start indented
    before: list[str] = []  # the body of the page before
    for page in pages:
        _continue_table(before, page.body)
        before = page.body or before
        if (open_para and page.body and page.starts_flush
                and (indents or open_para[-1][-1:] not in ".!?:;…")):
            open_para[-1] += " " + page.body.pop(0)
            if page.body:
                open_para = page.body if page.ends_open else None
            continue
        open_para = page.body if page.body and page.ends_open else None
    return "\f".join("\n".join(p.header + p.body + p.footer) for p in pages)


def _cells(row: str) -> list[str]:
    return [c.strip() for c in row.strip().strip("|").split("|")]


def _continue_table(before: list[str], body: list[str]) -> None:
    """A table going on over a page break: its header row printed again is dropped, and
    a row split by the break (the next page's first row has no number) is joined."""
    if not before or not body or not tables.is_row(before[-1]) or not tables.is_row(body[0]):
        return
    start = len(before) - 1
    while start > 0 and tables.is_row(before[start - 1]):
        start -= 1
    header = _cells(before[start])
    if _cells(body[0]) == header and len(before) - start > 1:
        body.pop(0)
    if not body or not tables.is_row(body[0]):
        return
    last, first = _cells(before[-1]), _cells(body[0])
    if len(first) == len(last) and not first[0] and first != header:
        merged = [" ".join(x for x in (a, b) if x) for a, b in zip(last, first, strict=True)]
        before[-1] = "| " + " | ".join(merged) + " |"
        body.pop(0)
