"""Gazetteer of Vietnam's administrative units before the 2025 reform.

Plans name their issuer and places as "UBND huyện Sơn Hà", "tỉnh Kiên Giang",
"phường Nguyễn Nghiêm". To compare plans across provinces we need the province
each place was in when the plan was written (63 provinces) and the province it
belongs to since the 1 July 2025 merger (34 provinces, Nghị quyết
202/2025/QH15). The data (resources/admin_units.csv, province_mergers_2025.csv)
is built from the `vietnamadminunits` package by scripts/build_gazetteer.py.

find -> resolve -> model:
  * `find_places(text)` finds "kind + Name" mentions with exact offsets;
  * `resolve_place(name, kind, province_hint)` looks one name up, returning
    None instead of guessing when the name is ambiguous (many communes share a
    name);
  * `Place` is the model; `normalize_province` / `province_2025` handle the
    province level alone.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass
from functools import cache

import regex

from pipeline.knowledge.loader import load_csv, load_yaml
from pipeline.textutils import fold, nfc, squash, strip_accents

LEVELS = ("province", "district", "commune")


@cache
def _words() -> dict:
    """The kind words and abbreviations of resources/gazetteer.yaml, folded."""
    raw = load_yaml("gazetteer.yaml")
    by_level = {level: tuple(fold(k) for k in raw["kinds_by_level"][level]) for level in LEVELS}
    kinds = tuple(dict.fromkeys(k for level in LEVELS for k in by_level[level]))
    dotted = {fold(a): fold(k) for a, k in raw["dotted_abbreviations"].items()}
    bare = {fold(a): fold(k) for a, k in raw["bare_abbreviations"].items()}
    return {"by_level": by_level, "kinds": kinds, "dotted": dotted, "bare": bare,
            "committee_prefix": re.compile(fold(raw["committee_prefix"]))}


KINDS_BY_LEVEL: dict[str, tuple[str, ...]] = _words()["by_level"]


@dataclass(frozen=True)
class Place:
    """One administrative unit as it stood before the 2025 reform."""

    name: str  # "Sơn Hà"
    kind: str  # "tỉnh" | "thành phố" | "huyện" | "thị xã" | "quận" | "xã" | "phường" | "thị trấn" | "đặc khu"
    level: str  # "province" | "district" | "commune"
    province: str  # pre-2025 province, e.g. "Kiên Giang"
    province_2025: str | None  # province since 1 July 2025, e.g. "An Giang"
    district: str | None = None  # for communes

    @property
    def full_name(self) -> str:
        """'huyện Sơn Hà' (how plans write it)."""
        return f"{self.kind} {self.name}"


def _alternation(words) -> str:
    return "|".join(re.escape(w) for w in sorted(words, key=len, reverse=True))


@cache
def _kind_words() -> dict[str, str]:
    """Kind words and their abbreviations (folded) -> the canonical kind word."""
    w = _words()
    return {**{k: k for k in w["kinds"]}, **w["dotted"], **w["bare"]}


@cache
def _kind_re() -> re.Pattern[str]:
    """A kind word in running text; abbreviations must carry their dot or be upper case "TP"/"TX"."""
    w = _words()
    return re.compile(
        r"(?<!\w)(" + _alternation(w["kinds"]) + r")\s+"
        r"|(?<!\w)(" + _alternation(w["dotted"]) + r")\s*"
        r"|(?<!\w)(" + _alternation(w["bare"]) + r")\s+"
    )


@cache
def _ascii_kinds() -> dict[str, str]:
    """The kind words typed without diacritics ("tinh kien giang") -> the kind word: for looking up
    a given name, and for scanning only texts that have (almost) no diacritics at all (OCR), since
    in normal text they are other words (cơ quan, xa ...)."""
    return {strip_accents(k): k for k in _words()["kinds"]}


@cache
def _kind_re_ascii() -> re.Pattern[str]:
    return re.compile(r"(?<!\w)(" + _alternation(_ascii_kinds()) + r")\s+")


# Name tokens after the kind word: "Sơn Hà", "Cư M'gar", "1", "Bà Rịa - Vũng Tàu".
_TOKEN_RE = regex.compile(r"[\p{L}\d][\p{L}\d'’]*")
# Between name tokens: a space, a hyphen, or one line break (names wrapped by PDF
# extraction: "tỉnh Cao\nBằng"); a blank line ends the name.
_TOKEN_GAP_RE = regex.compile(r"[ \t]?-[ \t]?|[ \t]*\n[ \t]*(?!\n)|[ \t]")
_MAX_NAME_TOKENS = 6
_LEADING_ZEROS = re.compile(r"(?<!\d)0+(?=\d)")
_NON_KEY = re.compile(r"[^a-z0-9]+")


_NON_LETTER = regex.compile(r"[^\p{L}\d]+")


def accent_key(name: str) -> str:
    """Case-, space- and punctuation-free key keeping diacritics: tells 'Sơn Hà' from 'Sơn Hạ'."""
    return _NON_LETTER.sub("", _LEADING_ZEROS.sub("", fold(nfc(name))))


def name_key(name: str) -> str:
    """Accent-free key too: 'Thừa Thiên - Huế' -> 'thuathienhue' (for text typed without diacritics)."""
    return _key_of_accent_key(accent_key(name))


def _key_of_accent_key(akey: str) -> str:
    return _NON_KEY.sub("", strip_accents(akey))


def normalize_kind(kind: str | None) -> str | None:
    """'TP.', 'Tp', 'TX.', 'H.', 'thanh pho' -> canonical kind word (None if unknown)."""
    if not kind:
        return None
    k = squash(fold(nfc(kind)))
    kind_words = _kind_words()
    if k in kind_words:
        return kind_words[k]
    if k + "." in kind_words:
        return kind_words[k + "."]
    bare = name_key(k)
    for word, canonical in kind_words.items():
        if name_key(word) == bare and len(bare) > 1:
            return canonical
    return None


@dataclass(frozen=True)
class _Entry:
    place: Place
    status: str  # current | dissolved | 2025
    via_alias: bool
    kind: str  # the kind this key is known under (an alias may carry its own)
    accented: str  # accent_key of the spelling, "" for the package's accent-free aliases


@dataclass(frozen=True)
class _Index:
    by_key: dict[str, tuple[_Entry, ...]]
    provinces: dict[str, Place]  # canonical name -> Place
    province_keys: dict[str, str]  # key of any spelling -> canonical name
    mergers: dict[str, str]  # canonical pre-2025 name -> 2025 name


@cache
def _index() -> _Index:
    """Build every lookup table once (the pipeline calls this per document)."""
    by_key: dict[str, list[_Entry]] = {}
    provinces: dict[str, Place] = {}
    for row in load_csv("admin_units.csv"):
        place = Place(
            name=row["name"], kind=row["kind"], level=row["level"], province=row["province"],
            province_2025=row["province_2025"] or None, district=row["district"] or None,
        )
        if place.level == "province":
            provinces[place.name] = place
        akey = accent_key(place.name)
        by_key.setdefault(_key_of_accent_key(akey), []).append(_Entry(place, row["status"], False, place.kind, akey))
        for alias in filter(None, row["aliases"].split("|")):
            alias_kind, _, key = alias.partition(":")
            by_key.setdefault(key, []).append(_Entry(place, row["status"], True, alias_kind or place.kind, ""))
    province_keys: dict[str, str] = {}
    mergers: dict[str, str] = {}
    for row in load_csv("province_mergers_2025.csv"):
        mergers[row["province"]] = row["province_2025"]
        province_keys[name_key(row["province"])] = row["province"]
        for variant in filter(None, row["aliases"].split("|")):
            key = name_key(variant)
            province_keys.setdefault(key, row["province"])
            province = provinces[row["province"]]
            entry = _Entry(province, "current", True, province.kind, accent_key(variant))
            by_key.setdefault(key, []).append(entry)
    return _Index({k: tuple(v) for k, v in by_key.items()}, provinces, province_keys, mergers)


def all_places(level: str | None = None) -> list[Place]:
    """Every unit (optionally of one level), for tests and exports."""
    seen: dict[Place, None] = {}
    for entries in _index().by_key.values():
        for e in entries:
            if not e.via_alias and (level is None or e.place.level == level):
                seen[e.place] = None
    return list(seen)


def _split_kind(text: str) -> tuple[str | None, str]:
    """'TP. Quảng Ngãi' -> ('thành phố', 'Quảng Ngãi'); 'Sơn Hà' -> (None, 'Sơn Hà')."""
    t = squash(nfc(text))
    f = fold(t)
    f = _words()["committee_prefix"].sub(lambda m: " " * len(m.group(0)), f)
    lead = len(f) - len(f.lstrip())
    m = _kind_re().match(f, lead)
    if m and t[m.end():].strip():
        word = squash(m.group(0))
        return _kind_words().get(word) or normalize_kind(word), t[m.end():].strip()
    m = _kind_re_ascii().match(f, lead)
    if m and t[m.end():].strip():
        return _ascii_kinds()[squash(m.group(0))], t[m.end():].strip()
    return None, t[lead:].strip()


def normalize_province(name: str | None) -> str | None:
    """'TT Huế', 'Thừa Thiên - Huế', 'tinh kien giang', 'TP. Hồ Chí Minh' -> canonical pre-2025 name."""
    if not name:
        return None
    _kind, rest = _split_kind(name)
    idx = _index()
    return idx.province_keys.get(name_key(rest)) or idx.province_keys.get(name_key(name))


def province_2025(province: str | None) -> str | None:
    """The province a pre-2025 province belongs to since 1 July 2025 ('Kiên Giang' -> 'An Giang')."""
    canonical = normalize_province(province)
    return _index().mergers.get(canonical) if canonical else None


def _levels_of(kind: str | None) -> tuple[str, ...]:
    if kind is None:
        return LEVELS
    return tuple(level for level in LEVELS if kind in KINDS_BY_LEVEL[level])


def candidates(
    name: str, kind: str | None = None, province_hint: str | None = None, district_hint: str | None = None,
) -> list[Place]:
    """All units `name` may denote after applying kind and hints (most specific rules first)."""
    return [e.place for e in _candidate_entries(name, kind, province_hint, district_hint)]


def _candidate_entries(
    name: str, kind: str | None, province_hint: str | None, district_hint: str | None,
) -> list[_Entry]:
    parts = [p for p in (squash(x) for x in nfc(name).split(",")) if p]
    if not parts:
        return []
    if len(parts) > 1:  # "xã Sơn Hà, huyện Sơn Hà, tỉnh Quảng Ngãi"
        province_hint = province_hint or parts[-1]
        if len(parts) > 2:
            district_hint = district_hint or parts[1]
    written_kind, bare = _split_kind(parts[0])
    kind = normalize_kind(kind) or written_kind
    entries = list(_index().by_key.get(name_key(bare), ()))
    if not entries:
        return []
    levels = _levels_of(kind)
    if kind:
        entries = [e for e in entries if e.place.level in levels]
        exact = [e for e in entries if e.kind == kind]
        # Upgraded units keep their name (thị xã Dĩ An is now thành phố Dĩ An);
        # numbers do not ("Thành phố 4" is not quận 4).
        entries = exact or ([] if bare.strip().isdigit() else entries)
    if province_hint:
        hinted = normalize_province(province_hint)
        if hinted:
            inside = [e for e in entries if e.place.province == hinted or e.place.level == "province"]
            if inside or any(e.place.level == "commune" for e in entries):
                entries = inside
    if district_hint:
        _dk, district_bare = _split_kind(district_hint)
        dkey = name_key(district_bare)
        inside = [e for e in entries if e.place.level != "commune" or name_key(e.place.district or "") == dkey]
        entries = inside or entries
    # Same letters, other tones ('Sơn Hà' / 'Sơn Hạ') are other places: the
    # accent-free match is a fallback for text typed without diacritics.
    accented = accent_key(bare)
    same_tones = [e for e in entries if e.accented == accented]
    entries = same_tones or entries
    direct = [e for e in entries if not e.via_alias]
    entries = direct or entries
    # A unit still standing in 2025 outranks a dissolved namesake of the same level.
    standing_levels = {e.place.level for e in entries if e.status != "dissolved"}
    entries = [e for e in entries if e.status != "dissolved" or e.place.level not in standing_levels]
    unique: dict[Place, _Entry] = {}
    for e in entries:
        unique.setdefault(e.place, e)
    return list(unique.values())


def resolve_place(
    name: str, kind: str | None = None, province_hint: str | None = None, district_hint: str | None = None,
) -> Place | None:
    """The one unit `name` denotes, or None when unknown or ambiguous (never a guess).

    `name` may carry its kind ("huyện Sơn Hà", "TP. Quảng Ngãi") and a comma
    tail ("xã Sơn Hà, huyện Sơn Hà, tỉnh Quảng Ngãi"). Without a kind the
    highest level wins ("Quảng Ngãi" is the province), since plans name a
    province or district bare far more often than a commune.
    """
    entries = _candidate_entries(name, kind, province_hint, district_hint)
    if not entries:
        return None
    for level in LEVELS:
        at_level = [e for e in entries if e.place.level == level]
        if at_level:
            if len(at_level) == 1:
                return at_level[0].place
            exact = [e for e in at_level if not e.via_alias and e.status != "dissolved"]
            if len(exact) == 1:
                return exact[0].place
            return _common_province(at_level)
    return None


def _common_province(entries: list[_Entry]) -> Place | None:
    """Same-name communes of one province ('phường Nguyễn Nghiêm' of TP Quảng Ngãi and of Đức Phổ).

    The province is certain but not the district: return the unit with
    `district=None` rather than pick one district.
    """
    places = {e.place for e in entries}
    first = next(iter(places))
    if first.level != "commune" or any(
        (p.name, p.kind, p.province, p.province_2025) != (first.name, first.kind, first.province, first.province_2025)
        for p in places
    ):
        return None
    return Place(first.name, first.kind, first.level, first.province, first.province_2025, None)


@dataclass(frozen=True)
class _Mention:
    start: int
    end: int
    kind: str
    name: str


def _is_unaccented(text: str) -> bool:
    """Text typed or OCR'd without diacritics ('Uy ban nhan dan tinh Gia Lai')."""
    letters = [c for c in text[:5000] if c.isalpha()]
    return len(letters) > 40 and sum(not c.isascii() for c in letters) < 0.01 * len(letters)


def _kind_matches(folded: str) -> list[tuple[int, int, str, bool]]:
    """(start, end, kind, abbreviated) for each kind word of the text."""
    out = []
    for m in _kind_re().finditer(folded):
        word = squash(m.group(0))
        if m.group(3):  # bare "tp"/"tx" only in capitals, checked by the caller
            word = word.lower()
        kind = _kind_words().get(word)
        if kind:
            out.append((m.start(), m.end(), kind, bool(m.group(2) or m.group(3))))
    if _is_unaccented(folded):
        for m in _kind_re_ascii().finditer(folded):
            out.append((m.start(), m.end(), _ascii_kinds()[squash(m.group(0))], False))
        out.sort()
    return out


def _mentions(text: str) -> list[_Mention]:
    """Every 'kind + Name' span whose name is a known unit of that kind (longest name wins).

    The name must show a capital (or be a number): "xã hội", "các huyện, thành
    phố" and "cơ quan Công an" are not places.
    """
    folded = fold(text)
    by_key = _index().by_key
    out: list[_Mention] = []
    pos = 0
    for start, kind_end, kind, abbreviated in _kind_matches(folded):
        if start < pos:
            continue
        written = text[start:kind_end].strip()
        if abbreviated and "." not in written and not written.isupper():  # "TP Huế" yes, "tp" no
            continue
        levels = _levels_of(kind)
        best_end = None
        capital_seen = False
        cursor = kind_end
        for _n in range(_MAX_NAME_TOKENS):
            tok = _TOKEN_RE.match(text, cursor)
            if not tok:
                break
            word = tok.group(0)
            capital_seen = capital_seen or word[0].isupper() or word[0].isdigit()
            key = name_key(text[kind_end:tok.end()])
            if capital_seen and any(e.place.level in levels for e in by_key.get(key, ())):
                best_end = tok.end()
            gap = _TOKEN_GAP_RE.match(text, tok.end())
            if not gap:
                break
            cursor = gap.end()
        if best_end is not None:
            out.append(_Mention(start, best_end, kind, text[kind_end:best_end]))
            pos = best_end
    return out


def find_places(text: str, province_hint: str | None = None) -> list[tuple[int, int, Place]]:
    """Mentions like 'huyện Vĩnh Thuận', 'TP. Quảng Ngãi' with offsets (`text[start:end]` is the mention).

    Ambiguous names are resolved from context: the district named in the same
    line ("xã Sơn Hạ, huyện Sơn Hà"), else a district the document names; the
    province named in the same line, else the province the document mentions
    most. Still-ambiguous mentions are left out rather than guessed.
    """
    mentions = _mentions(text)
    resolved: dict[int, Place] = {}
    for i, mention in enumerate(mentions):
        place = resolve_place(mention.name, mention.kind, province_hint)
        if place is not None:
            resolved[i] = place
    provinces_seen = Counter(p.province for p in resolved.values() if p.level in ("province", "district"))
    dominant = province_hint or (provinces_seen.most_common(1)[0][0] if provinces_seen else None)
    doc_districts = {(p.province, p.name) for p in resolved.values() if p.level == "district"}
    for i, mention in enumerate(mentions):
        if i in resolved and not (resolved[i].level == "commune" and resolved[i].district is None):
            continue
        line_start = text.rfind("\n", 0, mention.start) + 1
        line_end = text.find("\n", mention.end)
        line_end = len(text) if line_end < 0 else line_end
        nearby = [
            (abs(j - i), resolved[j]) for j in resolved
            if line_start <= mentions[j].start < line_end and resolved[j].level in ("province", "district")
        ]
        district = min((d for d in nearby if d[1].level == "district"), default=None, key=lambda d: d[0])
        province = min((d for d in nearby if d[1].level == "province"), default=None, key=lambda d: d[0])
        hint = province[1].name if province else (district[1].province if district else dominant)
        place = resolve_place(mention.name, mention.kind, hint, district[1].name if district else None)
        if place is not None and place.level == "commune" and place.district is None:
            place = _by_document_district(mention, hint, doc_districts) or place
        if place is not None:
            resolved[i] = place
    return [(mentions[i].start, mentions[i].end, resolved[i]) for i in sorted(resolved)]


def _by_document_district(mention: _Mention, hint: str | None, doc_districts: set[tuple[str, str]]) -> Place | None:
    """The one same-name commune lying in a district the document names elsewhere."""
    inside = [
        p for p in candidates(mention.name, mention.kind, hint)
        if p.level == "commune" and (p.province, p.district) in doc_districts
    ]
    return inside[0] if len(inside) == 1 else None


@cache
def _bare_province_re() -> regex.Pattern[str]:
    """Province names written without 'tỉnh' ('Kiên Giang, ngày 06 tháng 4', 'SỞ ... ĐẮK LẮK')."""
    idx = _index()
    spellings = set(idx.mergers)
    for row in load_csv("province_mergers_2025.csv"):
        spellings.update(v for v in row["aliases"].split("|") if len(v) > 3 and not v.isascii())
    alternatives = sorted({fold(sp) for sp in spellings}, key=len, reverse=True)
    return regex.compile(r"(?<![\p{L}\d])(" + "|".join(map(regex.escape, alternatives)) + r")(?![\p{L}\d])")


def find_province(text: str) -> Place | None:
    """The (pre-2025) province a text is about: the one its place mentions point to most.

    Counts 'tỉnh X' / 'thành phố X' mentions and the province of every district
    and commune found; when there is none, falls back to province names written
    bare and capitalised ('Kiên Giang, ngày 06 tháng 4 năm 2021'). Ties go to the
    province mentioned first.
    """
    mentions = [(start, place.province) for start, _end, place in find_places(text)]
    return _most_named(mentions or _bare_provinces(text))


def _bare_provinces(text: str) -> list[tuple[int, str]]:
    """(start, canonical name) of each province name written bare and capitalised."""
    out = []
    for m in _bare_province_re().finditer(fold(text)):
        written = text[m.start():m.end()]
        if all(w[0].isupper() for w in written.replace("-", " ").split()):
            name = normalize_province(written)
            if name:
                out.append((m.start(), name))
    return out


def stated_province(text: str, above: str | None = None) -> Place | None:
    """The province a text names itself, "tỉnh X" or a bare capitalised name ("Hưng Yên phấn đấu ..."),
    most often first. Unlike `find_province`, a district or commune it names counts only when it is of a
    level above `above` (a commune's text naming "huyện Quảng Điền"), not a place inside the issuer's."""
    rank = LEVELS.index(above) if above in LEVELS else 1
    mentions = [(start, place.province) for start, _end, place in find_places(text)
                if place.level == "province" or LEVELS.index(place.level) < rank]
    return _most_named(mentions + _bare_provinces(text))


def _most_named(mentions: list[tuple[int, str]]) -> Place | None:
    """The province named most often among (start, province) mentions; a tie goes to the one named first."""
    votes: Counter[str] = Counter()
    first_seen: dict[str, int] = {}
    for start, name in mentions:
        votes[name] += 1
        first_seen.setdefault(name, start)
    if not votes:
        return None
    best = max(votes, key=lambda name: (votes[name], -first_seen[name]))
    return _index().provinces.get(best)
