"""The cue lexicon as model features: a scikit-learn transformer (training side; see cues.py)."""

from __future__ import annotations

import numpy as np
from scipy import sparse
from sklearn.base import BaseEstimator, TransformerMixin

from pipeline.classifier.cues import cue_matrix, lexicon


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
