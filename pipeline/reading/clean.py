"""Clean a `RawDocument` into the one canonical text the record holds.

Output contract (the structure parser relies on it): one paragraph, list item
or heading per line, lines separated by "\\n", labels ("I.", "1.", "a)", "-")
at the start of a line, markdown markers kept. Text is NFC; tone-mark
conventions are NOT changed (a signer's "Thuỳ" stays as printed).

Steps, each keeping a map from every cleaned character to its offset in
`raw.text` (so evidence can be traced back to the file):
  NFC -> whitespace (literal "\\r\\n" escapes of scraped pages read as line
  breaks) -> drop page numbers, URL-only lines, running headers and
  footers -> repair syllables split by PDF tools -> re-join wrapped lines.
"""

from __future__ import annotations

import re
import statistics
import unicodedata
from collections import Counter
from dataclasses import dataclass, field
from functools import cache, lru_cache

import regex

from pipeline.document import RawDocument
from pipeline.knowledge.loader import load_yaml


@dataclass
class Mapped:
    """A string with, for each character, its offset in the raw text."""

    text: str = ""
    offs: list[int] = field(default_factory=list)

    def __len__(self) -> int:
        return len(self.text)

    def __getitem__(self, sl: slice) -> Mapped:
        return Mapped(self.text[sl], self.offs[sl])

    def __add__(self, other: Mapped) -> Mapped:
        return Mapped(self.text + other.text, self.offs + other.offs)

    def strip(self) -> Mapped:
        lead = len(self.text) - len(self.text.lstrip())
        tail = len(self.text.rstrip())
        return self[lead:tail] if tail > lead else Mapped()

    def sub(self, pattern: re.Pattern, repl) -> Mapped:
        """Like `re.sub` with a function; replacement characters map to the match start."""
        out_t: list[str] = []
        out_o: list[int] = []
        pos = 0
        for m in pattern.finditer(self.text):
            out_t.append(self.text[pos:m.start()])
            out_o.extend(self.offs[pos:m.start()])
            new = repl(m)
            out_t.append(new)
            # keep the offsets of kept characters when the replacement is a prefix/suffix of the match
            src = m.group(0)
            if new == src:
                out_o.extend(self.offs[m.start():m.end()])
            elif src.startswith(new):
                out_o.extend(self.offs[m.start():m.start() + len(new)])
            else:
                base = self.offs[m.start()] if m.start() < len(self.offs) else (self.offs[-1] if self.offs else 0)
                out_o.extend([base] * len(new))
            pos = m.end()
        out_t.append(self.text[pos:])
        out_o.extend(self.offs[pos:])
        return Mapped("".join(out_t), out_o)


@cache
def _rules() -> dict:
    """Compiled patterns from resources/cleaning.yaml."""
    y = load_yaml("cleaning.yaml")
    return {
        "page": re.compile("(?:" + "|".join(y["page_number_patterns"]) + ")", re.I),
        "url": re.compile(y["url_line_pattern"], re.I),
        "label": re.compile("(?:" + "|".join(y["label_patterns"]) + ")"),
        "sentence_end": set(y["sentence_end"]),
        "continuation_end": set(y["continuation_end"]),
        "initials": sorted(y["initials"], key=len, reverse=True),
        "rhymes": set(y["rhymes"]),
        "vowel_initial": set(y["vowel_initial"]),
        "continuation_words": set(y["continuation_words"]),
        "new_paragraph": re.compile("(?:" + "|".join(y["new_paragraph_cues"]) + ")"),
    }


# ---------------------------------------------------------------- NFC and whitespace

_ZERO_WIDTH = "\u200b\u200c\u200d\u2060\ufeff\u00ad"
_SPACES = "\t\u00a0\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200a\u202f\u205f\u3000"


_ANY_MARK = regex.compile(r"[\p{M}\x00]")


def _nfc_mapped(raw: str) -> Mapped:
    """NFC per cluster (a starter and its combining marks), keeping offsets."""
    if unicodedata.is_normalized("NFC", raw) and not _ANY_MARK.search(raw):
        # no mark, no NUL: every cluster is one character that NFC keeps
        return Mapped(raw, list(range(len(raw))))
    # a combining mark separated from its letter by spaces ("e ̂") belongs to the letter
    raw_fixed = re.sub(r"(?<=[\w\u0300-\u036f])[ \u00a0]+(?=[\u0300-\u036f])", lambda m: "\x00" * len(m.group(0)), raw)
    t: list[str] = []
    o: list[int] = []
    i = 0
    n = len(raw_fixed)
    while i < n:
        j = i + 1
        while j < n and (unicodedata.combining(raw_fixed[j]) or raw_fixed[j] == "\x00"):
            j += 1
        cluster = raw_fixed[i:j].replace("\x00", "")
        norm = unicodedata.normalize("NFC", cluster)
        t.append(norm)
        o.extend([i] * len(norm))
        i = j
    return Mapped("".join(t), o)


_LITERAL_BREAK = re.compile(r"\\r\\n|\\n|\\r")


def _literal_breaks_are_line_breaks(text: str) -> bool:
    """Web copies of a page's source hold the characters backslash-r-backslash-n
    where the page had line breaks: many of them and fewer real line breaks."""
    rules = load_yaml("cleaning.yaml")["literal_line_breaks"]
    count = len(_LITERAL_BREAK.findall(text))
    return count >= rules["min_count"] and count > rules["per_real_break"] * text.count("\n")


def _normalize_spaces(m: Mapped) -> Mapped:
    if _literal_breaks_are_line_breaks(m.text):
        m = m.sub(_LITERAL_BREAK, lambda _: "\n")
    m = m.sub(re.compile("\r\n?"), lambda _: "\n")
    m = m.sub(re.compile(f"[{_ZERO_WIDTH}]"), lambda _: "")
    m = m.sub(re.compile(f"[{_SPACES}]"), lambda _: " ")
    return m


# ---------------------------------------------------------------- syllable repair

_TONE_MARKS = "\u0300\u0301\u0303\u0309\u0323"


@lru_cache(maxsize=65536)
def _toneless(s: str) -> str:
    d = unicodedata.normalize("NFD", s.lower())
    return unicodedata.normalize("NFC", "".join(c for c in d if c not in _TONE_MARKS))


@lru_cache(maxsize=65536)
def is_syllable(word: str, standalone: bool = True) -> bool:
    """Is `word` a well-formed Vietnamese syllable? (`standalone`: also a real vowel-initial word)."""
    if not word or not word.isalpha():
        return False
    w = _toneless(word)
    r = _rules()
    if w in r["rhymes"]:
        return w in r["vowel_initial"] if standalone else True
    for ini in r["initials"]:
        if w.startswith(ini) and w[len(ini):] in r["rhymes"]:
            return True
    # "gi" also stands before i ("gì") and "qu" takes rhymes without u ("quê")
    return (w.startswith("gi") and w[1:] in r["rhymes"]) if len(w) > 2 else False


_WORD = re.compile(r"\w+")
_VN_MARKED = re.compile(r"[À-ỹĐđ]")


def _same_case(a: str, b: str) -> bool:
    if b[:1].islower():
        return True
    return a.isupper() and b.isupper()


def _joins(a: str, b: str) -> bool:
    """Are words `a` and `b` two halves of one syllable split by a PDF tool?"""
    if is_syllable(a) and is_syllable(b):
        return False  # the common case, answered from the cache
    if a.isdigit() or b.isdigit() or not _same_case(a, b) or not _VN_MARKED.search(a + b):
        return False
    return (not is_syllable(a) or not is_syllable(b)) and is_syllable(a + b, standalone=False)


def _repair_split_syllables(m: Mapped) -> Mapped:
    """Join "ĐIỀ U" -> "ĐIỀU", "Vi ệt" -> "Việt": a broken fragment whose join is a syllable."""
    if not any(not w.isdigit() and not is_syllable(w) for w in set(_WORD.findall(m.text))):
        return m  # a join needs a word that is neither a syllable nor a number
    drop: set[int] = set()
    prev: tuple[int, str] | None = None  # (end, word) of the previous word
    for w in _WORD.finditer(m.text):
        word = w.group(0)
        if prev and w.start() == prev[0] + 1 and m.text[prev[0]] == " " and _joins(prev[1], word):
            drop.add(prev[0])
            word = prev[1] + word
        prev = (w.end(), word)
    if not drop:
        return m
    keep = [i for i in range(len(m.text)) if i not in drop]
    return Mapped("".join(m.text[i] for i in keep), [m.offs[i] for i in keep])


def _sub_keep(m: Mapped, pattern: re.Pattern, repl) -> Mapped:
    """Substitution where the replacement only deletes characters of the match (keeps offsets)."""
    if pattern.search(m.text) is None:
        return m
    out_t: list[str] = []
    out_o: list[int] = []
    pos = 0
    for mt in pattern.finditer(m.text):
        new = repl(mt)
        out_t.append(m.text[pos:mt.start()])
        out_o.extend(m.offs[pos:mt.start()])
        src = mt.group(0)
        # align `new` to `src` by deleting characters (greedy subsequence)
        k = 0
        for idx, ch in enumerate(src):
            if k < len(new) and new[k] == ch:
                out_t.append(ch)
                out_o.append(m.offs[mt.start() + idx])
                k += 1
        pos = mt.end()
    out_t.append(m.text[pos:])
    out_o.extend(m.offs[pos:])
    return Mapped("".join(out_t), out_o)


# ---------------------------------------------------------------- lines

_LINE_BREAK = re.compile("[\n\f]")


def _split_lines(m: Mapped) -> list[list[Mapped]]:
    """Pages (split at form feeds) of lines."""
    pages: list[list[Mapped]] = []
    page: list[Mapped] = []
    start = 0
    for br in _LINE_BREAK.finditer(m.text + "\n"):
        i = br.start()
        page.append(m[start:i])
        start = i + 1
        if br.group() == "\f":
            pages.append(page)
            page = []
    pages.append(page)
    return pages


def _fullmatch(pattern: re.Pattern, s: str) -> bool:
    return pattern.fullmatch(s) is not None


def _repeat_key(s: str) -> str:
    """Key of a header/footer line: digits folded so 'Trang 2' and 'Trang 3' match."""
    return re.sub(r"\d+", "#", re.sub(r"\s+", " ", s.strip().lower()))


def _running_lines(pages: list[list[Mapped]]) -> set[str]:
    """Keys of lines printed at the top or bottom of many pages (running headers/footers)."""
    if len(pages) < 2:
        return set()
    counts: Counter[str] = Counter()
    for page in pages:
        lines = [ln.text for ln in page if ln.text.strip()]
        edge = lines[:2] + lines[-2:]
        counts.update({_repeat_key(s) for s in edge})
    need = max(2, (len(pages) + 1) // 2)
    return {k for k, c in counts.items() if c >= need and k.strip("# ")}


def _drop_noise(pages: list[list[Mapped]], warnings: list[str] | None) -> list[Mapped | None]:
    """Lines without page numbers, URL-only lines and running headers; None marks a page break."""
    r = _rules()
    running = _running_lines(pages)
    out: list[Mapped | None] = []
    dropped = Counter()
    for pi, page in enumerate(pages):
        if pi:
            out.append(None)
        for ln in page:
            s = ln.text.strip()
            if not s:
                out.append(Mapped())
                continue
            if _fullmatch(r["page"], s):
                dropped["page number"] += 1
            elif _fullmatch(r["url"], s):
                dropped["link"] += 1
            elif running and _repeat_key(s) in running:
                dropped["running header/footer"] += 1
            else:
                out.append(ln)
    if warnings is not None and dropped.get("running header/footer"):
        warnings.append(f"removed {dropped['running header/footer']} running header/footer lines")
    return out


_MARKUP_PREFIX = re.compile(r"^(?:#{1,6}\s+|\*{1,2}|_{1,2}|[\"“‘'(\[])*")


def _body(s: str) -> str:
    """The line without leading markdown markers and quotes."""
    return s[_MARKUP_PREFIX.match(s).end():]


def starts_with_label(s: str) -> bool:
    return _rules()["label"].match(_body(s) + " ") is not None


def is_range_continuation(prev: str, nxt: str) -> bool:
    """'giai đoạn 2023' + '- 2027 ...': a wrapped year range, not a dash list item."""
    return bool(re.search(r"\d$", prev.rstrip())) and re.match(r"[-–]\s*\d", nxt) is not None


_SPACE_RUN = re.compile(r" {2,}")
_SPLIT_LABEL = re.compile(r"^([a-zđ]|\d{1,2}|[IVX]{1,5}) (\))")


def _tidy_line(ln: Mapped) -> Mapped:
    ln = ln.strip()
    ln = _sub_keep(ln, _SPACE_RUN, lambda m: " ")
    # "c ) Xử lý" -> "c) Xử lý" (label split by a space)
    ln = _sub_keep(ln, _SPLIT_LABEL, lambda m: m.group(1) + ")")
    return ln


@dataclass
class _Layout:
    wrapped: bool  # lines are hard-wrapped at a width (PDF text, copy of a PDF)
    width: float  # typical length of a full line
    gap: int = 0  # usual number of blank lines between wrapped lines (1 when double-spaced)


def _layout(lines: list[Mapped | None]) -> _Layout:
    """Is the text hard-wrapped? Many long lines go on in lower case on the next line."""
    texts = [ln.text for ln in lines if ln]
    if len(texts) < 4:
        return _Layout(False, 0)
    gaps: Counter[int] = Counter()
    run = 0
    for ln in lines:
        if ln:
            gaps[run] += 1
            run = 0
        else:
            run += 1
    lengths = sorted(len(t) for t in texts)
    width = lengths[int(0.9 * (len(lengths) - 1))]
    cont = 0
    for a, b in zip(texts, texts[1:], strict=False):
        bb = _body(b)
        if a[-1] not in _rules()["sentence_end"] and bb[:1].islower():
            cont += 1
    ratio = cont / (len(texts) - 1)
    median = statistics.median(lengths)
    return _Layout(ratio >= 0.2 and median <= 140, width, gaps.most_common(1)[0][0])


def _continues(prev: str, nxt: str, gap: int, layout: _Layout, prev_line_len: int | None = None) -> bool:
    """Does line `nxt` continue the paragraph of `prev` (wrapped, or split by a page break)?

    `prev_line_len`: length of the last physical line of `prev` (the paragraph may hold several).
    """
    r = _rules()
    body = _body(nxt)
    if prev.endswith("|") or r["new_paragraph"].match(body):
        return False  # a table cell ends / a document field ("Số:", "Kính gửi:") starts
    if layout.wrapped and is_range_continuation(prev, nxt):
        return True
    if not body or starts_with_label(nxt) or nxt.startswith("#") or prev.startswith("#"):
        return False
    last = prev[-1]
    first = body[0]
    if first.islower():
        # a lower-case line after an open sentence; after ':' it is a new item of a
        # list, unless lines are hard-wrapped (an unlabelled item there is a wrap)
        if last == ":":
            return layout.wrapped
        return last not in ".!?…" or last == "." and prev.endswith("..")
    if last in r["sentence_end"]:
        return False
    if not layout.wrapped:
        return False
    if last in r["continuation_end"] or first.isdigit():
        return True
    if prev.rsplit(" ", 1)[-1].lower() in r["continuation_words"]:
        return True
    if gap > layout.gap:
        return False  # extra space (or a page break) before a capital: new paragraph
    # a full-width line goes on; a short one ended its paragraph (a heading without a dot)
    # a first line (maybe a heading without a dot) must be nearly full; inside a paragraph a bit less
    first_line = prev_line_len is None or prev_line_len == len(prev)
    return (len(prev) if prev_line_len is None else prev_line_len) >= (0.85 if first_line else 0.78) * layout.width


def _join_lines(lines: list[Mapped | None]) -> list[Mapped]:
    """Re-join wrapped lines into paragraphs; `None`/empty entries are breaks and blanks."""
    layout = _layout(lines)
    paras: list[Mapped] = []
    gap = 0
    last_len = 0
    for ln in lines:
        if not ln:
            gap += 1 if ln is not None else 3
            continue
        if paras and _continues(paras[-1].text, ln.text, gap, layout, last_len):
            join_off = paras[-1].offs[-1] + 1
            paras[-1] = paras[-1] + Mapped(" ", [join_off]) + ln
        else:
            paras.append(ln)
        last_len = len(ln)
        gap = 0
    return paras


_INLINE_LABEL = re.compile(r"(?<= )(?:([IVX]{1,4})|(\d{1,2}))\. +(?=[A-ZĐÀ-Ỹ])")
_ROMANS = ["I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX", "X", "XI", "XII"]


def _split_run_on(paras: list[Mapped]) -> list[Mapped]:
    """A text flattened into one paragraph (PDF text without line breaks) gets
    its section labels back at line starts: inline "I. ", "1. " before a capital,
    accepted only in sequence (I, II, ...; 1, 2, ... again after each Roman), so
    a stray "khoản 1. Ngoài ra" does not split."""
    cfg = load_yaml("cleaning.yaml")["run_on"]
    total = sum(len(p) for p in paras)
    out: list[Mapped] = []
    for p in paras:
        if len(p) < cfg["min_chars"] or len(p) < cfg["min_share"] * total:
            out.append(p)
            continue
        cuts: list[int] = []
        next_roman, next_num = 0, 1
        for m in _INLINE_LABEL.finditer(p.text):
            if m.group(1) is not None:
                if next_roman < len(_ROMANS) and m.group(1) == _ROMANS[next_roman]:
                    cuts.append(m.start() - 1)
                    next_roman, next_num = next_roman + 1, 1
            elif int(m.group(2)) == next_num:
                cuts.append(m.start() - 1)
                next_num += 1
        if len(cuts) < cfg["min_labels"]:
            out.append(p)
            continue
        pos = 0
        for cut in cuts:
            out.append(p[pos:cut].strip())
            pos = cut + 1
        out.append(p[pos:])
    return [p for p in out if p.text]


def clean_mapped(raw: RawDocument) -> Mapped:
    """The cleaned text with its offset map (see `clean`)."""
    m = _normalize_spaces(_nfc_mapped(raw.text))
    pages = _split_lines(m)
    lines = _drop_noise(pages, raw.warnings)
    lines = [(_tidy_line(ln) if ln is not None else None) for ln in lines]
    lines = [(_repair_split_syllables(ln) if ln else ln) for ln in lines]
    paras = _split_run_on(_join_lines(lines))
    if not paras:
        return Mapped()
    texts: list[str] = []
    offs: list[int] = []
    for p in paras:
        if texts:
            texts.append("\n")
            offs.append(offs[-1] + 1)
        texts.append(p.text)
        offs.extend(p.offs)
    return Mapped("".join(texts), offs)


def clean(raw: RawDocument) -> tuple[str, list[int]]:
    """Return the cleaned text and, for each of its characters, the offset in `raw.text`."""
    m = clean_mapped(raw)
    return m.text, m.offs
