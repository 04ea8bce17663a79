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
from scipy import sparse
from sklearn.base import BaseEstimator, TransformerMixin

from pipeline.resources import load_yaml
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


def cue_matrix(texts: list[str], facet: str, labels: list[str], kind: str = "cues") -> np.ndarray:
    """0/1 matrix: does text i contain a `kind` cue of labels[j]."""
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


class CueFeatures(BaseEstimator, TransformerMixin):
    """Two columns per label of the facet: any precise cue, any hint (scaled by `weight`)."""

    def __init__(self, facet: str = "themes", weight: float = 1.0):
        self.facet = facet
        self.weight = weight

    def fit(self, X, y=None):
        self.labels_ = sorted(lexicon(self.facet))
        return self

    def transform(self, X):
        texts = list(X)
        cues = cue_matrix(texts, self.facet, self.labels_, "cues")
        hints = cue_matrix(texts, self.facet, self.labels_, "hints")
        return sparse.csr_matrix(np.hstack([cues, hints]) * self.weight)

    def get_feature_names_out(self, input_features=None):
        return np.array([f"cue:{lab}" for lab in self.labels_] + [f"hint:{lab}" for lab in self.labels_])


class CueBaseline:
    """The baseline: a label is predicted when any of its precise cues occurs."""

    def __init__(self, facet: str, labels: list[str]):
        self.facet = facet
        self.labels = labels

    def predict(self, texts: list[str]) -> np.ndarray:
        return cue_matrix(list(texts), self.facet, self.labels, "cues").astype(int)
