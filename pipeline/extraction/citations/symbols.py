"""Document symbols ("số ký hiệu"): find them, restore their official form, key them.

Forms a plan writes (on folded text):
  state   56/2017/nđ-cp, 23/qđ-ttg, 375/lđtbxh-te, 411/kh-cat-pc02, 121/2020/qh14
  party   28-ct/tw, 31-kh/tu, 20-ctr/tu
and what the typing or the PDF did to them: stray spaces and line breaks
around dashes ("28/2019/TT- BLĐTBXH", "130/2021/NĐ-\\nCP", "NQ – HĐND"), a
space for the party dash ("28 CT/TW"), a space inside a code ("LĐT BXH").
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache, lru_cache

import regex as re

from pipeline.extraction.citations.dates import YEAR
from pipeline.knowledge.loader import load_yaml
from pipeline.textutils import nfc

_NUM = r"\d{1,5}"
_LETTERS = load_yaml("instruments.yaml")["symbol_code_letters"]
# a code: letters and digits, "&" between letters ("SGD&ĐT", "LĐTB&XH")
_CODE = rf"[{_LETTERS}][{_LETTERS}0-9]*(?:&[{_LETTERS}][{_LETTERS}0-9]*)*"
_DASH = r"[-\u2010-\u2015\u2212]"

# a code continues after a dash (possibly with spaces or line breaks around it) or a slash:
# joint symbols name every issuer ("176/KHLT/BVCSTE-MT-CĐTNĐ-C68-…", "2053/BCĐ138/CP")
_MORE = rf"(?:[ \t]*(?:{_DASH}\s*|/[ \t]*){_CODE})"
# "lđt bxh-te": one stray space inside a code, only where a dash or slash follows
_SPLIT = rf"(?:{_CODE}[ \t]{_CODE}(?=[ \t]*[-/\u2010-\u2015]))"

STATE_RE = re.compile(
    rf"(?<![\w/.\-]){_NUM}[ \t]*/[ \t]*(?:{YEAR}[ \t]*/[ \t]*)?(?:{_SPLIT}|{_CODE}){_MORE}{{0,16}}(?![\w/])"
)
PARTY_RE = re.compile(
    rf"(?<![\w/.\-]){_NUM}(?:[ \t]*{_DASH}[ \t]*|[ \t]+){_CODE}[ \t]*/[ \t]*{_CODE}(?:{_DASH}{_CODE}){{0,4}}(?![\w/])"
)


@dataclass(frozen=True)
class Symbol:
    """A symbol found in the text with its official form and parts."""

    raw: str  # the text as written
    number: str  # official form: "130/2021/NĐ-CP", "28-CT/TW"
    lead: str  # the leading number as written: "07"
    year: int | None  # the year inside the symbol, if any
    type_code: str | None  # "NĐ", "CT", None for "375/LĐTBXH-TE"
    issuer_codes: tuple[str, ...]  # ("CP",), ("TW",), ("LĐTBXH", "TE")
    party: bool
    start: int
    end: int


@cache
def _tables() -> tuple[dict[str, str], dict[str, str], dict[str, dict]]:
    data = load_yaml("instruments.yaml")
    type_codes = {k.upper(): v for k, v in data["type_codes"].items()}
    mixed = {c.upper(): c for c in data.get("mixed_case_codes", [])}
    issuers = data["issuer_codes"]
    return type_codes, mixed, issuers


@cache
def _unaccented() -> dict[str, str]:
    return {k.upper(): v for k, v in load_yaml("instruments.yaml").get("unaccented_codes", {}).items()}


@cache
def _lookalikes() -> dict[int, str]:
    return str.maketrans(load_yaml("instruments.yaml")["lookalike_letters"])


def _restore_letters(s: str) -> str:
    """"Ð" (eth) or "Ɖ" printed for "Đ" by a font or a PDF -> "Đ"."""
    return s.translate(_lookalikes())


def _code_case(code: str) -> str:
    """Official form of a code: "TTG" -> "TTg", and without diacritics "BLDTBXH" -> "BLĐTBXH"."""
    _, mixed, _ = _tables()
    up = code.upper()
    up = _unaccented().get(up, up)
    return mixed.get(up, up)


def is_upper_code(raw: str) -> bool:
    """True when a code token as written looks like a code (capitals, or a known mixed-case code)."""
    _, mixed, _ = _tables()
    return raw.isupper() or raw in mixed.values() or raw.upper() in mixed and raw[0].isupper()


def parse_symbol(raw: str, start: int = 0, party: bool = False) -> Symbol | None:
    """Official form and parts of a symbol as written; None if it is not one."""
    s = _restore_letters(nfc(raw))
    s = re.sub(r"[\u2010-\u2015\u2212]", "-", s)
    if party:
        m = re.match(r"(\d+)[\s-]*([^\s/]+)\s*/\s*(\S+)$", re.sub(r"\s*-\s*", "-", s.strip()))
        if not m:
            return None
        lead, tcode, org = m.group(1), m.group(2).strip("-"), m.group(3)
        tcode = _code_case(tcode)
        orgs = tuple(_code_case(p) for p in org.split("-") if p)
        number = f"{lead}-{tcode}/{'-'.join(orgs)}"
        type_codes, _, _ = _tables()
        return Symbol(raw, number, lead, None, tcode if tcode.upper() in type_codes else tcode,
                      orgs, True, start, start + len(raw))
    compact = re.sub(r"\s+", "", s)
    m = re.match(rf"(\d+)/(?:({YEAR})/)?(.+)$", compact, flags=re.I)
    if not m:
        return None
    lead, year, rest = m.group(1), m.group(2), m.group(3)
    pieces = re.split(r"([-/])", re.sub(r"([-/])[-/]+", r"\1", rest.strip("-/")))
    parts = [_code_case(p) for p in pieces[::2]]
    if not parts or not all(parts):
        return None
    type_codes, _, _ = _tables()
    type_code = parts[0] if parts[0].upper() in type_codes else None
    issuer_parts = tuple(parts[1:] if type_code else parts)
    if type_code and not year and _is_party_typo(type_code, issuer_parts):
        # "20/CT-TW": a party document typed in the state form is "20-CT/TW"
        return Symbol(raw, f"{lead}-{type_code}/{issuer_parts[0]}", lead, None, type_code, issuer_parts,
                      True, start, start + len(raw))
    body = "".join(p if i % 2 else parts[i // 2] for i, p in enumerate(pieces))
    number = f"{lead}/{year + '/' if year else ''}{body}"
    return Symbol(raw, number, lead, int(year) if year else None, type_code, issuer_parts,
                  False, start, start + len(raw))


def _is_party_typo(type_code: str, issuer_parts: tuple[str, ...]) -> bool:
    """A state-form symbol whose only issuer is a party organ ("CT-TW", "KH-TU")."""
    organs = {c.upper() for c in load_yaml("instruments.yaml")["party_organ_codes"]}
    return len(issuer_parts) == 1 and issuer_parts[0].upper() in organs


def type_of_code(type_code: str | None) -> str | None:
    type_codes, _, _ = _tables()
    return type_codes.get(type_code.upper()) if type_code else None


def issuer_of_codes(codes: tuple[str, ...]) -> tuple[str | None, str | None]:
    """(issuer, level) told by the issuer part of a symbol, first code that is known."""
    _, _, issuers = _tables()
    for code in codes:
        up = code.upper()
        for key, val in issuers.items():
            k = key.upper()
            if (k.endswith("*") and up.startswith(k[:-1])) or up == k:
                return val.get("issuer"), val.get("level")
    return None, None


_DASHES = re.compile(r"[\u2010-\u2015\u2212]")
_SPACES = re.compile(r"\s+")
_LEADING_ZEROS = re.compile(r"(?<![0-9])0+(?=[0-9])")


@lru_cache(maxsize=4096)
def norm_number(number: str) -> str:
    """Comparison form of a symbol: upper case, no spaces, no leading zeros (07 -> 7)."""
    s = _restore_letters(nfc(number)).upper()
    s = _DASHES.sub("-", s)
    s = _SPACES.sub("", s)
    return _LEADING_ZEROS.sub("", s)


def symbol_key(number: str, year: int | None) -> str:
    """Registry key of a numbered instrument: the symbol, plus the year when the symbol has none.

    06/QĐ-TTg of 2019 and of 2022 are two instruments: "6/QĐ-TTG@2019", "6/QĐ-TTG@2022".
    """
    n = norm_number(number)
    if re.search(rf"/{YEAR}/", n) or year is None:
        return n
    return f"{n}@{year}"


_PIECE_RE = re.compile(rf"(\s*{_DASH}\s*|[ \t]*/[ \t]*|[ \t]+)?([^\s/\-\u2010-\u2015\u2212]+)")


def _trim_state(text: str, start: int, end: int) -> int:
    """End of a state symbol once pieces that are not codes are cut off.

    A piece after a dash with spaces around it, or after a bare space, only
    belongs to the symbol when it is written as a code (capitals): "40/KH-UBND
    - Ban …" stops before "Ban", "LĐT BXH-TE" keeps "BXH".
    """
    pos = start
    for m in _PIECE_RE.finditer(text, start, end):
        sep, piece = m.group(1) or "", m.group(2)
        spaced = sep.strip() != sep or (sep and not sep.strip())
        if spaced and not is_upper_code(piece):
            return pos
        pos = m.end()
    return pos


def find_symbols(text: str, folded: str) -> list[tuple[int, int, bool]]:
    """(start, end, party) of every symbol-like span, checked against the text as written."""
    spans: list[tuple[int, int, bool]] = []
    type_codes, _, _ = _tables()
    for m in PARTY_RE.finditer(folded):
        tcode = re.match(rf"\d+\W*({_CODE})", m.group(0))
        org = m.group(0).rsplit("/", 1)[1]
        org_raw = text[m.end() - len(org):m.end()]
        if tcode and tcode.group(1).upper() in type_codes and is_upper_code(org_raw.split("-")[0]):
            spans.append((m.start(), m.end(), True))
    taken = [(a, b) for a, b, _ in spans]
    for m in STATE_RE.finditer(folded):
        if any(a < m.end() and m.start() < b for a, b in taken):
            continue
        end = _trim_state(text, m.start(), m.end())
        if re.search(r"/\s*[^\W\d_]", text[m.start():end]):
            spans.append((m.start(), end, False))
    return sorted(spans)
