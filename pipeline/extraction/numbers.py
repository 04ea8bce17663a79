"""Vietnamese number writing: "9,5" (decimal comma), "1.000" / "100.000" (dot thousands), "01".

Kept apart from the extractors because targets, deadlines and budgets all read
numbers written the Vietnamese way, where "." groups thousands and "," marks
decimals -- the reverse of English.
"""

from __future__ import annotations

import re

# One number as written: thousands groups with dots (and an optional decimal
# comma), or plain digits with an optional decimal comma/dot.
NUMBER_PATTERN = r"\d{1,3}(?:\.\d{3})+(?:,\d+)?|\d+(?:[,.]\d+)?"
_NUMBER_RE = re.compile(rf"(?:{NUMBER_PATTERN})")
# No figure a plan sets has more digits than this (9.999.999.999.999 đồng is ten trillion):
# a longer run of digits is an identifier or garbage, not a number to parse.
MAX_DIGITS = 15


def parse_number(s: str) -> float | None:
    """'9,5' -> 9.5, '1.000' -> 1000, '100.000' -> 100000, '01' -> 1, '13,5' -> 13.5; None if not a number
    or longer than MAX_DIGITS digits (a 400-digit run is rejected, not parsed).

    A dot followed by exactly three digits groups thousands ("2.500" -> 2500);
    any other dot is a decimal point ("1.5" -> 1.5). A comma is always decimal.
    """
    s = (s or "").strip().replace("\u00a0", "").replace(" ", "")
    if not s or sum(ch.isdigit() for ch in s) > MAX_DIGITS or not _NUMBER_RE.fullmatch(s):
        return None
    if re.fullmatch(r"\d{1,3}(?:\.\d{3})+(?:,\d+)?", s):
        s = s.replace(".", "").replace(",", ".")
    else:
        s = s.replace(",", ".")
    try:
        return float(s)
    except ValueError:
        return None


def is_round_denominator(value: float) -> bool:
    """1.000, 10.000, 100.000: the bases rates are expressed per."""
    return value in (100.0, 1000.0, 10000.0, 100000.0, 1000000.0)
