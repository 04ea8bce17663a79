"""Deadlines and periods: "trước ngày 15/4/2023", "từ ngày 01/6 đến ngày 30/6", "trước ngày 30/11 hàng năm".

A date counts when a cue says something is due by, starts or ends at it
(resources/deadlines.yaml), or when the text writes a full "ngày … năm …"
date that is neither a cited instrument's date, nor the issue date, nor a
holiday named as context. A date without a year takes the plan year, unless
its clause says it recurs ("hàng năm", "định kỳ"): then it is `annual` with
no year. A month alone has day null; a quarter takes its last day (a convention: no gold
confirms it).
"""

from __future__ import annotations

import bisect
import datetime
from dataclasses import dataclass
from functools import cache

import regex as re

from pipeline.document import Deadline, Metadata, SectionTree
from pipeline.extraction.citations.dates import DateMatch, find_dates, iso_date
from pipeline.extraction.citations.find import find_mentions
from pipeline.extraction.citations.layout import body_start
from pipeline.extraction.citations.layout import plan_year as find_plan_year
from pipeline.extraction.targets import link_list_start
from pipeline.knowledge.loader import load_yaml
from pipeline.parsing.report_sections import report_spans
from pipeline.textutils import fold, inside, matching_form, merge_spans, squash

_WINDOW = 60  # how far before a date its cue may start


def _alts(words: list[str]) -> str:
    folded = sorted({fold(w) for w in words}, key=len, reverse=True)
    return "|".join(re.escape(w).replace(r"\ ", r"\s+") for w in folded)


def _patterns(data: dict) -> dict[str, re.Pattern]:
    """The `patterns:` of deadlines.yaml with their "<<list>>" slots filled, compiled."""
    def fill(p: str) -> str:
        return re.sub(r"<<(\w+)>>", lambda m: _alts(data[m.group(1)]), p)
    return {name: re.compile(fill(p)) for name, p in data["patterns"].items()}


@cache
def _config() -> dict:
    data = load_yaml("deadlines.yaml")
    cue_kind = {}
    for kind, words in data["cues"].items():
        for w in words:
            cue_kind[re.sub(r"\s+", " ", fold(w))] = kind
    month_kind = {re.sub(r"\s+", " ", fold(w)): kind for kind, words in data["month_cues"].items() for w in words}
    after_action = {re.sub(r"\s+", " ", fold(w)) for w in data["month_cues_after_action"]}
    return _patterns(data) | {
        "cue": re.compile(rf"(?<![\w])(?P<cue>{_alts(list(cue_kind))})\s*$"),
        "cue_kind": cue_kind,
        "month_cue": re.compile(rf"(?<![\w])(?P<cue>{_alts(list(month_kind) + list(after_action))})\s*$"),
        "month_kind": month_kind,
        "after_action": after_action,
        "quarters": {fold(k): v for k, v in data["quarters"].items()},
        "range_from": re.compile(rf"(?<![\w])(?:{_alts(data['range_from'])})\s*$"),
        "recurring": re.compile(rf"(?<![\w])(?:{_alts(data['recurring'])})(?![\w])"),
        "holiday": re.compile(rf"(?<![\w])(?:{_alts(data['holidays'])})(?![\w])"),
        "actions": re.compile(rf"(?<![\w])(?:{_alts(data['actions'])})(?![\w])"),
        "past_marker": re.compile(rf"(?<![\w])(?:{_alts(data['past_markers'])})(?![\w])"),
        "strip": re.compile(rf"^(?:(?:{_alts(data['what_strip'])})(?![\w])[\s,]*)+"),
    }


def _clause_bounds(folded: str, pos: int, end: int) -> tuple[int, int]:
    """Start and end of the clause around [pos, end) (list items, ';', full stops), capped at 250 chars."""
    lo = max(0, pos - 250)
    start = lo
    clause_end = _config()["clause_end"]
    for m in clause_end.finditer(_mask_parens(folded, lo, pos)):
        start = lo + m.end()
    m = clause_end.search(folded, end, min(len(folded), end + 250))
    return start, (m.start() if m else min(len(folded), end + 250))


def _tidy(phrase: str) -> str:
    cfg = _config()
    phrase = squash(re.sub(r"[*_#]+", " ", phrase)).strip(" ,;-–:()")
    phrase = cfg["label"].sub("", phrase)
    m = cfg["strip"].match(fold(phrase))
    return phrase[m.end():].strip() if m else phrase


def _mask_parens(folded: str, lo: int, hi: int) -> str:
    """The folded slice with (…) groups blanked (same length): their commas and words don't cut the phrase."""
    chars = list(folded[lo:hi])
    depth = 0
    for i, ch in enumerate(chars):
        if ch == "(":
            depth += 1
        if depth:
            chars[i] = " "
        if ch == ")" and depth:
            depth -= 1
    return "".join(chars)


def _last_action_phrase(text: str, folded: str, lo: int, hi: int) -> str | None:
    """From the start of the last comma-separated part holding an action word (or its "và <action>") to `hi`."""
    cfg = _config()
    masked = _mask_parens(folded, lo, hi)
    cuts = [0] + [m.end() for m in re.finditer(r"[,;:]", masked)]
    for cut in reversed(cuts):
        if cfg["actions"].search(masked, cut):
            conj = None
            for m in cfg["and_action"].finditer(masked[cut:]):
                conj = m
            begin = cut + conj.end() if conj else cut
            kept = re.sub(r"\([^()]*\)", " ", text[lo + begin:hi])
            words = _tidy(kept).split()
            return " ".join(words[-24:]) if words else None
    return None


_ROW_NUMBER = re.compile(r"[\divxlc.]*")


def _row_task(text: str, pos: int) -> str | None:
    """In a task table's row ("| 2 | Nội dung | chủ trì | phối hợp | Tháng 6/2024 |") the task is
    the content cell: the first after the row number."""
    line_start = text.rfind("\n", max(0, pos - 2000), pos) + 1
    line_end = text.find("\n", pos)
    line = text[line_start:line_end if line_end >= 0 else len(text)].strip()
    if not (line.startswith("|") and line.endswith("|")):
        return None
    cells = [c.strip() for c in line.strip("|").split("|")]
    if cells and _ROW_NUMBER.fullmatch(cells[0].lower()):
        cells = cells[1:]
    return _tidy(cells[0]) or None if cells else None


def _what(text: str, folded: str, cue_start: int, date_end: int, floor: int) -> str | None:
    """What is due: the task of its table row; else the words before the cue; when they only name a
    period ("định kỳ 6 tháng (trước ngày …)"), the action written after the date, with that period."""
    row = _row_task(text, cue_start)
    if row:
        return row
    c_start, c_end = _clause_bounds(folded, cue_start, date_end)
    lo = max(c_start, floor)
    before = _last_action_phrase(text, folded, lo, cue_start)
    if before:
        return before
    period = _tidy(text[lo:cue_start])
    # after the date: drop other "(trước ngày …)" groups, stop at the next parenthesis or comma
    after_text = text[date_end:c_end]
    after_fold = folded[date_end:c_end]
    spans = [(m.start(), m.end()) for m in re.finditer(r"\([^()]*\)", after_fold)]
    kept = "".join(ch for i, ch in enumerate(after_text) if not any(a <= i < b for a, b in spans))
    kept = _config()["after_stop"].split(kept.lstrip(" \t\n),"), maxsplit=1)[0]
    after = _tidy(kept)
    first_action = _config()["actions"].search(fold(after))
    if first_action:
        words = after[first_action.start():].split()[:14]
        if period and len(period.split()) <= 4:
            words.append(period)
        return " ".join(words)
    return period or None


def _excluded(folded: str, d: DateMatch, cited: list[tuple[int, int]], issue_date: str | None,
              front_end: int) -> bool:
    """Dates of cited instruments, the issue date, banners and statistics references."""
    cfg = _config()
    if inside(cited, d.start):
        return True
    if issue_date and d.iso == issue_date:
        return True
    left = folded[max(0, d.start - _WINDOW):d.start]
    line_left = left.rsplit("\n", 1)[-1]
    if cfg["not_after"].search(line_left):
        return True
    if d.start < front_end and cfg["place_date"].search(line_left):
        return True
    return False


def _place_date(text: str, pos: int) -> bool:
    """ "Phước Thạnh, ngày 20 tháng 12 năm 2021": a capitalised place, a comma, then the date."""
    m = _config()["place_date_text"].search(text[max(0, pos - 60):pos])
    return bool(m) and m.group(1)[0].isupper()


def _holiday(folded: str, d: DateMatch) -> bool:
    """ "Ngày quốc tế thiếu nhi (01/6)", "Tết Trung thu (15/8 âm lịch)": context, not a deadline."""
    cfg = _config()
    left = folded[max(0, d.start - 45):d.start]
    left = re.split(r"[;.]", left)[-1]
    return bool(cfg["holiday"].search(left)) or bool(cfg["lunar"].match(folded, d.end))


def _cue_at(folded: str, pos: int) -> tuple[str, int] | None:
    """(kind, start) of the cue that ends right at `pos`."""
    cfg = _config()
    m = cfg["cue"].search(folded, max(0, pos - _WINDOW), pos)
    if not m:
        return None
    cue = re.sub(r"\s+", " ", m.group("cue"))
    return cfg["cue_kind"].get(cue, "due"), m.start()


def extract_deadlines(text: str, tree: SectionTree, meta: Metadata, *, folded: str | None = None,
                      plan_year: int | None = None, cited: list[tuple[int, int]] | None = None,
                      report: list[tuple[int, int]] | None = None) -> list[Deadline]:
    """Every deadline, start or end date the plan sets, with what is due and who owes it.

    `folded`, `plan_year`, the `cited` spans (dates inside a citation are not deadlines) and the
    `report` sections' spans (results and background: their dates are history) are the facts
    the pipeline computed once; a caller without them gets them computed here.
    """
    if not text:
        return []
    tree = tree or SectionTree()
    meta = meta or Metadata()
    folded = matching_form(text) if folded is None else folded
    if cited is None:
        cited = [(m.start, m.end) for m in find_mentions(text, folded)]
    cited = merge_spans(cited)
    front_end = body_start(folded, tree)
    year = find_plan_year(folded, meta, tree) if plan_year is None else plan_year
    if report is None:
        report = report_spans(folded, tree, year)
    dates = [d for d in find_dates(folded) if not _excluded(folded, d, cited, meta.issue_date, front_end)]

    reference = _reference_year(meta.year, meta.issue_date)
    out = _date_deadlines(text, folded, tree, dates, year, (reference, meta.issue_date), front_end)
    out += _month_deadlines(text, folded, tree, dates, cited, reference, year)
    out.sort(key=lambda d: d.start)
    closing = link_list_start(text)  # other articles' headlines closing a web page
    kept = [d for d in out if d.start < closing and not inside(report, d.start)]
    return _without_repeated_paragraphs(folded, kept)


def _reference_year(plan_year: int | None, issue_date: str | None) -> int | None:
    """The earliest year the plan can set dates in: its own year, or its issue year when earlier.

    Only the metadata's year counts: a year guessed from the text may be a target's horizon."""
    years = [y for y in (plan_year, int(issue_date[:4]) if issue_date and issue_date[:4].isdigit() else None) if y]
    return min(years) if years else None


def _day_range_start(folded: str, d: DateMatch) -> tuple[int, int] | None:
    """(first day, cue start) of "từ ngày 1 - 30.6", "trong 02 ngày 03 – 04/12/2018" ending at `d`."""
    m = _config()["day_range"].search(folded, max(0, d.start - 40), d.start)
    if not m:
        return None
    first = int(m.group("d"))
    return (first, m.start()) if 1 <= first < d.day else None


def _before_issue(d: DateMatch, issue_date: str | None) -> bool:
    """A written date before the plan was issued is not one it sets."""
    return bool(issue_date and d.year is not None and d.iso and d.iso < issue_date)


def _date_deadlines(text: str, folded: str, tree: SectionTree, dates: list[DateMatch], year: int | None,
                    plan_time: tuple[int | None, str | None], front_end: int) -> list[Deadline]:
    """Deadlines and periods of the written dates; a date or period before the plan's time
    (`plan_time`: the metadata's reference year and issue date) is background."""
    cfg = _config()
    reference, issue_date = plan_time
    out: list[Deadline] = []
    used: set[int] = set()
    last_end = 0
    for i, d in enumerate(dates):
        if d.start in used:
            continue
        period = _period(folded, dates, i)
        if period is not None:
            (first, first_year), (end, end_year), ev_start = period
            used.add(end.start)
            if (reference is not None and (first_year or reference) < reference) or _before_issue(end, issue_date):
                continue  # "trẻ sinh từ 30/11/2013 đến 30/5/2018": a past period quoted as background
            what = _what(text, folded, ev_start, end.end, last_end)
            for part, kind, y in ((first, "start", first_year), (end, "end", end_year)):
                out.append(_deadline(text, folded, tree, part, y, kind, what, ev_start, end.end, year))
            last_end = end.end
            continue
        cue = _cue_at(folded, d.start)
        if cue is None:
            # a full date with "ngày" and a year, not a holiday: an event or due date
            if d.year is None or not cfg["plain_day"].search(folded, max(0, d.start - 10), d.start):
                continue
            if d.start < front_end or _holiday(folded, d) or _place_date(text, d.start):
                continue  # the front matter's bare dates are the issue date and instruments' dates
            kind, ev_start = "due", cfg["plain_day"].search(folded, max(0, d.start - 10), d.start).start()
            if cfg["past_marker"].search(folded, d.end, _clause_bounds(folded, ev_start, d.end)[1]):
                continue  # "Ngày 15/3/2024, UBND tỉnh đã tổ chức ...": an event reported, not set
        else:
            kind, ev_start = cue
            if d.year is None and _holiday(folded, d):
                continue
        if (d.year is not None and reference is not None and d.year < reference) or _before_issue(d, issue_date):
            continue  # a past date quoted as background
        what = _what(text, folded, ev_start, d.end, last_end)
        out.append(_deadline(text, folded, tree, d, d.year, kind, what, ev_start, d.end, year))
        last_end = d.end
    return out


def _period(folded: str, dates: list[DateMatch], i: int):
    """((start, its year), (end, its year), cue start) of a period starting at dates[i], else None:
    "từ ngày 01/6 đến ngày 30/6", or a first day written alone ("từ ngày 12 đến 25-8")."""
    cfg = _config()
    d = dates[i]
    nxt = dates[i + 1] if i + 1 < len(dates) else None
    rng_from = cfg["range_from"].search(folded, max(0, d.start - 30), d.start)
    if rng_from and nxt is not None:
        link = cfg["range_to"].match(folded, d.end)
        if link and link.end() == nxt.start:
            return (d, d.year or nxt.year), (nxt, nxt.year), rng_from.start()
    day_first = _day_range_start(folded, d)
    if day_first is not None:
        first = DateMatch(day_first[0], d.month, d.year, day_first[1], d.start)
        return (first, d.year), (d, d.year), day_first[1]
    return None


@dataclass(frozen=True)
class _Month:
    """A month (day None) or a quarter (its last day) with its year."""

    month: int
    day: int | None
    year: int | None  # None: not written ("trước tháng 12 hàng năm")
    start: int
    end: int


def _month_at(m: re.Match) -> _Month | None:
    year = int(m.group("y")) if m.group("y") else None
    if m.group("m"):
        month = int(m.group("m"))
        return _Month(month, None, year, m.start(), m.end()) if 1 <= month <= 12 else None
    month = 3 * _config()["quarters"][m.group("q")]
    last_day = (datetime.date(month // 12 + (year or 2001), month % 12 + 1, 1) - datetime.timedelta(days=1)).day
    return _Month(month, last_day, year, m.start(), m.end())


def _month_kind(folded: str, m: re.Match, tree: SectionTree) -> tuple[str, int, bool] | None:
    """(kind, cue start, written cue) when the month is a deadline: after a cue, or alone in a
    table's time cell. "trong/vào tháng" needs an action word in its clause or a task item around
    it (a task is verb-led: "Kiện toàn Ban Bảo vệ trẻ em xã trong tháng 5/2024")."""
    cfg = _config()
    cue = cfg["month_cue"].search(folded, max(0, m.start() - 40), m.start())
    if cue:
        word = re.sub(r"\s+", " ", cue.group("cue"))
        if word not in cfg["after_action"]:
            return cfg["month_kind"][word], cue.start(), True
        c_start, _ = _clause_bounds(folded, cue.start(), m.end())
        if cfg["actions"].search(folded, c_start, cue.start()) or tree.task_at(cue.start()) is not None:
            return "due", cue.start(), False
    if cfg["cell_before"].search(folded, max(0, m.start() - 10), m.start()) and cfg["cell_after"].match(
            folded, m.end()):
        return "due", m.start(), False
    return None


def _month_deadlines(text: str, folded: str, tree: SectionTree, dates: list[DateMatch],
                     cited: list[tuple[int, int]], reference: int | None, year: int | None) -> list[Deadline]:
    """ "hoàn thành trong tháng 11/2025" (day null), "Quý III/2024" (its last day), "| Tháng 6/2024 |"."""
    out = []
    date_spans = merge_spans([(d.start, d.end) for d in dates])
    for m in _config()["month"].finditer(folded):
        if inside(date_spans, m.start()) or inside(cited, m.start()):
            continue  # "ngày 19 tháng 02 năm 2025" is a date; a cited instrument's month is not due
        if _config()["not_after"].search(folded[max(0, m.start() - _WINDOW):m.start()].rsplit("\n", 1)[-1]):
            continue  # "thống kê đến tháng 11-2018": the time of a figure
        found = _month_kind(folded, m, tree)
        when = _month_at(m)
        if found is None or when is None or (reference is not None and when.year and when.year < reference):
            continue
        kind, ev_start, written_cue = found
        if when.year is None and not written_cue:
            continue  # a month without its year only after a cue ("trước tháng 12 hàng năm")
        what = _what(text, folded, ev_start, m.end(), 0)
        out.append(_deadline(text, folded, tree, when, when.year, kind, what, ev_start, m.end(), year))
    return out


def _without_repeated_paragraphs(folded: str, found: list[Deadline]) -> list[Deadline]:
    """A paragraph a web copy repeats word for word gives its deadlines once."""
    newlines = [m.start() for m in re.finditer(r"\n", folded)]
    line_keys: dict[int, str] = {}  # each line's words, joined once
    seen: dict[tuple, int] = {}  # (line, date, kind) -> the line where it was first read
    out = []
    for d in found:
        k = bisect.bisect_left(newlines, d.start)
        if k not in line_keys:
            start = newlines[k - 1] + 1 if k else 0
            end = newlines[k] if k < len(newlines) else len(folded)
            line_keys[k] = " ".join(folded[start:end].split())
        key = (line_keys[k], d.year, d.month, d.day, d.kind)
        if seen.setdefault(key, k) == k:  # the same line may name a date twice; another copy of it may not
            out.append(d)
    return out


def _deadline(text: str, folded: str, tree: SectionTree, d: DateMatch | _Month, written_year: int | None,
              kind: str, what: str | None, ev_start: int, ev_end: int, plan_year_: int | None) -> Deadline:
    cfg = _config()
    c_start, c_end = _clause_bounds(folded, ev_start, ev_end)
    if written_year is None and cfg["recurring"].search(folded, c_start, c_end):
        recurrence, year = "annual", None
    else:
        recurrence, year = "once", written_year or plan_year_
    task = tree.task_at(ev_start)
    agency = task.agencies[0] if task is not None and task.agencies else None
    return Deadline(
        date=iso_date(year, d.month, d.day), year=year, month=d.month, day=d.day,
        recurrence=recurrence, kind=kind, what=what, agency=agency,
        text=text[ev_start:ev_end], start=ev_start, end=ev_end, section=tree.section_at(ev_start),
    )
