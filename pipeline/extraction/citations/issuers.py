"""Who issued a cited instrument, and at which level of government.

"… ngày 19/02/2025 của Ủy ban nhân dân tỉnh Kiên Giang về việc …" gives
"UBND tỉnh Kiên Giang" (province). Without "của …", the symbol's issuer code
tells it where it can (TTg, CP, QH14, LĐTBXH, TW).
"""

from __future__ import annotations

from functools import cache

import regex as re

from pipeline.knowledge.loader import load_yaml
from pipeline.textutils import fold, normalize_tones, squash

_PHRASE = load_yaml("instruments.yaml")["issuer_phrase"]
_ISSUER_INTRO = re.compile(_PHRASE["intro"])
_HARD_STOP = re.compile(r"[,;.:()\[\]“”\"'?!]|\n\s*\n")


@cache
def _config() -> tuple[re.Pattern, list[str], dict[str, str], list[tuple[str, list[re.Pattern]]], list[str]]:
    data = load_yaml("instruments.yaml")
    stops = sorted((fold(w) for w in data["issuer_stop_words"]), key=len, reverse=True)
    type_words = sorted({fold(w) for t in data["types"] for w in t["words"]}, key=len, reverse=True)
    # "và" ends the issuer only where another body or instrument follows:
    # "Bộ Lao động - Thương binh và Xã hội" is one issuer.
    and_next = "|".join(re.escape(w) for w in [*type_words, *(fold(w) for w in _PHRASE["and_next"])])
    stop_re = re.compile(r"\s(?:" + "|".join(re.escape(w).replace(r"\ ", r"\s+") for w in stops)
                         + "|" + re.escape(_PHRASE["and_word"]) + r"\s+(?:" + and_next + r"))(?![\w])")
    levels = [(row["level"], [re.compile(fold(p)) for p in row["patterns"]]) for row in data["issuer_levels"]]
    abbreviations = {fold(k): v for k, v in data["issuer_abbreviations"].items()}
    return (stop_re, [fold(p) for p in data["issuer_drop_prefixes"]], abbreviations,
            levels, [fold(c) for c in load_yaml("metadata.yaml")["central_cities"]])


def issuer_after(text: str, folded: str, pos: int, limit: int = 140) -> tuple[str | None, int]:
    """Issuer phrase introduced by "của"/"do" at `pos`, and where it ends (pos when none)."""
    m = _ISSUER_INTRO.match(folded, pos)
    if not m:
        return None, pos
    begin = m.end()
    window_end = min(len(folded), begin + limit)
    stop_re = _config()[0]
    end = window_end
    known = _known_issuer_at(folded, begin)
    if known:
        return clean_issuer(squash(text[begin:known])), known
    for pattern in (stop_re, _HARD_STOP):
        s = pattern.search(folded, begin, window_end)
        if s and s.start() < end:
            end = s.start()
    phrase = squash(text[begin:end])
    if not phrase or not phrase[0].isupper() and not fold(phrase).startswith(_abbreviated()) \
            and not _lower_case_body(phrase):
        return None, pos
    return clean_issuer(phrase), end


@cache
def _abbreviated() -> tuple[str, ...]:
    return tuple(fold(w) for w in _PHRASE["abbreviated_bodies"])


@cache
def _known_issuers() -> re.Pattern:
    """Full names of ministries and departments, which hold commas and "và"."""
    data = load_yaml("instruments.yaml")
    names = {v["issuer"] for v in data["issuer_codes"].values() if v.get("issuer")}
    names = [fold(n) for n in names if n.split()[0] in _PHRASE["known_first_words"]]
    alts = "|".join(re.escape(n).replace(r"\ ", r"\s+").replace(r"\-", r"\s*[-–]\s*")
                    for n in sorted(names, key=len, reverse=True))
    offices = "|".join(fold(w) for w in _PHRASE["known_offices"])
    return re.compile(rf"(?:(?:{offices})\s+)?" + "(?:" + alts + r")(?![\w])")


def _known_issuer_at(folded: str, pos: int) -> int | None:
    m = _known_issuers().match(folded, pos)
    return m.end() if m else None


@cache
def _bodies() -> tuple[str, ...]:
    return tuple(fold(w) for w in load_yaml("instruments.yaml")["issuer_bodies"])


def _lower_case_body(phrase: str) -> bool:
    """"của phòng LĐTBXH": a body word written in lower case, then a proper name."""
    low = fold(phrase)
    for body in _bodies():
        rest = phrase[len(body) + 1:] if low.startswith(body + " ") else ""
        if rest[:1].isupper():
            return True
    return False


def _name_key(name: str) -> str:
    """Comparison form of a body's name: folded, dashes and spacing ignored ("Lao động Thương binh")."""
    return squash(re.sub(r"\s*[-–]\s*", " ", fold(name)))


@cache
def _known_names() -> dict[str, str]:
    data = load_yaml("instruments.yaml")
    return {_name_key(v["issuer"]): v["issuer"] for v in data["issuer_codes"].values() if v.get("issuer")}


@cache
def _lower_case_words() -> re.Pattern:
    """Level words written capitalised inside a name ("UBND Huyện …", "Tỉnh Ủy …") -> lower case."""
    data = load_yaml("instruments.yaml")["issuer_lower_case"]
    after = "|".join(re.escape(w) for w in sorted(data["after_body"], key=len, reverse=True))
    bodies = "|".join(re.escape(w) for w in data["bodies"])
    committees = "|".join(re.escape(w) for w in data["committees"])
    committee = re.escape(_PHRASE["committee_word"])
    return re.compile(rf"(?<=^(?:{bodies})\s)(?:{after})(?![\w])|(?<=^(?:{committees})\s){committee}(?![\w])")


def _unshout(phrase: str) -> str:
    """"THỦ TƯỚNG CHÍNH PHỦ" in an upper-case title -> "Thủ tướng Chính phủ"."""
    known = _known_names().get(_name_key(phrase))
    if known:
        return known
    words = [w if w in _PHRASE["abbreviated_bodies"] else w.lower() for w in phrase.split()]
    return " ".join(words)[:1].upper() + " ".join(words)[1:]


def clean_issuer(phrase: str) -> str:
    """Canonical issuer: office prefixes dropped, spelled-out bodies shortened, known names as printed."""
    _, drops, abbreviations, _, _ = _config()
    out = normalize_tones(squash(phrase))
    if sum(c.isalpha() for c in out) > 3 and out.isupper():
        out = _unshout(out)
    low = fold(out)
    for prefix in drops:
        if low.startswith(prefix + " ") and len(out) > len(prefix) + 1:
            rest = out[len(prefix) + 1:]
            if fold(rest).startswith(_bodies()):
                out = rest
                low = fold(out)
            break
    for long, short in abbreviations.items():
        i = low.find(long)
        if i >= 0:
            out = out[:i] + short + out[i + len(long):]
            low = fold(out)
    known = _known_names().get(_name_key(out))
    if known:  # "Thủ tướng Chính Phủ", "Bộ Lao động Thương binh và Xã hội" as officially written
        return known
    return _lower_case_words().sub(lambda m: m.group(0).lower(), out)


def issuer_level(issuer: str | None, citing_level: str | None = None) -> str | None:
    """central | province | district | commune for an issuer phrase, None when it cannot tell."""
    if not issuer:
        return None
    _, _, _, levels, cities = _config()
    low = fold(squash(issuer))
    city = re.search(fold(_PHRASE["city"]), low)
    if city and not re.match(fold(_PHRASE["city_not"]), low):
        name = city.group(1).strip()
        if any(name.startswith(c) for c in cities):
            return "province"
        if name:
            return "district"
        return citing_level if citing_level in ("province", "district") else None
    for level, patterns in levels:
        if any(p.search(low) for p in patterns):
            return level
    return None


def localize(issuer: str | None, province: str | None, locality: str | None, level: str | None) -> str | None:
    """"UBND tỉnh" in a plan of Kiên Giang is "UBND tỉnh Kiên Giang"."""
    if not issuer:
        return issuer
    low = fold(issuer)
    if province and re.search(fold(_PHRASE["province_tail"]), low):
        return f"{issuer} {province}"
    if province and low in {fold(w) for w in _PHRASE["province_whole"]}:
        return f"{issuer} {province}"
    if locality and level == "district" and re.search(fold(_PHRASE["district_tail"]), low):
        return f"{issuer} {locality}"
    return issuer
