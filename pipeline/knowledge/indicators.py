"""Map a target's free-text indicator to one canonical indicator id.

Plans word the same goal many ways ("tỷ suất tử vong trẻ em dưới 1 tuổi",
"tỷ suất tử vong của trẻ em dưới 1 tuổi", "TSTV trẻ dưới 1 tuổi ...").
Comparing plans needs them on one row, so every target gets an
`indicator_id` from `resources/indicators.yaml`: the first canonical
indicator whose pattern matches the folded text wins (the file is ordered
specific-first). The wording lists are data; this module only applies them.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

import regex

from pipeline.knowledge.loader import load_yaml
from pipeline.textutils import fold, squash


@dataclass(frozen=True)
class Indicator:
    id: str
    label: str
    label_en: str
    unit: str
    theme: str | None
    patterns: tuple[regex.Pattern, ...]
    exclude: tuple[regex.Pattern, ...] = ()

    def matches(self, folded: str) -> bool:
        return any(p.search(folded) for p in self.patterns) and not any(x.search(folded) for x in self.exclude)


def _compile(pattern: str) -> regex.Pattern:
    # Fold the pattern like the text, so both sides share one spelling
    # whatever fold() does to a syllable (patterns use no upper-case escapes).
    return regex.compile(fold(pattern))


@cache
def canonical_indicators() -> tuple[Indicator, ...]:
    """The canonical indicators in priority order (loaded once)."""
    out = []
    for item in load_yaml("indicators.yaml")["indicators"]:
        out.append(Indicator(
            id=item["id"],
            label=item["label"],
            label_en=item.get("label_en", item["label"]),
            unit=item.get("unit", "%"),
            theme=item.get("theme"),
            patterns=tuple(_compile(p) for p in item["patterns"]),
            exclude=tuple(_compile(p) for p in item.get("exclude", [])),
        ))
    return tuple(out)


@cache
def _by_id() -> dict[str, Indicator]:
    return {ind.id: ind for ind in canonical_indicators()}


def get_indicator(indicator_id: str | None) -> Indicator | None:
    return _by_id().get(indicator_id) if indicator_id else None


def normalize_indicator(*texts: str | None) -> str | None:
    """Canonical id for the first of `texts` that matches (e.g. indicator, then evidence), else None."""
    for text in texts:
        if not text:
            continue
        folded = fold(squash(text))
        for ind in canonical_indicators():
            if ind.matches(folded):
                return ind.id
    return None


def indicator_label(indicator_id: str | None) -> str | None:
    ind = get_indicator(indicator_id)
    return ind.label if ind else None
