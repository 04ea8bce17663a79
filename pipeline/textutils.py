"""Text helpers shared by the stages: folding for matching, offsets, dates.

`fold()` maps a text to a same-length key for matching (lower case, one
tone-mark convention, Đ variants unified), so a regex run on the folded text
gives offsets that are valid in the original text.
"""

from __future__ import annotations

import bisect
import re
import unicodedata
from functools import lru_cache

import regex

# Old-style tone placement (hoà, thuỳ) -> new style (hòa, thùy): the tone
# moves from the second vowel of oa/oe/uy to the first. Same length both ways.
_TONE_MARKS = "\u0300\u0301\u0309\u0303\u0323"  # huyền, sắc, hỏi, ngã, nặng (combining)


def _toned(base: str, mark: str) -> str:
    return unicodedata.normalize("NFC", base + mark)


_OLD_TO_NEW: dict[str, str] = {}
for _mark in _TONE_MARKS:
    for _first, _second in (("o", "a"), ("o", "e"), ("u", "y")):
        _old = _first + _toned(_second, _mark)
        _new = _toned(_first, _mark) + _second
        _OLD_TO_NEW[_old] = _new
        _OLD_TO_NEW[_old.upper()] = _new.upper()
        _OLD_TO_NEW[_old.capitalize()] = _new.capitalize()
_OLD_RE = re.compile("(?:" + "|".join(sorted(map(re.escape, _OLD_TO_NEW), key=len, reverse=True)) + r")(?!\w)")


def nfc(s: str) -> str:
    return unicodedata.normalize("NFC", s)


def normalize_tones(s: str) -> str:
    """Move tone marks to the convention 'hòa', 'thùy' (length-preserving).

    Only at the end of a syllable, so 'hoàn', 'khoẻ' are left to their own
    rules ('hoàn' is the only spelling; 'khoẻ'->'khỏe').
    """
    return _OLD_RE.sub(lambda m: _OLD_TO_NEW[m.group(0)], s)


def fold(s: str) -> str:
    """Same-length matching key: NFC input assumed; lower case, tones unified, Đ variants unified.

    Every stage folds the whole document text, so long texts are cached.
    """
    if len(s) >= _LONG:
        return _fold_long(s)
    return _fold(s)


_LONG = 2000


def _fold(s: str) -> str:
    s = s.replace("\u00d0", "Đ").replace("\u0189", "Đ")
    s = normalize_tones(s)
    lowered = s.lower()
    # str.lower() maps char by char except for the final sigma, and only a
    # char that lowers to several (İ -> i̇) changes the length: then char by char.
    if len(lowered) == len(s) and "\u03a3" not in s:
        return lowered
    out = []
    for ch in s:
        lo = ch.lower()
        out.append(lo if len(lo) == 1 else ch)
    return "".join(out)


@lru_cache(maxsize=16)
def _fold_long(s: str) -> str:
    return _fold(s)


def matching_form(text: str) -> str:
    """The form every stage matches on: `fold(text)`, same length so offsets hold in `text`.

    Computed once per document by the `fold` stage (`Document.folded`); should folding ever
    change the length, the text itself is used so that offsets stay exact.
    """
    folded = fold(text)
    return folded if len(folded) == len(text) else text


_COMBINING = regex.compile(r"\p{Mn}+")  # every non-spacing mark, as unicodedata's category "Mn"


def strip_accents(s: str) -> str:
    """'Quảng Ngãi' -> 'quang ngai' (for gazetteer keys; not length-preserving)."""
    s = unicodedata.normalize("NFD", s.replace("đ", "d").replace("Đ", "D"))
    return _COMBINING.sub("", s).lower()


def squash(s: str) -> str:
    """Collapse runs of whitespace to one space and strip."""
    return re.sub(r"\s+", " ", s).strip()


def first_literal(phrase: str) -> str:
    """The text every match of a phrase pattern (spaces -> \\s+, ',' optional) starts with."""
    return phrase.split(" ", 1)[0].split(",", 1)[0]


def finditer_from(pattern, text: str, first_words, window: int | None = None) -> list:
    """`pattern.finditer(text)` for a pattern whose every match starts with one of
    `first_words`: tried only where one stands (str.find), same matches.

    Why: a leading lookbehind keeps the regex engine from skipping ahead, so a
    long alternation is otherwise tried at every position of the text.
    `window`: no match is that long; each try looks no further ahead (the engine's
    search for a required literal would otherwise rescan the rest of the text at
    every try: quadratic on long lines). A match reaching the window's edge is
    tried again on the whole text.
    """
    if not first_words or not all(first_words):
        return list(pattern.finditer(text))
    starts: set[int] = set()
    for word in first_words:
        i = text.find(word)
        while i >= 0:
            starts.add(i)
            i = text.find(word, i + 1)
    out = []
    pos = 0
    for start in sorted(starts):
        if start < pos:
            continue
        m = pattern.match(text, start) if window is None else _match_within(pattern, text, start, window)
        if m:
            out.append(m)
            pos = max(m.end(), start + 1)
    return out


def _match_within(pattern, text: str, start: int, window: int):
    """`pattern.match(text, start)`, looking `window` characters ahead unless a match reaches that far."""
    end = min(len(text), start + window)
    m = pattern.match(text, start, end)
    if m is not None and m.end() == end < len(text):
        m = pattern.match(text, start)
    return m


def merge_spans(spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """Sorted (start, end) spans with the overlapping ones joined, for `inside`."""
    out: list[tuple[int, int]] = []
    for a, b in sorted(spans):
        if out and a <= out[-1][1]:
            out[-1] = (out[-1][0], max(out[-1][1], b))
        else:
            out.append((a, b))
    return out


def inside(spans: list[tuple[int, int]], pos: int) -> bool:
    """Whether `pos` lies in one of the sorted, merged `spans` (a bisect, not a scan)."""
    k = bisect.bisect_right(spans, (pos, float("inf"))) - 1
    return k >= 0 and spans[k][0] <= pos < spans[k][1]
