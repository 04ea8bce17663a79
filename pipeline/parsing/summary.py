"""Metadata of a text that reports on a document: portal news, summaries, re-published plans.

Such a text has no formal header. It names the document in its opening, in the
issuer's own voice: "UBND tỉnh vừa ban hành Kế hoạch số 01/KH-UBND ngày ...",
"Ngày 15/12, Sở GD&ĐT ban hành Kế hoạch số 80/KH-SGD&ĐT", "Theo UBND xã An Cư, ...".
The reporting clause opens with the issuer (a clause start, a capitalised issuer
word, never after "của": a cited document's issuer is not the plan's), then an
adverb and a verb in lower case; an issuing verb is followed by the type, the
number and the date. The gold rule: a text that reports on a document takes that
document's metadata as far as the text states it.

Words and patterns come from resources/metadata.yaml (`summary`); matching runs
on `fold(text)`, same length, so offsets hold in the text.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache

from pipeline.knowledge.loader import load_yaml
from pipeline.textutils import fold

_SENTENCE_END = re.compile(r"[.;!?](?=\s|$)|\n|:\s")
_NUMBER = (r"(?P<num>\d{1,6})(?:\s*/\s*(?P<code>[^\W_][\w&.]*(?:\s?(?:/|[-–])\s?[^\W_][\w&.]*)*)"
           r"|(?P<party>-[^\W_][\w&.]*(?:/[^\W_][\w&.]*(?:-[^\W_][\w&.]*)*)+))?(?![\w/])")
_MAX_ISSUER_WORDS = 22


@dataclass(frozen=True)
class Report:
    """The reported document as the reporting clause states it (None: not stated)."""

    issuer: str  # as written, abbreviations expanded, a place in brackets dropped
    head_level: str | None  # "committee", a level, or None (read the level from the name)
    doc_type: str | None
    number: str | None
    issue_date: str | None
    year: int | None  # "năm 2026" in the clause after the type
    start: int


@cache
def _cfg() -> dict:
    meta = load_yaml("metadata.yaml")
    raw = meta["summary"]
    heads = {fold(k): v for k, v in raw["issuer_heads"].items()}
    units = sorted((fold(u) for u in meta["unit_levels"]), key=len, reverse=True)
    types = {fold(k): v for k, v in raw["type_words"].items()}
    date = raw["date"]
    labels = raw["labels"]
    abbreviations = {fold(k): v for k, v in raw["abbreviations"].items()}
    return {
        "opening": int(raw["opening_chars"]),
        "heads": heads,
        "head_re": re.compile(r"(?<!\w)(" + _alt(heads) + r")(?!\w)"),
        "unit_head_re": re.compile(r"(?<!\w)(" + _alt(units) + r")\s+(?=[^\W\d_])"),
        "openers": tuple(fold(w) for w in raw["clause_openers"]),
        "inner_stops": {fold(w) for w in raw["not_in_issuer"]},
        "untyped_issue": {fold(w) for w in raw["issuing_without_type"]},
        "name_stops": {fold(w) for w in meta["name_stop_words"]},
        "verb_re": re.compile(r"\s(?:(?:" + _alt(fold(a) for a in raw["adverbs"]) + r")\s+)?"
                              r"(?:(?P<issue>" + _alt(fold(v) for v in raw["issuing_verbs"]) + r")"
                              r"|(?P<voice>" + _alt(fold(v) for v in raw["voice_verbs"]) + r"))(?!\w)"),
        "type_re": re.compile(r"\s+(?P<type>" + _alt(types) + r")(?!\w)"),
        "types": types,
        "number_re": re.compile(r"\s*(?P<so>" + labels["number"] + r")?" + _NUMBER),
        "date_after_re": re.compile(r"\s*,?\s*(?:\(\s*)?(?:" + labels["issued"] + r")?" + labels["date"] + date),
        "date_before_re": re.compile(labels["date"] + date + r"\s*,\s*$"),
        "title_re": re.compile(r"(?P<type>" + _alt(types) + r")\s+(?:" + labels["number"] + r")?" + _NUMBER),
        "restated_re": re.compile(r"\(\s*(?:" + _alt(types) + r")\s+(?:" + labels["number"] + r")?" + _NUMBER
                                  + r"(?:\s*,?\s*" + labels["date"] + date + r")?"),
        "date_in_words": re.compile(labels["month_before_year"]),
        "bracket_symbol_re": re.compile(r"\(\s*" + _NUMBER + r"\s*\)\s*$"),
        "abbr_re": re.compile(r"(?<!\w)(" + _alt(abbreviations) + r")(?!\w)"),
        "abbreviations": abbreviations,
        "publication": [re.compile(p, re.M) for p in raw["publication_date"]],
        "past_cues": tuple(fold(c) for c in raw["past_year_cues"]),
        "year_re": re.compile(meta["patterns"]["year_in_title"]),
        "school_year": fold(meta["words"]["school_year"]),
        "school_year_re": re.compile(re.escape(fold(meta["words"]["school_year"])) + r"\s+(?P<y>(?:19|20)\d{2})"),
    }


def _alt(words) -> str:
    return "|".join(re.escape(w) for w in sorted(words, key=len, reverse=True))


def publication_date(text: str) -> tuple[int, int | None, int | None] | None:
    """(year, month, day) of a portal page's date line near the top, or None."""
    folded = fold(text[:600])
    found = [m for p in _cfg()["publication"] for m in p.finditer(folded)]
    if not found:
        return None
    m = min(found, key=lambda x: x.start())
    month, day = m.group("m"), m.group("d")
    return int(m.group("y")), int(month) if month else None, int(day) if day else None


def _iso(day: str, month: str, year: int | None) -> str | None:
    d, m = int(day), int(month)
    if year is None or not (1 <= d <= 31 and 1 <= m <= 12):
        return None
    return f"{year:04d}-{m:02d}-{d:02d}"


def _clause_start(text: str, folded: str, pos: int) -> bool:
    """Whether an issuer word at `pos` opens a clause (not "... của Sở ...")."""
    raw = folded[max(0, pos - 40):pos]
    before = raw.rstrip(" \t")
    if _after_date_line(folded, pos):
        return True  # " date 2025-01 UBND tỉnh Gia Lai vừa có văn bản ..."
    if not before or before[-1] in "\n.;:,!?)|”\"":
        return True
    if raw.endswith(("  ", "\t")):
        return True  # a line break the page's copy turned into spaces
    if before[-1] in "-–—":
        return len(before) < len(raw)  # "(QNO) - UBND tỉnh", not the "KH-UBND" of a symbol
    return before.endswith(_cfg()["openers"])


def _after_date_line(folded: str, pos: int) -> bool:
    """Whether only the page's date line stands before `pos`."""
    return pos < 80 and any(p.fullmatch(folded[:pos].rstrip()) for p in _cfg()["publication"])


def expand_issuer(issuer: str) -> str:
    """'Sở GD&ĐT TP.HCM' -> 'Sở Giáo dục và Đào tạo Thành phố Hồ Chí Minh'; a bracket that is an
    abbreviation or a place is dropped, one naming a parent body ("(Bộ Y tế)") kept."""
    cfg = _cfg()

    def bracket(m: re.Match) -> str:
        inner = m.group(1).strip()
        head = cfg["head_re"].match(fold(inner))
        return m.group(0) if head and inner[:1].isupper() and " " in inner else ""

    issuer = re.sub(r"\s*\(([^()]*)\)", bracket, issuer)
    issuer = re.sub(r"\s*[–—]\s*", " - ", expand_abbreviations(issuer))  # "Lao động – Thương binh": the record's dash
    return " ".join(issuer.split()).strip(" ,-")


def expand_abbreviations(name: str) -> str:
    """'Phòng GD&ĐT', 'Sở Lao động - TB&XH' -> the full words ('Phòng Giáo dục và Đào tạo')."""
    cfg = _cfg()
    out, pos = [], 0
    for m in cfg["abbr_re"].finditer(fold(name)):
        out.append(name[pos:m.start()])
        out.append(cfg["abbreviations"][m.group(1)])
        pos = m.end()
    out.append(name[pos:])
    return "".join(out)


def _candidates(text: str, folded: str, end: int):
    """(start, head level) of each issuer word that opens a clause, in text order."""
    cfg = _cfg()
    found = []
    for m in cfg["head_re"].finditer(folded, 0, end):
        if text[m.start()].isupper() and _clause_start(text, folded, m.start()):
            found.append((m.start(), cfg["heads"][m.group(1)]))
    for m in cfg["unit_head_re"].finditer(folded, 0, end):
        after = (folded[m.end():m.end() + 20].split() or [""])[0]
        if after in cfg["name_stops"]:
            continue  # "Tỉnh ủy", "Tỉnh Đoàn": an organisation, not the committee
        if text[m.end()].isupper() and _clause_start(text, folded, m.start()):
            found.append((m.start(), "unit"))
    return sorted(found)


def _verbs_after(text: str, folded: str, start: int):
    """The lower-case verbs after the issuer's name, in the same sentence, in order."""
    cfg = _cfg()
    stop = _SENTENCE_END.search(folded, start)
    limit = min(stop.start() if stop else len(folded), start + 220)
    for m in cfg["verb_re"].finditer(folded, start, limit):
        group = "issue" if m.group("issue") else "voice"
        if text[m.start(group):m.end()].islower():
            yield m


def find_report(text: str, year_hint: int | None = None) -> Report | None:
    """The first reporting clause of the opening, or None. `year_hint` (the page's publication
    year) completes a date written without its year ("Ngày 15/12, Sở GD&ĐT ban hành ...")."""
    cfg = _cfg()
    end = min(len(text), cfg["opening"])
    folded = fold(text[:end])
    for start, level in _candidates(text, folded, end):
        according = _according_to(text, folded, start, level)
        if according:
            return Report(according, level, None, None, None, None, start)
        for verb in _verbs_after(text, folded, start):
            issuer = expand_issuer(" ".join(text[start:verb.start()].split()))
            if not _plausible_issuer(issuer, level):
                break
            report = _document_after(text, folded, verb, year_hint) if verb.group("issue") else None
            if verb.group("issue") and report is None and verb.group("issue") not in cfg["untyped_issue"]:
                continue  # "có", "xây dựng phong trào": no document named, the name may go on
            doc_type, number, date, year = report or (None, None, None, None)
            if date is None and doc_type:
                before = cfg["date_before_re"].search(folded[max(0, start - 40):start])
                date = _iso(before.group("d"), before.group("m"), _year(before, year_hint)) if before else None
            return Report(issuer, level, doc_type, number, date, year, start)
    return None


def _according_to(text: str, folded: str, start: int, level: str | None) -> str | None:
    """The source of a report in its own voice: "Theo UBND xã An Cư, ..." -> "UBND xã An Cư"."""
    if not folded[max(0, start - 12):start].rstrip().endswith(_cfg()["openers"]):
        return None
    comma = folded.find(",", start, start + 160)
    stop = _SENTENCE_END.search(folded, start)
    if comma < 0 or (stop and stop.start() < comma):
        return None
    issuer = expand_issuer(" ".join(text[start:comma].split()))
    return issuer if _plausible_issuer(issuer, level) else None


def _plausible_issuer(issuer: str, level: str | None) -> bool:
    """A name, not a clause: short, no adverb or "của"/"ngày" inside, a committee followed by
    nothing or a unit word ("UBND tỉnh Gia Lai", not "UBND năm 2015")."""
    cfg = _cfg()
    words = fold(issuer).split()
    if len(words) > _MAX_ISSUER_WORDS or (level not in ("committee", "unit") and len(words) < 2):
        return False
    if any(w in cfg["inner_stops"] for w in words):
        return False
    if level == "committee":
        rest = cfg["head_re"].sub("", fold(issuer), count=1).strip()
        return not rest or cfg["unit_head_re"].match(rest + " x") is not None
    return True


def _year(m: re.Match, year_hint: int | None) -> int | None:
    return int(m.group("y")) if m.group("y") else year_hint


def _document_after(text: str, folded: str, verb: re.Match, year_hint: int | None):
    """(type, number, ISO date, year) of the document an issuing verb names, or None without a type."""
    cfg = _cfg()
    tm = cfg["type_re"].match(folded, verb.end())
    if tm is None:
        return None
    doc_type = cfg["types"][tm.group("type")]
    pos = tm.end()
    number = date = None
    nm = cfg["number_re"].match(folded, pos)
    if nm and (nm.group("code") or nm.group("party") or nm.group("so") or not re.fullmatch(r"(?:19|20)\d{2}", nm.group("num"))):
        number = _symbol(text, nm)
        pos = nm.end()
    dm = cfg["date_after_re"].match(folded, pos)
    if dm:
        date = _iso(dm.group("d"), dm.group("m"), _year(dm, year_hint))
    stop = _SENTENCE_END.search(folded, pos)
    sentence_end = stop.start() if stop else len(folded)
    if number is None:
        rm = cfg["restated_re"].search(folded, pos, min(sentence_end + 1, pos + 400))
        if rm:
            number = _symbol(text, rm)
            if rm.group("d") and date is None:
                date = _iso(rm.group("d"), rm.group("m"), _year(rm, year_hint))
    return doc_type, number, date, _year_in(folded, tm.end(), sentence_end)


def _symbol(text: str, m: re.Match) -> str:
    if m.group("party"):  # "12-CT/TU", "72-KH/TWĐTN-BTG"
        return m.group("num") + text[m.start("party"):m.end("party")].rstrip(".")
    if not m.group("code"):
        return m.group("num")
    code = re.sub(r"\s+", "", text[m.start("code"):m.end("code")].rstrip(".")).replace("–", "-")
    return f"{m.group('num')}/{code}"


def _year_in(folded: str, start: int, end: int) -> int | None:
    """'năm 2026' in the reporting clause (not a school year, nor a date written in words)."""
    cfg = _cfg()
    for m in cfg["year_re"].finditer(folded, start, end):
        if folded[m.start():].startswith(cfg["school_year"]):
            continue
        if cfg["date_in_words"].search(folded[max(0, m.start() - 12):m.start()]):
            continue
        return int(m.group("y"))
    return None


def opening_year(text: str, limit: int = 1500, published: int | None = None) -> int | None:
    """The first 'năm YYYY' of the opening that is not a comparison with the past ("so với cùng kỳ năm 2024"),
    nor, on a page published later, a sentence opening on a past year ("Năm 2019, trên địa bàn tỉnh có ...")."""
    cfg = _cfg()
    folded = fold(text[:limit])
    for m in cfg["year_re"].finditer(folded):
        if folded[max(0, m.start() - 25):m.start()].rstrip().endswith(cfg["past_cues"]):
            continue
        before = folded[:m.start()].rstrip(" \t")
        opens = not before or before[-1] in "\n.!?" or _after_date_line(folded, m.start())
        if opens and folded[m.end():m.end() + 1] == "," and published and int(m.group("y")) < published:
            continue
        if not folded[m.start():].startswith(cfg["school_year"]):
            return int(m.group("y"))
    return school_year_start(folded)


def school_year_start(folded: str) -> int | None:
    """The first year of the first school year named ("năm học 2019- 2020" -> 2019): the year a school plan
    is for, as a school plan's header gives it (issued in September of that year)."""
    m = _cfg()["school_year_re"].search(folded)
    return int(m.group("y")) if m else None


def stated_year(folded: str, start: int, end: int) -> int | None:
    """The first 'năm YYYY' in folded[start:end] that is neither a comparison with the past ("so với năm
    2023") nor the year of a date written in words ("ngày 5 tháng 3 năm 2024"); a school year ("năm học
    2023 - 2024") is no 'năm YYYY'."""
    cfg = _cfg()
    for m in cfg["year_re"].finditer(folded, start, end):
        if folded[max(0, m.start() - 25):m.start()].rstrip().endswith(cfg["past_cues"]):
            continue
        if cfg["date_in_words"].search(folded[max(0, m.start() - 12):m.start()]):
            continue
        return int(m.group("y"))
    return None


def title_document(text: str) -> tuple[str | None, str | None]:
    """(type, number) a headerless page names in its first lines: a title opening with the type and
    the symbol ("Kế hoạch 557/KH-UBND năm 2015 triển khai ...", "Công văn số 12/UBND-VX về ..."), or
    a title closing with the symbol in brackets ("Chỉ đạo triển khai ... năm 2012 (204/UBND-VX)")."""
    cfg = _cfg()
    lines = [line for line in text[:1500].split("\n") if line.strip()][:8]
    for line in lines:
        folded = fold(line.strip())
        m = cfg["title_re"].match(folded)
        if m and (m.group("code") or m.group("party")):
            return cfg["types"][m.group("type")], _symbol(line.strip(), m)
        b = cfg["bracket_symbol_re"].search(folded)
        if b and b.group("code"):
            return None, _symbol(line.strip(), b)
    return None, None
