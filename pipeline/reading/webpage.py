"""Saved web pages (.html, .htm): the plan's own text, without the portal around it.

Parsed with selectolax (the Lexbor HTML5 parser: 1 ms a page, against 33 ms
for trafilatura, whose cache of paragraphs already seen also made a page's text
depend on the pages read before it in the same process). Scripts, styles,
forms and the page's navigation, header, footer and sidebars go first (by tag,
and by the class or id names portals give them); the main content is the
block that holds the most text outside links, scored as Readability does
(each paragraph counts for its parent and, half, for its grandparent), unless
the page marks it as <article> or <main>. It is written one block per line:
headings and paragraphs as lines, list items with their label ("- ", or
"1." in an ordered list, unless the item writes its own), <br> as a line
break, tables of tasks as pipe rows (as the DOCX reader does), other tables
cell by cell.
"""

from __future__ import annotations

import re
import unicodedata
from pathlib import Path

from pipeline.document import RawDocument
from pipeline.errors import UnreadableFile

_DROP_TAGS = "script, style, noscript, template, form, nav, header, footer, aside, iframe, svg, button, select"
_BOILERPLATE = re.compile(r"(?:^|[\s_-])(?:nav|navbar|menu|footer|sidebar|side-bar|breadcrumbs?|share|social|"
                          r"comments?|banner|related|advert|ads|cookie|top-bar|toolbar|pagination)(?:$|[\s_-])", re.I)
_BLOCKS = {"p", "div", "section", "article", "main", "blockquote", "pre", "center", "dd", "dt", "dl",
           "h1", "h2", "h3", "h4", "h5", "h6", "ul", "ol", "li", "figure", "figcaption", "address", "hr"}
_PARAGRAPHS = "p, li, h1, h2, h3, h4, h5, h6, td, pre, blockquote"
_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?([\w-]+)""", re.I)


def looks_like_html(head: bytes) -> bool:
    """A web page: starts (after a BOM and blank space) with a doctype, <html>, or a comment before it."""
    start = head.lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    return start.startswith((b"<!doctype html", b"<html", b"<!--")) and b"<html" in head.lower()


def read_html(path: Path) -> RawDocument:
    """The main text of a saved web page."""
    from selectolax.lexbor import LexborHTMLParser

    data = path.read_bytes()
    html, warnings = _decode(data)
    tree = LexborHTMLParser(html)
    for node in tree.css(_DROP_TAGS):
        node.decompose()
    for node in list(tree.css("[class], [id]")):
        if node.parent is not None and _BOILERPLATE.search(f"{node.attributes.get('class') or ''} "
                                                           f"{node.attributes.get('id') or ''}"):
            node.decompose()
    root = _main_content(tree)
    lines: list[str] = []
    if root is not None:
        _Writer(lines).block(root)
    text = unicodedata.normalize("NFC", "\n".join(ln for ln in (" ".join(x.split()) for x in lines) if ln))
    if not text.strip():
        raise UnreadableFile("the web page holds no text", "save the page again with its content (or print it to PDF)")
    return RawDocument(source=str(path), format="html", text=text, pages=1, warnings=warnings)


def _decode(data: bytes) -> tuple[str, list[str]]:
    try:
        return data.decode("utf-8-sig"), []
    except UnicodeDecodeError:
        pass
    declared = _CHARSET.search(data[:4096])
    if declared:
        try:
            return data.decode(declared.group(1).decode("ascii")), [f"decoded as {declared.group(1).decode()}"]
        except (LookupError, UnicodeDecodeError):
            pass
    return unicodedata.normalize("NFC", data.decode("cp1258", errors="replace")), ["decoded as Windows-1258"]


def _main_content(tree):
    """<article> or <main> when the page marks it, else the block with the most paragraph text."""
    for selector in ("article", "main", "[role=main]"):
        found = [n for n in tree.css(selector) if len(n.text(strip=True)) > 200]
        if found:
            return max(found, key=lambda n: len(n.text(strip=True)))
    scores: dict[int, float] = {}
    nodes: dict[int, object] = {}
    for para in tree.css(_PARAGRAPHS):
        size = len(para.text(strip=True)) - sum(len(a.text(strip=True)) for a in para.css("a"))
        if size <= 0:
            continue
        for weight, node in ((1.0, para.parent), (0.5, para.parent.parent if para.parent else None)):
            if node is not None and node.tag not in ("html", "tr", "tbody", "thead", "table"):
                key = node.mem_id
                nodes[key] = node
                scores[key] = scores.get(key, 0.0) + weight * size
    if not scores:
        return tree.body
    return nodes[max(scores, key=scores.get)]


class _Writer:
    """Block elements to lines, in document order."""

    def __init__(self, lines: list[str]):
        self.lines = lines
        self.buffer: list[str] = []

    def flush(self) -> None:
        text = "".join(self.buffer).strip()
        if text:
            self.lines.append(text)
        self.buffer = []

    def block(self, node, label: str = "") -> None:
        from pipeline.reading.clean import starts_with_label

        self.flush()
        start = len(self.lines)
        ordinal = 0
        for child in node.iter(include_text=True):
            tag = child.tag
            if tag == "-text":
                self.buffer.append(child.text_content or "")
            elif tag == "br":
                self.flush()
            elif tag == "table":
                self.flush()
                self.table(child)
            elif tag == "li":
                ordinal += 1
                self.block(child, f"{ordinal}." if node.tag == "ol" else "-")
            elif tag in _BLOCKS:
                self.block(child)
            else:
                self.inline(child)
        self.flush()
        if label and len(self.lines) > start and not starts_with_label(self.lines[start]):
            self.lines[start] = f"{label} {self.lines[start]}"

    def inline(self, node) -> None:
        for child in node.iter(include_text=True):
            if child.tag == "-text":
                self.buffer.append(child.text_content or "")
            elif child.tag == "br":
                self.flush()
            elif child.tag == "table":
                self.flush()
                self.table(child)
            elif child.tag in _BLOCKS:
                self.block(child)
            else:
                self.inline(child)

    def table(self, node) -> None:
        from pipeline.parsing import tables

        rows = [[" ".join(c.text(separator=" ", strip=True).split()).replace("|", "/") for c in tr.css("td, th")]
                for tr in node.css("tr")]
        rows = [r for r in rows if any(r)]
        if rows and len(rows[0]) >= 2 and any(tables.column_roles(rows[0])):
            self.lines.extend("| " + " | ".join(r) + " |" for r in rows)
            return
        for row in rows:
            self.lines.extend(c for c in row if c)
