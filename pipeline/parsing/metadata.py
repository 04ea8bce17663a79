"""Document metadata: type, number, date, issuer, level, province, year, title, signer.

A Vietnamese administrative document prints its identity in a fixed order:
the issuer block ("ỦY BAN NHÂN DÂN / TỈNH KIÊN GIANG"), "Số: 31/KH-UBND",
the place-and-date line, the type heading ("KẾ HOẠCH") and the title, then
the preamble ("UBND huyện Sơn Hà ban hành Kế hoạch ...") and, at the end,
the signature block ("KT. CHỦ TỊCH / PHÓ CHỦ TỊCH / <name>"). Each field is
read from its own place (find), and missing pieces are completed from the
others (resolve): a preamble that only says "Ủy ban nhân dân huyện" takes
the district's name from the title or from the text's mentions of it.

Matching runs on `fold(text)` (same length), so offsets are shared.
"""

from __future__ import annotations

import re
from collections import Counter
from functools import cache

from pipeline.document import Metadata, SectionTree
from pipeline.knowledge.loader import load_yaml
from pipeline.parsing.summary import (
    Report,
    expand_abbreviations,
    expand_issuer,
    find_report,
    opening_year,
    publication_date,
    school_year_start,
    stated_year,
    title_document,
)
from pipeline.textutils import fold, nfc, strip_accents

_HEAD_LIMIT = 6000  # the header never runs longer than this
_HEAD_MIN = 1500
_TAIL_LIMIT = 3000  # the signature block sits in the last characters
_MARKUP = re.compile(r"[*_#`|>]+")
_WORD = re.compile(r"[^\W\d_]+(?:-[^\W\d_]+)?")
_SYMBOL = (r"(?:(?P<num>\d{0,6})[ \t]*/[ \t]*(?P<code>[^\W_][\w&.]*(?:(?:/|[-–][ \t]?)[^\W_][\w&.]*)*)"
           # a party or Youth Union symbol: "45-KH/TĐTN-TTNTH", "12-CT/TU"
           r"|(?P<pnum>\d{1,6})-(?P<pcode>[^\W_][\w&.]*/[^\W_][\w&.]*(?:[-/][^\W_][\w&.]*)*))")


@cache
def _cfg() -> dict:
    meta = load_yaml("metadata.yaml")
    types = load_yaml("document_types.yaml")
    units = {fold(k): v for k, v in meta["unit_levels"].items()}
    unit_alt = "|".join(sorted((re.escape(u) for u in units), key=len, reverse=True))
    committee = "|".join(fold(p) for p in meta["committee_patterns"])
    return {
        "units": units,
        "unit_re": unit_alt,
        "committee": committee,
        "central_cities": {fold(c): int(since) for c, since in meta["central_cities"].items()},
        "central": {_letters_key(n): n for n in meta["central_issuers"]},
        "verbs": tuple(fold(v) for v in meta["issuer_verbs"]),
        "body_cues": tuple(fold(c) for c in meta["body_cues"]),
        "title_stops": tuple(fold(c) for c in meta["title_stop_cues"]),
        "name_stops": {fold(w) for w in meta["name_stop_words"]},
        "sig_titles": sorted((fold(t) for t in meta["signature_titles"]), key=len, reverse=True),
        "boiler_signer": re.compile(fold(meta["boilerplate_signer"])),
        "boiler_issuer": re.compile(fold(meta["boilerplate_issuer"])),
        "types": [(t["name"], fold(t["name"]), [c.upper() for c in t.get("codes") or []]) for t in types["types"]],
        "agencies": {fold(k): v for k, v in (meta.get("agency_issuers") or {}).items()},
        "school_words": [fold(w) for w in meta.get("school_words") or []],
        "school_levels": sorted(((fold(k), v) for k, v in (meta.get("school_levels") or {}).items()),
                                key=lambda kv: -len(kv[0])),
        "districts_abolished": str(meta.get("districts_abolished") or "9999-12-31"),
        "motto": re.compile("|".join(f"(?:{p})" for p in meta["motto_patterns"])),
        "letter_type": types["letter_type"],
        "letter_cue": fold(types["letter_subject_cue"]),
        "opening_types": sorted(((fold(k), v) for k, v in meta["summary"]["opening_types"].items()),
                                key=lambda kv: -len(kv[0])),
        **_patterns(meta["patterns"]),
        **_words(meta["words"]),
    }


def _patterns(raw: dict) -> dict:
    """The compiled patterns of metadata.yaml's `patterns` (run on folded text)."""
    return {
        "number_res": [re.compile(label + _SYMBOL) for label in raw["number_labels"]],
        "date_re": re.compile(raw["place_date"]),
        "bare_year": re.compile(raw["bare_year"]),
        "year_in_title": re.compile(raw["year_in_title"]),
        "year_not_after": re.compile(raw["year_not_after"]),
        "period_start": re.compile(raw["period_start"]),
        "goal_heading": re.compile(raw["goal_heading"]),
        "joined_issuer_re": re.compile(r"(?<=\s)(?:" + raw["joined_issuer"] + r")\s"),
        "authority_line": re.compile(raw["authority_line"]),
        "number_line": re.compile(raw["number_line"]),
        "signed_stamp": re.compile(raw["signed_stamp"], re.I),
    }


def _words(raw: dict) -> dict:
    """The single words of metadata.yaml's `words`, folded."""
    return {
        "central_not_before": tuple(_letters_key(w) for w in raw["central_not_before"]),
        "committee_keys": tuple(_letters_key(w) for w in raw["committee_keys"]),
        "motto_first": tuple(fold(w) for w in raw["motto_first"]),
        "motto_second": tuple(fold(w) for w in raw["motto_second"]),
        "issued_kinds": "|".join(re.escape(fold(w)) for w in raw["issued_kinds"]),
        "not_name_after_unit": "|".join(re.escape(fold(w)) for w in raw["not_a_name_after_unit"]),
        "sentence_before": tuple(fold(w) for w in raw["sentence_before_committee"]),
        "school_year": fold(raw["school_year"]),
        "province_units": tuple(fold(w) for w in raw["province_units"]),
        "city_unit": fold(raw["city_unit"]),
        "unit_syllables": tuple(fold(w) for w in raw["unit_syllables"]),
        "society": fold(raw["society"]),
        "wrap_joiners": frozenset(fold(w) for w in raw["wrap_joiners"]),
    }


def _letters_key(s: str) -> str:
    return "".join(ch for ch in fold(s) if ch.isalpha())


def _lines(text: str, start: int, end: int) -> list[tuple[int, int, str]]:
    """(start, end, markup-free squashed text) of the non-empty lines in [start, end)."""
    out = []
    for m in re.finditer(r"[^\n]+", text[start:end]):
        clean = " ".join(_MARKUP.sub(" ", m.group(0)).split())
        if clean and not re.fullmatch(r"[-–—_.=\s]+", clean):
            out.append((start + m.start(), start + m.end(), clean))
    return out


def _is_upper(s: str) -> bool:
    letters = [c for c in s if c.isalpha()]
    return bool(letters) and all(c.isupper() for c in letters)


def _title_word(w: str) -> str:
    return "-".join(p[:1].upper() + p[1:].lower() for p in w.split("-"))


# ---------------------------------------------------------------- find


def _header_end(text: str, tree: SectionTree) -> int:
    """The header runs to the first section; web copies with numbered menus
    above the document get at least `_HEAD_MIN` characters."""
    end = tree.sections[0].start if tree.sections else len(text)
    return min(max(end, _HEAD_MIN), _HEAD_LIMIT, len(text))


def find_number(head: str) -> str | None:
    """The document's own symbol: "Số: 31 /KH-UBND" -> "31/KH-UBND"; blank number -> None."""
    folded = fold(head)
    found = [m for r in _cfg()["number_res"] for m in r.finditer(folded)]
    if not found:
        return None
    m = min(found, key=lambda x: x.start())
    if m.group("pnum"):
        return f"{m.group('pnum')}-{head[m.start('pcode'):m.end('pcode')].rstrip('.')}"
    if not m.group("num"):
        return None
    code = head[m.start("code"):m.end("code")].rstrip(".")
    code = re.sub(r"\s+", "", code).replace("–", "-")
    return f"{m.group('num')}/{code}"


def _date_region_end(text: str, head_end: int, type_end: int) -> int:
    """The place-and-date line comes before the preamble: cut the header at the
    first "Thực hiện / Căn cứ ..." line after the type heading, so the dates of
    cited documents are never taken for the issue date."""
    cues = _cfg()["body_cues"]
    for start, _, clean in _lines(text, max(type_end, 0), head_end):
        if start > type_end and fold(clean).startswith(cues):
            return start
    return head_end


def find_issue_date(head: str) -> tuple[str | None, int | None, str | None]:
    """(ISO date or None when the day is blank, year, place) of the place-and-date line."""
    folded = fold(head)
    for m in _cfg()["date_re"].finditer(folded):
        place = _place_before(head, m.start())
        if not place:
            continue
        day = m.group("d")
        month = m.group("m") or m.group("m2")
        year = m.group("y") or m.group("y2")
        y = int(year)
        if not day or not (1 <= int(month) <= 12 and 1 <= int(day) <= 31):
            return None, y, place
        return f"{y:04d}-{int(month):02d}-{int(day):02d}", y, place
    return None, None, None


def _place_before(text: str, pos: int) -> str | None:
    """The place name just before ", ngày": capitalised words, codes and stray caps dropped."""
    seg = text[max(0, pos - 60):pos]
    seg = re.split(r"[|:;/\n()\[\]]", seg)[-1]
    words = seg.split()
    out: list[str] = []
    for w in reversed(words):
        w = _MARKUP.sub("", w)
        if w in ("-", "–") and out:
            out.append("-")  # "Bà Rịa - Vũng Tàu, ngày ..."
            continue
        if not w or not w[0].isupper() or not _WORD.fullmatch(w):
            break
        out.append(w)
    while out and out[-1] == "-":
        out.pop()
    out.reverse()
    # "GIANG BIÊNGiang Biên", "MNPT Phước Thạnh": keep the title-case tail
    while len(out) > 1 and _is_upper(out[0]) and not all(_is_upper(x) for x in out):
        out.pop(0)
    if len(out) == 1 and _is_upper(out[0]) and "-" in out[0]:
        return None  # "322/KH-THCSVTT, ngày ...": a symbol, not a place
    return " ".join(out) if out else None


def find_doc_type(text: str, head_end: int, number: str | None) -> tuple[str | None, int, int]:
    """(type, start, end of the heading line) as printed; falls back to "V/v" and the symbol code.

    A line that is only the type ("KẾ HOẠCH") wins over a line that starts
    with it (a web page title above the document, or a heading the cleaner
    joined to its title); "QUYẾT ĐỊNH:" is a decision's formula, not a heading.
    """
    cfg = _cfg()
    types = sorted(cfg["types"], key=lambda t: -len(t[1]))
    lines = _lines(text, 0, head_end)
    for exact in (True, False):
        for start, end, clean in lines:
            fclean = fold(clean)
            for name, fname, _ in types:
                if not fclean.startswith(fname) or not _is_upper(clean[:len(fname)]):
                    continue
                rest = clean[len(fname):]
                if exact and not rest.strip():
                    return name, start, end
                if not exact and rest[:1] == " " and _is_upper(rest.split()[0]):
                    return name, start, end
    folded_head = fold(text[:head_end])
    cue = re.search(r"(?:^|\s)" + re.escape(cfg["letter_cue"]) + r"\b", folded_head)
    if cue:
        return cfg["letter_type"], cue.start(), cue.start()
    if number and "/" in number:
        parts = re.split(r"[-/]", number.split("/", 1)[1])
        for name, _, codes in cfg["types"]:
            if parts and parts[0].upper() in codes:
                return name, -1, -1
        return cfg["letter_type"], -1, -1
    return None, -1, -1


def find_title(text: str, head_end: int, doc_type: str | None, type_start: int, type_end: int) -> str | None:
    """The line(s) after the type heading; for a letter, the "V/v" subject."""
    cfg = _cfg()
    if type_start < 0:
        return None
    if doc_type == cfg["letter_type"] and type_start == type_end:
        m = re.match(r"\s*v/v\s*[:.]?\s*", fold(text[type_start:type_start + 10]))
        start = type_start + (m.end() if m else 0)
        line = text[start:text.find("\n", start) if "\n" in text[start:] else len(text)]
        title = " ".join(_MARKUP.sub(" ", line.split("|")[0]).split())
        return title.rstrip(" .") or None
    lines = _lines(text, type_start, head_end)
    if not lines:
        return None
    first = lines[0][2]
    parts: list[str] = []
    rest = first[len(doc_type or ""):].strip(" :") if doc_type else ""
    if rest:
        parts.append(rest)
    for _, _, clean in lines[1:6]:
        fclean = fold(clean)
        if parts and (fclean.startswith(cfg["body_cues"]) or fclean.startswith(cfg["title_stops"])):
            break
        if not parts and fclean.startswith(cfg["title_stops"]):
            break
        starts_lower = clean[:1].islower()
        upper_run = _is_upper(" ".join(clean.split()[:2]))
        if parts and not starts_lower and not (_is_upper(parts[-1]) and upper_run):
            break
        parts.append(clean)
    if not parts:
        return None
    title = " ".join(parts)
    if _is_upper(title.split()[0]):
        # an upper-case title joined to the preamble: keep the upper-case run
        words = title.split()
        keep = []
        for w in words:
            if any(c.islower() for c in w):
                break
            keep.append(w)
        if len(keep) >= 2:
            title = " ".join(keep)
    return title.rstrip(" .") or None


def _name_after(text: str, folded: str, pos: int, limit: int = 5) -> tuple[str | None, int]:
    """A place name starting at `pos` (after a unit word): capitalised words of one case style."""
    cfg = _cfg()
    words: list[str] = []
    i = pos
    style = None
    while len(words) < limit:
        m = re.match(r"[ \t]*(?:[-–][ \t]*)?", text[i:])
        j = i + m.end()
        wm = _WORD.match(text, j)
        if not wm or wm.start() != j:
            break
        w = wm.group(0)
        if not w[0].isupper() or fold(w) in cfg["name_stops"]:
            break
        w_style = "upper" if _is_upper(w) and len(w) > 1 else "title"
        if style is None:
            style = w_style
        elif w_style != style:
            break
        dash = "-" in text[i:j] or "–" in text[i:j]
        words.append(("- " if dash and words else "") + w)
        i = wm.end()
    if not words:
        return None, pos
    name = " ".join(words)
    if style == "upper":
        name = " ".join(_title_word(w) if w != "-" else w for w in name.split())
    return name, i


def find_issuer(text: str, head_end: int, type_start: int) -> tuple[str | None, str | None, str | None, str | None]:
    """(unit word, name or None, central issuer, where) from the header block, else the preamble."""
    cfg = _cfg()
    head = text[:head_end]
    folded = fold(head).replace("\n", " ")
    # 1. header block: before the type heading, or a decision's authority line
    block_end = type_start if type_start > 0 else head_end
    central = _central_issuer(text, block_end)
    if central:
        return None, None, central, "header"
    pattern = re.compile(r"(?:" + cfg["committee"] + r")[\s|*_\-–—]*(" + cfg["unit_re"] + r")\b")
    raw_folded = fold(head)
    for m in pattern.finditer(folded):
        in_block = m.start() < block_end
        line_start = raw_folded.rfind("\n", 0, m.start()) + 1
        authority = cfg["authority_line"].fullmatch(raw_folded[line_start:m.start()])
        if not (in_block or authority) or _inside_sentence(folded, m.start()):
            continue
        name, _ = _name_after(head, folded, m.end())
        return m.group(1), name, None, "header"
    # 2. preamble: "UBND huyện Sơn Hà ban hành Kế hoạch"
    pre_start = max(type_start, 0)
    pattern = re.compile(r"(?:" + cfg["committee"] + r")(?:\s*\(ubnd\))?\s+(" + cfg["unit_re"] + r")\b")
    for m in pattern.finditer(folded, pre_start):
        name, after = _name_after(head, folded, m.end())
        tail = folded[after:after + 30].lstrip(" ,")
        if tail.startswith(cfg["verbs"]):
            return m.group(1), name, None, "preamble"
    # 3. legal-database boilerplate above the document
    bm = cfg["boiler_issuer"].search(folded)
    if bm:
        um = re.match(r"(" + cfg["unit_re"] + r")\s+", folded[bm.end():])
        if um:
            name, _ = _name_after(head, folded, bm.end() + um.end())
            return um.group(1), name, None, "boilerplate"
    return None, None, None, None


def _central_issuer(text: str, block_end: int) -> str | None:
    """A central body printed as a header line ("BỘ Y TẾ", "THỦ TƯỚNG CHÍNH PHỦ"); not one named in a
    sentence ("... do Thủ tướng Chính phủ ban hành"), nor a department under a province ("SỞ ... TỈNH")."""
    cfg = _cfg()
    keys = sorted(cfg["central"].items(), key=lambda kv: -len(kv[0]))
    line_keys = [_letters_key(clean) for _start, _end, clean in _lines(text, 0, block_end)[:8]]
    for i, line_key in enumerate(line_keys):
        if any(k in line_key for k in cfg["committee_keys"]):
            return None  # a People's Committee heads the block
        joined = "".join(line_keys[i:i + 3])  # "THỦ TƯỚNG CHÍNH / PHỦ": a name wrapped over lines
        for key, name in keys:
            if joined.startswith(key) and not joined[len(key):].startswith(cfg["central_not_before"]):
                return name
    bm = cfg["boiler_issuer"].search(fold(text[:block_end]))  # "Nơi ban hành: Bộ Giáo dục và Đào tạo"
    after = _letters_key(text[bm.end():bm.end() + 80]) if bm else ""
    return next((name for key, name in keys if after.startswith(key)), None)


def _header_segments(text: str, block_end: int) -> list[tuple[int, str]]:
    """(start, markup-free text) of the header block's lines, each cut at the national motto: a
    two-column header run into one line gives back its left column's lines."""
    motto = _cfg()["motto"]
    out = []
    for start, _end, clean in _lines(text, 0, block_end):
        folded, pos = fold(clean), 0
        for m in motto.finditer(folded):
            if folded[pos:m.start()].strip():
                out.extend((start + pos + k, piece) for k, piece in _split_joined_issuers(clean[pos:m.start()]))
            out.append((start + m.start(), clean[m.start():m.end()]))
            pos = m.end()
        if clean[pos:].strip():
            out.extend((start + pos + k, piece) for k, piece in _split_joined_issuers(clean[pos:]))
    return out


def _split_joined_issuers(line: str) -> list[tuple[int, str]]:
    """(offset, text) of the issuer lines a PDF copy ran into one upper-case line: "UBND TỈNH GIA LAI SỞ LAO
    ĐỘNG …", "PHÒNG GD&ĐT THÀNH PHỐ THÁI BÌNH TRƯỜNG THCS KỲ BÁ" are cut before the agency word that follows
    a place; "SỞ TÀI NGUYÊN VÀ MÔI TRƯỜNG", "UBND HUYỆN TRƯỜNG SA" stay whole."""
    leading = len(line) - len(line.lstrip())
    line = line.strip()
    if not _is_upper(line):
        return [(leading, line)] if line else []
    cuts, last = [0], 0
    for m in _cfg()["joined_issuer_re"].finditer(fold(line)):
        if m.start() > last and _ends_with_place(line[last:m.start()]):
            cuts.append(m.start())
            last = m.start()
    cuts.append(len(line))
    return [(leading + a, line[a:b].strip()) for a, b in zip(cuts, cuts[1:], strict=False) if line[a:b].strip()]


def _ends_with_place(part: str) -> bool:
    """Whether an issuer's name ends with its place: a unit word and one to four words ("TỈNH GIA LAI"), or a
    province's name ("SỞ GIÁO DỤC VÀ ĐÀO TẠO ĐẮK LẮK")."""
    folded = fold(part)
    units = list(re.finditer(r"(?<=\s)(?:" + _cfg()["unit_re"] + r")\s+", folded))
    if units and 1 <= len(folded[units[-1].end():].split()) <= 4:
        return True
    words = part.split()
    gz = _gazetteer()
    return gz is not None and any(gz.normalize_province(" ".join(words[-k:])) for k in (2, 3) if len(words) > k)


def find_agency_issuer(text: str, block_end: int) -> tuple[str | None, str | None, str | None, int]:
    """(issuer, level, place, where it starts) of a header block naming a department, school or party
    committee ("SỞ GIÁO DỤC VÀ ĐÀO TẠO ĐẮK LẮK / TRƯỜNG THPT PHÚ XUÂN": the last upper-case line
    that starts with an agency word is the issuer); where is -1 when there is none."""
    cfg = _cfg()
    found = None
    lines = _header_segments(text, block_end)
    unit_start = re.compile(r"(?:" + cfg["unit_re"] + r")\s")
    for k, (start, clean) in enumerate(lines):
        fclean = fold(clean)
        if fclean.startswith(cfg["motto_first"]):
            continue  # the right column's motto: the left column may go on after it
        if fclean.startswith(cfg["motto_second"]) or cfg["number_line"].match(fclean):
            break  # the motto's second line, or the document's number: the left column is over
        if not _is_upper(clean) or len(clean.split()) > 14:
            continue
        for word in sorted(cfg["agencies"], key=len, reverse=True):
            if fclean.startswith(word + " ") or fclean == word:
                nxt = lines[k + 1][1] if k + 1 < len(lines) else ""
                if _is_upper(nxt) and (unit_start.match(fold(nxt)) or _wrapped(clean, nxt)):
                    clean = f"{clean} {nxt}"  # "HỘI ĐỒNG NHÂN DÂN / TỈNH KIÊN GIANG", "SỞ LAO ĐỘNG - THƯƠNG BINH / VÀ XÃ HỘI"
                found = (clean, word, start)
                break
    if found is None:
        return None, None, None, -1
    clean, word, start = found
    level = cfg["agencies"][word]
    issuer = expand_abbreviations(_agency_case(clean))
    units_in_name = list(re.finditer(r"(?<!\w)(" + cfg["unit_re"] + r")\s+(?!(?:" + cfg["not_name_after_unit"] + r")\b)", fold(issuer)))
    um = units_in_name[-1] if units_in_name else None
    place = issuer[um.end():].strip() or None if um else None
    if level is None and um:
        level = _level(um.group(1), place)
    if level is None:
        level = school_level(issuer)
    return issuer, level, place, start


def _wrapped(line: str, nxt: str) -> bool:
    """Whether a header line's name runs on to the next line: it ends, or the next one starts, with a joining
    word or dash ("SỞ LAO ĐỘNG - THƯƠNG BINH / VÀ XÃ HỘI", "SỞ GIÁO DỤC VÀ / ĐÀO TẠO")."""
    joiners = _cfg()["wrap_joiners"]
    last, first = (fold(line).split() or [""])[-1], (fold(nxt).split() or [""])[0]
    return last in joiners or first in joiners


def find_preamble_agency(text: str, start: int, end: int) -> tuple[str | None, str | None]:
    """(issuer, level) from the preamble of a document with no header block: "…, Trường THCS Vĩnh
    Thạnh Trung xây dựng kế hoạch …". The name starts a clause with an agency word and runs to the verb."""
    cfg = _cfg()
    words = "|".join(re.escape(w) for w in sorted(cfg["agencies"], key=len, reverse=True))
    verbs = "|".join(re.escape(v) for v in cfg["verbs"])
    pattern = re.compile(r"(?:^|[;,:.]\s+|\n)((?:" + words + r")\s+[^\n,;:.()]{2,80}?)\s+(?:" + verbs + r")\s+(?:"
                         + cfg["issued_kinds"] + ")")
    folded = fold(text[:end])
    m = pattern.search(folded, start)
    if m is None or len(m.group(1).split()) > 14:
        return None, None
    name = text[m.start(1):m.end(1)].strip()
    if not any(w[:1].isupper() for w in name.split()[1:]):
        return None, None  # a proper name has capitals ("Trường THCS Vĩnh Thạnh"); "trường hợp cần thiết" has none
    name = name[0].upper() + name[1:]
    word = next(w for w in sorted(cfg["agencies"], key=len, reverse=True) if fold(name).startswith(w))
    return name, cfg["agencies"][word] or school_level(name)


def school_level(name: str) -> str | None:
    """The level a school answers to, by its kind: "Trường THPT Phú Xuân" -> province,
    "Liên đội Trường Tiểu học Giang Biên" -> district; None for anything else."""
    folded = fold(name)
    words = "|".join(map(re.escape, _cfg()["school_words"]))
    at = re.search(rf"(?<!\w)(?:{words})\s+", folded) if words else None
    if at is None:
        return None
    rest = folded[at.end():]
    for kind, level in _cfg()["school_levels"]:
        if rest.startswith(kind) and not rest[len(kind):len(kind) + 1].isalnum():
            return level
    return None


def _below_committee(text: str, agency_start: int) -> bool:
    """Whether a People's Committee line comes before the agency's line in the header block."""
    committee = re.compile(r"(?:" + _cfg()["committee"] + r")")
    return committee.search(fold(text[:agency_start])) is not None


def _agency_case(upper: str) -> str:
    """'SỞ LAO ĐỘNG - THƯƠNG BINH VÀ XÃ HỘI TỈNH ĐẮK LẮK' -> 'Sở lao động - thương binh và xã hội tỉnh Đắk Lắk':
    acronyms (no vowel: THPT, GDĐT) stay, the place name after the last unit word is title-cased."""
    units = _cfg()["units"]
    words = upper.split()
    lows = [fold(w) for w in words]
    name_from = len(words)
    for i in range(len(words) - 1):
        two = f"{lows[i]} {lows[i + 1]}"
        if two in units and i + 2 < len(words):
            name_from = i + 2
        elif lows[i] in units and f"{lows[i]} {lows[i + 1]}" != _cfg()["society"]:
            name_from = i + 1
    acronym = [w[:1].isalpha() and not re.search(r"[aeiouy]", strip_accents(w)) for w in words]
    school = next((i for i, w in enumerate(lows) if w in _cfg()["school_words"]), None)
    if name_from == len(words) and school is not None:  # "TRƯỜNG TIỂU HỌC SƠN HẠ": the name follows the kind
        at = school + 1
        rest = " ".join(lows[at:])
        kind = next((k for k, _ in _cfg()["school_levels"] if rest.startswith(k + " ")), None)
        if kind:
            name_from = at + len(kind.split())
    if name_from == len(words) and any(acronym):
        name_from = max(i for i, a in enumerate(acronym) if a) + 1  # "TRƯỜNG THPT PHÚ XUÂN"
    out = []
    for i, w in enumerate(words):
        if acronym[i]:
            out.append(w)
        elif i == 0 or i >= name_from:
            out.append(_title_word(w))
        else:
            out.append(w.lower())
    return " ".join(out)


def _inside_sentence(folded: str, pos: int) -> bool:
    """A committee named mid-sentence ("... của Ủy ban nhân dân tỉnh ...") is not the issuer."""
    before = folded[max(0, pos - 6):pos].rstrip()
    return before.endswith(_cfg()["sentence_before"])


def unit_mentions(text: str, unit: str, any_case: bool = False) -> Counter:
    """How often the text names each place of a kind: "huyện Vĩnh Thuận" -> {"Vĩnh Thuận": n}.
    A capitalised unit word ("Tỉnh Đoàn") is an organisation unless `any_case` ("Quận Hai Bà Trưng")."""
    folded = fold(text)
    counts: Counter = Counter()
    for m in re.finditer(r"(?<!\w)" + re.escape(unit) + r"(?=[ \t])", folded):
        original = text[m.start():m.end()]
        if not (any_case or original.islower() or _is_upper(original)):
            continue  # "Tỉnh Đoàn" is an organisation
        name, _ = _name_after(text, folded, m.end())
        if name:
            counts[name] += 1
    return counts


def find_signer(text: str, tree: SectionTree) -> str | None:
    """The name under the signature block: 2-5 capitalised syllables after the last title line."""
    cfg = _cfg()
    body_end = max((s.end for s in tree.sections), default=0)
    start = max(body_end, len(text) - _TAIL_LIMIT, 0)
    lines = _lines(text, start, len(text))
    last_title = None
    for i, (_, _, clean) in enumerate(lines):
        fclean = fold(clean)
        core = re.sub(r"^(tm|kt|tl|tuq|q)\s*\.\s*", "", fclean)
        if any(core.startswith(t) for t in cfg["sig_titles"]) or re.match(r"(tm|kt|tl|tuq)\s*\.", fclean):
            last_title = i
    if last_title is not None:
        for _, _, clean in lines[last_title + 1:]:
            name = _person_name(clean)
            if name:
                return name
        # title and name on one line: "PHÓ CHỦ TỊCH Nguyễn Văn A"
        _, _, clean = lines[last_title]
        words = clean.split()
        for k in range(len(words)):
            name = _person_name(" ".join(words[k:]))
            if name:
                return name
    m = cfg["boiler_signer"].search(fold(text[:_HEAD_LIMIT]))
    if m:
        rest = text[m.end():m.end() + 60].split("\n")[0].split("|")[0]
        words = rest.split()
        for k in range(len(words), 1, -1):
            name = _person_name(" ".join(words[:k]))
            if name:
                return name
    return None


def _person_name(s: str) -> str | None:
    s = " ".join(_MARKUP.sub(" ", s).split())
    s = _cfg()["signed_stamp"].sub("", s)
    words = s.split()
    if not 2 <= len(words) <= 5:
        return None
    for w in words:
        if not re.fullmatch(r"[^\W\d_]+", w) or not w[0].isupper() or not w[1:].islower():
            return None
    if fold(s) in _cfg()["sig_titles"]:
        return None
    return s


# ---------------------------------------------------------------- resolve


def _gazetteer():
    from pipeline.knowledge import gazetteer  # noqa: PLC0415

    return gazetteer


def _resolve(name: str | None, kind: str | None, province_hint: str | None = None):
    gz = _gazetteer()
    if gz is None or not name:
        return None
    try:
        return gz.resolve_place(name, kind, province_hint)
    except Exception:  # noqa: BLE001 - a gazetteer failure must not lose the record
        return None


def _fit_name(name: str | None, unit: str | None) -> str | None:
    """Trim a name read from upper-case text to the longest prefix the gazetteer knows
    ("NGHỆ AN NĂM" -> "Nghệ An"); unchanged without a gazetteer or a match."""
    gz = _gazetteer()
    if gz is None or not name:
        return name
    words = name.split()
    for k in range(len(words), 0, -1):
        prefix = " ".join(words[:k]).strip(" -")
        try:
            if gz.candidates(prefix, unit):
                return prefix
        except Exception:  # noqa: BLE001 - a gazetteer failure must not lose the record
            return name
    return name


def _level(unit: str | None, name: str | None, year: int | None = None) -> str | None:
    """The level of "<unit> <name>": a "thành phố" run by the centre in `year` (unknown: now) is a province."""
    cfg = _cfg()
    if unit is None:
        return None
    since = cfg["central_cities"].get(fold(name)) if unit == cfg["city_unit"] and name else None
    if since is not None and (year is None or year >= since):
        return "province"
    return cfg["units"].get(unit)


def _canonical_province(name: str | None) -> str | None:
    """The gazetteer's pre-2025 spelling of a province name; the name itself without a gazetteer."""
    gz = _gazetteer()
    if gz is None or not name:
        return name
    try:
        return gz.normalize_province(name)
    except Exception:  # noqa: BLE001
        return name


def _province_mentions(text: str) -> Counter:
    """Provinces the text names: "tỉnh Kiên Giang", and "thành phố X" when X is a province name."""
    cfg = _cfg()
    mentioned: Counter = Counter()
    for unit in cfg["province_units"]:
        for name, n in unit_mentions(text, unit).items():
            canonical = _canonical_province(name)
            if canonical is None and unit == cfg["city_unit"] and fold(name) in cfg["central_cities"]:
                canonical = name
            if canonical:
                mentioned[canonical] += n
    return mentioned


def _province_of(text: str, level: str | None, unit: str | None, locality: str | None,
                 stated_only: bool = False) -> tuple[str | None, str | None]:
    """(province before 2025, province after the 2025 mergers): text evidence first, gazetteer second.

    A district or commune plan names its province ("Ủy ban nhân dân tỉnh Kiên
    Giang", "thành phố Quảng Ngãi"); the gazetteer breaks ties and fills in
    when the text never says.
    """
    province = None
    if level == "province" and locality:
        province = _canonical_province(locality) or locality
    else:
        mentioned = _province_mentions(text)
        hint = mentioned.most_common(1)[0][0] if mentioned else None
        place = _resolve(locality, unit, hint)
        gz_prov = getattr(place, "province", None)
        if gz_prov and (not mentioned or gz_prov in mentioned):
            province = gz_prov
        elif hint:
            province = hint
        else:
            gz = _gazetteer()
            try:
                found = None
                if gz is not None and stated_only:
                    found = gz.stated_province(text, above=level)
                elif gz is not None:
                    found = gz.find_province(text)
            except Exception:  # noqa: BLE001
                found = None
            province = getattr(found, "province", None)
    province_2025 = None
    gz = _gazetteer()
    if province and gz is not None:
        try:
            province_2025 = gz.province_2025(province)
        except Exception:  # noqa: BLE001
            province_2025 = None
    return province, province_2025


def _plan_year(title: str | None, issue_year: int | None) -> int | None:
    if title:
        folded = fold(title)
        for m in _cfg()["year_in_title"].finditer(folded):
            if folded[m.start():].startswith(_cfg()["school_year"]):
                continue
            return int(m.group("y"))
    period = _cfg()["period_start"].search(fold(title)) if title and issue_year else None
    if period and int(period.group("y")) > issue_year:
        return int(period.group("y"))  # issued in 2015 for "giai đoạn 2016 - 2020"
    if issue_year is None and title:
        folded = fold(title)
        bare = {m.group(0) for m in _cfg()["bare_year"].finditer(folded)
                if not _cfg()["year_not_after"].search(folded[:m.start()])}
        if len(bare) == 1:  # undated "Tổ chức hoạt động hè 2022": one year, not in a range or after "năm"
            return int(bare.pop())
    return issue_year


def _stated_plan_year(text: str, tree: SectionTree, title: str | None) -> int | None:
    """The year of a plan whose title and header give none: a school plan's school year ("năm học 2023 -
    2024" -> 2023, the year its header would date it), else the first 'năm YYYY' of its goals' sections
    ("II. MỤC TIÊU … 2. Chỉ tiêu cụ thể năm 2024"), not a comparison ("so với năm 2023")."""
    school = school_year_start(fold(title)) if title else None
    if school:
        return school
    folded = fold(text)
    goals = [s for s in tree.sections if _cfg()["goal_heading"].search(fold(s.heading))]
    for section in sorted(goals, key=lambda s: s.start):
        year = stated_year(folded, section.start, section.end)
        if year:
            return year
    return None


@cache
def _reaccent_table() -> tuple[re.Pattern, dict[str, str], re.Pattern, list[str]]:
    """(pattern of accent-free phrases, key -> accented phrase, date pattern, date words)."""
    raw = load_yaml("metadata.yaml")["reaccent"]
    gz = _gazetteer()
    provinces = [p.name for p in gz.all_places("province")] if gz is not None else []
    phrases = [*raw["phrases"], *(t["name"].lower() for t in load_yaml("document_types.yaml")["types"]), *provinces]
    table = {strip_accents(p): nfc(p) for p in phrases if len(strip_accents(p)) == len(nfc(p))}
    units = [u for u in raw["unit_words"] if len(strip_accents(u)) == len(u)]
    table.update({strip_accents(u): u for u in units})
    alt = "|".join(re.escape(k) for k in sorted(table, key=len, reverse=True))
    unit_keys = "|".join(re.escape(strip_accents(u)) for u in units)
    pattern = re.compile(r"(?<![\w'])(?:(" + alt + r")|(" + unit_keys + r")(?=\s+[A-Z]))(?![\w'])", re.I)
    return pattern, table, re.compile(raw["date"], re.I), list(raw["date_words"])


def _with_case(model: str, word: str) -> str:
    return "".join(w.upper() if m.isupper() else w for m, w in zip(model, word, strict=True))


def reaccent(text: str) -> str:
    """'Uy ban nhan dan tinh Kien Giang' -> 'Ủy ban nhân dân tỉnh Kiên Giang' (same length)."""
    pattern, table, date, (day, month, year) = _reaccent_table()

    def word(m: re.Match) -> str:
        key = m.group(0).lower()
        return _with_case(m.group(0), table.get(key, key)) if key in table else m.group(0)

    def dated(m: re.Match) -> str:
        words = m.group(0).split()
        return " ".join([_with_case(words[0], day), words[1], _with_case(words[2], month), words[3],
                         _with_case(words[4], year), words[5]]) if len(words) == 6 else m.group(0)

    out = date.sub(dated, pattern.sub(word, text))
    return out if len(out) == len(text) else text


def extract_metadata(text: str, tree: SectionTree) -> Metadata:
    """Metadata of a cleaned plan text, each field from its printed place."""
    if _unaccented(text):
        text = reaccent(text)  # read back the marks of the words the fields are read from
    head_end = _header_end(text, tree)
    head = text[:head_end]
    number = find_number(head)
    doc_type, type_start, type_end = find_doc_type(text, head_end, number)
    issue_date, issue_year, place_line = find_issue_date(text[:_date_region_end(text, head_end, type_end)])
    title = find_title(text, head_end, doc_type, type_start, type_end)
    unit, name, central, where = find_issuer(text, head_end, type_start)
    agency = find_agency_issuer(text, type_start if type_start > 0 else head_end)

    issuer = level = locality = None
    if central:
        issuer, level = central, "central"
    elif agency[0] and (not unit or (where == "header" and _below_committee(text, agency[3]))):
        # no committee, or the committee is the header's first line and the issuer sits under it
        # ("UBND THÀNH PHỐ MỸ THO / TRƯỜNG MN PHƯỚC THẠNH", "UBND TỈNH ... / SỞ ...")
        issuer, level, locality, _ = agency
        if unit and not locality:
            locality = _fit_name(name, unit)  # the committee above it: "UBND THÀNH PHỐ MỸ THO / TRƯỜNG MN ..."
        if level == "district" and issue_date and issue_date >= _cfg()["districts_abolished"]:
            level = "commune"  # what a district ran (its schools) answers to the commune since the reform
    elif not unit and _province_place(text, place_line):
        unit, locality = _province_place(text, place_line)  # "ỦY BAN NHÂN DÂN" over "Hà Nội, ngày ..."
        issuer, level = f"UBND {unit} {locality}", "province"
    elif not unit:
        issuer, level = find_preamble_agency(text, max(type_start, 0), head_end)
    elif unit:
        name = _fit_name(name, unit)
        if not name:
            name = _fit_name(_locality_from_text(text, title, unit, place_line), unit)
        locality = name
        level = _level(unit, name, issue_year or _plan_year(title, None))  # Huế: a city of a province before 2025
        issuer = f"UBND {unit} {name}" if name else f"UBND {unit}"
    signer = find_signer(text, tree)
    year = _plan_year(title, issue_year)
    headerless = type_start < 0 and number is None and not _has_letterhead(text)
    if headerless:
        # no formal header: a summary or a re-published plan names its document in its opening
        pub = publication_date(text)
        report = find_report(text, pub[0] if pub else None)
        if report is not None:
            issuer, level, unit, locality, named = _report_issuer(text, title, report, year)
            signer = signer or named
            doc_type, number = doc_type or report.doc_type, report.number
            issue_date = issue_date or report.issue_date
            issue_year = issue_year or (int(issue_date[:4]) if issue_date else None)
        if number is None:
            titled_type, number = title_document(text)
            doc_type = doc_type or titled_type
        doc_type = doc_type or _opening_type(text)
        published = pub[0] if pub else None
        year = (year or (report.year if report else None) or issue_year
                or opening_year(text, published=published) or published)
    elif unit and locality:
        issuer, locality = _canonical_committee(unit, locality, issuer)
    year = year or _stated_plan_year(text, tree, title)
    province, province_2025 = (None, None)
    if level != "central" and (issuer or not headerless or _unaccented(text)):
        province, province_2025 = _province_of(text, level, unit, locality, stated_only=headerless)
    return Metadata(
        doc_type=doc_type, number=number, issue_date=issue_date, issuer=issuer,
        admin_level=level, province=province, province_2025=province_2025,
        locality=locality, year=year, title=title, signer=signer,
    )


def _province_place(text: str, place_line: str | None) -> tuple[str, str] | None:
    """(kind, province) when a committee's header line lost its unit ("ỦY BAN NHÂN DÂN" alone) and the
    place-and-date line names a province ("Bà Rịa - Vũng Tàu, ngày ..."): a province's committee."""
    gz = _gazetteer()
    committee = re.compile(r"[\s*_#|]*(?:" + _cfg()["committee"] + r")[\s*_#|]*$")
    head_lines = [fold(clean) for _s, clean in _header_segments(text, min(len(text), 1500))[:16]]
    if not place_line or gz is None or not any(committee.match(line) for line in head_lines):
        return None
    name = gz.normalize_province(place_line)
    if name is None or _letters_key(name) != _letters_key(place_line):
        return None
    place = gz.resolve_place(name)
    return (fold(place.kind), name) if place is not None and place.level == "province" else None


def _unaccented(text: str) -> bool:
    """Text typed or OCR'd without diacritics: its issuer cannot be read, its province still can."""
    letters = [c for c in text[:5000] if c.isalpha()]
    return len(letters) > 40 and sum(not c.isascii() for c in letters) < 0.01 * len(letters)


def _has_letterhead(text: str) -> bool:
    """Whether the text opens with an issuer block in capitals ("ỦY BAN NHÂN DÂN / TỈNH KIÊN GIANG",
    "SỞ GIÁO DỤC VÀ ĐÀO TẠO", "BỘ Y TẾ"): a summary or a news page has none."""
    cfg = _cfg()
    words = tuple(cfg["agencies"]) + tuple(fold(n) for n in cfg["central"].values())
    committee = re.compile(r"(?:" + cfg["committee"] + r")")
    for _start, _end, clean in _lines(text, 0, min(len(text), 1500))[:12]:
        folded = fold(clean)
        if _is_upper(clean) and (committee.match(folded) or folded.startswith(words)):
            return True
    return False


def _canonical_committee(unit: str, name: str, issuer: str | None) -> tuple[str | None, str]:
    """A province's committee under the gazetteer's spelling ("tỉnh Hoà Bình" -> "tỉnh Hòa Bình")."""
    if unit not in _cfg()["province_units"]:
        return issuer, name
    canonical = _canonical_province(name)
    if canonical and fold(canonical) != fold(name):
        return issuer, name
    if canonical and canonical != name:
        return f"UBND {unit} {canonical}", canonical
    return issuer, name


def _report_issuer(text: str, title: str | None, report: Report, year: int | None):
    """(issuer, level, unit, locality, signer) of a reporting clause's issuer."""
    cfg = _cfg()
    folded = fold(report.issuer)
    if report.head_level in ("committee", "unit"):
        m = re.search(r"(?<!\w)(" + cfg["unit_re"] + r")(?!\w)", folded)
        if m is None:
            return "UBND", None, None, None, None
        unit = m.group(1)
        name, _ = _name_after(report.issuer, folded, m.end())
        signer = None
        if name and unit in cfg["province_units"] and _canonical_province(name) is None \
                and fold(name) not in cfg["central_cities"]:
            signer, name = _person_name(report.issuer[m.end():]), None  # "Chủ tịch UBND tỉnh Nguyễn Thanh Bình"
        name = _fit_name(name, unit) if name else _report_locality(text, title, unit)
        if name and unit in cfg["province_units"]:
            name = _canonical_province(name) or name
        level = _level(unit, name, year)
        return (f"UBND {unit} {name}" if name else f"UBND {unit}"), level, unit, name, signer
    issuer, level, locality = _agency_with_place(text, report.issuer), report.head_level, None
    folded = fold(issuer)
    units = list(re.finditer(r"(?<!\w)(" + cfg["unit_re"] + r")(?=\s|$)", folded))
    places = [m for m in units if (folded[m.end():].split() or [""])[0] not in cfg["name_stops"]]
    if places:
        um = places[-1]
        locality = issuer[um.end():].strip() or _report_locality(text, title, um.group(1))
        if level in (None, "central"):  # "Cục Thống kê tỉnh An Giang", "Công an tỉnh Lâm Đồng"
            level = _level(um.group(1), locality)
        if not issuer[um.end():].strip() and locality:
            issuer = f"{issuer} {locality}"  # "Hội đồng ... tỉnh" + the province the text names
    elif units and level is None:
        level = _level(units[-1].group(1), None)  # "Ban Thường vụ Tỉnh Đoàn": the organisation's level
    elif level != "central":
        locality = _trailing_name(issuer)  # "Phòng Giáo dục và Đào tạo Đức Phổ", "Thành ủy Đà Nẵng"
        level = level or _level_of_place(locality) or school_level(issuer)
    return issuer, level, None, locality, None


def _level_of_place(name: str | None) -> str | None:
    """'Đà Nẵng' -> province, 'Quy Nhơn' -> district: the level of the unit a bare name denotes."""
    gz = _gazetteer()
    place = gz.resolve_place(name) if gz is not None and name else None
    return place.level if place is not None and place.level != "commune" else None


def _trailing_name(issuer: str) -> str | None:
    """The place closing an agency's name without a unit word: its last capitalised words."""
    words = issuer.split()
    k = len(words)
    while k > 1 and words[k - 1][:1].isupper() and _WORD.fullmatch(words[k - 1]):
        k -= 1
    return " ".join(words[k:]) if 0 < len(words) - k <= 4 and k > 1 else None


def _agency_with_place(text: str, issuer: str) -> str:
    """'Sở Tư pháp' named elsewhere in the text with its place ('Sở Tư pháp TP Cần Thơ') takes it."""
    cfg = _cfg()
    folded, key = fold(text), fold(issuer)
    if re.search(r"(?<!\w)(?:" + cfg["unit_re"] + r")(?:\s|$)", key):
        return issuer
    for m in re.finditer(r"(?<!\w)" + re.escape(key) + r"\s+", folded):
        tail = expand_issuer(text[m.end():m.end() + 60].split("\n")[0])
        um = re.match(r"(" + cfg["unit_re"] + r")\s+", fold(tail))
        if um:
            name, _ = _name_after(tail, fold(tail), um.end())
            if name:
                return f"{issuer} {um.group(1)} {name}"
    return issuer


def _report_locality(text: str, title: str | None, unit: str) -> str | None:
    """The place of a bare unit word in a report's issuer ("UBND tỉnh", "UBND TP", "Phòng ... Quận"):
    a province or central city the text names, else the one place of that kind the text names."""
    cfg = _cfg()
    if unit in cfg["province_units"]:
        mentioned = _province_mentions(text)
        if not mentioned:
            gz = _gazetteer()
            # a city named without its name: the central city its places lie in ("thành phố Thủ Đức")
            find = gz.find_province if unit == cfg["city_unit"] else gz.stated_province
            found = find(text) if gz is not None else None
            mentioned = Counter({found.name: 1}) if found is not None else Counter()
        best = mentioned.most_common(1)[0][0] if mentioned else None
        if best and (unit != cfg["city_unit"] or fold(best) in cfg["central_cities"]):
            return best
        if unit != cfg["city_unit"]:
            return None
    counts = unit_mentions(text, unit, any_case=True)
    return counts.most_common(1)[0][0] if len(counts) == 1 else None


def _opening_type(text: str) -> str | None:
    """The type a text without a header shows in its first lines: a line opening with a type word
    ("Kế hoạch triển khai ...", "Văn bản nêu rõ"), a letter's "Kính gửi", a plan's "Mục đích, yêu cầu"."""
    cfg = _cfg()
    for _start, _end, clean in _lines(text, 0, min(len(text), 1500))[:8]:
        folded = fold(clean)
        for word, doc_type in cfg["opening_types"]:
            if folded.startswith(word) and not folded[len(word):len(word) + 1].isalnum():
                return doc_type
    return None


def _locality_from_text(text: str, title: str | None, unit: str, place_line: str | None) -> str | None:
    """The issuer's own place when the preamble names only its kind ("UBND tỉnh ban hành")."""
    if title:
        counts = unit_mentions(title, unit)
        if counts:
            return counts.most_common(1)[0][0]
    counts = unit_mentions(text, unit)
    if place_line:
        city_tail = _cfg()["city_unit"].split()[-1]  # "phố" of "Thành phố Mỹ Tho"
        bare = " ".join(w for w in place_line.split() if fold(w) not in _cfg()["units"] and fold(w) != city_tail)
        for name in counts:
            if fold(name) == fold(bare):
                return name
    if counts:
        return counts.most_common(1)[0][0]
    if place_line:
        words = place_line.split()
        while words and fold(words[0]) in (*_cfg()["unit_syllables"], *_cfg()["units"]):
            words.pop(0)
        return " ".join(words) or None
    return None
