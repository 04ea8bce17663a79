"""Repair what OCR misreads in citation symbols and dates, against the codes the project knows.

Tesseract reads prose well but slips on the short capital codes of a symbol
(`71/ITR-LĐTBXH` for `71/TTr-LĐTBXH`, `TT1` for `TT`) and on digits that look
like letters (`3O/12/2021`). Only OCR'd text goes through here. A code part of
a symbol that is not a known code is replaced by the one known code it is
closest to, when that code is reached by look-alike substitutions (`I`/`T`/`l`/`1`,
`O`/`0`/`D`/`Đ`, ...) or by dropping a stray stroke, and by nothing else: an
unknown code with no such neighbour is kept as printed. The codes are those of
`resources/instruments.yaml` (types, issuers, unaccented forms) and
`resources/document_types.yaml`.
"""

from __future__ import annotations

import re
from functools import cache

from pipeline.knowledge.loader import load_yaml

_SYMBOL = re.compile(r"(?<![\w/])(\d{1,5}(?:/\d{4})?[/-])((?:[^\W\d_]|[0-9&])+(?:[-/](?:[^\W\d_]|[0-9&])+)*)")
_DATE = re.compile(r"(?<!\w)([\dOolI]{1,2})([/.-])([\dOolI]{1,2})\2((?:19|20|2O|l9|I9)[\dOolI]{2})(?!\w)")
_DIGIT_OF = str.maketrans("OolI", "0011")


@cache
def known_codes() -> dict[str, str]:
    """Upper-cased known code -> its official spelling."""
    instruments = load_yaml("instruments.yaml")
    codes: list[str] = [*instruments["type_codes"], *instruments["unaccented_codes"],
                        *(k.rstrip("*") for k in instruments["issuer_codes"]), *instruments["mixed_case_codes"]]
    for kind in load_yaml("document_types.yaml").get("types", []):
        if isinstance(kind, dict):
            codes.extend(kind.get("codes", []))
    out: dict[str, str] = {}
    for code in codes:
        out.setdefault(code.upper(), code)
    return out


@cache
def type_codes() -> frozenset[str]:
    """Upper-cased type codes (KH, QĐ, TT ...)."""
    return frozenset(c.upper() for c in load_yaml("instruments.yaml")["type_codes"])


@cache
def issuer_codes() -> dict[str, str]:
    """Upper-cased issuer code -> its official spelling (their unaccented forms included)."""
    instruments = load_yaml("instruments.yaml")
    issuers = {k.rstrip("*").upper(): k.rstrip("*") for k in instruments["issuer_codes"]}
    issuers.update({k.upper(): k for k, v in instruments["unaccented_codes"].items() if v.upper() in issuers})
    return issuers


@cache
def _lookalike() -> frozenset[tuple[str, str]]:
    """Pairs of characters OCR takes for one another (resources/cleaning.yaml `ocr_lookalikes`)."""
    groups = load_yaml("cleaning.yaml")["ocr_lookalikes"]
    return frozenset((a, b) for group in groups for a in group for b in group)


@cache
def _characters() -> dict[int, str]:
    """Look-alike characters OCR writes for Vietnamese letters (resources/cleaning.yaml)."""
    return str.maketrans(load_yaml("cleaning.yaml")["ocr_characters"])


@cache
def _stray() -> frozenset[str]:
    return frozenset(load_yaml("cleaning.yaml")["ocr_stray_strokes"])


def _cost(a: str, b: str) -> float:
    """Edit cost from OCR's reading `a` to code `b` (both upper-case): look-alike swaps, stray
    strokes and a letter printed twice are cheap, any other edit costs 1."""
    pairs, stray = _lookalike(), _stray()

    def drop(i: int) -> float:  # dropping a[i - 1]
        ch = a[i - 1]
        return 0.5 if ch in stray or (i > 1 and a[i - 2] == ch) else 1.0

    prev = [j * 1.0 for j in range(len(b) + 1)]
    for i, ca in enumerate(a, 1):
        cur = [prev[0] + drop(i)]
        for j, cb in enumerate(b, 1):
            swap = 0.0 if ca == cb else 0.4 if (ca, cb) in pairs else 1.0
            cur.append(min(prev[j - 1] + swap, prev[j] + drop(i), cur[j - 1] + 1.0))
        prev = cur
    return prev[-1]


@cache
def repair_code(part: str, issuer_only: bool = False) -> str:
    """The known code OCR's `part` stands for, or `part` itself (`issuer_only`: an issuer code)."""
    codes = issuer_codes() if issuer_only else known_codes()
    upper = part.upper()
    if upper in codes or len(part) < 2 or part.isdigit() or _has_lower_run(part):
        return part  # known, too short, a number, or a word ("2024-nay")
    scored = sorted((_cost(upper, key), key) for key in codes if abs(len(key) - len(upper)) <= 1)
    if not scored or scored[0][0] >= 1.0 or (len(scored) > 1 and scored[1][0] == scored[0][0]):
        return part
    return codes[scored[0][1]]


def _has_lower_run(part: str) -> bool:
    return any(a.islower() and b.islower() for a, b in zip(part, part[1:], strict=False))


def _repair_symbol(m: re.Match) -> str:
    """The type part (or the issuer of a symbol without a type), and the issuer after a type; the
    parts after those are a unit's own codes (`2513/LĐTBXH-TTTT`), an open set left as printed."""
    parts = re.split(r"([-/])", m.group(2))
    first = repair_code(parts[0])
    parts[0] = first
    if len(parts) > 2 and first.upper() in type_codes():
        parts[2] = repair_code(parts[2], issuer_only=True)
    return m.group(1) + "".join(parts)


def _repair_date(m: re.Match) -> str:
    day, sep, month, year = m.groups()
    return sep.join(x.translate(_DIGIT_OF) for x in (day, month, year))


_ROMAN_LABEL = re.compile(r"^([IVXHl1|]{2,5})(?=\.\s)")
_ROMAN = re.compile(r"X{0,3}(?:IX|IV|V?I{0,3})")
_ROMAN_OF = str.maketrans({"H": "II", "l": "I", "1": "I", "|": "I"})


def _repair_roman(m: re.Match) -> str:
    """A Roman heading label OCR misread ("HI." for "III.", "1V." for "IV."); "11." stays a number."""
    label = m.group(1)
    fixed = label.translate(_ROMAN_OF)
    if fixed != label and set(label) & set("IVX") and _ROMAN.fullmatch(fixed):
        return fixed
    return label


def repair_line(text: str) -> str:
    """One OCR'd line with its heading label, citation symbols and dates repaired."""
    text = text.translate(_characters())
    text = _ROMAN_LABEL.sub(_repair_roman, text)
    text = _SYMBOL.sub(_repair_symbol, text)
    return _DATE.sub(_repair_date, text)
