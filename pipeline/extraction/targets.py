"""Numeric targets: one `Target` per value a plan sets, with its indicator.

find: values with a unit ("9,5%", "18/100.000 trẻ em", "‰") and counts after a
count cue ("Bố trí 01 cán bộ", "ít nhất 01 địa bàn xã"); ranges ("5 - 10%")
give two values.
skip: a table of named rules (`SKIP_RULES`: shares, baselines, past years,
past results, money, report sections) drops values that are not goals.
read: a table of field builders (`FIELD_RULES`) reads each kept value: the
words right before it give the comparator ("xuống dưới" <, "đạt trên" >,
"ít nhất" >=, "không quá" <=, plain =); the indicator is the phrase before
the value ("Tỷ lệ ... đạt 99%") or, when nothing names it there, the phrase
after it ("95% trẻ em dưới 5 tuổi được tiêm chủng ..."); a value joined by
"và" to the one before shares its indicator; the clause gives the direction
(giảm, tăng, duy trì, else reach), the unit, the qualifier and the year.
Every cue word and pattern lives in `resources/targets.yaml`.
"""

from __future__ import annotations

import bisect
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache

import regex as re

from pipeline.document import Metadata, SectionTree, Target
from pipeline.extraction.numbers import NUMBER_PATTERN, is_round_denominator, parse_number
from pipeline.knowledge.loader import load_yaml
from pipeline.parsing.report_sections import report_spans
from pipeline.textutils import fold, inside

# "Đến năm 2030: ..." opens a line when it starts within this many characters of it.
_LINE_OPENING = 60
# How far from a value the words of its clause are read (money cues, years, "(p/1000)"): a
# bound that keeps every value's work constant, so a long line costs linear time.
_REACH = 400


def _loose(phrase: str) -> str:
    """A cue phrase -> regex on folded text (any spacing)."""
    parts = [re.escape(p) for p in fold(phrase).split()]
    return r"\s+".join(parts)


def _alt(phrases: list[str]) -> str:
    return "|".join(sorted((_loose(p) for p in phrases), key=len, reverse=True))


@cache
def _res() -> dict:
    return load_yaml("targets.yaml")


def _pattern(name: str) -> str:
    """A pattern of `patterns:` with its "<<list>>" and "<<number>>" slots filled."""
    r = _res()
    return re.sub(r"<<(\w+)>>", lambda m: NUMBER_PATTERN if m.group(1) == "number" else _alt(r[m.group(1)]),
                  r["patterns"][name])


def _unit_pattern() -> tuple[str, list[str]]:
    """One alternation of every unit form (longest first) and the unit of each group."""
    r = _res()
    unit_alts = []
    for unit, forms in r["units"].items():
        for form in forms:
            f = fold(form)
            pat = re.escape(f).replace(r"/", r"\s*/\s*").replace(r"\.", r"\.?")
            pat = pat.replace(r"\ ", r"\s+")
            if re.search(r"\d$", f):  # "/1.000" is not the start of "/1.0005"
                pat += r"(?![.,]?\d)"
                if unit != "%":  # the base named after the rate is part of it ("/100.000 trẻ em")
                    pat += rf"(?:\s+(?:{_alt(r['denominator_after'])})(?!\w))?"
            unit_alts.append((len(f), unit, pat))
    unit_alts.sort(reverse=True)
    return "|".join(f"(?P<u{i}>{p})" for i, (_, _, p) in enumerate(unit_alts)), [u for _, u, _ in unit_alts]


def _word_patterns() -> dict[str, str]:
    """Patterns built from the word lists of targets.yaml."""
    r = _res()
    comps = r["comparators"]
    denominators = _alt([d for d in r["denominator_before"] if d != "/"])
    return {
        "comparator": rf"(?<!\w)(?P<c>{_alt([c['cue'] for c in comps])})\s*$",
        "per_1000": rf"(?<!\w)(?:{_alt(r['per_1000_markers'])})",
        "per_100000": rf"(?:{_alt(r['per_100000_markers'])})",
        "lead_words": rf"^(?:[\s,;:]*(?<!\w)(?:{_alt(r['lead_words'])})(?!\w))+[\s,;:]*",
        "tail_cuts": rf"[\s,;:]*(?<!\w)(?:{_alt(r['indicator_tail_cuts'])})(?:\s+\d{{4}})?[\s,;:]*$",
        "stops": rf"(?:{'|'.join(re.escape(fold(s)) for s in r['indicator_stops'])})",
        "year_heading": rf"(?<!\w)(?:{_alt(r['year_heading_words'])})(?!\w)",
        "count_cue": rf"(?<!\w)(?:{_alt(r['count_cues'])})\s*$",
        "count_pred": rf"(?<!\w)(?:{_alt(r['count_predicates'])})(?!\w)",
        "weak_count_cue": rf"(?:{_alt(r['weak_count_cues'])})",
        "not_after": rf"^[ \t]*(?:{_alt(r['not_after_value'])})(?!\w)",
        "not_before": rf"(?<!\w)(?:{_alt(r['not_before_value'])})[\s.:]*$",
        "denom_before": rf"(?:(?<!\w)(?:{denominators})|/)\s*$",
        "denom_after": rf"^\s*(?:{_alt(r['denominator_after'])})(?!\w)",
        "money": rf"(?<!\w)(?:{_alt(r['money_cues'])})(?!\w)",
        "status": rf"(?<!\w)(?:{_alt(r['status_cues'])})\s*$",
        "past": rf"(?<!\w)(?:{_alt(r['past_cues'])})(?!\w)",
        "situation": rf"(?<!\w)(?:{_alt(r['situation_cues'])})(?!\w)",
        "situation_sentence": rf"(?<!\w)(?:{_alt(r['situation_sentence_cues'])})(?!\w)",
        "future": rf"(?<!\w)(?:{_alt(r['future_cues'])})(?!\w)",
        "frequency_goal": rf"(?<!\w)(?:{_alt(r['frequency_goal_cues'])})(?!\w)",
        "indicator_word": rf"(?<!\w)(?:{_alt(r['indicator_words'])})(?!\w)",
    }


@cache
def _rx() -> dict[str, re.Pattern]:
    """Every pattern of the extractor, compiled once."""
    unit_re, unit_names = _unit_pattern()
    out = {name: re.compile(_pattern(name)) for name in _res()["patterns"]}
    out |= {name: re.compile(p) for name, p in _word_patterns().items()}
    out |= {
        "number": re.compile(rf"(?<![\w/.,\-–])(?:{NUMBER_PATTERN})"),
        "unit": re.compile(rf"[ \t]*(?:{unit_re})"),
        "sentence": re.compile(r"[!?\n]|\.(?!\d)"),
        "noun": re.compile(r"^[ \t]*(?P<w>[^\W\d_]+)"),
    }
    out["unit_names"] = unit_names
    return out


@cache
def _comparator_table() -> dict[str, tuple[str, str | None]]:
    return {re.sub(r"\s+", " ", fold(c["cue"])): (c["comparator"], c.get("direction")) for c in _res()["comparators"]}


@cache
def _direction_rx() -> tuple[re.Pattern, dict[str, str], re.Pattern]:
    table: dict[str, str] = {}
    for direction, words in _res()["directions"].items():
        for w in words:
            table[fold(w)] = direction
    rx = re.compile(rf"(?<!\w)(?P<d>{_alt(list(table))})(?!\w)")
    not_rx = re.compile(rf"(?<!\w)(?:{_alt(_res()['not_directions'])})(?!\w)")
    return rx, table, not_rx


@dataclass
class _Value:
    start: int
    num_end: int
    end: int  # after the unit
    value: float
    unit: str | None
    bound: str | None = None  # "low" | "high" for the two ends of a range
    open_end: str | None = None  # ">=" for "90% trở lên", "<=" for "... trở xuống"
    money: bool = False  # an amount of money ("5,2 tỷ đồng")


@cache
def _multipliers() -> dict[str, float]:
    return {fold(w): float(f) for w, f in _res()["multipliers"].items()}


def _scaled_value(folded: str, v: _Value) -> _Value:
    """"40 nghìn" -> 40000, "5,2 tỷ đồng" -> 5200000000 (money): the number word joins the number."""
    rx = _rx()
    mult = rx["multiplier"].match(folded, v.num_end)
    if mult:
        v.value = round(v.value * _multipliers()[re.sub(r"\s+", " ", mult.group("w"))], 6)
        v.num_end = v.end = mult.end()
    cur = rx["currency"].match(folded, v.num_end)
    if cur:
        v.money, v.end = True, cur.end()
    return v


def _unit_at(folded: str, pos: int) -> tuple[str, int] | None:
    """(unit, end) of a unit written right at `pos`."""
    rx = _rx()
    u = rx["unit"].match(folded, pos)
    return (rx["unit_names"][int(u.lastgroup[1:])], u.end()) if u else None


def _find_values(folded: str) -> list[_Value]:
    rx = _rx()
    out: list[_Value] = []
    pos = 0
    while True:
        m = rx["number"].search(folded, pos)
        if not m:
            break
        pos = m.end()
        value = parse_number(m.group(0))
        if value is None:
            continue
        rng = rx["range"].match(folded, m.end())
        if rng:
            second = parse_number(rng.group("n"))
            u = _unit_at(folded, rng.end())
            if second is not None and u and second > value:
                out.append(_Value(m.start(), m.end(), m.end(), value, u[0], "low"))
                out.append(_Value(rng.start("n"), rng.end(), u[1], second, u[0], "high"))
                pos = u[1]
                continue
        u = _unit_at(folded, m.end())
        if u:
            v = _Value(m.start(), m.end(), u[1], value, u[0])
            tail = rx["open_end"].match(folded[u[1]:u[1] + 20])
            if tail:
                v.end += tail.end()
                v.open_end = ">=" if tail.group("ge") else "<="
            out.append(v)
            pos = v.end
        else:
            out.append(_scaled_value(folded, _Value(m.start(), m.end(), m.end(), value, None)))
            pos = max(pos, out[-1].end)
    return out


def _clause_bounds(folded: str) -> list[int]:
    return [m.end() if folded[m.start()] != "," else m.start() + 1 for m in _rx()["boundary"].finditer(folded)]


_DATE_OR_SYMBOL = re.compile(r"[ \t]*[/\-–.,:)]\s*\d")
# Patterns of every value's reading, compiled once (no cue words in them)
_SPACES = re.compile(r"\s+")
_UNCLOSED_BRACKET_END = re.compile(r"\s*\([^()]*$")
_BRACKET_END = re.compile(r"\s*\([^()]*\)\s*$")
_BRACKETS = re.compile(r"\([^()]*\)")
_WORD = re.compile(r"\w+")
_SPACES_OR_ESCAPES = re.compile(r"(?:\s|\\[rnt])+")
_NOUN_WORDS = re.compile(r"(?:[ \t]+[^\W\d_]+){1,4}")
_BLANK_LINE = re.compile(r"\n[ \t]*\n")
_WORD_NEXT = re.compile(r"[/\w]")


def _is_count(folded: str, v: _Value, seg: str, clause_end: int, after_count: bool = False,
              tree: SectionTree | None = None) -> bool:
    """A bare number is a target only as a count of things after a count cue, or as the next
    count of a list ("70.000 ngôi nhà ... vào năm 2025 và 80.000 vào năm 2030": `after_count`)."""
    rx = _rx()
    after = folded[v.num_end:v.num_end + 40]
    if _DATE_OR_SYMBOL.match(after) or _WORD_NEXT.match(after):
        return False  # a date, a symbol, a list number
    if v.value != int(v.value) or (1900 <= v.value <= 2100 and "." not in folded[v.start:v.num_end]):
        return False
    if rx["not_after"].match(after) or not rx["noun"].match(after):
        return False
    if rx["not_before"].search(seg[-30:]):
        return False
    if is_round_denominator(v.value) and rx["denom_before"].search(seg) and rx["denom_after"].match(after):
        return False
    cue = rx["count_cue"].search(seg)
    if cue and rx["weak_count_cue"].fullmatch(cue.group(0).strip()):
        # "trên địa bàn tỉnh có 19 trẻ em ...": a bare "có" counts what there is, unless a goal is set
        cue = cue if rx["future"].search(folded, _sentence_start(folded, v.start), v.start) else None
    if cue or rx["comparator"].search(seg) or after_count:
        return True
    if rx["frequency"].match(after):  # "phát 2 lần trên ngày"
        return _frequency_is_goal(folded, v, tree)
    at_item_start = not rx["label"].sub("", seg).strip(" \t,;:-")
    return at_item_start and bool(rx["count_pred"].search(folded, v.end, min(clause_end, v.end + _REACH)))


def _frequency_is_goal(folded: str, v: _Value, tree: SectionTree | None) -> bool:
    """A bare frequency is a goal after a goal cue on its line ("đảm bảo ... 2 lần trên ngày") or
    under a Mục tiêu/Chỉ tiêu heading; a task's routine ("kiểm tra liên ngành 02 lần/năm") is not."""
    rx = _rx()
    line_start = folded.rfind("\n", max(0, v.start - _REACH), v.start) + 1
    if rx["frequency_goal"].search(folded, line_start, v.start):
        return True
    heads = _headings_above(folded, tree, v.start) if tree is not None and tree.sections else []
    return any(rx["year_heading"].search(h) for h in heads)


def _is_money_goal(folded: str, v: _Value, seg: str) -> bool:
    """An amount is a goal after a fund-raising or reaching verb among its own words, not per person."""
    if folded[v.end:v.end + 1] == "/" or not _rx()["money_goal"].search(seg):
        return False
    return not _rx()["not_before"].search(seg[-30:])


def _direction(region: str) -> str | None:
    rx, table, not_rx = _direction_rx()
    masked = not_rx.sub(lambda m: " " * len(m.group(0)), region)
    found = [table[_SPACES.sub(" ", m.group("d"))] for m in rx.finditer(masked)]
    strong = [d for d in found if d != "reach"]
    if strong:
        return strong[-1]
    return "reach" if found else None


def _clean_indicator(text: str, folded: str, a: int, b: int) -> str | None:
    """The indicator text[a:b] with labels, lead verbs and trailing cuts removed."""
    rx = _rx()
    seg = folded[a:b]
    lab = rx["label"].match(seg)
    if lab:
        a += lab.end()
    while True:  # "Phấn đấu đến năm 2030, tỷ lệ ...": lead verbs and years before the indicator
        seg = folded[a:b]
        lead = rx["lead_words"].match(seg) or rx["lead_year"].match(seg)
        if not lead or not lead.end():
            break
        a += lead.end()
    while True:
        seg = folded[a:b]
        cut = rx["tail_cuts"].search(seg)
        if not cut or cut.start() == len(seg):
            break
        b = a + cut.start()
    phrase = text[a:b]
    phrase = _UNCLOSED_BRACKET_END.sub("", phrase)  # an unclosed "(dưới 2.500 gram" at the cut
    phrase = _BRACKET_END.sub("", phrase)
    phrase = phrase.strip(" \t\n,;:-–*()")
    if len(_WORD.findall(phrase)) < 2:
        return None
    if phrase[:1].isupper() and phrase[1:2].islower():
        phrase = phrase[0].lower() + phrase[1:]
    return _SPACES_OR_ESCAPES.sub(" ", phrase).strip()


def _indicator_after(text: str, folded: str, start: int, stop: int) -> str | None:
    rx = _rx()
    stop = min(stop, start + _REACH)  # the phrase is cut at 220 characters anyway
    seg = folded[start:stop]
    m = rx["stops"].search(seg)
    if m:
        stop = start + m.start()
    if stop - start > 220:
        stop = start + 220
        while stop > start and text[stop - 1].isalnum():
            stop -= 1
    return _clean_indicator(text, folded, start, stop)


def _year_before(folded: str, clause_start: int, pos: int) -> int | None:
    """"đến năm 2025, tỷ lệ ..." in the clause, or "Đến năm 2025: ..." opening the line."""
    rx = _rx()
    found = list(rx["year_before"].finditer(folded, max(clause_start, pos - _REACH), pos))
    if not found:
        line_start = folded.rfind("\n", max(0, clause_start - _REACH), clause_start) + 1
        found = list(rx["year_before"].finditer(folded, line_start, min(clause_start, line_start + _LINE_OPENING)))
    if not found:
        return None
    ym = found[-1]
    if rx["outlook"].search(folded, max(0, ym.start() - 15), ym.end()):
        return None
    return int(ym.group(1))


def _headings_above(folded: str, tree: SectionTree, pos: int) -> list[str]:
    """The headings of the sections that hold `pos`, innermost first."""
    heads = []
    for s in tree.ancestors(tree.section_at(pos)):
        end = s.heading_end if s.heading_end > s.start else s.start + len(s.heading) + 12
        heads.append(folded[s.start:min(end, len(folded))])
    return heads


def _year_from_headings(folded: str, tree: SectionTree, pos: int) -> int | None:
    rx = _rx()
    if tree.sections:
        heads = _headings_above(folded, tree, pos)
    else:  # no section tree: the nearest "Mục tiêu ..." lines above
        lines = folded[max(0, pos - 4000):pos].split("\n")[:-1]
        heads = [ln for ln in reversed(lines) if len(ln) < 160 and rx["year_heading"].search(ln)][:3]
    for h in heads:
        if not rx["year_heading"].search(h):
            continue
        h = rx["outlook"].sub(" ", h)
        m = rx["heading_year"].search(h)
        if m:
            return int(m.group(1))
    return None


def _matching_text(text: str, folded: str | None = None) -> str:
    """Folded text with literal "\\r\\n" escapes (left by some web copies) blanked; same length."""
    return re.sub(r"\\[rnt]", "  ", fold(text) if folded is None else folded)


def _plan_year(text: str, meta: Metadata | None) -> int | None:
    if meta is not None and meta.year:
        return meta.year
    m = re.search(r"(?<![\d/])(20\d\d|19\d\d)(?!\d)", text[:1500])
    return int(m.group(1)) if m else None


# ---------------------------------------------------------------- one value being read


class _Hits:
    """Where the cue patterns match in a text, found once per text: "is there a cue between a and b"
    is then a bisect instead of a new search of the window around every value (linear on long lines)."""

    def __init__(self, folded: str) -> None:
        self.folded = folded
        self._spans: dict[str, tuple[list[int], list[int]]] = {}

    def within(self, name: str, a: int, b: int) -> bool:
        if name not in self._spans:
            found = [(m.start(), m.end()) for m in _rx()[name].finditer(self.folded)]
            self._spans[name] = ([x for x, _ in found], [y for _, y in found])
        starts, ends = self._spans[name]
        k = bisect.bisect_left(starts, a)
        return k < len(starts) and ends[k] <= b  # matches do not overlap: the first one after a ends first


@dataclass(frozen=True)
class _Read:
    """What the next values may take from a target already read (a list's comparator, a lead year)."""

    target: Target
    value_first: bool
    cue: bool  # its comparator was written ("ít nhất", "dưới"), not plain
    year_led: bool


@dataclass
class _Candidate:
    """A value with the spans around it; the field rules fill in the rest."""

    text: str
    folded: str
    tree: SectionTree
    plan_year: int | None
    values: list[_Value]
    i: int
    v: _Value
    clause_start: int
    clause_end: int
    seg_start: int  # where this value's own words start (after the value before, in one clause)
    seg: str
    prev_target: Target | None
    window_end: int  # the next value with a unit, or the clause end
    year_m: re.Match | None  # a year written after the value
    report: list[tuple[int, int]]  # the report sections' spans (parsing.report_sections)
    last: _Read | None = None  # the target read before, anywhere before this value
    link_list: int = 0  # where the closing list of other articles' headlines begins (link_list_start)
    hits: _Hits | None = None  # the text's cue matches
    comparator: str = "="
    fixed_dir: str | None = None
    comp_start: int = 0
    comp_m: re.Match | None = None
    indicator: str | None = None
    value_first: bool = False  # the indicator was read after the value ("75% người khuyết tật ...")
    listed: bool = False  # the comparator came from the head of its list
    inherited: bool = False
    direction: str = "reach"
    unit: str = "count"
    qualifier: str | None = None
    end: int = 0
    year: int | None = None
    year_led: bool = False  # the year came from words before the value ("phấn đấu đến năm 2020 có ...")
    carried: tuple[int, int] | None = None  # the indicator words of the baseline this goal changes from

    @property
    def written_year(self) -> int | None:
        return int(self.year_m.group(1)) if self.year_m else None


@dataclass(frozen=True)
class _Rule:
    """A named rule: the resource pattern it reads and what it does with it."""

    name: str
    pattern: str | None  # a key of _rx(), from resources/targets.yaml (None: the rule reads no pattern)
    apply: Callable[[_Candidate, re.Pattern | None], bool]


def _is_share(c: _Candidate, p: re.Pattern) -> bool:
    return bool(p.search(c.seg))


def _is_baseline(c: _Candidate, p: re.Pattern) -> bool:
    return (c.v.bound is None and bool(p.search(c.seg))
            and bool(_rx()["baseline_next"].match(c.folded, c.v.end, c.clause_end)))


def _is_past_year(c: _Candidate, p: re.Pattern) -> bool:
    year = c.written_year
    return year is not None and c.plan_year is not None and year < c.plan_year


def _is_past_result(c: _Candidate, p: re.Pattern) -> bool:
    rx, v = _rx(), c.v
    start = _sentence_start(c.folded, v.start)
    if c.hits.within("future", start, v.start):
        return False
    sentence = c.folded[start:v.start]
    changes = list(rx["change_word"].finditer(sentence))
    if changes:  # "từ 20% năm 2020 xuống 15%": the past year dates the baseline, not the goal
        sentence = sentence[changes[-1].end():]
    return c.hits.within("past", start, v.start) or bool(
        c.plan_year and any(int(y) < c.plan_year for y in rx["past_year"].findall(sentence)))


def _sentence_start(folded: str, pos: int) -> int:
    lo = max(0, pos - _REACH)
    ends = [m.end() for m in _rx()["sentence"].finditer(folded, lo, pos)]
    return ends[-1] if ends else lo


def _is_situation(c: _Candidate, p: re.Pattern) -> bool:
    v, folded = c.v, c.folded
    lo = max(0, v.start - _REACH)
    line_start = folded.rfind("\n", lo, v.start) + 1 or lo
    sentence_start = _sentence_start(folded, v.start)
    found = c.hits.within("situation", line_start, v.start) or c.hits.within(
        "situation_sentence", sentence_start, v.start)
    return found and not c.hits.within("future", line_start, v.start)


_HEADLINE_LINES = 3  # a news page's headline is among its first lines
_HEADLINE_CHARS = 150


def _is_headline(c: _Candidate, p: re.Pattern) -> bool:
    """A news page's headline restates the goal the body sets ("100% trẻ em ... được hỗ trợ"):
    a short line among the first ones, not a list item, either without end punctuation before a
    paragraph, or whose value the body writes again."""
    folded, v = c.folded, c.v
    if v.start > _HEADLINE_LINES * (_HEADLINE_CHARS + 4):
        return False
    line_start = folded.rfind("\n", 0, v.start) + 1
    line_end = folded.find("\n", v.start)
    if line_end < 0:
        return False  # a one-line text is its own body
    before = [ln for ln in folded[:line_start].split("\n") if ln.strip()]
    line = folded[line_start:line_end].strip()
    next_end = folded.find("\n", line_end + 1)
    next_line = folded[line_end + 1:next_end if next_end >= 0 else len(folded)].strip()
    if len(before) >= _HEADLINE_LINES or len(line) >= _HEADLINE_CHARS or _rx()["label"].match(line):
        return False
    if not p.search(line) and len(next_line) > max(2 * len(line), _HEADLINE_CHARS) and p.search(next_line):
        return True  # a title line before the body's first paragraph
    number = re.escape(folded[v.start:v.num_end])
    return bool(re.search(rf"(?<![\d.,]){number}(?![.,]?\d)", folded[line_end:]))  # the body restates it


_LINK_LIST_LINES = 3  # a portal page ends with a list of other articles' headlines


def _headline_like(line: str) -> bool:
    s = line.strip()
    return (20 <= len(s) < _HEADLINE_CHARS and s[:1].isupper() and "|" not in s
            and not _rx()["headline_end"].search(s) and not _rx()["label"].match(fold(s)))


def link_list_start(text: str) -> int:
    """Where a web page's closing list of other articles begins ("Chủ tịch nước …", "Sổ bảo hiểm xã hội
    điện tử được cấp chậm nhất …"), else len(text): its last lines are headlines (capitalised, short,
    no end punctuation, not list items), at least three, each opening with its own word. Their
    figures and dates belong to other articles."""
    lines = text.rstrip().split("\n")
    run = []
    for line in reversed(lines):
        if not _headline_like(line):
            break
        run.append(line)
    first_words = {ln.split()[0].lower() for ln in run}
    if len(run) < _LINK_LIST_LINES or len(first_words) < len(run):
        return len(text)
    return len("\n".join(lines[:len(lines) - len(run)]))


def _is_in_link_list(c: _Candidate, p: re.Pattern) -> bool:
    return c.v.start >= c.link_list


def _is_money(c: _Candidate, p: re.Pattern) -> bool:
    return c.hits.within("money", max(c.clause_start, c.v.start - _REACH), c.v.start)


def _is_in_report(c: _Candidate, p: re.Pattern) -> bool:
    return inside(c.report, c.v.start)


# A value any of these rules fires on is not a goal.
SKIP_RULES: tuple[_Rule, ...] = (
    _Rule("share", "status", _is_share),  # "chiếm 30% dân số"
    _Rule("baseline", "from_tail", _is_baseline),  # "giảm từ 4,2% ... xuống còn 3,1%"
    _Rule("past_year", "year_after", _is_past_year),  # "... 96% năm 2021" in a 2024 plan
    _Rule("past_result", "past", _is_past_result),  # "Năm qua, ... đã đạt 97%"
    _Rule("situation", "situation", _is_situation),  # "Trên địa bàn tỉnh hiện có 204.049 trẻ em"
    _Rule("headline", "headline_end", _is_headline),  # a news headline restating the body's goal
    _Rule("link_list", "headline_end", _is_in_link_list),  # the headlines of other articles closing a web page
    _Rule("money", "money", _is_money),  # "Ngân sách tỉnh hỗ trợ 70%"
    _Rule("report_section", None, _is_in_report),  # under "I. KẾT QUẢ THỰC HIỆN"
)


# A value these rules skip may be the start a goal changes from ("từ 20% xuống 18%").
_BASELINE_RULES = ("baseline", "past_year", "past_result")


def _carried_words(folded: str, baseline: tuple[int, int, int] | None, v: _Value) -> tuple[int, int] | None:
    """The baseline's indicator words when `v` is the goal it changes to ("từ 20% xuống 18%",
    "năm 2023 là 20%; phấn đấu giảm xuống 18%"): close after it, on its line, after xuống/lên/còn."""
    if baseline is None or v.start - baseline[0] > _REACH or "\n" in folded[baseline[0]:v.start]:
        return None
    return baseline[1:] if _rx()["goal_change"].search(folded, baseline[0], v.start) else None


# ---------------------------------------------------------------- the fields of a kept value


def _read_comparator(c: _Candidate) -> bool:
    """The words right before the value ("xuống dưới", "ít nhất"); a range's ends are >= and <=."""
    rx, v = _rx(), c.v
    c.comp_m = rx["comparator"].search(c.seg) if c.seg else None
    c.comp_start = v.start
    if c.comp_m:
        c.comparator, c.fixed_dir = _comparator_table()[_SPACES.sub(" ", c.comp_m.group("c"))]
        c.comp_start = c.seg_start + c.comp_m.start()
    if v.bound == "low":
        c.comparator = ">="
        fm = rx["range_from"].search(c.seg)
        c.comp_start = c.seg_start + fm.start() if fm else v.start
    elif v.bound == "high":
        c.comparator, c.comp_start = "<=", v.start
    if v.open_end:
        c.comparator = v.open_end
    return True


def _read_indicator(c: _Candidate) -> bool:
    """Before the value, else inherited ("... và dưới 10%"), else after it; no indicator, no target."""
    rx, v, text, folded = _rx(), c.v, c.text, c.folded
    if c.carried and v.bound is None:  # the goal a baseline changes to: the baseline's indicator
        c.indicator = _clean_indicator(text, folded, *c.carried)
        if c.indicator:
            return True
    indicator = None if v.bound == "high" else _clean_indicator(text, folded, c.seg_start, c.comp_start)
    measure_only = indicator and not rx["indicator_word"].sub("", fold(indicator)).strip()
    if indicator and (measure_only or not rx["indicator_word"].search(folded, c.seg_start, c.comp_start)):
        # "…, đảm bảo 100% trẻ em là người bị hại …": the phrase after names it
        after = _indicator_after(text, folded, v.end, c.window_end) if v.bound is None else None
        c.value_first = bool(after)
        indicator = after or indicator
    prev = c.prev_target
    c.inherited = prev is not None and indicator is None and (
        v.bound == "high" or not rx["shared_link"].sub("", _without_brackets(folded[c.seg_start:c.comp_start])))
    if c.inherited:
        indicator = prev.indicator
        if not c.comp_m and v.bound is None:
            c.comparator = prev.comparator
    elif indicator is None:
        after_start, stop = v.end, c.window_end
        if v.bound == "low" and c.i + 1 < len(c.values):  # "giảm 5 - 10% số trẻ em ...": read after the range
            after_start = c.values[c.i + 1].end
            stop = min(c.values[c.i + 2].start if c.i + 2 < len(c.values) else len(folded), c.clause_end)
        indicator = _indicator_after(text, folded, after_start, stop)
        c.value_first = True
    c.indicator = indicator
    return bool(indicator)


def _without_brackets(s: str) -> str:
    return _BRACKETS.sub(" ", s)


def _read_list_comparator(c: _Candidate) -> bool:
    """A comparator heads its whole list: "ít nhất 35% X, 75% Y; 85% Z" are three >=."""
    last, v = c.last, c.v
    if c.comp_m or v.bound or v.open_end or not c.value_first or last is None:
        return True
    if not (last.value_first and last.cue) or v.start - last.target.end > _REACH:
        return True
    if _rx()["sentence"].search(c.folded, last.target.end, v.start):
        return True  # a list ends with its sentence
    c.comparator, c.listed = last.target.comparator, True
    return True


def _read_direction(c: _Candidate) -> bool:
    """Fixed by the comparator cue, else shared, else the clause's verbs (giảm, tăng, duy trì)."""
    v = c.v
    if c.fixed_dir:
        c.direction = c.fixed_dir
    elif c.inherited:
        c.direction = c.prev_target.direction
    else:
        region = c.folded[c.clause_start if v.unit is None else c.seg_start:v.start]
        c.direction = _direction(region) or ("decrease" if c.comparator in ("<", "<=") else "reach")
        clause_dir = _direction(c.folded[max(c.clause_start, v.start - _REACH):v.start]) if v.bound else None
        if clause_dir in ("decrease", "increase"):
            c.direction = clause_dir
    return True


def _read_unit(c: _Candidate) -> bool:
    """The unit written; a "%" in a clause marked "(p/1000)" is per 1,000."""
    rx, v, folded = _rx(), c.v, c.folded
    unit = v.unit or "count"
    clause = folded[max(c.clause_start, v.start - _REACH):min(c.window_end, c.clause_end, v.end + _REACH)]
    seg_own = folded[c.seg_start:v.end]
    after = folded[v.end:min(c.clause_end, v.end + _REACH)]
    if unit == "%" and (rx["per_1000"].search(seg_own) or (c.inherited and c.prev_target.unit == "per_1000")):
        unit = "per_1000"
    elif unit == "%" and rx["per_1000"].search(clause) and not rx["per_1000"].search(after):
        unit = "per_1000"
    c.unit = unit
    return True


def _read_qualifier(c: _Candidate) -> bool:
    """"đối với nông thôn" after the value; a count's evidence takes the noun counted."""
    rx, folded = _rx(), c.folded
    c.end = c.v.end
    q = rx["qualifier"].match(folded, c.v.end, c.window_end)
    b = rx["bracket_qualifier"].match(folded, c.v.end, c.window_end)
    if q:
        g = "q" if q.group("q") else "p"
        c.qualifier = c.text[q.start(g):q.end(g)].strip()
        c.end = q.end(g)
    elif b:  # "dưới 10% (khu vực nội thành)"
        c.qualifier = c.text[b.start("b"):b.end("b")].strip()
        c.end = b.end()
    if c.unit == "count":
        noun = _NOUN_WORDS.match(folded, c.end, c.window_end)
        if noun:
            c.end = noun.end()
    return True


def _own_year(c: _Candidate) -> int | None:
    """A bare year among the value's own words, not before the plan's year ("... năm 2025 xuống còn 500")."""
    found = [int(m.group(1)) for m in _rx()["own_year"].finditer(c.folded, c.seg_start, c.comp_start)]
    if found and (c.plan_year is None or found[-1] >= c.plan_year):
        return found[-1]
    return None


def _list_year(c: _Candidate) -> int | None:
    """ "dưới 10% (nội thành), 5% (ngoại thành) vào năm 2025": the year after a list's last value."""
    if c.i + 1 >= len(c.values):
        return None
    nxt = c.values[c.i + 1]
    if nxt.start >= c.clause_end or nxt.unit != c.v.unit or nxt.start - c.end > 40:
        return None
    if _rx()["shared_link"].sub("", _without_brackets(c.folded[c.end:nxt.start])):
        return None
    m = _rx()["year_after"].match(c.folded, nxt.end, min(c.clause_end, nxt.end + 200))
    return int(m.group(1)) if m and m.start(1) - nxt.end <= 60 else None


_LEAD_LINES = 8  # how many lines back a lead line ("- Đến năm 2025:") may stand
_LEAD_CHARS = 120


def _label_kind(line: str) -> str:
    """The kind of list label a line opens with: a bullet character, "a)", "1." or none."""
    m = _rx()["label"].match(line)
    if not m:
        return ""
    mark = m.group(0).strip()[:1]
    return mark if not mark.isalnum() else ("1" if mark.isdigit() else "a")


def _lead_line_year(c: _Candidate) -> int | None:
    """ "- Đến năm 2025:" on a line of its own holds for the items under it (items of one kind),
    up to the next such line."""
    rx, folded = _rx(), c.folded
    end = folded.rfind("\n", max(0, c.v.start - 2 * _REACH), c.v.start)
    own_end = folded.find("\n", c.v.start, c.v.start + 2 * _REACH)
    kind = _label_kind(folded[end + 1:own_end if own_end >= 0 else c.v.start].strip())
    for _ in range(_LEAD_LINES):
        if end <= 0:
            return None
        start = folded.rfind("\n", max(0, end - 2 * _REACH), end) + 1
        line = folded[start:end].strip()
        if line.endswith(":"):
            m = rx["year_before"].search(line) if len(line) < _LEAD_CHARS else None
            if m and not rx["outlook"].search(line):
                return int(m.group(1))
            return None
        if _label_kind(line) != kind:
            return None  # another level of the list: the lead above is not this item's
        end = start - 1
    return None


def _carried_year(c: _Candidate) -> int | None:
    """The year a lead gave the targets just before ("phấn đấu đến năm 2020 có ít nhất 35% ...")
    holds for the next lines of the same paragraph."""
    last = c.last
    if last is None or not last.year_led or last.target.target_year is None:
        return None
    gap = c.folded[last.target.end:c.v.start]
    if len(gap) > 2 * _REACH or gap.count("\n") > 1 or _BLANK_LINE.search(gap):
        return None
    return last.target.target_year


def _read_year(c: _Candidate) -> bool:
    """Written after the value, else before it, else after the list it ends, else in a heading above,
    else carried from the lead of the paragraph."""
    year = c.written_year
    if year is None:
        year = _year_before(c.folded, c.clause_start, c.v.start) or _own_year(c)
        c.year_led = year is not None
    if year is None:
        year = _list_year(c)
    if year is None:
        year = _lead_line_year(c)
    if year is None:
        year = _year_from_headings(c.folded, c.tree, c.v.start)
    if year is None:
        year = _carried_year(c)
        c.year_led = year is not None
    c.year = year
    return True


# The fields of a kept value, read in this order; a rule returning False drops the value.
FIELD_RULES: tuple[tuple[str, Callable[[_Candidate], bool]], ...] = (
    ("comparator", _read_comparator),
    ("indicator", _read_indicator),
    ("list_comparator", _read_list_comparator),
    ("direction", _read_direction),
    ("unit", _read_unit),
    ("qualifier", _read_qualifier),
    ("target_year", _read_year),
)


def _next_unit_starts(values: list[_Value], default: int) -> list[int]:
    """For each value, where the next value with a unit starts (one pass, not a scan per value)."""
    out = [default] * len(values)
    nxt = default
    for j in range(len(values) - 1, -1, -1):
        out[j] = nxt
        if values[j].unit is not None:
            nxt = values[j].start
    return out


def extract_targets(text: str, tree: SectionTree, meta: Metadata, *, folded: str | None = None,
                    plan_year: int | None = None, report: list[tuple[int, int]] | None = None) -> list[Target]:
    """One target per value, with comparator, direction, indicator, unit, year and qualifier.

    `folded`, `plan_year` and the `report` sections' spans (their values are results) are the
    facts the pipeline computed once; computed here when absent.
    """
    if not text:
        return []
    folded = _matching_text(text, folded)
    rx = _rx()
    plan_year = _plan_year(text, meta) if plan_year is None else plan_year
    bounds = _clause_bounds(folded)
    values = _find_values(folded)
    next_unit = _next_unit_starts(values, len(folded))
    skip_rules = [(rule, rx[rule.pattern] if rule.pattern else None) for rule in SKIP_RULES]
    if report is None:
        report = report_spans(folded, tree, plan_year)
    link_list = link_list_start(text)
    hits = _Hits(folded)
    out: list[Target] = []
    prev: tuple[int, int, Target | None] | None = None  # (clause_start, end, target) of the last candidate
    last: _Read | None = None
    baseline: tuple[int, int, int] | None = None  # (end, its words' span) of a value just skipped as a baseline
    for i, v in enumerate(values):
        k = bisect.bisect_right(bounds, v.start) - 1
        clause_start = bounds[k] if k >= 0 else 0
        clause_end = bounds[k + 1] - 1 if k + 1 < len(bounds) else len(folded)
        same_clause = prev is not None and prev[0] == clause_start
        seg_start = prev[1] if same_clause else clause_start
        seg = "" if v.bound == "high" else folded[seg_start:v.start]
        if v.money and not _is_money_goal(folded, v, seg):
            continue
        after_count = (same_clause and prev[2] is not None and prev[2].unit == "count"
                       and not rx["shared_link"].sub("", seg))
        if v.unit is None and not v.money and not _is_count(folded, v, seg, clause_end, after_count, tree):
            continue
        carried = _carried_words(folded, baseline, v)
        baseline = None
        prev_target = prev[2] if same_clause else None
        prev = (clause_start, v.end, None)
        window_end = min(next_unit[i], clause_end)
        c = _Candidate(text, folded, tree, plan_year, values, i, v, clause_start, clause_end, seg_start, seg,
                       prev_target, window_end, rx["year_after"].match(folded, v.end, window_end), report, last,
                       link_list, hits)
        c.carried = carried
        fired = next((rule.name for rule, p in skip_rules if rule.apply(c, p)), None)
        if fired in _BASELINE_RULES:
            tail = rx["from_tail"].search(seg) or rx["baseline_tail"].search(seg)
            baseline = (v.end, seg_start, seg_start + tail.start())
        if fired:
            continue
        if not all(read(c) for _, read in FIELD_RULES):
            continue
        target = Target(indicator=c.indicator, value=v.value, unit=c.unit, comparator=c.comparator,
                        direction=c.direction, target_year=c.year, qualifier=c.qualifier,
                        text=text[c.comp_start:c.end], start=c.comp_start, end=c.end,
                        section=tree.section_at(c.comp_start))
        out.append(target)
        prev = (clause_start, c.year_m.end() if c.year_m else c.end, target)
        last = _Read(target, c.value_first, c.comparator != "=" and (c.comp_m is not None or c.listed), c.year_led)
    return out
