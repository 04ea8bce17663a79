"""A type word and a bare number that no full symbol of the text explains.

"Chỉ thị số 06 của Chủ tịch UBND tỉnh" cites directive 06 (number as
written); "Quyết định số 830, ngày 1-6-2021 của Thủ tướng Chính phủ" is
830/QĐ-TTg, since type and issuer make the symbol certain; "Quyết định số 23"
in a plan of a national programme is the decision the registry of named
instruments says approved it. Rules: `standalone_numbers` in
resources/instruments.yaml, programmes in resources/named_instruments.yaml.
"""

from __future__ import annotations

import copy
from functools import cache

from pipeline.extraction.citations.models import Mention
from pipeline.extraction.citations.symbols import parse_symbol
from pipeline.knowledge.loader import load_yaml
from pipeline.textutils import fold


@cache
def _rules() -> tuple[frozenset[str], tuple[dict, ...]]:
    data = load_yaml("instruments.yaml")["standalone_numbers"]
    return frozenset(data["types"]), tuple(data["certain"])


def _lead(number: str) -> int:
    digits = ""
    for ch in number:
        if not ch.isdigit():
            break
        digits += ch
    return int(digits) if digits else -1


def _with_symbol(short: Mention, number: str, issuer: str | None) -> Mention | None:
    sym = parse_symbol(number, short.start)
    if sym is None:
        return None
    out = copy.copy(short)
    out.symbol, out.kind = sym, "full"
    out.issuer = short.issuer or issuer
    return out


def standalone_number(short: Mention, approved: list[dict]) -> Mention | None:
    """The instrument an unresolved short form stands for, or None when the text does not tell."""
    lead = int(short.lead or -1)
    for dec in approved:  # the decision that approved a programme the text names
        if dec["type"] == short.type and _lead(dec["number"]) == lead and (
                short.issuer is None or fold(short.issuer) == fold(dec["issuer"])):
            return _with_symbol(short, dec["number"], dec["issuer"])
    types, certain = _rules()
    if short.type not in types or (short.issuer is None and short.date is None):
        return None
    for rule in certain:
        if rule["type"] == short.type and short.issuer and fold(short.issuer) == fold(rule["issuer"]):
            if "{year}" in rule["symbol"] and short.year is None:
                break
            return _with_symbol(short, rule["symbol"].format(number=short.lead, year=short.year), None)
    out = copy.copy(short)
    out.plain_number = short.lead
    return out
