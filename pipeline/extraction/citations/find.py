"""Find every mention of a legal instrument in a text (eyecite's `get_citations`).

Four kinds, all on folded text so offsets hold in the original:
  full   "Quyết định số 23/QĐ-TTg ngày 07/01/2021" (type word + symbol [+ date])
  bare   "375/LĐTBXH-TE" (a symbol without a type word; type from its code)
  short  "Chỉ thị số 28", "Quyết định 06" (type word + bare number; resolved later)
  named  "Luật Trẻ em", "Bộ luật hình sự" (from resources/named_laws.yaml)
"""

from __future__ import annotations

import copy
from functools import cache, lru_cache

import regex as re

from pipeline.extraction.citations.dates import iso_date, match_date
from pipeline.extraction.citations.issuers import clean_issuer, issuer_after
from pipeline.extraction.citations.models import Mention
from pipeline.extraction.citations.named import AS_WRITTEN, group_of, named_pattern
from pipeline.extraction.citations.symbols import find_symbols, issuer_of_codes, parse_symbol, type_of_code
from pipeline.knowledge.loader import load_yaml
from pipeline.textutils import finditer_from, first_literal, fold, squash

_PATTERNS = load_yaml("instruments.yaml")["patterns"]
# "số" / "so" (a text without diacritics)
_NUMBER_INTRO = re.compile(fold(_PATTERNS["number_intro"]))
_SHORT_NUMBER = re.compile(r"(\d{1,5})(?![\d,.]\d|[ \t]*[/\-–][ \t]*\w)(?![\w])")
_DATE_INTRO = re.compile(fold(_PATTERNS["date_intro"]))
# "Xét đề nghị của Phòng … tại Tờ trình số …": the issuer is written before the instrument
_PROPOSER_BEFORE = re.compile(fold(_PATTERNS["proposer_before"]))
_YEAR_INTRO = re.compile(_PATTERNS["year_after"])
_YEAR_INTRO_WORD = re.compile(_PATTERNS["year_word_after"])


@cache
def _type_words() -> tuple[re.Pattern, dict[str, str]]:
    types = load_yaml("instruments.yaml")["types"]
    canon = {}
    for t in types:
        for w in t["words"]:
            canon[fold(w)] = t["name"]
    words = sorted(canon, key=len, reverse=True)
    alts = "|".join(re.escape(w).replace(r"\ ", r"\s+") for w in words)
    return re.compile(rf"(?<![\w])(?:{alts})(?![\w])"), canon


def type_words() -> tuple[re.Pattern, dict[str, str]]:
    """The pattern of instrument type words (folded) and the canonical type of each spelling."""
    return _type_words()


@cache
def _type_first_words() -> frozenset[str]:
    return frozenset(first_literal(w) for w in _type_words()[1])


@cache
def _named_laws() -> tuple[re.Pattern, tuple, re.Pattern]:
    """Aliases of the named instruments that count as citations, their entries, and the words they may not follow."""
    regex, entries, _ = named_pattern(True)
    data = load_yaml("named_laws.yaml")
    not_after = "|".join(re.escape(fold(w)) for w in data.get("not_after", []))
    not_after_re = re.compile(rf"(?<![\w])(?:{not_after})\s+$") if not_after else re.compile(r"(?!)")
    return regex, entries, not_after_re


def _law_first_words() -> frozenset[str]:
    return named_pattern(True)[2]


def _date_after(folded: str, pos: int) -> tuple[str | None, int | None, int]:
    """(iso date, year, end) of "ngày …" (or "năm YYYY") right after `pos`; end == pos when none."""
    m = _DATE_INTRO.match(folded, pos)
    if m:
        d = match_date(folded, m.end(), full=True)
        if d is not None and d.iso:
            return d.iso, d.year, d.end
    m = _YEAR_INTRO_WORD.match(folded, pos)
    if m:
        return None, int(m.group(1)), m.end()
    return None, None, pos


def _complete(text: str, folded: str, mention: Mention, pos: int) -> Mention:
    """Add date and issuer that follow the mention's number (the date may follow the issuer)."""
    date, year, end = _date_after(folded, pos)
    mention.date, mention.year = date, year
    if end > pos:
        mention.end = end
    issuer, issuer_end = issuer_after(text, folded, end)
    if issuer is not None and date is None:
        # "Công văn số 2670/VPCP-QHQT của Văn phòng Chính phủ, ngày 20 tháng 9 năm 2019": date after the issuer
        late, late_year, late_end = _date_after(folded, issuer_end)
        if late is not None:
            mention.date, mention.year, mention.end = late, late_year, late_end
    if issuer is None:
        before = _PROPOSER_BEFORE.search(folded, max(0, mention.start - 160), mention.start)
        if before:
            issuer = clean_issuer(text[before.start(1):before.end(1)])
    mention.issuer = issuer
    return mention


_SPACES = re.compile(r"\s+")


def find_mentions(text: str, folded: str | None = None) -> list[Mention]:
    """Every instrument mention in `text`, in order of position.

    The citation and the deadline stages both ask for the same text: the
    search runs once and each caller gets its own copies (they may change them).
    """
    folded = fold(text) if folded is None else folded
    return [copy.copy(m) for m in _find_mentions(text, folded)]


@lru_cache(maxsize=4)
def _find_mentions(text: str, folded: str) -> tuple[Mention, ...]:
    if len(folded) != len(text):  # fold is length-preserving on NFC text; stay safe on any other
        folded = text.lower() if len(text.lower()) == len(text) else text
    symbols = {a: (b, party) for a, b, party in find_symbols(text, folded)}
    type_re, canon = _type_words()
    mentions: list[Mention] = []
    used_symbols: set[int] = set()

    for tm in finditer_from(type_re, folded, _type_first_words()):
        type_name = canon.get(_SPACES.sub(" ", tm.group(0)), None)
        intro = _NUMBER_INTRO.match(folded, tm.end())
        at = intro.end() if intro else tm.end()
        if at in symbols:
            end, party = symbols[at]
            sym = parse_symbol(text[at:end], at, party)
            if sym is None:
                continue
            used_symbols.add(at)
            mention = Mention("full", type_name, tm.start(), end, symbol=sym)
            mentions.append(_complete(text, folded, mention, end))
            continue
        sm = _SHORT_NUMBER.match(folded, at)
        if sm and at > tm.end():  # a type word, a space or "số", then a number
            mention = Mention("short", type_name, tm.start(), sm.end(), lead=sm.group(1))
            mentions.append(_complete(text, folded, mention, sm.end()))

    for at, (end, party) in symbols.items():
        if at in used_symbols or any(m.start <= at < m.end for m in mentions):
            continue
        sym = parse_symbol(text[at:end], at, party)
        if sym is None:
            continue
        type_name = type_of_code(sym.type_code)
        if type_name is None and (len(sym.issuer_codes) < 2 or sym.year is not None):
            continue  # "01/TE" alone is too weak to call a citation
        mention = Mention("bare", type_name or _bare_type(), at, end, symbol=sym)
        mentions.append(_complete(text, folded, mention, end))

    mentions.extend(_find_named(text, folded, mentions))
    mentions.sort(key=lambda m: m.start)
    for m in mentions:
        if m.symbol is not None and m.issuer is None:
            m.issuer_level = issuer_of_codes(m.symbol.issuer_codes)[1]
    return tuple(mentions)


@cache
def _amending() -> tuple[re.Pattern, re.Pattern]:
    data = load_yaml("named_laws.yaml")

    def alts(words: list[str]) -> str:
        return "|".join(re.escape(fold(w)).replace(r"\ ", r"\s+").replace(",", ",?")
                        for w in sorted(words, key=len, reverse=True))

    opening = re.compile(rf"(?<![\w])(?:{alts(data['amending_openings'])})(?![\w])")
    number = load_yaml("instruments.yaml")["patterns"]["number_or_year"]
    stop = re.compile(rf"(?:(?:{alts(data['amending_name_stops'])})(?![\w])|{number}|[;:(.,\[\]“”\"]|\n[ \t]*\n)")
    return opening, stop


def _amending_type(folded: str, pos: int) -> str:
    """Luật or Bộ luật, by the amending law's opening at `pos`."""
    rows = load_yaml("named_laws.yaml")["amending_types"]
    return next((r["type"] for r in rows if folded.startswith(fold(r["opening"]), pos)), rows[-1]["type"])


def _congress_type() -> str:
    return load_yaml("named_laws.yaml")["party_congress"]["type"]


def _bare_type() -> str:
    return load_yaml("instruments.yaml")["bare_symbol_type"]


_GAP = re.compile(r"[ \t]*\n?[ \t]*")
_WORD = re.compile(r"[\w/\-–]+")


def _find_amending(text: str, folded: str, taken: list[Mention]) -> list[Mention]:
    """"Luật sửa đổi, bổ sung … của Luật A và Luật B": one law named after the laws it amends."""
    opening, stop = _amending()
    law_re = _named_laws()[0]
    out = []
    for m in opening.finditer(folded):
        if any(t.start <= m.start() < t.end for t in [*taken, *out]):
            continue
        end = pos = m.end()
        while pos - m.start() < 300:
            pos = _GAP.match(folded, pos).end()
            if pos >= len(folded) or stop.match(folded, pos):
                break
            piece = law_re.match(folded, pos) or _WORD.match(folded, pos)
            if piece is None:
                break
            end = pos = piece.end()
        if end == m.end():
            continue  # "Luật sửa đổi" with nothing after: not a name
        mention = Mention("named", _amending_type(folded, m.start()), m.start(), end,
                          name=squash(text[m.start():end]))
        date, year, date_end = _date_after(folded, end)
        if date is None and year is None:
            ym = _YEAR_INTRO.match(folded, end)
            if ym:
                year, date_end = int(ym.group(1)), ym.end()
        mention.date, mention.year, mention.end = date, year, max(end, date_end)
        out.append(mention)
    return out


@cache
def _congress() -> re.Pattern:
    data = load_yaml("named_laws.yaml")["party_congress"]

    def words(phrase: str) -> str:
        return re.escape(fold(phrase)).replace(r"\ ", r"\s+")

    tails = "|".join(words(t) for t in sorted(data["tail"], key=len, reverse=True))
    return re.compile(
        rf"(?<![\w]){words(data['opening'])}(?:\s+(?!{words(data['not_from'])}\s)[^\s\d,;.:()]+)"
        rf"{{0,{int(data['max_words'])}}}?\s+"
        rf"{words(data['ordinal'])}\s+(?:[ivxlc]+|\d{{1,2}})(?![\w])"
        rf"(?:\s+(?:{tails})(?![\w]|\s+{words(data['tail_not_before'])}))?")


def _find_congress(text: str, folded: str, taken: list[Mention]) -> list[Mention]:
    """Party congress resolutions, named by their congress (the issuer)."""
    out = []
    for m in _congress().finditer(folded):
        if any(t.start <= m.start() < t.end for t in taken):
            continue
        name = squash(text[m.start():m.end()])
        if not name.split()[2][:1].isupper():
            continue  # the congress is a proper name: "Đại hội", not "đại hội chi đoàn"
        issuer = name.split(" ", 2)[2] if name.count(" ") >= 2 else None
        out.append(Mention("named", _congress_type(), m.start(), m.end(), name=name, issuer=issuer))
    return out


@cache
def _unlisted() -> tuple[re.Pattern, re.Pattern, re.Pattern, int, str]:
    data = load_yaml("named_laws.yaml")
    rule = data["unlisted_laws"]

    def alts(words: list[str]) -> str:
        return "|".join(re.escape(fold(w)).replace(r"\ ", r"\s+") for w in sorted(words, key=len, reverse=True))

    opening = re.compile(rf"(?<![^\W\d])(?:{'|'.join(re.escape(w) for w in rule['openings'])})[ \t]+(?=\p{{Lu}}\p{{Ll}})")
    types = "|".join(re.escape(w) for w in sorted(_type_words()[1], key=len, reverse=True))
    stop = re.compile(rf"(?:{alts(rule['stops'])}|{types}|{re.escape(fold(rule['and_word']))}\s+(?:{types}))(?![\w])")
    not_after = re.compile(rf"(?<![\w])(?:{alts([*data['not_after'], *rule['not_after']])})\s+$")
    return opening, stop, not_after, int(rule["max_words"]), rule["default_type"]


_WORD_BEFORE = re.compile(r"([^\W\d_]+)[ \t]+$")
_NAME_WORD = re.compile(r"[ \t]*(,[ \t]*)?([^\W\d_][\w\-/]*)")


def _find_unlisted(text: str, folded: str, taken: list[Mention]) -> list[Mention]:
    """Laws the registry does not list, written as proper names: "Luật Đất đai", "chấp hành Luật Giao thông"."""
    opening, stop, not_after, max_words, default_type = _unlisted()
    out = []
    for m in opening.finditer(text):
        if any(t.start <= m.start() < t.end for t in taken) or not_after.search(folded, max(0, m.start() - 20),
                                                                                 m.start()):
            continue
        before = _WORD_BEFORE.search(text, max(0, m.start() - 30), m.start())
        if before and before.group(1)[0].isupper():
            continue  # "ông Nguyễn Văn Luật Phó …": a person's name
        end, pos, words = m.end(), m.end(), 0
        while words < max_words:
            w = _NAME_WORD.match(text, pos)
            if w is None or stop.match(folded, w.start(2)) or (w.group(1) and not w.group(2)[0].islower()):
                break
            end = pos = w.end()
            words += 1
        if words:
            kind = _type_words()[1].get(_SPACES.sub(" ", fold(text[m.start():m.end()]).strip()), default_type)
            out.append(Mention("named", kind, m.start(), end, name=squash(text[m.start():end])))
    return out


def _with_number(text: str, folded: str, mention: Mention) -> bool:
    """"Luật Trẻ em số 102/2016/QH13 ngày 05/4/2016": the name and its number are one full mention."""
    intro = _NUMBER_INTRO.match(folded, mention.end)
    if intro is None or intro.end() == mention.end:
        return False
    at = intro.end()
    spans = find_symbols(text[at:at + 80], folded[at:at + 80])
    if not spans or spans[0][0] != 0 or spans[0][2]:
        return False
    sym = parse_symbol(text[at:at + spans[0][1]], at)
    if sym is None or sym.year is None:
        return False
    mention.kind, mention.symbol, mention.end = "full", sym, at + spans[0][1]
    _complete(text, folded, mention, mention.end)
    return True


def _find_named(text: str, folded: str, taken: list[Mention]) -> list[Mention]:
    regex, entries, not_after = _named_laws()
    out = _find_amending(text, folded, taken)
    out += _find_congress(text, folded, [*taken, *out])
    taken = [*taken, *out]
    for m in finditer_from(regex, folded, _law_first_words()):
        if any(t.start <= m.start() < t.end for t in taken):
            continue
        if not_after.search(folded, max(0, m.start() - 20), m.start()):
            continue
        law, printed = entries[group_of(m)]
        if printed == AS_WRITTEN:
            written = squash(text[m.start():m.end()])
            printed = written[:1].upper() + written[1:]
        mention = Mention("named", law.type, m.start(), m.end(), name=printed,
                          law_number=law.number, registry_name=law.name)
        if _with_number(text, folded, mention):
            out.append(mention)
            continue
        date, year, end = _date_after(folded, m.end())
        if date is None and year is None:
            ym = _YEAR_INTRO.match(folded, m.end())
            if ym:
                year, end = int(ym.group(1)), ym.end()
        law_year = re.search(r"/((?:19|20)\d\d)/", law.number or "")
        if law_year and year is not None and year != int(law_year.group(1)):
            # "Luật sửa đổi … Luật Tổ chức chính quyền địa phương ngày 22/11/2019": another law's date
            date, year, end = None, None, m.end()
        mention.date, mention.year = date, year
        mention.end = max(mention.end, end)
        out.append(mention)
    for mention in _find_unlisted(text, folded, [*taken, *out]):
        if _with_number(text, folded, mention):
            out.append(mention)
            continue
        date, year, end = _date_after(folded, mention.end)
        mention.date, mention.year, mention.end = date, year, max(mention.end, end)
        out.append(mention)
    return out


__all__ = ["find_mentions", "iso_date"]
