"""Is this text a Vietnamese plan at all?

Runs right after cleaning. Raises `NotAPlan` for readable text that is clearly
something else (English prose, a spreadsheet or table dump, a text far longer
than any plan), so it lands in errors.csv with a reason instead of giving an
empty record that looks like a plan with nothing in it. Doubtful cases (very
short, Vietnamese without any sign of a plan, many undecodable characters) are
kept with a warning: a false rejection loses a plan, a warning costs a glance.

Words and thresholds are data: `resources/guard.yaml`.
"""

from __future__ import annotations

import re
from collections import Counter
from functools import cache

from pipeline.document import Document
from pipeline.errors import NotAPlan
from pipeline.knowledge.loader import load_yaml
from pipeline.textutils import strip_accents

_WORD = re.compile(r"[^\W\d_]+")


@cache
def _config() -> dict:
    cfg = dict(load_yaml("guard.yaml"))
    cfg["vietnamese_words"] = frozenset(cfg["vietnamese_words"])
    cfg["english_words"] = frozenset(cfg["english_words"])
    return cfg


def strip_marks(text: str) -> str:
    """Lower case without diacritics ('Kế hoạch' -> 'ke hoach'): OCR often loses them."""
    return strip_accents(text)


def word_shares(words: list[str]) -> tuple[float, float]:
    """Shares of Vietnamese cue words and of English function words among `words`."""
    cfg = _config()
    if not words:
        return 0.0, 0.0
    vi = sum(w in cfg["vietnamese_words"] for w in words)
    en = sum(w in cfg["english_words"] for w in words)
    return vi / len(words), en / len(words)


def table_verdict(text: str) -> str | None:
    """The delimiter that splits most lines into short cells (a CSV/TSV dump), else None."""
    cfg = _config()
    lines = [ln for ln in text.splitlines() if ln.strip()]
    if len(lines) < 5:
        return None
    for delim in cfg["table_delimiters"]:
        rows = [ln for ln in lines if ln.count(delim) + 1 >= cfg["table_min_cells"]]
        if len(rows) < cfg["table_min_row_share"] * len(lines):
            continue
        counts = Counter(ln.count(delim) for ln in rows)
        same_shape = counts.most_common(1)[0][1]
        cells = sum(ln.count(delim) + 1 for ln in rows)
        mean_cell = sum(len(ln) for ln in rows) / cells
        if same_shape >= 0.5 * len(rows) and mean_cell <= cfg["table_max_mean_cell"]:
            return delim
    return None


def check_plan(doc: Document) -> None:
    """Raise `NotAPlan`, or append to `doc.warnings`, when the text does not look like a plan."""
    cfg = _config()
    text = doc.text
    if len(text) > cfg["max_chars"]:
        raise NotAPlan(f"the text has {len(text):,} characters, far more than any plan "
                       f"(limit {cfg['max_chars']:,})", "it is probably many documents in one file: split it")
    sample = text[:200_000]  # enough to judge; keeps the guard cheap on long plans
    plain = strip_marks(sample)
    words = _WORD.findall(plain)
    delim = table_verdict(sample)
    if delim is not None:
        name = {"\t": "tab", ",": "comma", ";": "semicolon", "|": "bar"}.get(delim, repr(delim))
        raise NotAPlan(f"the text is a table ({name}-separated cells on most lines), not a plan",
                       "a spreadsheet or data export is not a plan; give the plan document itself")
    if len(words) >= cfg["min_words"]:
        vi_share, en_share = word_shares(words)
        if en_share >= cfg["english_min_share"] and vi_share < cfg["vietnamese_max_share"]:
            raise NotAPlan("the text is English prose, not a Vietnamese plan",
                           "only Vietnamese plans are read; remove the file or give the Vietnamese original")
        if vi_share < cfg["vietnamese_max_share"]:
            raise NotAPlan("the text does not read as Vietnamese",
                           "check the file's encoding or language; only Vietnamese plans are read")
    if len(text.strip()) < cfg["short_chars"]:
        doc.warnings.append(f"very short text ({len(text.strip())} characters): probably a fragment, not a whole plan")
    if not any(cue in plain for cue in cfg["plan_cues"]):
        doc.warnings.append(cfg["no_plan_cue_warning"])
    bad = sample.count("\ufffd")
    if bad and bad >= 0.01 * len(sample):
        doc.warnings.append(f"{bad} undecodable characters: the text may be garbled (check the encoding)")
