"""Decisions that approve the programme a plan carries out.

A plan titled "Kế hoạch thực hiện Chương trình Y" with the preamble "Căn cứ
Quyết định số … phê duyệt Chương trình Y" carries that decision out, though
its cue is "Căn cứ": the decision is `implements`. The programme is matched
by the leading words of its name (folded, quotes and punctuation dropped,
period and place cut off: "giai đoạn 2021 - 2030", "trên địa bàn tỉnh …"),
so the title's "giai đoạn 2025 - 2030" still meets the decision's "giai đoạn
2023 - 2030". Words live in resources/instruments.yaml (`programme_link`).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

import regex as re

from pipeline.extraction.citations.models import Mention
from pipeline.knowledge.loader import load_yaml
from pipeline.textutils import fold

_QUOTE = r"[“”\"«»‘’']"
_NAME_PUNCT = re.compile(r"[“”\"«»‘’'(),:;\-–—/]")
_CLAUSE_END = re.compile(r";|\.(?=\s)|\n[ \t]*\n")
_SEGMENT_BREAK = re.compile(r"[,;]|\.(?=\s)|\n[ \t]*\n")
_APPROVE_WINDOW = 220  # the issuer and "về việc" sit between a decision and what it approves


@dataclass(frozen=True)
class _Config:
    carry: re.Pattern
    approve: re.Pattern
    name_ends: tuple[tuple[str, ...], ...]
    compare_words: int
    description: re.Pattern


def _alts(words: list[str]) -> str:
    """Folded phrases as one alternation; spaces match any run of spaces, commas or line breaks."""
    phrases = sorted({fold(w) for w in words}, key=len, reverse=True)
    return "|".join(re.escape(p).replace(r"\ ", r"[\s,]+") for p in phrases)


@cache
def _config() -> _Config:
    data = load_yaml("instruments.yaml")["programme_link"]
    kinds = _alts(data["programme_types"])
    carry = re.compile(
        rf"(?<![\w])(?:{_alts(data['own_types'])})[\s,]+(?:{_alts(data['carry_out'])})\s+{_QUOTE}?\s*"
        rf"(?P<kind>{kinds})(?![\w])")
    approve = re.compile(rf"(?<![\w])(?:{_alts(data['approve'])})\s+{_QUOTE}?\s*(?P<kind>{kinds})(?![\w])")
    ends = tuple(tuple(fold(w).split()) for w in data["name_ends"])
    description = re.compile(rf"(?<![\w])(?:{_alts(data['description_words'])})(?![\w])")
    return _Config(carry, approve, ends, int(data["compare_words"]), description)


def _kind(m: re.Match) -> str:
    return " ".join(m.group("kind").replace(",", " ").split())


def _name_words(folded: str, pos: int) -> tuple[str, ...]:
    """Leading words of the programme name written at `pos`, up to its period or place."""
    cfg = _config()
    stop = _CLAUSE_END.search(folded, pos, min(len(folded), pos + 300))
    chunk = folded[pos:stop.start() if stop else min(len(folded), pos + 300)]
    words = _NAME_PUNCT.sub(" ", chunk).split()
    out: list[str] = []
    for i, word in enumerate(words):
        if any(ch.isdigit() for ch in word) or any(tuple(words[i:i + len(e)]) == e for e in cfg.name_ends):
            break
        out.append(word)
        if len(out) == cfg.compare_words:
            break
    return tuple(out)


def _same_name(a: tuple[str, ...], b: tuple[str, ...]) -> bool:
    n = min(len(a), len(b), _config().compare_words)
    return n >= 2 and a[:n] == b[:n]


def _carried(folded: str, front_end: int, mentions: list[Mention]) -> list[tuple[str, tuple[str, ...]]]:
    """Programmes the plan itself says it carries out (title, or "UBND … ban hành Kế hoạch thực hiện …").

    A phrase whose clause names an instrument or "của …" before it describes
    that instrument ("Quyết định … của Bộ … ban hành Kế hoạch thực hiện Đề án …").
    """
    cfg = _config()
    out = []
    for m in cfg.carry.finditer(folded, 0, front_end):
        breaks = list(_SEGMENT_BREAK.finditer(folded, max(0, m.start() - 400), m.start()))
        seg_start = breaks[-1].end() if breaks else max(0, m.start() - 400)
        if any(seg_start <= x.start < m.start() for x in mentions):
            continue
        if cfg.description.search(folded, seg_start, m.start()):
            continue
        out.append((_kind(m), _name_words(folded, m.end())))
    return out


def programme_links(folded: str, front_end: int, numbered: list[Mention], mentions: list[Mention]) -> set[int]:
    """Start offsets of front-matter mentions that approve a programme the plan carries out."""
    carried = [c for c in _carried(folded, front_end, mentions) if len(c[1]) >= 2]
    if not carried:
        return set()
    cfg = _config()
    linked = set()
    for men in numbered:
        if men.start >= front_end:
            continue
        stop = _CLAUSE_END.search(folded, men.end, min(len(folded), men.end + _APPROVE_WINDOW))
        limit = stop.start() if stop else min(len(folded), men.end + _APPROVE_WINDOW)
        nxt = [x.start for x in mentions if men.end <= x.start < limit]
        limit = min([limit, *nxt])
        a = cfg.approve.search(folded, men.end, limit)
        if a is None:
            continue
        kind, name = _kind(a), _name_words(folded, a.end())
        if any(kind == k and _same_name(name, n) for k, n in carried):
            linked.add(men.start)
    return linked
