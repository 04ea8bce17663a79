"""Split a cleaned text into its section tree and leaf tasks.

Plans number their parts I., II. (level 1) and 1., 1.1., 2) (level 2), and
list the work as lettered points (a), đ)) and bullets (-, +). A decision
(Quyết định) without a Roman level is split by its articles "Điều 1." (level 1,
id "1") and their clauses "1." (level 2); with a Roman-numbered plan the Roman
parts are the sections. Lines above the document's own header (the national
motto) are web-page chrome and start no section. One pass over
the lines classifies each one (find), a stack nests them (resolve), then
sections and tasks are read off the tree (models in pipeline.document).

The input follows the cleaning contract: one paragraph, list item or heading
per line, labels at line starts, markdown markers (#, **, *) possibly kept.
Every offset points into the given text, so `text[task.start:task.end]` is
the task's evidence exactly.

Task ids (see docs/record.md): a task is named after its parent node plus
its own label: lettered point "II.3.g", bullet "II.1.-2" (marker and
ordinal among the parent's bullets of that marker), unlabelled paragraph
"II.2.p1", numbered item in parentheses "II.3.a.1)". A numbered section
whose own line is a task keeps the section id ("II.1"). A repeated id gets
"_2", "_3" so ids stay unique.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cache, lru_cache

from pipeline.document import Section, SectionTree, Task
from pipeline.knowledge.loader import load_yaml
from pipeline.parsing import tables
from pipeline.textutils import fold, strip_accents

_LINE_RE = re.compile(r"[^\n]+")
_LEAD_RE = re.compile(r"[ \t\u00a0\u200b\ufeff|>]*(?:#{1,6}[ \t]+)?")
_EMPH_RE = re.compile(r"(\*{1,3}|_{1,3})?[ \t]*")
_ROMAN_RE = re.compile(r"([IVX]{1,6})(?:[ \t]*[.)][ \t]*|[ \t]*[/-][ \t]+)(?=[^\d\s])")
# "1. 100% trẻ em ..." is an item (a space after the label, then a digit); "1.000" and "1.5" are numbers
_NUM_RE = re.compile(r"(\d{1,2}(?:\.\d{1,2}){0,3})(?:[ \t]*([.)])(?:[ \t]*(?=[^\d\s])|[ \t]+(?=\d))"
                     r"|(?:[ \t]*(/)[ \t]+|([ \t]+))(?=[^\d\s]))")
_TRAIL_RE = re.compile(r"[\s*_#|]+$")
_MARKUP_RE = re.compile(r"[*_#`|]+")
_SENTENCE_END = ".;…!?"

_ROMAN_VALUES = {"I": 1, "V": 5, "X": 10}

# fixed ranks: a new node closes every open node of rank >= its own
_RANK_ROMAN = 0
_RANK_LETTER = 10
_RANK_DYNAMIC = 20  # bullets and nested "1)" items nest by first appearance


@cache
@cache
def _label_patterns() -> dict[str, re.Pattern]:
    """The labels whose words are Vietnamese (articles "Điều 1.", points "a)", "đ)"), from structure.yaml."""
    return {kind: re.compile(p) for kind, p in load_yaml("structure.yaml")["label_patterns"].items()}


@cache
def _config() -> dict:
    """structure.yaml with its patterns compiled, once per process."""
    cfg = load_yaml("structure.yaml")
    return {
        # patterns are folded like the lines they are matched on
        "closing": [re.compile(fold(p)) for p in cfg["closing_line_patterns"]],
        "soft": [re.compile(fold(p)) for p in cfg["soft_closing_patterns"]],
        "bullets": dict(cfg["bullet_markers"]),
        "max_heading": int(cfg.get("max_inline_heading_chars", 160)),
        # matched on accent-stripped lines (OCR text often loses the marks)
        "header": [re.compile(p) for p in cfg["header_line_patterns"]],
        "header_within": float(cfg.get("header_within_share", 0.34)),
        "header_within_chars": int(cfg.get("header_within_chars", 0)),
    }


def roman_value(s: str) -> int | None:
    """Value of a Roman numeral made of I, V, X; None when malformed (IIII, VX)."""
    total, prev = 0, 0
    for ch in reversed(s):
        v = _ROMAN_VALUES.get(ch)
        if v is None:
            return None
        if v < prev:
            total -= v
        else:
            total += v
            prev = v
    if total < 1 or total > 39 or _to_roman(total) != s:
        return None
    return total


def _to_roman(n: int) -> str:
    out = ""
    for v, sym in ((10, "X"), (9, "IX"), (5, "V"), (4, "IV"), (1, "I")):
        while n >= v:
            out += sym
            n -= v
    return out


@dataclass
class _Line:
    """One non-blank line: where it is, what label starts it and where its content is."""

    start: int  # first non-space character
    end: int
    kind: str  # article | roman | num | paren | letter | bullet | text
    label: str
    cstart: int  # content after label and markdown markers
    cend: int  # content end, trailing markers and spaces trimmed
    emph: str  # emphasis marker opened before the label ("**"), if any


@dataclass
class _Node:
    kind: str  # article | roman | num | paren | letter | bullet | para
    label: str
    rank: int
    start: int
    cstart: int
    cend: int
    emph: str = ""
    section: bool = False
    parent: _Node | None = None
    children: list[_Node] = field(default_factory=list)
    id: str = ""

    @property
    def end(self) -> int:
        """End of the node's own text and of all its descendants."""
        return max([self.cend] + [c.end for c in self.children])


def _table_row(m: re.Match) -> _Line | None:
    """A row of a pipe table; its content runs from after the first bar to before the last."""
    line = m.group(0)
    if not tables.is_row(line):
        return None  # the |---| line under the header
    first = line.index("|")
    cstart = first + 1
    while cstart < len(line) and line[cstart] in " \t|":
        cstart += 1
    cend = len(line.rstrip(" \t|"))
    if cend <= cstart:
        return None
    return _Line(start=m.start() + first, end=m.end(), kind="row", label="", cstart=m.start() + cstart,
                 cend=m.start() + cend, emph="")


def _classify(text: str, m: re.Match, articles: bool = True) -> _Line | None:
    line_start, line_end = m.start(), m.end()
    line = m.group(0)
    if tables.ROW.match(line):
        return _table_row(m)
    lead = _LEAD_RE.match(line)
    pos = lead.end()
    bullets = _config()["bullets"]
    kind, label = "text", ""
    emph = ""
    ch = line[pos:pos + 1]
    if ch and ch in bullets and ch != "*" and (len(line) > pos + 1 and (line[pos + 1] in " \t" or line[pos + 1].isalpha())):
        kind, label = "bullet", bullets[ch]
        pos += 1
    elif ch == "*" and line[pos + 1:pos + 2] in (" ", "\t"):
        kind, label = "bullet", bullets.get("*", "*")
        pos += 1
    else:
        em = _EMPH_RE.match(line, pos)
        after_emph = em.end()
        patterns = ((_label_patterns()["article"], "article"), (_ROMAN_RE, "roman"), (_NUM_RE, "num"),
                    (_label_patterns()["letter"], "letter"))
        for pattern, k in patterns[0 if articles else 1:]:
            lm = pattern.match(line, after_emph)
            if not lm:
                continue
            lab = lm.group(1)
            if k == "roman" and roman_value(lab) is None:
                continue
            if k == "num":
                if lm.group(4) is not None and "." not in lab:
                    continue  # "5 tuổi": a bare number is not a label
                if lm.group(2) == ")" or lm.group(3) == "/":
                    k = "paren"
            kind, label, emph = k, lab, em.group(1) or ""
            pos = lm.end()
            break
    # skip spaces and emphasis markers before the content
    while pos < len(line) and line[pos] in " \t*_":
        pos += 1
    trail = _TRAIL_RE.search(line)
    cend_rel = trail.start() if trail else len(line)
    first = len(line) - len(line.lstrip(" \t\u00a0\u200b\ufeff|"))
    if cend_rel <= pos:
        if kind == "text":
            return None
        cend_rel = pos
    return _Line(
        start=line_start + first, end=line_end, kind=kind, label=label,
        cstart=line_start + pos, cend=line_start + cend_rel, emph=emph,
    )


def _own_text(text: str, node: _Node) -> str:
    return " ".join(_MARKUP_RE.sub(" ", text[node.cstart:node.cend]).split())


def _content_like(own: str) -> bool:
    """A numbered item that is a sentence of work, not a bare heading."""
    if not own:
        return False
    if own.endswith(":"):
        return False
    return own[-1] in _SENTENCE_END or len(own) > 250


def _starts_lower(text: str, pos: int, end: int) -> bool:
    for ch in text[pos:end]:
        if ch.isalpha():
            return ch.islower()
        if ch.isdigit():
            return True
        if ch in "(“\"'‘":
            continue
        return ch in ",;.)–-"
    return False


def _is_closing(folded_line: str, patterns) -> bool:
    return any(p.match(folded_line) for p in patterns)


def _heading(text: str, node: _Node) -> tuple[str, int]:
    """(clean heading, end offset) of a section: the line, or for an item
    with no separate heading its first words."""
    raw = text[node.cstart:node.cend]
    max_chars = _config()["max_heading"]
    cut = len(raw)
    own = _own_text(text, node)
    if node.emph:
        close = raw.find(node.emph)
        if 0 < close < len(raw.rstrip()) - 1:
            cut = close
    if cut == len(raw) and _content_like(own):
        m = re.search(r":\s|[.;](?:\s|$)|\n", raw)
        if m:
            cut = m.start()
    piece = raw[:cut]
    if len(piece) > max_chars:
        space = piece.rfind(" ", 0, max_chars)
        cut = space if space > 20 else max_chars
        piece = raw[:cut]
    heading = " ".join(_MARKUP_RE.sub(" ", piece).split()).rstrip(" :;,.")
    end = node.cstart + len(piece.rstrip(" \t\n*_:"))
    return heading, max(end, node.cstart)


def _line_match(text: str, ln: _Line) -> re.Match:
    """The physical line holding `ln` (to classify it again)."""
    return _LINE_RE.match(text, text.rfind("\n", 0, ln.start) + 1)


def _find_lines(text: str, articles: bool = True) -> list[_Line]:
    out = []
    for m in _LINE_RE.finditer(text):
        ln = _classify(text, m, articles)
        if ln is not None:
            out.append(ln)
    return out


def _roman_scheme(lines: list[_Line]) -> bool:
    return any(ln.kind == "roman" and (roman_value(ln.label) or 99) <= 3 for ln in lines)


def _header_index(text: str, lines: list[_Line]) -> int | None:
    """Index of the document's own header line (national motto) when it opens
    the text, else None; lines above it are web-page chrome (breadcrumbs "1. Trang chủ")."""
    limit = _header_limit(text)
    for i, ln in enumerate(lines):
        if ln.start > limit:
            break
        if _is_header_line(text, ln):
            return i
    return None


def _header_limit(text: str) -> float:
    """How far into the text the document's own header may start (a share of it, or a fixed span
    for a short text such as an excerpt under a portal's metadata table)."""
    cfg = _config()
    return max(len(text) * cfg["header_within"], cfg["header_within_chars"])


@lru_cache(maxsize=16)
def document_header_at(text: str) -> int | None:
    """Offset of the document's own header (the national motto line) when it opens the text
    (within `header_within_share`); None for a text without one (a news page, a summary).

    The opening is stripped of accents once and searched whole; a match is kept only inside one
    line, so the answer is that of matching line by line. Cached: citations and agencies ask
    for the same text."""
    limit = int(_header_limit(text))
    cut = text.find("\n", limit)
    head = text[:len(text) if cut < 0 else cut]
    plain = strip_accents(head)  # keeps every line break, so lines are counted alike
    best: int | None = None
    for pattern in _config()["header"]:
        pos = 0
        while (m := pattern.search(plain, pos, best if best is not None else len(plain))) is not None:
            if "\n" not in m.group(0):
                best = m.start()
                break
            pos = m.start() + 1
    if best is None:
        return None
    line = plain.count("\n", 0, best)
    start = 0
    for _ in range(line):
        start = text.index("\n", start) + 1
    return start


def _is_header_line(text: str, ln: _Line) -> bool:
    plain = strip_accents(text[ln.start:ln.end])
    return any(p.search(plain) for p in _config()["header"])


def _body_bounds(text: str, lines: list[_Line]) -> tuple[int, int, bool]:
    """Index of the first section line, index after the last body line, roman scheme?"""
    cfg = _config()
    roman_scheme = _roman_scheme(lines)
    articles = any(ln.kind == "article" for ln in lines)
    section_kinds = {"roman"} if roman_scheme else {"article"} if articles else {"num", "paren"}
    first = next((i for i, ln in enumerate(lines) if ln.kind in section_kinds), None)
    if first is None:
        return 0, 0, roman_scheme
    hard = len(lines)
    for i in range(first + 1, len(lines)):
        ln = lines[i]
        if ln.kind == "text" and _is_closing(fold(text[ln.cstart:ln.cend]), cfg["closing"]):
            hard = i
            break
    heads = {"roman", "num", "article"} | ({"paren"} if not roman_scheme else set())
    last_head = max((i for i in range(first, hard) if lines[i].kind in heads), default=first)
    end = hard
    for i in range(last_head + 1, hard):
        ln = lines[i]
        if ln.kind == "text" and _is_closing(fold(text[ln.cstart:ln.cend]), cfg["soft"]):
            end = i
            break
    return first, end, roman_scheme


def _build(text: str, lines: list[_Line], roman_scheme: bool) -> list[_Node]:
    """Nest the body lines with a stack; returns the top-level nodes."""
    has_dot_top = any(ln.kind == "num" and "." not in ln.label for ln in lines)
    paren_is_section = not has_dot_top
    roots: list[_Node] = []
    stack: list[_Node] = []
    current: _Node | None = None  # the unit a continuation line extends

    def attach(node: _Node, parent: _Node | None) -> None:
        node.parent = parent
        (parent.children if parent else roots).append(node)
        stack.append(node)

    last: _Line | None = None
    for ln in lines:
        before, last = last, ln
        if ln.kind == "row":
            # A table of tasks: its first row is the header; each other row is a task of the section.
            current = None
            if before is None or before.kind != "row":
                continue
            target = stack[-1] if stack else None
            while target is not None and not target.section:
                target = target.parent
            if target is not None:
                target.children.append(_Node("para", "", _RANK_DYNAMIC + 99, ln.start, ln.cstart, ln.cend,
                                             parent=target))
            continue
        if ln.kind == "text":
            if current is not None and _starts_lower(text, ln.cstart, ln.cend):
                current.cend = ln.cend
                continue
            target = stack[-1] if stack else None
            if target is not None and not target.section and target.kind != "letter":
                if not _own_text(text, target).endswith(":"):
                    while target is not None and not target.section:
                        target = target.parent
            if target is None:
                continue  # text before any section: preamble
            para = _Node("para", "", _RANK_DYNAMIC + 99, ln.start, ln.cstart, ln.cend, parent=target)
            target.children.append(para)
            current = para
            continue
        if ln.kind in ("roman", "article"):
            rank, section = _RANK_ROMAN, True
        elif ln.kind == "num":
            rank, section = ln.label.count(".") + 1, True
        elif ln.kind == "paren" and paren_is_section:
            rank, section = 1, True
        elif ln.kind == "letter":
            rank, section = _RANK_LETTER, not roman_scheme and _under_top_item(stack)
        else:
            rank, section = _RANK_DYNAMIC, False
        node = _Node(ln.kind, ln.label, rank, ln.start, ln.cstart, ln.cend, emph=ln.emph, section=section)
        if rank < _RANK_DYNAMIC:
            while stack and stack[-1].rank >= rank:
                stack.pop()
        else:
            same = [i for i, n in enumerate(stack) if n.rank >= _RANK_DYNAMIC and n.kind == node.kind and n.label == node.label]
            if same:
                del stack[same[-1]:]
        if section and stack and not stack[-1].section:
            # a numbered heading never nests under a lettered point or bullet
            while stack and not stack[-1].section:
                stack.pop()
        attach(node, stack[-1] if stack else None)
        current = node
    return roots


def _under_top_item(stack: list[_Node]) -> bool:
    """A lettered point opens a level-2 section when the innermost open section
    is a top numbered item ("2.", "1)") of a plan with no Roman level: "a)",
    "đ)" right under "2. Mục tiêu cụ thể" are the plan's second level."""
    open_sections = [n for n in stack if n.section and n.rank < _RANK_LETTER]
    if not open_sections:
        return False
    top = open_sections[-1]
    return top.parent is None and top.kind in ("num", "paren") and "." not in top.label


def _own_part(label: str, parent: _Node) -> str:
    """The part of a numbered label its id adds to the parent's id: "1.2" under
    "1." adds "2"; "1.1" straight under "I." keeps "1.1" (ids join the labels
    as printed: "I.1.1")."""
    prefix = parent.label + "."
    if parent.kind == "num" and label.startswith(prefix) and len(label) > len(prefix):
        return label[len(prefix):]
    return label


def _unique_ids() -> Callable[[str], str]:
    """A function that returns each id once: a repeated one gets `_2`, `_3` (`IV.1.d`, `IV.1.d_2`)."""
    seen: set[str] = set()

    def unique(base: str) -> str:
        candidate, n = base, 2
        while candidate in seen:
            candidate, n = f"{base}_{n}", n + 1
        seen.add(candidate)
        return candidate

    return unique


def _assign_ids(roots: list[_Node]) -> None:
    unique = _unique_ids()

    def walk(nodes: list[_Node], parent: _Node | None) -> None:
        counts: dict[str, int] = {}
        for node in nodes:
            if node.section:
                node.id = f"{parent.id}.{_own_part(node.label, parent)}" if parent is not None else node.label
            else:
                if node.kind == "bullet":
                    counts[node.label] = counts.get(node.label, 0) + 1
                    part = f"{node.label}{counts[node.label]}"
                elif node.kind == "para":
                    counts["p"] = counts.get("p", 0) + 1
                    part = f"p{counts['p']}"
                elif node.kind == "paren":
                    part = f"{node.label})"
                else:
                    part = node.label
                node.id = unique(f"{parent.id}.{part}" if parent is not None else part)
            walk(node.children, node)

    walk(roots, None)


def _section_of(node: _Node) -> _Node | None:
    while node is not None and not node.section:
        node = node.parent
    return node


def _collect(text: str, roots: list[_Node]) -> SectionTree:
    tree = SectionTree()
    task_id = _unique_ids()

    def walk(node: _Node, level: int) -> None:
        own = _own_text(text, node)
        if node.section:
            heading, heading_end = _heading(text, node)
            parent = _section_of(node.parent) if node.parent else None
            tree.sections.append(Section(
                id=node.id, level=level, label=node.label, parent=parent.id if parent else None,
                heading=heading, start=node.start, end=node.end, heading_end=heading_end,
            ))
        # an item with items under it is a task only when it is itself a
        # sentence of work; a short "2. Yêu cầu." is a heading, full stop or not
        is_task = node.cend > node.cstart and (
            node.kind == "para" or not node.children or (_content_like(own) and len(own.split()) > 8))
        if is_task:
            sec = _section_of(node)
            label = None if node.kind == "para" else node.label
            tree.tasks.append(Task(
                id=task_id(node.id), section=sec.id if sec else None,
                text=text[node.cstart:node.cend], start=node.cstart, end=node.cend, label=label,
            ))
        for child in node.children:
            walk(child, level + 1 if node.section and child.section else level)

    for root in roots:
        walk(root, 1)
    tree.tasks.sort(key=lambda t: t.start)
    return tree


def parse_structure(text: str) -> SectionTree:
    """Sections (levels 1-2 and deeper) and leaf tasks of a cleaned plan text."""
    lines = _find_lines(text)
    lines = lines[_header_index(text, lines) or 0:]
    if _roman_scheme(lines) and any(ln.kind == "article" for ln in lines):
        # a decision whose articles carry (or precede) a Roman-numbered plan:
        # the Roman parts are the sections, "Điều N" lines are prose
        lines = [ln if ln.kind != "article" else _classify(text, _line_match(text, ln), articles=False)
                 for ln in lines]
        lines = [ln for ln in lines if ln is not None]
    first, end, roman_scheme = _body_bounds(text, lines)
    if end <= first:
        return SectionTree()
    roots = _build(text, lines[first:end], roman_scheme)
    _assign_ids(roots)
    return _collect(text, roots)
