"""Responsible agencies: every mention resolved to (sector, level) with its role.

find: a gazetteer of names and abbreviations per sector and level
(`resources/agencies.yaml`) run on the folded text, longest mention first;
the level words after a name ("Công an huyện", "UBND các xã, thị trấn") are
part of the mention.
resolve: the level comes from the organ ("Sở" -> province), the level words,
or else the plan's own level (bare "Công an", "các trường học").
role: a cue ("chủ trì", "phối hợp với", "Đề nghị", "báo cáo ... về", "của")
governs the list of bodies that follows it as long as only separators and
vague group words ("các sở, ban, ngành") come between them; an item or a
heading that starts with bodies makes them `lead`. Mentions without a role
(context, the distribution list, the signature) are not emitted.
"""

from __future__ import annotations

import bisect
from dataclasses import dataclass
from functools import cache, lru_cache

import regex as re

from pipeline.document import AgencyMention, Metadata, SectionTree
from pipeline.knowledge.loader import load_yaml
from pipeline.parsing import tables
from pipeline.parsing.report_sections import report_spans
from pipeline.parsing.structure import document_header_at
from pipeline.textutils import finditer_from, fold, inside, squash

LEVELS = ("central", "province", "district", "commune")
RESPONSIBLE_ROLES = ("lead", "requested", "support")
_B = r"(?<![\w/])"  # a word start that is not inside a document symbol
_E = r"(?![\w/])"
# No name, cue or level phrase is this long: a match tried at one offset looks no further, so
# the regex engine's search for a required literal does not rescan the rest of the text each time
# (that made long hostile lines quadratic).
_MATCH_WINDOW = 1000
# A list of bodies holds at most 14 filler words between two names: a longer gap is no list.
_MAX_GAP = 600


def _name_regex(name: str) -> str:
    """A readable name -> a regex on folded text tolerant of spacing, dashes and '&'."""
    if name.startswith("re:"):
        return name[3:]
    s = fold(name).strip()
    and_word = _resources()["and_word"]
    out: list[str] = []
    for tok in _NAME_SEPARATORS.split(s):
        if not tok:
            continue
        if re.fullmatch(r"\s*[-–—]\s*", tok):
            out.append(r"\s*[-–—]?\s*")
        elif re.fullmatch(r"\s*,\s*", tok):
            out.append(r"\s*,?\s*")
        elif re.fullmatch(r"\s*&\s*", tok):
            out.append(rf"\s*(?:&|{and_word}|[-–—])\s*")  # "KH&ĐT" = "KH và ĐT" = "KH-ĐT"
        elif tok.isspace():
            out.append(r"\s+")
        elif tok == and_word:
            out.append(rf"(?:{and_word}|&)")
        else:
            out.append(re.escape(tok))
    return "".join(out)


_NAME_SEPARATORS = re.compile(r"(\s*[-–—]\s*|\s*,\s*|\s*&\s*|\s+)")


def _first_words(names: list[str]) -> tuple[str, ...] | None:
    """The literal words one of `names` must start with on the folded text (None: any start).

    Lets `find_mentions` try a name only where one of these words stands
    instead of scanning the whole text once per gazetteer entry.
    """
    words: set[str] = set()
    for name in names:
        if name.startswith("re:"):
            return None
        first = _NAME_SEPARATORS.split(fold(name).strip())[0]
        if not first:
            return None
        and_word = _resources()["and_word"]
        words.update((and_word, "&") if first == and_word else (first,))
    return tuple(sorted(words)) or None


@dataclass(frozen=True)
class _Entry:
    pattern: re.Pattern
    sector: str
    level: str | None  # central/province/district/commune/city, None = from context
    from_organ: bool
    first_words: tuple[str, ...] | None = None  # a match starts with one of these
    upper: bool = False  # the match's first word is written in capitals in the text


def _word_positions(folded: str, word: str) -> list[int]:
    """Every offset of `word` in `folded`, overlapping ones included (str.find is fast)."""
    out: list[int] = []
    i = folded.find(word)
    while i >= 0:
        out.append(i)
        i = folded.find(word, i + 1)
    return out


def _match_at(pattern: re.Pattern, folded: str, start: int):
    """`pattern.match(folded, start)` looking at most `_MATCH_WINDOW` characters ahead."""
    end = min(len(folded), start + _MATCH_WINDOW)
    m = pattern.match(folded, start, end)
    if m is not None and m.end() == end < len(folded):
        m = pattern.match(folded, start)  # touched the window's edge: decide on the whole text
    return m


def _entry_matches(entry: _Entry, folded: str, positions: dict[str, list[int]]) -> list:
    """`entry.pattern.finditer(folded)`, tried only where one of its first words stands."""
    if entry.first_words is None:
        return list(entry.pattern.finditer(folded))
    lists = []
    for word in entry.first_words:
        found = positions.get(word)
        if found is None:
            found = positions[word] = _word_positions(folded, word)
        if found:
            lists.append(found)
    if not lists:
        return []  # most entries: none of their first words is in the text
    starts = lists[0] if len(lists) == 1 else sorted(set().union(*lists))
    out = []
    pos = 0
    for start in starts:
        if start < pos:
            continue
        m = _match_at(entry.pattern, folded, start)
        if m:
            out.append(m)
            pos = max(m.end(), start + 1)
    return out


@dataclass
class _Found:
    start: int
    end: int
    sector: str
    levels: list[str]
    name: str
    bare: bool = False  # no level in the name nor after it: the plan's level was taken


@cache
def _resources() -> dict:
    return load_yaml("agencies.yaml")


@cache
def _gazetteer() -> list[_Entry]:
    res = _resources()
    entries: list[_Entry] = []
    organs = res["organs"]
    not_after = "".join(rf"(?<!(?<!\w){re.escape(fold(w))}\s+)" for w in res["organ_not_after"])
    for sector, spec in res["sectors"].items():
        functions = [_name_regex(f) for f in spec.get("functions", [])]
        if functions:
            func_alt = "(?:" + "|".join(sorted(functions, key=len, reverse=True)) + ")"
            for level, words in organs.items():
                organ_alt = "(?:" + "|".join(sorted((_name_regex(w) for w in words), key=len, reverse=True)) + ")"
                pat = re.compile(_B + not_after + organ_alt + r"\s+" + func_alt + _E)
                entries.append(_Entry(pat, sector, level, True, _first_words(words)))
        for level, names in (spec.get("names") or {}).items():
            # "upper:" names are abbreviations that are ordinary words in lower case ("CA tỉnh", "ca bệnh")
            upper = [n.removeprefix("upper:") for n in names if n.startswith("upper:")]
            plain = [n for n in names if not n.startswith("upper:")]
            for group, is_upper in ((plain, False), (upper, True)):
                if not group:
                    continue
                alt = "(?:" + "|".join(sorted((_name_regex(n) for n in group), key=len, reverse=True)) + ")"
                entries.append(_Entry(re.compile(_B + alt + _E), sector, None if level == "any" else level, False,
                                      _first_words(group), is_upper))
    return entries


@cache
def _level_regexes() -> tuple[re.Pattern, re.Pattern, dict[str, str]]:
    res = _resources()
    word_level: dict[str, str] = {}
    for level, words in res["level_words"].items():
        for w in words:
            word_level[fold(w)] = level
    words_alt = "|".join(sorted((re.escape(w) for w in word_level), key=len, reverse=True))
    links = "|".join(sorted((re.escape(fold(w)) for w in res["level_links"]), key=len, reverse=True))
    committee = "|".join(res["level_committee"])
    joiners = "|".join(res["level_joiners"])
    and_word = res["and_word"]
    # "Hội LHPN huyện, Huyện đoàn": a level word heading a body's name ("Huyện đoàn") is no level word
    heads = "|".join(sorted((re.escape(fold(w)) for w in res["level_word_heads_body"]), key=len, reverse=True))
    first = re.compile(
        rf"[ \t]*(?:(?P<link>{links})\s+)?(?:(?:{committee})\s+)?(?P<w>{words_alt})(?!\w)"
    )
    more = re.compile(rf"\s*(?:{joiners})?\s*(?:{and_word}\s+)?(?P<w>{words_alt})(?!\w)(?![ \t]+(?:{heads})(?!\w))")
    return first, more, word_level


_PROPER = re.compile(r"[ \t]+(?:\p{Lu}\w*)(?:[ \t]+\p{Lu}\w*){0,3}")


def _proper_name(text: str, pos: int) -> tuple[str, int]:
    """A capitalised place name at `pos` ("Huế", "Sơn Hà"), and where it ends."""
    m = _match_at(_PROPER, text, pos)
    if not m:
        return "", pos
    return m.group(0).strip(), m.end()


def _level_suffix(text: str, folded: str, pos: int, links: bool = True) -> tuple[list[tuple[str, str]], int]:
    """The level words right after a name: [(kind, place name)], end offset.

    `links=False` for organ names: "Phòng Y tế ở các xã" is still a district body.
    """
    first, more, word_level = _level_regexes()
    m = _match_at(first, folded, pos)
    if not m or (m.group("link") and not links):
        return [], pos
    found = [(word_level[m.group("w")], "")]
    end = m.end()
    place, after = _proper_name(text, end)
    if place:
        found[-1] = (found[-1][0], place)
        end = after
    while True:
        m = _match_at(more, folded, end)
        if not m:
            break
        found.append((word_level[m.group("w")], ""))
        end = m.end()
        place, after = _proper_name(text, end)
        if place:
            found[-1] = (found[-1][0], place)
            end = after
    return found, end


def _city_level(place: str, organ_level: str | None, siblings: list[str], plan_level: str | None,
                year: int | None) -> str:
    """A "thành phố" is a province when run by the centre, else a district."""
    cities = {fold(k): v for k, v in load_yaml("metadata.yaml")["central_cities"].items()}
    if place:
        since = cities.get(fold(place))
        if since is not None and (year or 2024) >= since:
            return "province"
        return "district"
    if organ_level in ("province", "district"):
        return organ_level
    if "province" in siblings:
        return "province"
    if "district" in siblings:
        return "district"
    if plan_level in ("province", "district"):
        return plan_level
    return "district"


def _central_city_after(text: str, pos: int) -> str:
    """The centrally-run city named right after a city body ("Thành đoàn Hà Nội"), else ""."""
    place, _ = _proper_name(text, pos)
    if not place:
        return ""
    cities = {fold(k): k for k in load_yaml("metadata.yaml")["central_cities"]}
    aliases = {fold(k): v for k, v in _resources()["central_city_aliases"].items()}
    key = fold(place)
    return cities.get(key) or aliases.get(key) or ""


def _below(plan_level: str | None) -> str:
    """The level under the plan's own ("UBND các địa phương" in a province plan = districts)."""
    i = LEVELS.index(plan_level) if plan_level in LEVELS else 1
    return LEVELS[min(i + 1, len(LEVELS) - 1)]


@cache
def _plan_level_regexes() -> dict:
    """The header patterns that name the plan's issuer (resources: plan_level)."""
    spec = _resources()["plan_level"]
    alt = "|".join(spec["kinds"])
    return {
        "kinds": spec["kinds"],
        "issuer": [re.compile(p.replace("{alt}", alt), flags=re.M) for p in spec["issuer_patterns"]],
        "central_header": re.compile(spec["central_header"], flags=re.M),
        "province_organ": re.compile(spec["province_organ"]),
        "district_organ": re.compile(spec["district_organ"]),
    }


def infer_plan_level(text: str, meta: Metadata | None = None) -> str | None:
    """The plan's level: metadata first, else the issuing body named in the header or preamble."""
    if meta is not None and meta.admin_level:
        return meta.admin_level
    rx = _plan_level_regexes()
    head = fold(text[:2500])
    for pat in rx["issuer"]:
        m = pat.search(head)
        if m:
            kind = rx["kinds"][m.group(1)]
            if kind == "city":
                place, _ = _proper_name(text, m.end(1))
                year = infer_plan_year(text, meta)
                return _city_level(place, None, [], "province", year) if place else "province"
            return kind
    if rx["central_header"].search(head):
        return "central"
    folded = fold(text)
    province_organs = len(rx["province_organ"].findall(folded))
    district_organs = len(rx["district_organ"].findall(folded))
    if province_organs or district_organs:
        return "province" if province_organs >= district_organs else "district"
    return None


def infer_plan_year(text: str, meta: Metadata | None = None) -> int | None:
    """The plan's year: metadata first, else the first year of the header/title."""
    if meta is not None and meta.year:
        return meta.year
    m = re.search(r"(?<![\d/])(20\d\d|19\d\d)(?!\d)", text[:1500])
    return int(m.group(1)) if m else None


@cache
def _shared_organ_regexes() -> tuple[re.Pattern, re.Pattern, re.Pattern, dict[str, str]]:
    """"Các Sở: Y tế, Tư pháp" -- an organ word, a colon, then bare function names."""
    res = _resources()
    organ_level: dict[str, str] = {}
    for level, words in res["shared_organs"].items():
        for w in words:
            organ_level[fold(w)] = level
    organs = "|".join(sorted((_name_regex(w) for w in organ_level), key=len, reverse=True))
    extra = "|".join(res["shared_organ_extra"])
    head = re.compile(rf"(?<!\w)(?P<o>{organs})(?:\s*,\s*(?:{extra})(?!\w))*\s*:\s*")
    groups = []
    for sector, spec in res["sectors"].items():
        funcs = [_name_regex(f) for f in spec.get("functions", [])]
        if funcs:
            groups.append(f"(?P<{sector}>" + "|".join(sorted(funcs, key=len, reverse=True)) + ")")
    func = re.compile("(?:" + "|".join(groups) + r")(?![\w/])")
    separator = re.compile(r"\s*(?:" + "|".join(res["shared_organ_separators"]) + r")\s*")
    return head, func, separator, organ_level


def _shared_organ_lists(folded: str) -> list[tuple[int, int, _Entry]]:
    head, func, separator, organ_level = _shared_organ_regexes()
    out: list[tuple[int, int, _Entry]] = []
    for h in head.finditer(folded):
        level = organ_level[re.sub(r"\s+", " ", h.group("o"))]
        pos, start = h.end(), h.start()
        while True:
            m = _match_at(func, folded, pos)
            if not m:
                break
            out.append((start, m.end(), _Entry(func, m.lastgroup, level, True)))
            sep = _match_at(separator, folded, m.end())
            if not sep:
                break
            pos = start = sep.end()
    return out


def find_mentions(text: str, plan_level: str | None, year: int | None = None) -> list[_Found]:
    """Every agency name in `text`, longest first, with its level(s) resolved."""
    folded = fold(text)
    raw: list[tuple[int, int, _Entry]] = []
    positions: dict[str, list[int]] = {}
    for entry in _gazetteer():
        for m in _entry_matches(entry, folded, positions):
            if not entry.upper or text[m.start():m.end()].split()[0].isupper():
                raw.append((m.start(), m.end(), entry))
    raw += _shared_organ_lists(folded)
    raw.sort(key=lambda r: (r[0], -(r[1] - r[0]), not r[2].from_organ))
    out: list[_Found] = []
    taken_until = -1
    for start, end, entry in raw:
        if start < taken_until:
            continue
        suffix, suffix_end = _level_suffix(text, folded, end, links=not entry.from_organ)
        organ_level = entry.level if entry.from_organ else None
        siblings = [k for k, _ in suffix]
        levels: list[str] = []
        for kind, place in suffix:
            if kind == "city":
                lvl = _city_level(place, organ_level, siblings, plan_level, year)
            elif kind == "below":
                lvl = _below(plan_level)
            else:
                lvl = kind
            if lvl not in levels:
                levels.append(lvl)
        if not levels:
            if entry.level == "city":
                levels = [_city_level(_central_city_after(text, end), None, [], plan_level, year)]
            elif entry.level:
                levels = [entry.level]
            else:
                levels = [plan_level or "province"]
        span_end = suffix_end if suffix else end
        bare = not suffix and not entry.level
        out.append(_Found(start, span_end, entry.sector, levels, squash(text[start:span_end]), bare))
        taken_until = span_end
    return out


# ------------------------------------------------------------------ roles


@cache
def _role_regexes() -> dict[str, re.Pattern]:
    roles = _resources()["roles"]

    def alt(words: list[str]) -> str:
        return "|".join(sorted((_name_regex(w) for w in words), key=len, reverse=True))

    not_req = alt(roles["not_requested_after"])
    return {
        "lead": re.compile(rf"(?<!\w)(?:{alt(roles['lead_before_list'])})(?!\w)"),
        "requested": re.compile(rf"(?<!\w)(?:{alt(roles['requested_before_list'])})(?!\w)(?!\s+(?:{not_req})(?!\w))"),
        "support": re.compile(rf"(?<!\w)(?:{alt(roles['support_before_list'])})(?!\w)"),
        "recipient": re.compile(rf"(?<!\w)(?:{alt(roles['recipient_before_list'])})(?!\w)"),
        "issuer": re.compile(rf"(?<!\w)(?:{alt(roles['issuer_before_list'])})(?!\w)"),
        "link": re.compile(rf"(?<!\w)(?:{alt(roles['recipient_links'])})(?!\w)"),
        "report_verb": re.compile(rf"(?<!\w)(?:{alt(roles['recipient_verbs'])})(?!\w)"),
        "lead_after": re.compile(rf"[\s,:]*(?:\([^()\n]{{0,120}}\)[\s,:]*)?(?:{alt(roles['lead_after_agency'])})(?!\w)"),
        "label": re.compile(r"^[ \t]*(?:" + _resources()["item_label"] + r")", flags=re.M),
        "no_assign": re.compile(r"^[\W_]*(?:" + alt(_resources()["no_assignment_from"]) + r")(?!\w)|(?<!\w)(?:"
                                + alt(_resources()["no_assignment_from"]) + r")\s*:", flags=re.M),
        "addressees": re.compile(r"^[\W_]*(?:" + alt(_resources()["addressee_block"]) + r")(?!\w)", flags=re.M),
    }


@cache
def _role_first_words() -> dict[str, tuple[str, ...] | None]:
    """The words each role cue starts with (see `_first_words`), for `finditer_from`."""
    roles = _resources()["roles"]
    keys = {"lead": "lead_before_list", "requested": "requested_before_list", "support": "support_before_list",
            "recipient": "recipient_before_list", "issuer": "issuer_before_list", "link": "recipient_links"}
    return {role: _first_words(roles[key]) for role, key in keys.items()}


@cache
def _filler() -> frozenset[str]:
    return frozenset(fold(w) for w in _resources()["list_filler"])


_STOP = re.compile(r"[.;:!?]")
_WORDS = re.compile(r"\w+")


@cache
def _item_line() -> re.Pattern:
    """A line break followed by an item label: a list of bodies never runs across it."""
    return re.compile(r"\n[ \t]*" + _resources()["item_line_start"])


@lru_cache(maxsize=16384)
def _is_filler(gap: str) -> bool:
    """Only separators and vague group words between two bodies of one list."""
    if _STOP.search(gap) or _item_line().search(gap):
        return False
    words = _WORDS.findall(gap)
    return len(words) <= 14 and all(w in _filler() for w in words)


def _gap_is_filler(folded: str, start: int, end: int) -> bool:
    """`_is_filler(folded[start:end])` without slicing a gap too long to be a list."""
    return end - start <= _MAX_GAP and _is_filler(folded[start:end])


def _excluded_spans(folded: str) -> list[tuple[int, int]]:
    """The distribution list and signature, to the end."""
    m = _role_regexes()["no_assign"].search(folded)
    return [(m.start(), len(folded))] if m else []


def _addressee_spans(folded: str) -> list[tuple[int, int]]:
    """The addressee blocks: each "Kính gửi:" line and the bulleted lines right after it."""
    spans: list[tuple[int, int]] = []
    for m in _role_regexes()["addressees"].finditer(folded):
        end = folded.find("\n", m.end())
        end = len(folded) if end < 0 else end
        while end < len(folded):
            nxt = folded.find("\n", end + 1)
            nxt = len(folded) if nxt < 0 else nxt
            line = folded[end + 1:nxt].strip()
            if line and not re.match(r"[-+•*–]", line):
                break
            end = nxt
        spans.append((m.start(), end))
    return spans


@cache
def _sentence_cut() -> re.Pattern:
    """Where a sentence ends: . ; ! ?, a blank line, or a line opening an item."""
    return re.compile(r"[.;!?](?!\d)|\n[ \t]*\n|\n(?=[ \t]*" + _resources()["sentence_item_start"] + ")")


def _sentence_start(folded: str, pos: int) -> int:
    """Start of the sentence holding `pos` (after . ; ! ? or an item label line)."""
    lo = max(0, pos - 300)
    cut = lo
    for m in _sentence_cut().finditer(folded[lo:pos]):
        cut = lo + m.end()
    return cut


def _cues(text: str, folded: str, tree: SectionTree) -> list[tuple[int, str]]:
    """(end offset, role) of every cue that governs the list of bodies after it."""
    rx = _role_regexes()
    cues: list[tuple[int, str]] = []
    first_words = _role_first_words()
    for role in ("lead", "requested", "support", "recipient", "issuer"):
        cues += [(m.end(), role) for m in finditer_from(rx[role], folded, first_words[role], _MATCH_WINDOW)]
    for m in finditer_from(rx["link"], folded, first_words["link"], _MATCH_WINDOW):
        start = _sentence_start(folded, m.start())
        if rx["report_verb"].search(folded, start, m.start()):
            cues.append((m.end(), "recipient"))
    for m in rx["label"].finditer(folded):
        cues.append((m.end(), "lead"))
    for s in tree.sections:
        head_start = s.start
        lab = _match_at(rx["label"], folded, head_start)
        cues.append((lab.end() if lab else head_start, "lead"))
    return cues


_BLANK_LINE = re.compile(r"\n[ \t]*\n")


def _past_blank_line(folded: str, cue_end: int, body_start: int) -> bool:
    """A blank line between a cue and the next body, the cue not ending in a colon ("giao:")."""
    return (not folded[:cue_end].rstrip().endswith(":")
            and _BLANK_LINE.search(folded, cue_end, body_start) is not None)


def _roles(text: str, folded: str, found: list[_Found], tree: SectionTree) -> list[str | None]:
    """The role of each mention: the nearest cue whose list reaches it."""
    roles: list[str | None] = [None] * len(found)
    best_cue: list[int] = [-1] * len(found)
    starts = [f.start for f in found]


    # The nearest cue wins: cues are walked latest first, and a walk stops at a body a later
    # (or equal, earlier listed) cue already reached, since its list goes on the same way from
    # there. Each body is then visited once: linear time on any text.
    cues = sorted(_cues(text, folded, tree), key=lambda c: -c[0])
    for cue_end, role in cues:
        i = bisect.bisect_left(starts, cue_end)
        if i > 0 and found[i - 1].end > cue_end:
            continue  # the cue word is inside a name ("Ban Chỉ đạo", "Sở Giao thông")
        if i < len(found) and _past_blank_line(folded, cue_end, found[i].start):
            continue  # "5. Chế độ báo cáo\n\nHội Nông dân xã báo cáo …": a heading's last word governs no body below
        prev_end = cue_end
        while i < len(found) and best_cue[i] < cue_end and _gap_is_filler(folded, prev_end, found[i].start):
            best_cue[i] = cue_end
            roles[i] = role
            prev_end = found[i].end
            i += 1
    rx = _role_regexes()
    for i, f in enumerate(found):
        # "<body> chủ trì", also "do <body> chủ trì thực hiện", "do <body> làm chủ đầu tư"
        if roles[i] in (None, "lead", "issuer") and _match_at(rx["lead_after"], folded, f.end):
            roles[i] = "lead"
    _heading_lines(folded, found, roles)
    _table_columns(folded, found, roles)
    return roles


@cache
def _closing_regexes() -> tuple[re.Pattern, re.Pattern]:
    spec = _resources()["closing_article"]
    phrases = "|".join(sorted((_name_regex(w) for w in spec["phrases"]), key=len, reverse=True))
    return re.compile(rf"(?<!\w)(?:{phrases})(?!\w)"), re.compile(spec["label"], flags=re.M)


def _closing_articles(folded: str, found: list[_Found], roles: list[str | None]) -> None:
    """Bodies of a decision's closing article ("... chịu trách nhiệm thi hành Quyết định này") have no role."""
    phrase, label = _closing_regexes()
    starts = [f.start for f in found]
    for m in phrase.finditer(folded):
        lo = max(0, m.start() - 1500)
        heads = list(label.finditer(folded, lo, m.start()))
        begin = heads[-1].start() if heads else folded.rfind("\n", lo, m.start()) + 1
        for i in range(bisect.bisect_left(starts, begin), bisect.bisect_left(starts, m.start())):
            roles[i] = None


def _table_columns(folded: str, found: list[_Found], roles: list[str | None]) -> None:
    """In a table of tasks ("| Nội dung | Cơ quan chủ trì | Cơ quan phối hợp |"), a body named in a
    role column takes that column's role (over what a cue nearby says), row by row."""
    starts = [f.start for f in found]
    columns: list[str | None] | None = None  # the current table's column roles; None outside a table
    line_start = 0
    for line in folded.split("\n"):
        line_end = line_start + len(line)
        if not tables.ROW.match(line):
            columns = None
        elif tables.is_row(line):
            bars = [line_start + k for k, ch in enumerate(line) if ch == "|"]
            cells = list(zip(bars, bars[1:] + [line_end], strict=True))
            if columns is None:
                columns = tables.column_roles([folded[a + 1:b] for a, b in cells])
            else:
                for (a, b), role in zip(cells, columns, strict=False):
                    if role is None:
                        continue
                    i = bisect.bisect_left(starts, a)
                    while i < len(found) and found[i].end <= b:
                        if roles[i] in (None, "lead", "support"):
                            roles[i] = role
                        i += 1
        line_start = line_end + 1


@cache
def _letterhead_regexes() -> list[re.Pattern]:
    return [re.compile(rf"^[\W_]*(?:{'|'.join(_name_regex(w) for w in words)})(?!\w)", flags=re.M)
            for words in _resources()["letterhead_end"]]


@cache
def _lead_in() -> re.Pattern:
    """The words a line of bodies may open with; group `requested` when it asks rather than orders."""
    words = _resources()["heading_lead_in"]
    return re.compile(rf"[\W_]*(?:(?P<requested>{words['requested']})|{words['lead']})?[\W_]*")

_LINE_REST = re.compile(r"[\s:.*_)(]*")


def _letterhead_end(folded: str) -> int:
    """Where the letterhead and title end (0 when no preamble line is found).

    Never before the end of the document's own header line (national motto): the issuer's name
    stands on it or above it ("BỘ GIÁO DỤC VÀ ĐÀO TẠO" under a portal's "Số hiệu: …" table)."""
    end = 0
    for pattern in _letterhead_regexes():
        m = pattern.search(folded[:4000])
        if m:
            end = m.start()
            break
    header = document_header_at(folded)
    if header is not None:
        line_end = folded.find("\n", header)
        end = max(end, line_end if line_end >= 0 else len(folded))
    return end


def _heading_lines(folded: str, found: list[_Found], roles: list[str | None]) -> None:
    """A line holding nothing but bodies ("Sở Y tế:", "Đề nghị Huyện đoàn") heads a block: lead/requested."""
    starts = [f.start for f in found]
    letterhead = _letterhead_end(folded)
    line_start = 0
    for line in folded.split("\n"):
        if line_start < letterhead:
            line_start += len(line) + 1
            continue
        line_end = line_start + len(line)
        i = bisect.bisect_left(starts, line_start)
        members: list[int] = []
        pos = line_start
        lead_in = _lead_in().match(folded[line_start:line_end])
        requested = lead_in.group("requested") is not None
        pos += lead_in.end()
        while i < len(found) and found[i].end <= line_end and _gap_is_filler(folded, pos, found[i].start):
            members.append(i)
            pos = found[i].end
            i += 1
        if members and len(line) < 200 and _LINE_REST.fullmatch(folded[pos:line_end]):
            for j in members:
                if roles[j] is None:
                    roles[j] = "requested" if requested else "lead"
        line_start = line_end + 1


@cache
def _subject_regexes() -> dict[str, re.Pattern]:
    """What may open a sentence before its subject bodies, and what may follow them (resources)."""
    spec = _resources()["sentence_subject"]

    def alt(words: list[str]) -> str:
        return "|".join(sorted((_name_regex(w) for w in words), key=len, reverse=True))

    label = _resources()["item_label"]
    return {
        "head": re.compile(rf"[\W_]*(?:{label})?[\W_]*(?:(?:{alt(spec['openers'])})\s*,\s*){{0,2}}", flags=re.I),
        "purpose": re.compile(rf"(?:{alt(spec['purpose'])})(?!\w)"),
        "commands": re.compile(rf"(?:{alt(spec['issuer_commands'])})(?!\w)"),
        "announces": re.compile(rf"(?<!\w)(?:{alt(spec['announces'])})(?!\w)"),
        "news": re.compile(rf"[ \t]*(?:{alt(spec['news'])})(?!\w)"),
        "tail": re.compile(rf"[ \t]*(?:\([^()\n]{{0,120}}\)[ \t]*)?(?:(?:{alt(spec['modals'])})\s+)*"),
        "not_lead": re.compile(rf"(?:{alt(spec['not_lead'])})(?!\w)"),
        "boundary": re.compile(r"[.;:!?\n](?!\d)"),
    }


def _subject_start(folded: str, pos: int) -> int:
    """Start of the clause holding `pos`: after . ; : ! ? or a line break, at most 300 characters back."""
    lo = max(0, pos - 300)
    cut = lo
    for m in _subject_regexes()["boundary"].finditer(folded, lo, pos):
        cut = m.end()
    return cut


def _subject_verb(text: str, folded: str, pos: int) -> int | None:
    """Where the task of a subject starts: a lower-case word after it that is not one of
    `not_lead` ("tổ chức", "chỉ đạo", "phối hợp"); None when there is none."""
    rx = _subject_regexes()
    _, pos = _proper_name(text, pos)  # "Sở Y tế Hà Nội sẽ ...", "Thành đoàn Hà Nội chủ động ..."
    pos = _match_at(rx["tail"], folded, pos).end()
    if pos >= len(text) or not text[pos].isalpha() or not text[pos].islower():
        return None
    return pos if _match_at(rx["not_lead"], folded, pos) is None else None


def _opens_clause(folded: str, clause: int, start: int) -> bool:
    """Only a label, openers ("Theo đó,"), a purpose clause ("Để ..., ") and filler before `start`."""
    rx = _subject_regexes()
    head = _match_at(rx["head"], folded, clause).end()
    if _gap_is_filler(folded, head, start):
        return True
    comma = folded.rfind(",", head, start)
    return (comma > 0 and _match_at(rx["purpose"], folded, head) is not None
            and _gap_is_filler(folded, comma + 1, start))


def _announces(folded: str, pos: int) -> bool:
    """The clause from `pos` to its end (at most 300 characters) announces the text ("... như sau:")."""
    end = min(len(folded), pos + 300)
    stop = _subject_regexes()["boundary"].search(folded, pos, end)
    return _subject_regexes()["announces"].search(folded, pos, stop.start() if stop else end) is not None


def _sentence_subjects(text: str, folded: str, found: list[_Found], roles: list[str | None],
                       own: tuple[set[str], set[str]], background: list[tuple[int, int]]) -> None:
    """Bodies that open a sentence and go on with what they do lead it ("UBND các quận, huyện tổ
    chức ...", "Theo đó, Sở Y tế chỉ đạo ..."), unless the plan's own issuer speaks (`own`:
    "sector/level" keys: always, and the issuer's when it commands) or the sentence reports the situation (`background` sections). An item
    opening with bodies that "vừa" issued something is news, not a task. A chain of bodies joined
    by filler is taken whole; linear in the text."""
    letterhead = _letterhead_end(folded)
    i = 0
    while i < len(found):
        j = i + 1  # the chain found[i:j]: bodies joined by separators and vague group words
        while j < len(found) and _gap_is_filler(folded, found[j - 1].end, found[j].start):
            j += 1
        chain, start, i = range(i, j), found[i].start, j
        if start < letterhead or not _opens_clause(folded, _subject_start(folded, start), start):
            continue
        if all(roles[k] == "lead" for k in chain):
            if _match_at(_subject_regexes()["news"], folded, found[j - 1].end):
                for k in chain:
                    roles[k] = None
            continue
        if any(roles[k] is not None for k in chain) or inside(background, start):
            continue
        verb = _subject_verb(text, folded, found[j - 1].end)
        if verb is None or _announces(folded, verb):
            continue
        voice = own[0] | (own[1] if _match_at(_subject_regexes()["commands"], folded, verb) else set())
        for k in chain:
            if not all(f"{found[k].sector}/{lv}" in voice for lv in found[k].levels):
                roles[k] = "lead"


def _levels_from_subject(folded: str, found: list[_Found], roles: list[str | None]) -> None:
    """A bare body ("Công an", "Đoàn Thanh niên") in a clause led by a committee of one level works at
    that level: "UBND các xã, thị trấn chỉ đạo Công an, Đoàn Thanh niên ..." (commune)."""
    for i, f in enumerate(found):
        if not f.bare or roles[i] not in RESPONSIBLE_ROLES:
            continue
        clause = _sentence_start(folded, f.start)
        j, same_list = i - 1, True  # same_list: found[j] is in f's own list ("UBND các xã, Công an")
        while j >= 0 and found[j].start >= clause:
            g = found[j]
            same_list = same_list and _gap_is_filler(folded, g.end, found[j + 1].start)
            if (not same_list and g.sector == "people_committee" and roles[j] == "lead" and not g.bare
                    and len(g.levels) == 1):
                f.levels = list(g.levels)
                break
            j -= 1


def _own_keys(meta: Metadata, plan_level: str | None) -> tuple[set[str], set[str]]:
    """"sector/level" of the voice the plan speaks in: (always, when it commands).

    The people's committee of the plan's level, and a ministry issuing a central document,
    speaking of themselves give orders, not tasks. A department or a union that issues a plan
    also carries it out ("Sở GD&ĐT tổ chức ..." leads), unless it directs others ("Sở Dân tộc
    chỉ đạo UBND các huyện ...").
    """
    always = {f"people_committee/{plan_level or 'province'}"}
    issuer = {f"{f.sector}/{lv}" for f in find_mentions(meta.issuer or "", plan_level) for lv in f.levels}
    if plan_level == "central":
        always |= issuer
    return always, issuer


def _drop_reported(found: list[_Found], roles: list[str | None], report: list[tuple[int, int]]) -> None:
    """A results or background section ("KẾT QUẢ NĂM 2023", "BỐI CẢNH") tells what bodies did: it
    assigns nothing, whatever the cue ("chủ trì", "phối hợp với", "báo cáo"); issuers stay apart."""
    for i, f in enumerate(found):
        if roles[i] is not None and roles[i] != "issuer" and inside(report, f.start):
            roles[i] = None


def extract_agencies(text: str, tree: SectionTree, meta: Metadata, *, folded: str | None = None,
                     plan_year: int | None = None, report: list[tuple[int, int]] | None = None) -> list[AgencyMention]:
    """One mention per body named with a role; levels resolved against the plan's level.

    `folded`, `plan_year` and `report` (the results/background sections) are the facts the pipeline
    computed once (`Document.folded`, `Document.plan_year`, `Document.report_spans`); a caller
    without them gets them computed here.
    """
    if not text:
        return []
    folded = fold(text) if folded is None else folded
    plan_level = infer_plan_level(text, meta)
    year = plan_year if plan_year is not None else infer_plan_year(text, meta)
    found = find_mentions(text, plan_level, year)
    if not found:
        return []
    report = report_spans(folded, tree, year) if report is None else report
    roles = _roles(text, folded, found, tree)
    _sentence_subjects(text, folded, found, roles, _own_keys(meta, plan_level), report)
    _closing_articles(folded, found, roles)
    _drop_reported(found, roles, report)
    _levels_from_subject(folded, found, roles)
    excluded = _excluded_spans(folded) + _addressee_spans(folded)
    out: list[AgencyMention] = []
    for f, role in zip(found, roles, strict=True):
        if role is None or any(a <= f.start < b for a, b in excluded):
            continue
        out.extend(_mentions(text, tree, f, role))
    extra = _addressees(text, folded, tree, found, out)
    return sorted(out + extra, key=lambda m: m.start) if extra else out


def _mentions(text: str, tree: SectionTree, f: _Found, role: str, levels: list[str] | None = None) -> list[AgencyMention]:
    return [AgencyMention(name=f.name, sector=f.sector, level=level, role=role, text=text[f.start:f.end],
                          start=f.start, end=f.end, section=tree.section_at(f.start))
            for level in (levels or f.levels)]


def _addressees(text: str, folded: str, tree: SectionTree, found: list[_Found],
                out: list[AgencyMention]) -> list[AgencyMention]:
    """Bodies a letter is addressed to ("Kính gửi: Ủy ban nhân dân các tỉnh, …") are asked to act on
    it (`requested`, a ministry's guidance whose items are their work), when the text gives them no
    role of their own elsewhere (it may be cut before its "đề nghị …")."""
    spans = _addressee_spans(folded)
    have = {(m.sector, m.level) for m in out}
    extra: list[AgencyMention] = []
    for f in found:
        if any(a <= f.start < b for a, b in spans):
            levels = [lv for lv in f.levels if (f.sector, lv) not in have]
            if levels:
                extra.extend(_mentions(text, tree, f, "requested", levels))
                have |= {(f.sector, lv) for lv in levels}
    return extra


def _heading_span(s) -> tuple[int, int]:
    end = s.heading_end if s.heading_end and s.heading_end > s.start else s.start + len(s.label) + len(s.heading) + 12
    return s.start, min(end, s.end)


def assign_task_agencies(tree: SectionTree, mentions: list[AgencyMention]) -> None:
    """Fill each task's `agencies` ("sector/level"), inherited from its block.

    A task takes the leads of the innermost section holding it whose heading
    names bodies (the blocks of "Tổ chức thực hiện"; sections are matched by
    span, so a label the document repeats does not mix two blocks), then the
    bodies it names itself as lead or requested, then its partners (support).
    """
    responsible = sorted((m for m in mentions if m.role in RESPONSIBLE_ROLES), key=lambda m: m.start)
    starts = [m.start for m in responsible]

    def within(a: int, b: int) -> list[AgencyMention]:
        return responsible[bisect.bisect_left(starts, a):bisect.bisect_left(starts, b)]

    heads: list[tuple[int, int, int, list[str]]] = []  # (level, start, end, keys) of heading blocks
    for s in tree.sections:
        keys = [f"{m.sector}/{m.level}" for m in within(*_heading_span(s)) if m.role in ("lead", "requested")]
        if keys:
            heads.append((s.level, s.start, s.end, list(dict.fromkeys(keys))))
    heads.sort(key=lambda h: h[1])
    open_heads: list[tuple[int, int, int, list[str]]] = []  # heads started before the task
    next_head = 0
    for task in sorted(tree.tasks, key=lambda t: t.start):
        while next_head < len(heads) and heads[next_head][1] <= task.start:
            open_heads.append(heads[next_head])
            next_head += 1
        open_heads = [h for h in open_heads if task.start < h[2]]  # the ones still holding it
        own = within(task.start, task.end)
        own_leads = [f"{m.sector}/{m.level}" for m in own if m.role in ("lead", "requested")]
        support = [f"{m.sector}/{m.level}" for m in own if m.role == "support"]
        block = max(open_heads, key=lambda h: (h[0], h[1]))[3] if open_heads else []
        task.agencies = list(dict.fromkeys(block + own_leads + support))
