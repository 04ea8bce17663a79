"""Report sections: the parts of a plan that report results, background or the situation.

Full plans open with last year's results ("I. KẾT QUẢ NĂM 2023", "BỐI CẢNH", "SỰ CẦN THIẾT"):
the dates, figures and agencies written there are history, not what the plan sets. The
spans are computed once (`facts` stage) for every extractor that must skip them; the words
are in resources/report_sections.yaml.
"""

from __future__ import annotations

from functools import cache

import regex as re

from pipeline.document import SectionTree
from pipeline.knowledge.loader import load_yaml
from pipeline.textutils import fold, merge_spans

_LABEL = re.compile(r"^[\W_]*(?:(?:[ivxlc]{1,5}|\d{1,2}(?:\.\d{1,2})*|[^\W\d_])\s*[.)/:-])?[\W_]*")
_ROMAN_HEADING = re.compile(r"(?m)^[\W_]*[ivxl]{1,5}\s*[.)/][^\n]{0,150}$")


def _alt(words: list[str]) -> str:
    return "|".join(re.escape(fold(w)).replace(r"\ ", r"\s+") for w in sorted(words, key=len, reverse=True))


@cache
def _rx() -> dict:
    data = load_yaml("report_sections.yaml")
    return {
        "start": re.compile(rf"(?:{_alt(data['report_heading_starts'])})(?!\w)"),
        "exception": re.compile(rf"(?<!\w)(?:{_alt(data['report_heading_exceptions'])})(?!\w)"),
        "goal": re.compile(rf"(?<!\w)(?:{_alt(data['past_heading_goal_words'])})(?!\w)"),
        "year": re.compile(data["past_heading_year"]),
        "max_chars": data["past_heading_max_chars"],
    }


def is_report_heading(heading: str, plan_year: int | None = None) -> bool:
    """Whether a heading opens a results/background section: it starts with a report word and
    does not look ahead, or its latest year is before `plan_year` and it names no goal."""
    rx = _rx()
    h = fold(heading).strip()
    body = _LABEL.sub("", h, count=1)
    if rx["start"].match(body) and not rx["exception"].search(h):
        return True
    if not plan_year or len(h) > rx["max_chars"] or rx["goal"].search(h):
        return False
    years = [int(y) for m in rx["year"].finditer(h) for y in m.groups() if y]
    return bool(years) and max(years) < plan_year


def report_spans(folded: str, tree: SectionTree, plan_year: int | None = None) -> list[tuple[int, int]]:
    """(start, end) of every report section, sorted and merged. Without a section tree the
    Roman-numbered heading lines divide the text."""
    if tree.sections:
        found = []
        for s in tree.sections:
            end = s.heading_end if s.heading_end > s.start else s.start + len(s.heading)
            if is_report_heading(folded[s.start:min(end, len(folded))], plan_year):
                found.append((s.start, s.end))
    else:
        heads = list(_ROMAN_HEADING.finditer(folded))
        found = [(m.start(), heads[k + 1].start() if k + 1 < len(heads) else len(folded))
                 for k, m in enumerate(heads) if is_report_heading(m.group(0), plan_year)]
    return merge_spans(found)
