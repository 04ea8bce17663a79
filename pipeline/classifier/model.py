"""The learned tagger: one scikit-learn Pipeline for both facets.

features: TF-IDF over syllable uni/bi-grams + TF-IDF over character
n-grams (inside word boundaries) + cue/hint flags from the lexicon, then
one linear model per label (one-vs-rest) with a per-label threshold tuned on
grouped cross-validation. Syllables rather than underthesea word segments:
the bigram of syllables covers most two-syllable words, and segmenting costs
far more time at predict time than it earned in cross-validation (see
docs/classifier.md).
"""

from __future__ import annotations

import weakref
from dataclasses import dataclass, field

import numpy as np
from scipy import sparse
from sklearn.base import BaseEstimator, ClassifierMixin, clone
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import FeatureUnion, Pipeline
from sklearn.svm import LinearSVC

from pipeline.classifier.context import ContextModel, TaskContext
from pipeline.classifier.cues import CueBaseline, match_key
from pipeline.classifier.features import CueFeatures

SEED = 13
CUE_WEIGHT = 1.0
# Weight of the learned score per facet; the rest is the 0/1 cue baseline of the same label.
# Activities: 1.0 (their cues are ours, not the taxonomy's, and too weak to lean on).
BLEND = {"themes": 0.5, "activities": 1.0}
FACETS = ("themes", "activities")


def model_text(text: str) -> str:
    """What the vectorizers see: folded words, punctuation as spaces."""
    return match_key(text).strip()


class MultiLabelLinear(BaseEstimator, ClassifierMixin):
    """One binary linear model per column of Y, kept only as weights (small, fast).

    A column with no positive example gets weight 0 and intercept -inf, so it
    is never predicted (sklearn's OneVsRest would predict a constant that a
    0.5 threshold can turn on).
    """

    def __init__(self, base=None):
        self.base = base

    def fit(self, X, Y):
        Y = np.asarray(Y)
        n_feat = X.shape[1]
        self.coef_ = np.zeros((Y.shape[1], n_feat), dtype=np.float32)
        self.intercept_ = np.full(Y.shape[1], -np.inf, dtype=np.float64)
        for j in range(Y.shape[1]):
            y = Y[:, j]
            if y.min() == y.max():
                if y.max() == 1:
                    self.intercept_[j] = np.inf
                continue
            est = clone(self.base).fit(X, y)
            self.coef_[j] = est.coef_.ravel()
            self.intercept_[j] = float(np.ravel(est.intercept_)[0])
        return self

    def decision_function(self, X):
        return np.asarray(X @ self.coef_.T.astype(np.float64)) + self.intercept_

    def predict_proba(self, X):
        """Per-label scores in [0, 1] (logistic of the margin; true probabilities for logreg)."""
        with np.errstate(over="ignore"):
            return 1.0 / (1.0 + np.exp(-self.decision_function(X)))

    def predict(self, X):
        return (self.decision_function(X) > 0).astype(int)


# Families `train` compares by default. logreg (liblinear) converges slowly on the 1,006 labelled units (a
# sentence split from a task can carry fewer labels than the task): 16-25 s per fit, > 10 min for the 49
# folds, against 0.8 s for linsvc, which scored within 0.01 of it in grouped CV on the first 506 tasks.
DEFAULT_FAMILIES = ("linsvc",)
FAMILIES = {
    "logreg": lambda: LogisticRegression(C=20.0, class_weight="balanced", solver="liblinear",
                                         max_iter=2000, random_state=SEED),
    "linsvc": lambda: LinearSVC(C=0.5, class_weight="balanced", max_iter=20000, random_state=SEED),
}


def build_pipeline(family: str = "logreg") -> Pipeline:
    features = FeatureUnion([
        ("words", TfidfVectorizer(preprocessor=model_text, token_pattern=r"(?u)[\w/]+", ngram_range=(1, 2),
                                  min_df=2, sublinear_tf=True)),
        ("chars", TfidfVectorizer(preprocessor=model_text, analyzer="char_wb", ngram_range=(2, 4),
                                  min_df=2, sublinear_tf=True, max_features=20000)),
        ("theme_cues", CueFeatures("themes", weight=CUE_WEIGHT)),
        ("activity_cues", CueFeatures("activities", weight=CUE_WEIGHT)),
    ])
    return Pipeline([("features", features), ("clf", MultiLabelLinear(FAMILIES[family]()))])


@dataclass
class ThemeModel:
    """The shipped model: the fitted pipeline, its label columns and thresholds."""

    pipeline: Pipeline
    labels: dict[str, list[str]]  # facet -> label ids, in column order
    thresholds: np.ndarray  # one per column (themes then activities)
    family: str = "logreg"
    blend: dict = field(default_factory=lambda: dict(BLEND))
    info: dict = field(default_factory=dict)  # training data summary, version
    context: ContextModel | None = None  # weights of headings, instruments, agencies (None: text only)

    @property
    def columns(self) -> list[tuple[str, str]]:
        return [(f, lab) for f in FACETS for lab in self.labels[f]]

    def scores(self, texts: list[str], contexts: list[TaskContext] | None = None) -> np.ndarray:
        """Per-label scores: the pipeline's, blended with the cue baseline, plus what the context adds."""
        texts = list(texts)
        out = blend(predict_proba(self.pipeline, texts), cue_columns(texts, self.labels),
                    blend_weights(self.labels, self.blend))
        return with_context(out, getattr(self, "context", None), contexts, self.labels)

    def predict(self, texts: list[str], contexts: list[TaskContext] | None = None) -> list[dict[str, list[str]]]:
        """Per text {"themes": [...], "activities": [...]} in taxonomy order."""
        return decode(self.scores(texts, contexts) >= self.thresholds, self.columns)

    def top_words(self, text: str, column: int, top: int = 3) -> list[str]:
        """The syllable n-grams of `text` that pushed `column` most (as `CompiledModel.top_words`)."""
        words = self.pipeline.named_steps["features"].transformer_list[0][1]
        X = words.transform([text]).tocsr()
        contrib = X.data * self.pipeline.named_steps["clf"].coef_[column, X.indices]
        names = words.get_feature_names_out()
        return [str(names[X.indices[k]]) for k in np.argsort(-contrib)[:top] if contrib[k] > 0]

    def explain(self, text: str, top: int = 5, context: TaskContext | None = None) -> dict[str, list[tuple[str, float]]]:
        """For each predicted label: the features that pushed it most (feature, weight x value)."""
        X = self.pipeline.named_steps["features"].transform([text]).tocsr()
        names = feature_names(self.pipeline)
        clf = self.pipeline.named_steps["clf"]
        out: dict[str, list[tuple[str, float]]] = {}
        predicted = self.scores([text], [context] if context is not None else None)[0] >= self.thresholds
        for j, (facet, label) in enumerate(self.columns):
            if not predicted[j]:
                continue
            contrib = X.data * clf.coef_[j, X.indices]
            order = np.argsort(-contrib)[:top]
            out[f"{facet}:{label}"] = [(names[X.indices[k]], round(float(contrib[k]), 3))
                                       for k in order if contrib[k] > 0]
        return out


def predict_proba(pipeline: Pipeline, texts: list[str]) -> np.ndarray:
    """`pipeline.predict_proba(texts)`, same numbers, with the TF-IDF counts done per word.

    Why: sklearn counts n-grams one by one in Python, and the char n-grams of
    a task's words were most of the tagging time; a word's n-grams are the
    same wherever it stands, so their vocabulary ids are looked up once per
    word. Pipelines of another shape go through sklearn unchanged.
    """
    features = pipeline.steps[0][1]
    if (len(pipeline.steps) != 2 or not isinstance(features, FeatureUnion) or features.transformer_weights
            or any(not hasattr(tr, "transform") for _, tr in features.transformer_list)):
        return pipeline.predict_proba(texts)
    Xs = [_tfidf_transform(tr, texts) if _fast_tfidf(tr) else tr.transform(texts)
          for _, tr in features.transformer_list]
    X = sparse.hstack(Xs).tocsr() if any(sparse.issparse(x) for x in Xs) else np.hstack(Xs)
    return pipeline.steps[-1][1].predict_proba(X)


def _fast_tfidf(tr) -> bool:
    return (type(tr) is TfidfVectorizer and tr.analyzer in ("char_wb", "word") and tr.input == "content"
            and hasattr(tr, "vocabulary_"))


# per fitted vectorizer (gone with it): word -> vocabulary ids of its char n-grams
_WORD_IDS: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()
_WORD_IDS_MAX = 100_000


def _tfidf_transform(vec: TfidfVectorizer, texts: list[str]):
    """`vec.transform(texts)`: the same count matrix as sklearn's `_count_vocab`, then its tf-idf."""
    vocabulary = vec.vocabulary_
    row_ends = [0]
    j_indices: list[int] = []
    if vec.analyzer == "char_wb":
        preprocess = vec.build_preprocessor()
        memo = _WORD_IDS.setdefault(vec, {})
        if len(memo) > _WORD_IDS_MAX:
            memo.clear()
        for text in texts:
            for word in vec._white_spaces.sub(" ", preprocess(vec.decode(text))).split():
                ids = memo.get(word)
                if ids is None:
                    ids = memo[word] = [vocabulary[g] for g in vec._char_wb_ngrams(word) if g in vocabulary]
                j_indices.extend(ids)
            row_ends.append(len(j_indices))
    else:
        analyze = vec.build_analyzer()
        for text in texts:
            j_indices.extend(vocabulary[f] for f in analyze(text) if f in vocabulary)
            row_ends.append(len(j_indices))
    # one entry per n-gram occurrence; the COO -> CSR conversion sums them into counts
    rows = np.repeat(np.arange(len(texts)), np.diff(row_ends))
    X = sparse.coo_matrix((np.ones(len(j_indices), dtype=vec.dtype), (rows, np.asarray(j_indices, dtype=np.int32))),
                          shape=(len(texts), len(vocabulary))).tocsr()
    X.sum_duplicates()
    X.sort_indices()
    if vec.binary:
        X.data.fill(1)
    return vec._tfidf.transform(X, copy=False)


def with_context(scores: np.ndarray, model: ContextModel | None, contexts: list[TaskContext] | None,
                 labels: dict[str, list[str]]) -> np.ndarray:
    """Text scores plus the context boost (unchanged without a context model or contexts)."""
    if model is None or not contexts or all(c.empty for c in contexts):
        return scores
    return scores + model.boost(list(contexts), labels)


def cue_columns(texts: list[str], labels: dict[str, list[str]]) -> np.ndarray:
    """The cue baseline's 0/1 predictions, in the model's column order."""
    return np.hstack([CueBaseline(f, labels[f]).predict(texts) for f in FACETS]).astype(float)


def blend_weights(labels: dict[str, list[str]], weights: dict[str, float]) -> np.ndarray:
    return np.array([weights[f] for f in FACETS for _ in labels[f]])


def blend(model_scores: np.ndarray, cues: np.ndarray, weight) -> np.ndarray:
    """weight * learned score + (1 - weight) * cue hit.

    Why: leave-one-document-out leaves rare labels with few training examples
    (a theme often lives in one or two plans), where the taxonomy's cues are
    right more often than what the model learned; the per-label threshold on
    the blend decides, label by label, whether a cue alone is enough
    (threshold < 1 - weight) or the model must agree.
    """
    return weight * model_scores + (1.0 - weight) * cues


def feature_names(pipeline: Pipeline) -> list[str]:
    """Readable names: 'word:phòng chống', 'chars:đuối', 'cue:drowning'."""
    out: list[str] = []
    for name, tr in pipeline.named_steps["features"].transformer_list:
        for f in tr.get_feature_names_out():
            out.append(f if name.endswith("cues") else f"{'word' if name == 'words' else 'chars'}:{f}")
    return out


def decode(pred: np.ndarray, columns: list[tuple[str, str]]) -> list[dict[str, list[str]]]:
    out = []
    for row in pred:
        rec: dict[str, list[str]] = {f: [] for f in FACETS}
        for j, (facet, label) in enumerate(columns):
            if row[j]:
                rec[facet].append(label)
        out.append(rec)
    return out


def label_matrix(rows: list[dict[str, list[str]]], columns: list[tuple[str, str]]) -> np.ndarray:
    return np.array([[int(lab in r[f]) for f, lab in columns] for r in rows], dtype=int)
