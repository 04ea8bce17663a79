"""The cue lexicon (`resources/theme_cues.yaml`): baseline classifier and model features.

Matching runs on a key of the text (folded, punctuation as spaces) so that
"tai nạn, thương tích" and "Tai nạn thương tích" hit the same cue, and on
an accent-stripped key for multi-syllable cues so OCR text without
diacritics is not lost.
"""

from __future__ import annotations

import re
from functools import cache, lru_cache

import numpy as np

from pipeline.knowledge.loader import load_yaml
from pipeline.textutils import fold, nfc, strip_accents

_NON_WORD = re.compile(r"[^\w/]+")


@lru_cache(maxsize=16384)
def match_key(text: str) -> str:
    """' folded words separated by single spaces ' (padded so cues match whole words).

    Cached: one predict call keys each text eight times (two vectorizers, cue
    and hint flags of both facets, the cue blend), and folding is the slow part.
    """
    text = nfc(text.replace("\\r\\n", " "))
    return " " + _NON_WORD.sub(" ", fold(text)).strip() + " "


@lru_cache(maxsize=16384)
def ascii_key(key: str) -> str:
    return strip_accents(key)


@cache
def lexicon(facet: str) -> dict[str, dict[str, list[str]]]:
    """{label: {"cues": [...], "hints": [...]}} for facet 'themes' or 'activities', keys folded."""
    raw = load_yaml("theme_cues.yaml")[facet]
    out: dict[str, dict[str, list[str]]] = {}
    for label, kinds in raw.items():
        out[label] = {kind: [match_key(c).strip() for c in (kinds.get(kind) or [])] for kind in ("cues", "hints")}
    return out


@cache
def _patterns(facet: str, kind: str) -> dict[str, tuple[list[str], list[str]]]:
    """Per label: padded cues for the folded key, and padded accentless cues (2+ syllables only)."""
    out = {}
    for label, kinds in lexicon(facet).items():
        folded = [f" {c} " for c in kinds[kind]]
        plain = [f" {ascii_key(c)} " for c in kinds[kind] if " " in c]
        out[label] = (folded, plain)
    return out


def matched_cues(text: str, facet: str, label: str, kind: str = "cues") -> list[str]:
    """Cues of `label` found in `text` (for explanations and the baseline)."""
    key = match_key(text)
    akey = ascii_key(key)
    hits = [c for c in lexicon(facet)[label][kind] if f" {c} " in key]
    hits += [c for c in lexicon(facet)[label][kind]
             if " " in c and f" {ascii_key(c)} " in akey and c not in hits]
    return hits


def _is_word_run(s: str) -> bool:
    """' w1 w2 ... ' : words between single spaces, padded by one space each side."""
    inner = s[1:-1]
    return len(s) >= 3 and s[0] == " " and s[-1] == " " and inner[:1] != " " and inner[-1:] != " " \
        and "  " not in inner


_CueIndex = dict[str, list[tuple[list[str], frozenset[str]]]]


@cache
def _cue_index(facet: str, kind: str) -> tuple[_CueIndex, _CueIndex] | None:
    """For the folded and the accentless key: first word -> (the cue's words, its labels).

    A padded cue occurs in a padded key exactly when its words are a run of the
    key's words, so the key is walked once, trying only the cues that start
    with each word (None when some cue is not a clean word run: then each cue
    is searched).
    """
    folded_index: dict[str, set[str]] = {}
    plain_index: dict[str, set[str]] = {}
    for label, (folded, plain) in _patterns(facet, kind).items():
        for index, cues in ((folded_index, folded), (plain_index, plain)):
            for cue in cues:
                if not _is_word_run(cue):
                    return None
                index.setdefault(cue[1:-1], set()).add(label)

    def by_first(index: dict[str, set[str]]) -> _CueIndex:
        out: _CueIndex = {}
        for cue, labels in index.items():
            words = cue.split(" ")
            out.setdefault(words[0], []).append((words, frozenset(labels)))
        return out

    return by_first(folded_index), by_first(plain_index)


def _cue_labels(key: str, index: _CueIndex) -> set[str]:
    """Labels of the cues whose words are a run of the padded key's words."""
    words = key[1:-1].split(" ")
    hits: set[str] = set()
    for i, word in enumerate(words):
        for cue_words, labels in index.get(word, ()):
            if words[i:i + len(cue_words)] == cue_words:
                hits |= labels
    return hits


@lru_cache(maxsize=16384)
def _hit_labels(text: str, facet: str, kind: str) -> frozenset[str]:
    """Labels of the facet with a `kind` cue in `text` (cached: a predict asks three times)."""
    key = match_key(text)
    akey = ascii_key(key)
    index = _cue_index(facet, kind)
    if index is not None and _is_word_run(key) and _is_word_run(akey):
        folded_index, plain_index = index
        return frozenset(_cue_labels(key, folded_index) | _cue_labels(akey, plain_index))
    return frozenset(label for label, (folded, plain) in _patterns(facet, kind).items()
                     if any(c in key for c in folded) or any(c in akey for c in plain))


def cue_matrix(texts: list[str], facet: str, labels: list[str], kind: str = "cues") -> np.ndarray:
    """0/1 matrix: does text i contain a `kind` cue of labels[j]."""
    out = np.zeros((len(texts), len(labels)), dtype=np.float64)
    for i, text in enumerate(texts):
        hits = _hit_labels(text, facet, kind)
        for j, label in enumerate(labels):
            if label in hits:
                out[i, j] = 1.0
    return out


def _cue_matrix_by_search(texts: list[str], facet: str, labels: list[str], kind: str = "cues") -> np.ndarray:
    """`cue_matrix` the plain way: each cue searched in each key (the reference for tests)."""
    pats = _patterns(facet, kind)
    out = np.zeros((len(texts), len(labels)), dtype=np.float64)
    for i, text in enumerate(texts):
        key = match_key(text)
        akey = ascii_key(key)
        for j, label in enumerate(labels):
            folded, plain = pats.get(label, ([], []))
            if any(c in key for c in folded) or any(c in akey for c in plain):
                out[i, j] = 1.0
    return out


class CueBaseline:
    """The baseline: a label is predicted when any of its precise cues occurs."""

    def __init__(self, facet: str, labels: list[str]):
        self.facet = facet
        self.labels = labels

    def predict(self, texts: list[str]) -> np.ndarray:
        return cue_matrix(list(texts), self.facet, self.labels, "cues").astype(int)

