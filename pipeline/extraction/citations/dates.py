"""Vietnamese dates as plans write them, matched on folded text.

"ngày 19 tháng 02 năm 2025", "08/01/2025", "23tháng 02năm 2021", "01/6" (no
year). Shared by the citation finder (dates of instruments) and the deadline
extractor. Patterns are plain (no nested repeats) so that any text is safe.
"""

from __future__ import annotations

import datetime as _dt
from dataclasses import dataclass

import regex as re

from pipeline.knowledge.loader import load_yaml

YEAR = r"(?:19|20)\d\d"
_DAY = r"\d{1,2}"
_SEP = r"[ \t]*[/.\-][ \t]*"
# month and year words (resources/instruments.yaml `date_words`; a text without diacritics writes them bare)
_WORDS = load_yaml("instruments.yaml")["date_words"]
_MONTH = "(?:" + "|".join(re.escape(w) for w in _WORDS["month"]) + ")"
_YEAR_WORD = "(?:" + "|".join(re.escape(w) for w in _WORDS["year"]) + ")"

# day/month[/year] with slashes, dots or hyphens, or "d tháng m [năm yyyy]"
DATE_RE = re.compile(
    rf"(?<![\d/.\-])(?P<d1>{_DAY}){_SEP}(?P<m1>{_DAY})(?:{_SEP}(?P<y1>{YEAR}))?(?![\d]|[/.\-]\d)"
    rf"|(?<!\d)(?P<d2>{_DAY})\s*{_MONTH}\s*(?P<m2>{_DAY})(?:\s*,?\s*{_YEAR_WORD}\s*(?P<y2>{YEAR}))?(?!\d)"
)
# the same, but the year is required (dates of instruments)
FULL_DATE_RE = re.compile(
    rf"(?<![\d/.\-])(?P<d1>{_DAY}){_SEP}(?P<m1>{_DAY}){_SEP}(?P<y1>{YEAR})(?!\d)"
    rf"|(?<!\d)(?P<d2>{_DAY})\s*{_MONTH}\s*(?P<m2>{_DAY})\s*,?\s*{_YEAR_WORD}\s*(?P<y2>{YEAR})(?!\d)"
)


@dataclass(frozen=True)
class DateMatch:
    """A day and month, with the year when the text writes it."""

    day: int
    month: int
    year: int | None
    start: int
    end: int

    @property
    def iso(self) -> str | None:
        return iso_date(self.year, self.month, self.day)


def iso_date(year: int | None, month: int | None, day: int | None) -> str | None:
    """ISO date when the three parts make a real calendar date, else None."""
    if year is None or month is None or day is None:
        return None
    try:
        return _dt.date(year, month, day).isoformat()
    except ValueError:
        return None


def _from_match(m: re.Match) -> DateMatch | None:
    d = m.group("d1") or m.group("d2")
    mo = m.group("m1") or m.group("m2")
    y = m.group("y1") or m.group("y2")
    day, month = int(d), int(mo)
    if not (1 <= day <= 31 and 1 <= month <= 12):
        return None
    return DateMatch(day, month, int(y) if y else None, m.start(), m.end())


def match_date(folded: str, pos: int, full: bool = False) -> DateMatch | None:
    """The date starting exactly at `pos` of the folded text, if any."""
    m = (FULL_DATE_RE if full else DATE_RE).match(folded, pos)
    return _from_match(m) if m else None


def find_dates(folded: str) -> list[DateMatch]:
    """Every plausible day/month date in the folded text, in order."""
    out = []
    for m in DATE_RE.finditer(folded):
        dm = _from_match(m)
        if dm is not None:
            out.append(dm)
    return out
