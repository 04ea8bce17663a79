"""Numeric targets: one `Target` per value a plan sets, with its indicator.

find: values with a unit ("9,5%", "18/100.000 trẻ em", "‰") and counts after a
count cue ("Bố trí 01 cán bộ", "ít nhất 01 địa bàn xã"); ranges ("5 - 10%")
give two values.
read: the words right before a value give the comparator ("xuống dưới" <,
"đạt trên" >, "ít nhất" >=, "không quá" <=, plain =); the clause gives the
direction (giảm, tăng, duy trì, else reach) and the indicator -- the phrase
before the value ("Tỷ lệ ... đạt 99%") or, when nothing names it there, the
phrase after it ("95% trẻ em dưới 5 tuổi được tiêm chủng ..."). A value joined
by "và" to the one before shares its indicator ("dưới 5% đối với nông thôn và
dưới 10% đối với thành thị").
skip: ages, durations and measures, numbers inside names and references,
years, denominators ("trên 1.000 trẻ đẻ sống"), baselines ("giảm từ 17,7%
năm 2014") and results already reached.
All cue words live in `resources/targets.yaml`.
"""

from __future__ import annotations

import bisect
from dataclasses import dataclass
from functools import cache

import regex as re

from pipeline.document import Metadata, SectionTree, Target
from pipeline.extraction.numbers import NUMBER_PATTERN, is_round_denominator, parse_number
from pipeline.knowledge.loader import load_yaml
from pipeline.textutils import fold

_LABEL = re.compile(
    r"^[\s\W_]*?(?:(?:[ivxlc]{1,5}|\d{1,2}(?:\.\d{1,2}){0,3}|[a-zđ])\s*[.)]\s+|[-+•*–—▪●○◦■□➢✓>]\s*)+"
)


def _loose(phrase: str) -> str:
    """A cue phrase -> regex on folded text (any spacing)."""
    parts = [re.escape(p) for p in fold(phrase).split()]
    return r"\s+".join(parts)


def _alt(phrases: list[str]) -> str:
    return "|".join(sorted((_loose(p) for p in phrases), key=len, reverse=True))


@cache
def _res() -> dict:
    return load_yaml("targets.yaml")


@cache
def _rx() -> dict[str, re.Pattern]:
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
    unit_re = "|".join(f"(?P<u{i}>{p})" for i, (_, _, p) in enumerate(unit_alts))
    comps = r["comparators"]
    return {
        "number": re.compile(rf"(?<![\w/.,\-–])(?:{NUMBER_PATTERN})"),
        "unit": re.compile(rf"[ \t]*(?:{unit_re})"),
        "unit_names": [u for _, u, _ in unit_alts],
        "range": re.compile(rf"[ \t]*(?:%[ \t]*)?(?:[-–—]|đến|tới)[ \t]*(?P<n>{NUMBER_PATTERN})"),
        "comparator": re.compile(rf"(?<!\w)(?P<c>{_alt([c['cue'] for c in comps])})\s*$"),
        "from_tail": re.compile(r"(?<!\w)(?:giảm|tăng)?\s*từ\s*$"),
        "baseline_next": re.compile(r"[^;\n]{0,60}?(?<!\w)(?:xuống|lên|giảm|tăng)(?:\s+còn)?\s*\d"),
        "boundary": re.compile(r"[;!?\n]|\.(?!\d)|:(?!\d)|,(?=\s*trong\s+đó(?!\w))"),
        "sentence": re.compile(r"[!?\n]|\.(?!\d)"),
        "per_1000": re.compile(rf"(?<!\w)(?:{_alt(r['per_1000_markers'])})"),
        "per_100000": re.compile(rf"(?:{_alt(r['per_100000_markers'])})"),
        "lead_words": re.compile(rf"^(?:[\s,;:]*(?<!\w)(?:{_alt(r['lead_words'])})(?!\w))+[\s,;:]*"),
        "tail_cuts": re.compile(rf"[\s,;:]*(?<!\w)(?:{_alt(r['indicator_tail_cuts'])})(?:\s+\d{{4}})?[\s,;:]*$"),
        "stops": re.compile(rf"(?:{'|'.join(re.escape(fold(s)) for s in r['indicator_stops'])})"),
        "qualifier": re.compile(
            rf"\s*(?:đối\s+với\s+(?P<q>[^,;.\n]{{1,50}}?)(?=\s+(?:và|vào|đến|trong|năm)\s|\s*[,;.\n(]|$)"
            rf"|(?:ở|tại)\s+(?:khu\s+vực\s+|vùng\s+)?(?P<p>{_alt(r['qualifier_places'])})(?!\w))"
        ),
        "year_after": re.compile(
            r"[^;\n]{0,160}?(?<!\w)(?<!so\s+với\s+)(?<!so\s+với\s+cùng\s+kỳ\s+)"
            r"(?:(?:vào|đến|tới|trong)\s+(?:cuối\s+)?)?năm\s+(\d{4})(?!\d)"),
        "year_before": re.compile(r"(?<!\w)(?:vào|đến|tới)\s+(?:cuối\s+)?năm\s+(\d{4})(?!\d)"),
        "year_heading": re.compile(rf"(?<!\w)(?:{_alt(r['year_heading_words'])})(?!\w)"),
        "outlook": re.compile(rf"(?:{_alt(r['year_outlook_words'])})\s+(?:đến\s+)?năm\s+\d{{4}}"),
        "count_cue": re.compile(rf"(?<!\w)(?:{_alt(r['count_cues'])})\s*$"),
        "count_pred": re.compile(rf"(?<!\w)(?:{_alt(r['count_predicates'])})(?!\w)"),
        "not_after": re.compile(rf"^[ \t]*(?:{_alt(r['not_after_value'])})(?!\w)"),
        "not_before": re.compile(rf"(?<!\w)(?:{_alt(r['not_before_value'])})[\s.:]*$"),
        "denom_before": re.compile(rf"(?:(?<!\w)(?:{_alt([d for d in r['denominator_before'] if d != '/'])})|/)\s*$"),
        "denom_after": re.compile(rf"^\s*(?:{_alt(r['denominator_after'])})(?!\w)"),
        "money": re.compile(rf"(?<!\w)(?:{_alt(r['money_cues'])})(?!\w)"),
        "report_heading": re.compile(rf"(?<!\w)(?:{_alt(r['report_headings'])})(?!\w)"),
        "report_exception": re.compile(rf"(?<!\w)(?:{_alt(r['report_heading_exceptions'])})(?!\w)"),
        "past_year": re.compile(r"(?<!\w)(?<!(?:đến|vào|tới|với|từ)\s+)năm\s+(\d{4})(?!\d)"),
        "status": re.compile(rf"(?<!\w)(?:{_alt(r['status_cues'])})\s*$"),
        "past": re.compile(rf"(?<!\w)(?:{_alt(r['past_cues'])})(?!\w)"),
        "future": re.compile(rf"(?<!\w)(?:{_alt(r['future_cues'])})(?!\w)"),
        "noun": re.compile(r"^[ \t]*(?P<w>[^\W\d_]+)"),
        "indicator_word": re.compile(rf"(?<!\w)(?:{_alt(r['indicator_words'])})(?!\w)"),
    }


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
            u = rx["unit"].match(folded, rng.end())
            if second is not None and u and second > value:
                unit = rx["unit_names"][int(u.lastgroup[1:])]
                out.append(_Value(m.start(), m.end(), m.end(), value, unit, "low"))
                out.append(_Value(rng.start("n"), rng.end(), u.end(), second, unit, "high"))
                pos = u.end()
                continue
        u = rx["unit"].match(folded, m.end())
        if u:
            unit = rx["unit_names"][int(u.lastgroup[1:])]
            v = _Value(m.start(), m.end(), u.end(), value, unit)
            tail = re.match(r"[ \t]*trở[ \t]+(lên|xuống)(?!\w)", folded[u.end():u.end() + 20])
            if tail:
                v.end += tail.end()
                v.open_end = ">=" if tail.group(1) == "lên" else "<="
            out.append(v)
            pos = v.end
        else:
            out.append(_Value(m.start(), m.end(), m.end(), value, None))
    return out


def _clause_bounds(folded: str) -> list[int]:
    return [m.end() if folded[m.start()] != "," else m.start() + 1 for m in _rx()["boundary"].finditer(folded)]


_DATE_OR_SYMBOL = re.compile(r"[ \t]*[/\-–.,:)]\s*\d")
_WORD_NEXT = re.compile(r"[/\w]")


def _is_count(folded: str, v: _Value, seg: str, clause_end: int) -> bool:
    """A bare number is a target only as a count of things after a count cue."""
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
    if rx["count_cue"].search(seg) or rx["comparator"].search(seg):
        return True
    at_item_start = not _LABEL.sub("", seg).strip(" \t,;:-")
    return at_item_start and bool(rx["count_pred"].search(folded, v.end, clause_end))


def _direction(region: str) -> str | None:
    rx, table, not_rx = _direction_rx()
    masked = not_rx.sub(lambda m: " " * len(m.group(0)), region)
    found = [table[re.sub(r"\s+", " ", m.group("d"))] for m in rx.finditer(masked)]
    strong = [d for d in found if d != "reach"]
    if strong:
        return strong[-1]
    return "reach" if found else None


def _clean_indicator(text: str, folded: str, a: int, b: int) -> str | None:
    """The indicator text[a:b] with labels, lead verbs and trailing cuts removed."""
    rx = _rx()
    seg = folded[a:b]
    lab = _LABEL.match(seg)
    if lab:
        a += lab.end()
    while True:  # "Phấn đấu đến năm 2030, tỷ lệ ...": lead verbs and years before the indicator
        seg = folded[a:b]
        lead = rx["lead_words"].match(seg) or re.match(r"[\s,;:]*(?:(?:(?:đến|vào|trong|tới)\s+)?năm\s+)?\d{4}(?!\d)[\s,;:]*", seg)
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
    phrase = re.sub(r"\s*\([^()]*$", "", phrase)  # an unclosed "(dưới 2.500 gram" at the cut
    phrase = re.sub(r"\s*\([^()]*\)\s*$", "", phrase)
    phrase = phrase.strip(" \t\n,;:-–*()")
    if len(re.findall(r"\w+", phrase)) < 2:
        return None
    if phrase[:1].isupper() and phrase[1:2].islower():
        phrase = phrase[0].lower() + phrase[1:]
    return re.sub(r"(?:\s|\\[rnt])+", " ", phrase).strip()


def _indicator_after(text: str, folded: str, start: int, stop: int) -> str | None:
    rx = _rx()
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
    found = list(rx["year_before"].finditer(folded, clause_start, pos))
    if not found:
        line_start = folded.rfind("\n", 0, clause_start) + 1
        found = list(rx["year_before"].finditer(folded, line_start, clause_start))
    if not found:
        return None
    ym = found[-1]
    if rx["outlook"].search(folded, max(0, ym.start() - 15), ym.end()):
        return None
    return int(ym.group(1))


def _year_from_headings(folded: str, tree: SectionTree, pos: int) -> int | None:
    rx = _rx()
    heads: list[str] = []
    if tree.sections:
        for s in tree.ancestors(tree.section_at(pos)):
            end = s.heading_end if s.heading_end > s.start else s.start + len(s.heading) + 12
            heads.append(folded[s.start:min(end, len(folded))])
    else:  # no section tree: the nearest "Mục tiêu ..." lines above
        lines = folded[max(0, pos - 4000):pos].split("\n")[:-1]
        heads = [ln for ln in reversed(lines) if len(ln) < 160 and rx["year_heading"].search(ln)][:3]
    for h in heads:
        if not rx["year_heading"].search(h):
            continue
        h = rx["outlook"].sub(" ", h)
        m = re.search(r"(?<!\w)(?:đến|vào|tới)?\s*năm\s+(\d{4})(?!\d)", h)
        if m:
            return int(m.group(1))
    return None


def _in_report_section(folded: str, tree: SectionTree, pos: int) -> bool:
    """Inside "Kết quả thực hiện ...", "Tình hình ...": values there are results, not goals."""
    rx = _rx()
    if tree.sections:
        heads = []
        for s in tree.ancestors(tree.section_at(pos)):
            end = s.heading_end if s.heading_end > s.start else s.start + len(s.heading) + 12
            heads.append(folded[s.start:min(end, len(folded))])
    else:  # the nearest Roman-numbered heading above
        roman = list(re.finditer(r"(?m)^[\W_]*[ivxl]{1,5}\s*[.)/]\s*([^\n]{0,150})$", folded[:pos]))
        heads = [roman[-1].group(1)] if roman else []
    return any(rx["report_heading"].search(h) and not rx["report_exception"].search(h) for h in heads)


def _matching_text(text: str, folded: str | None = None) -> str:
    """Folded text with literal "\\r\\n" escapes (left by some web copies) blanked; same length."""
    return re.sub(r"\\[rnt]", "  ", fold(text) if folded is None else folded)


def _plan_year(text: str, meta: Metadata | None) -> int | None:
    if meta is not None and meta.year:
        return meta.year
    m = re.search(r"(?<![\d/])(20\d\d|19\d\d)(?!\d)", text[:1500])
    return int(m.group(1)) if m else None


def extract_targets(text: str, tree: SectionTree, meta: Metadata, *, folded: str | None = None,
                    plan_year: int | None = None) -> list[Target]:
    """One target per value, with comparator, direction, indicator, unit, year and qualifier.

    `folded` and `plan_year` are the facts the pipeline computed once; computed here when absent.
    """
    if not text:
        return []
    folded = _matching_text(text, folded)
    rx = _rx()
    comp_table = _comparator_table()
    plan_year = _plan_year(text, meta) if plan_year is None else plan_year
    bounds = _clause_bounds(folded)
    values = _find_values(folded)
    out: list[Target] = []
    prev: tuple[int, int, Target | None] | None = None  # (clause_start, end, target) of the last candidate

    for i, v in enumerate(values):
        k = bisect.bisect_right(bounds, v.start) - 1
        clause_start = bounds[k] if k >= 0 else 0
        clause_end = bounds[k + 1] - 1 if k + 1 < len(bounds) else len(folded)
        same_clause = prev is not None and prev[0] == clause_start
        seg_start = prev[1] if same_clause else clause_start
        seg = folded[seg_start:v.start]
        if v.bound == "high":
            seg = ""
        if v.unit is None and not _is_count(folded, v, seg, clause_end):
            continue
        prev_target = prev[2] if same_clause else None
        prev = (clause_start, v.end, None)

        # shares, baselines and results already reached
        if rx["status"].search(seg):
            continue
        if v.bound is None and rx["from_tail"].search(seg) and rx["baseline_next"].match(folded, v.end, clause_end):
            continue
        nxt = next((w.start for w in values[i + 1:] if w.unit is not None), len(folded))
        window_end = min(nxt, clause_end)
        year_m = rx["year_after"].match(folded, v.end, window_end)
        year = int(year_m.group(1)) if year_m else None
        if year is not None and plan_year is not None and year < plan_year:
            continue
        sent = [m.end() for m in rx["sentence"].finditer(folded, max(0, v.start - 400), v.start)]
        sentence = folded[sent[-1] if sent else max(0, v.start - 400):v.start]
        if not rx["future"].search(sentence) and (
                rx["past"].search(sentence)
                or (plan_year and any(int(y) < plan_year for y in rx["past_year"].findall(sentence)))):
            continue
        if rx["money"].search(folded, clause_start, v.start) or _in_report_section(folded, tree, v.start):
            continue

        # comparator and direction fixed by the words right before the value
        comp_m = rx["comparator"].search(seg) if seg else None
        comparator, fixed_dir, comp_start = "=", None, v.start
        if comp_m:
            comparator, fixed_dir = comp_table[re.sub(r"\s+", " ", comp_m.group("c"))]
            comp_start = seg_start + comp_m.start()
        if v.bound == "low":
            comparator = ">="
            fm = re.search(r"(?<!\w)từ\s*$", seg)
            comp_start = seg_start + fm.start() if fm else v.start
        elif v.bound == "high":
            comparator, comp_start = "<=", v.start
        if v.open_end:
            comparator = v.open_end

        # indicator: before the value, else inherited ("... và dưới 10%"), else after it
        indicator = None if v.bound == "high" else _clean_indicator(text, folded, seg_start, comp_start)
        measure_only = indicator and not re.sub(rx["indicator_word"], "", fold(indicator)).strip()
        if indicator and (measure_only or not rx["indicator_word"].search(folded, seg_start, comp_start)):
            # "…, đảm bảo 100% trẻ em là người bị hại …": the phrase after names it
            after = _indicator_after(text, folded, v.end, window_end) if v.bound is None else None
            indicator = after or indicator
        inherited = prev_target is not None and indicator is None and (
            v.bound == "high" or not re.sub(r"[\W\d_]|(?<!\w)(?:và|hoặc|còn)(?!\w)", "", folded[seg_start:comp_start]))
        if inherited:
            indicator = prev_target.indicator
            if not comp_m and v.bound is None:
                comparator = prev_target.comparator
        elif indicator is None:
            after_start, stop = v.end, window_end
            if v.bound == "low" and i + 1 < len(values):  # "giảm 5 - 10% số trẻ em ...": read after the range
                after_start = values[i + 1].end
                stop = min(values[i + 2].start if i + 2 < len(values) else len(folded), clause_end)
            indicator = _indicator_after(text, folded, after_start, stop)
        if not indicator:
            continue

        if fixed_dir:
            direction = fixed_dir
        elif inherited:
            direction = prev_target.direction
        else:
            region = folded[clause_start if v.unit is None else seg_start:v.start]
            direction = _direction(region) or ("decrease" if comparator in ("<", "<=") else "reach")
            if v.bound is not None and _direction(folded[clause_start:v.start]) in ("decrease", "increase"):
                direction = _direction(folded[clause_start:v.start])

        unit = v.unit or "count"
        clause = folded[clause_start:min(window_end, clause_end)]
        seg_own = folded[seg_start:v.end]
        if unit == "%" and (rx["per_1000"].search(seg_own) or (inherited and prev_target.unit == "per_1000")):
            unit = "per_1000"
        elif unit == "%" and rx["per_1000"].search(clause) and not rx["per_1000"].search(folded[v.end:clause_end]):
            unit = "per_1000"

        end = v.end
        qualifier = None
        q = rx["qualifier"].match(folded, v.end, window_end)
        if q:
            g = "q" if q.group("q") else "p"
            qualifier = text[q.start(g):q.end(g)].strip()
            end = q.end(g)
        if unit == "count":
            noun = re.match(r"(?:[ \t]+[^\W\d_]+){1,4}", folded[end:window_end])
            if noun:
                end += noun.end()

        if year is None:
            year = _year_before(folded, clause_start, v.start)
        if year is None:
            year = _year_from_headings(folded, tree, v.start)

        if year_m:
            end_of_value = year_m.end()
        else:
            end_of_value = end
        target = Target(indicator=indicator, value=v.value, unit=unit, comparator=comparator,
                        direction=direction, target_year=year, qualifier=qualifier,
                        text=text[comp_start:end], start=comp_start, end=end,
                        section=tree.section_at(comp_start))
        out.append(target)
        prev = (clause_start, end_of_value, target)
    return out
