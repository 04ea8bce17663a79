"""The registry of named instruments (resources/named_instruments.yaml), compiled once.

Laws, codes and conventions are cited by name ("Luật Trẻ em", "Công ước của
Liên hợp quốc về quyền trẻ em"); national programmes and schemes are not
citations, but the registry knows the decision that approved each, so that
"Quyết định số 23" in a plan of the children's action programme 2021-2030 is
23/QĐ-TTg. Aliases are written folded, with `[optional|parts]` and
`(required|choices)`; see docs/citations.md, "Named instruments".
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

import regex as re

from pipeline.knowledge.loader import load_yaml
from pipeline.textutils import first_literal, fold

AS_WRITTEN = "as written"  # an alias's printed name: the mention's own words
_GROUP = re.compile(r"\[([^\[\]()]*)\]|\(([^\[\]()]*)\)|([^\s\[\]()]+)")


@dataclass(frozen=True)
class Instrument:
    """One entry of the registry."""

    name: str
    kind: str
    type: str
    counts: bool  # a named mention is a citation
    number: str | None = None
    date: str | None = None
    period: tuple[int, int] | None = None
    approved_by: dict | None = None


def _words(phrase: str) -> str:
    """A folded phrase as a regex: spaces match any run of whitespace, commas are optional."""
    return re.escape(fold(phrase).strip()).replace(r"\ ", r"\s+").replace(",", ",?")


def alias_regex(alias: str) -> str:
    """Regex of an alias: words, `[a|b]` optional (one of, or none), `(a|b)` one of."""
    out = ""
    for m in _GROUP.finditer(fold(alias)):
        optional, choice, word = m.group(1), m.group(2), m.group(3)
        if word is not None:
            out += (r"\s+" if out else "") + _words(word)
            continue
        alts = "|".join(_words(a) for a in (optional if optional is not None else choice).split("|"))
        if not out:
            raise ValueError(f"named_instruments.yaml: alias {alias!r} starts with a bracket")
        out += rf"(?:\s+(?:{alts}))" + ("?" if optional is not None else "")
    return out


def _alias_length(alias: str) -> int:
    """Longest expansion first: the combined pattern tries longer aliases before shorter ones."""
    return len(re.sub(r"[\[\]()|]", " ", alias))


@cache
def instruments() -> tuple[Instrument, ...]:
    data = load_yaml("named_instruments.yaml")
    kinds = data["kinds"]
    out = []
    for e in data["instruments"]:
        if e["kind"] not in kinds:
            raise ValueError(f"named_instruments.yaml: {e['name']!r} has unknown kind {e['kind']!r}")
        out.append(Instrument(
            name=e["name"], kind=e["kind"], type=e["type"], counts=bool(kinds[e["kind"]]["counts"]),
            number=e.get("number"), date=str(e["date"]) if e.get("date") else None,
            period=tuple(e["period"]) if e.get("period") else None, approved_by=e.get("approved_by")))
    return tuple(out)


@cache
def _aliases() -> tuple[tuple[str, int, str], ...]:
    """(alias, entry index, printed name) of every alias, longest first."""
    rows = []
    for i, e in enumerate(load_yaml("named_instruments.yaml")["instruments"]):
        rows.append((e["name"], i, e["name"]))
        for a in e.get("aliases") or []:
            rows.append((a["words"], i, a["name"]) if isinstance(a, dict) else (a, i, e["name"]))
    return tuple(sorted(rows, key=lambda r: _alias_length(r[0]), reverse=True))


@cache
def named_pattern(counting: bool) -> tuple[re.Pattern, tuple[tuple[Instrument, str], ...], frozenset[str]]:
    """Pattern of the aliases of counting (or of non-counting) entries, (entry, printed name) per
    group `a<j>`, and the first words every match starts with."""
    entries = instruments()
    chosen = [(alias, i, printed) for alias, i, printed in _aliases() if entries[i].counts == counting]
    groups = [f"(?P<a{j}>{alias_regex(alias)})" for j, (alias, _, _) in enumerate(chosen)]
    # a list number may stick to the name ("1Luật Trẻ em"): only a letter before it breaks it
    regex = re.compile(r"(?<![^\W\d])(?:" + "|".join(groups) + r")(?![\w])")
    firsts = frozenset(first_literal(fold(alias)) for alias, _, _ in chosen)
    return regex, tuple((entries[i], printed) for _, i, printed in chosen), firsts


def group_of(m: re.Match) -> int:
    """Index of the alias group that matched."""
    return next(int(k[1:]) for k, v in m.groupdict().items() if v is not None)


def approved_decisions(folded: str) -> list[dict]:
    """Decisions that approved the programmes and schemes the text names (with their period)."""
    regex, entries, _ = named_pattern(False)
    out = []
    for m in regex.finditer(folded):
        entry = entries[group_of(m)][0]
        if entry.approved_by is None:
            continue
        if entry.period is not None:
            first, last = entry.period
            period = re.compile(rf"{first}\s*[-–]\s*{last}(?!\d)")
            if not period.search(folded, m.end(), min(len(folded), m.end() + 150)):
                continue
        if entry.approved_by not in out:
            out.append(entry.approved_by)
    return out
