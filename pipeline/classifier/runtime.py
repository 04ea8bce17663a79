"""The shipped theme model's inference, from its weights alone: loads without importing scikit-learn.

Why: `tag_tasks` runs in every worker, and unpickling the scikit-learn
pipeline imports scikit-learn and SciPy's stats (~1.5 s), most of a worker's
start-up and of a one-file `extract`. Training still builds and cross-validates
the scikit-learn pipeline (`model.py`, `training.py`); `compile_model` then
reads out what prediction needs (the two TF-IDF vocabularies with their idf,
the cue-feature weights, the linear weights, the thresholds and blend) and
`python -m pipeline train` writes it next to the full model as
`theme_classifier.runtime.pkl` (plain numpy arrays and lists). `predict`
gives the same labels as `ThemeModel.predict`; tests/test_classifier.py
compares them on every labelled task and checks the shipped file is the
compiled shipped model.
"""

from __future__ import annotations

import pickle
import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import numpy as np

from pipeline.classifier.context import ContextModel, TaskContext
from pipeline.classifier.cues import cue_matrix, match_key

FACETS = ("themes", "activities")
RUNTIME_SUFFIX = ".runtime.pkl"
_WHITE_SPACES = re.compile(r"\s\s+")  # as scikit-learn's char_wb analyzer squeezes spaces


@dataclass
class Vocabulary:
    """One fitted TfidfVectorizer: n-gram -> column, idf per column."""

    analyzer: str  # "word" | "char_wb"
    ngram_range: tuple[int, int]
    token_pattern: str | None
    terms: dict[str, int]
    idf: np.ndarray
    sublinear_tf: bool
    norm: str | None


@dataclass
class CompiledModel:
    """What `ThemeModel.predict` computes, as arrays (see the module docstring)."""

    vocabularies: list[Vocabulary]  # in the feature union's order, before the cue features
    cue_facets: list[tuple[str, list[str], float]]  # (facet, labels, weight) of each cue-feature block
    coef: np.ndarray  # (columns, features), float64
    intercept: np.ndarray
    labels: dict[str, list[str]]
    thresholds: np.ndarray
    blend: dict[str, float]
    source_sha256: str = ""  # of the .joblib it was compiled from
    context: ContextModel | None = None  # weights of headings, instruments, agencies

    @property
    def columns(self) -> list[tuple[str, str]]:
        return [(f, lab) for f in FACETS for lab in self.labels[f]]

    def scores(self, texts: list[str], contexts: list[TaskContext] | None = None) -> np.ndarray:
        """`ThemeModel.scores`, from the arrays."""
        scores = self._text_scores(list(texts))
        if self.context is None or not contexts or all(c.empty for c in contexts):
            return scores
        return scores + self.context.boost(list(contexts), self.labels)

    def _text_scores(self, texts: list[str]) -> np.ndarray:
        n = len(texts)
        margins = np.tile(self.intercept, (n, 1))
        by_feature = self._by_feature()
        offset = 0
        for vocab in self.vocabularies:
            for i, text in enumerate(texts):
                cols, vals = self._row(vocab, text)
                if len(cols):
                    margins[i] += vals @ by_feature[offset + cols]
            offset += len(vocab.idf)
        for facet, labels, weight in self.cue_facets:
            for kind in ("cues", "hints"):
                block = cue_matrix(texts, facet, labels, kind) * weight
                margins += block @ self.coef[:, offset:offset + len(labels)].T
                offset += len(labels)
        with np.errstate(over="ignore"):
            learned = 1.0 / (1.0 + np.exp(-margins))
        cues = np.hstack([cue_matrix(texts, f, self.labels[f], "cues") for f in FACETS])
        weight = np.array([self.blend[f] for f in FACETS for _ in self.labels[f]])
        return weight * learned + (1.0 - weight) * cues

    def __getstate__(self) -> dict:
        return {k: v for k, v in self.__dict__.items() if not k.startswith("_")}  # derived: not saved

    def _by_feature(self) -> np.ndarray:
        """The weights as (features, columns), so a text's features are contiguous rows."""
        cached = self.__dict__.get("_coef_by_feature")
        if cached is None:
            cached = self.__dict__["_coef_by_feature"] = np.ascontiguousarray(self.coef.T)
        return cached

    def _row(self, vocab: Vocabulary, text: str) -> tuple[np.ndarray, np.ndarray]:
        """`_tfidf_row`, kept for the calls that follow: scoring a task and then explaining each of its tags
        read the same row. Held by this model (not saved with it), bounded."""
        rows = self.__dict__.setdefault("_rows", {})
        key = (id(vocab), text)  # the model holds its vocabularies: their ids are stable while it lives
        row = rows.get(key)
        if row is None:
            if len(rows) >= _ROWS_MAX:
                rows.clear()
            row = rows[key] = _tfidf_row(vocab, text)
        return row

    def top_words(self, text: str, column: int, top: int = 3) -> list[str]:
        """The syllable n-grams of `text` that pushed `column` most (weight x tf-idf > 0), for explanations."""
        by_feature = self._by_feature()
        vocab = next((v for v in self.vocabularies if v.analyzer == "word"), None)
        if vocab is None:
            return []
        offset = sum(len(v.idf) for v in self.vocabularies[:self.vocabularies.index(vocab)])
        cols, vals = self._row(vocab, text)
        contrib = vals * by_feature[offset + cols, column] if len(cols) else np.empty(0)
        names = self.__dict__.get("_word_names")
        if names is None:
            names = self.__dict__["_word_names"] = {j: term for term, j in vocab.terms.items()}
        order = [k for k in np.argsort(-contrib)[:top] if contrib[k] > 0]
        return [names[int(cols[k])] for k in order]

    def predict(self, texts: list[str], contexts: list[TaskContext] | None = None) -> list[dict[str, list[str]]]:
        hits = self.scores(texts, contexts) >= self.thresholds
        out = []
        for row in hits:
            rec: dict[str, list[str]] = {f: [] for f in FACETS}
            for j, (facet, label) in enumerate(self.columns):
                if row[j]:
                    rec[facet].append(label)
            out.append(rec)
        return out


def _ngrams(vocab: Vocabulary, text: str) -> list[str]:
    """The n-grams scikit-learn's analyzer makes of `text` (preprocessed as the model's vectorizers do)."""
    doc = match_key(text).strip()
    lo, hi = vocab.ngram_range
    out: list[str] = []
    if vocab.analyzer == "word":
        tokens = re.findall(vocab.token_pattern, doc)
        for n in range(lo, hi + 1):
            out.extend(" ".join(tokens[i:i + n]) for i in range(len(tokens) - n + 1))
        return out
    for word in _WHITE_SPACES.sub(" ", doc).split():
        out.extend(_char_wb_ngrams(word, vocab))
    return out


def _char_wb_ngrams(word: str, vocab: Vocabulary) -> list[str]:
    """scikit-learn's `_char_wb_ngrams` for one word: padded with a space each side."""
    lo, hi = vocab.ngram_range
    w = f" {word} "
    out: list[str] = []
    for n in range(lo, hi + 1):
        offset = 0
        out.append(w[offset:offset + n])
        while offset + n < len(w):
            offset += 1
            out.append(w[offset:offset + n])
        if offset == 0:  # the word is shorter than n: no longer n-grams either
            break
    return out


_WORD_IDS: dict[tuple[int, str], list[int]] = {}  # (vocabulary, word) -> columns of its char n-grams
_WORD_IDS_MAX = 100_000
_ROWS_MAX = 4_096  # TF-IDF rows a model keeps (a few plans' tasks)


def _column_ids(vocab: Vocabulary, text: str) -> list[int]:
    """The vocabulary columns of the text's n-grams, one per occurrence. A word's char n-grams are the
    same wherever it stands, so they are looked up once per word."""
    if vocab.analyzer == "word":
        return [j for j in map(vocab.terms.get, _ngrams(vocab, text)) if j is not None]
    if len(_WORD_IDS) > _WORD_IDS_MAX:
        _WORD_IDS.clear()
    out: list[int] = []
    for word in _WHITE_SPACES.sub(" ", match_key(text).strip()).split():
        ids = _WORD_IDS.get((id(vocab), word))
        if ids is None:
            ids = _WORD_IDS[(id(vocab), word)] = [j for j in map(vocab.terms.get, _char_wb_ngrams(word, vocab))
                                                  if j is not None]
        out.extend(ids)
    return out


def _tfidf_row(vocab: Vocabulary, text: str) -> tuple[np.ndarray, np.ndarray]:
    """Columns and TF-IDF values of one text (counts, sublinear tf, idf, l2 norm, as TfidfVectorizer)."""
    ids = _column_ids(vocab, text)
    if not ids:
        return np.empty(0, dtype=np.int64), np.empty(0)
    cols, counts = np.unique(np.asarray(ids, dtype=np.int64), return_counts=True)
    tf = counts.astype(np.float64)
    if vocab.sublinear_tf:
        tf = np.log(tf) + 1.0
    vals = tf * vocab.idf[cols]
    if vocab.norm == "l2":
        norm = np.sqrt(np.dot(vals, vals))
        if norm > 0:
            vals = vals / norm
    return cols, vals


def compile_model(model, source_sha256: str = "") -> CompiledModel:
    """The runtime form of a fitted `ThemeModel` (needs scikit-learn: called at training time)."""
    from sklearn.feature_extraction.text import TfidfVectorizer

    from pipeline.classifier.features import CueFeatures
    from pipeline.classifier.model import model_text

    features, clf = model.pipeline.steps[0][1], model.pipeline.steps[-1][1]
    if features.transformer_weights:
        raise ValueError("transformer weights are not supported by the runtime model")
    vocabularies, cue_facets = [], []
    for name, tr in features.transformer_list:
        if isinstance(tr, TfidfVectorizer):
            if tr.preprocessor is not model_text or tr.analyzer not in ("word", "char_wb") or tr.binary \
                    or tr.stop_words or tr.input != "content" or not tr.use_idf:
                raise ValueError(f"vectorizer {name!r} has settings the runtime model does not reproduce")
            vocabularies.append(Vocabulary(tr.analyzer, tuple(tr.ngram_range), tr.token_pattern,
                                           {k: int(v) for k, v in tr.vocabulary_.items()},
                                           np.asarray(tr.idf_, dtype=np.float64), bool(tr.sublinear_tf), tr.norm))
        elif isinstance(tr, CueFeatures):
            if cue_facets and not vocabularies:
                raise ValueError("cue features must follow the vectorizers")
            cue_facets.append((tr.facet, list(tr.labels_), float(tr.weight)))
        else:
            raise ValueError(f"feature {name!r} ({type(tr).__name__}) is not supported by the runtime model")
    return CompiledModel(vocabularies, cue_facets, np.asarray(clf.coef_, dtype=np.float64),
                         np.asarray(clf.intercept_, dtype=np.float64), {f: list(model.labels[f]) for f in FACETS},
                         np.asarray(model.thresholds, dtype=np.float64), dict(model.blend), source_sha256,
                         getattr(model, "context", None))


def file_sha256(path: Path) -> str:
    import hashlib

    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


def runtime_path(model_path: Path) -> Path:
    return model_path.with_name(model_path.name.removesuffix(".joblib") + RUNTIME_SUFFIX)


def save(compiled: CompiledModel, path: Path) -> None:
    with open(path, "wb") as f:
        pickle.dump(compiled, f, protocol=pickle.HIGHEST_PROTOCOL)


@cache
def load(path: str) -> CompiledModel:
    """The runtime model at `path` (our own file, shipped in the package; cached)."""
    with open(path, "rb") as f:
        return pickle.load(f)  # noqa: S301 - the package's own model file
