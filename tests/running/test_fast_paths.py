"""The speed-ups give the same answers as the plain code they replaced (issue 6).

Each fast path is compared with a plain reference, on the sample plans and on
arbitrary text: a difference here means a record could change.
"""

from __future__ import annotations

import unicodedata

import numpy as np
import pytest
import regex
from conftest import SAMPLE_FILES
from hypothesis import given, settings
from hypothesis import strategies as st

from pipeline.classifier import MODEL_PATH, load_model
from pipeline.classifier import cues as cue_module
from pipeline.classifier.model import predict_proba
from pipeline.extraction import agencies
from pipeline.process import process_text
from pipeline.reading.clean import _nfc_mapped
from pipeline.reading.readers import _NON_VIETNAMESE, _legacy_share
from pipeline.textutils import finditer_from, fold, normalize_tones, strip_accents

# letters, marks, NUL, the odd cases of lower() (İ, Σ) and Vietnamese words
VIETNAMESE_ISH = st.text(alphabet=st.sampled_from(
    list("aàáạoòóeêuưyỳĐđ İΣσ\x00\n,.-") + ["\u0300", "\u0301", "\u0323", "\u00d0", "\u0189"]))
ANY_TEXT = st.text() | VIETNAMESE_ISH


def _fold_by_char(s: str) -> str:
    s = normalize_tones(s.replace("\u00d0", "Đ").replace("\u0189", "Đ"))
    return "".join(ch.lower() if len(ch.lower()) == 1 else ch for ch in s)


def _strip_accents_by_char(s: str) -> str:
    s = unicodedata.normalize("NFD", s.replace("đ", "d").replace("Đ", "D"))
    return "".join(c for c in s if unicodedata.category(c) != "Mn").lower()


def _nfc_by_cluster(raw: str) -> tuple[str, list[int]]:
    fixed = regex.sub(r"(?<=[\w\u0300-\u036f])[ \u00a0]+(?=[\u0300-\u036f])", lambda m: "\x00" * len(m.group(0)), raw)
    text, offs, i = [], [], 0
    while i < len(fixed):
        j = i + 1
        while j < len(fixed) and (unicodedata.combining(fixed[j]) or fixed[j] == "\x00"):
            j += 1
        norm = unicodedata.normalize("NFC", fixed[i:j].replace("\x00", ""))
        text.append(norm)
        offs.extend([i] * len(norm))
        i = j
    return "".join(text), offs


@settings(max_examples=500, deadline=None)
@given(ANY_TEXT)
def test_fold_equals_char_by_char(s):
    assert fold(s) == _fold_by_char(s)
    long = s * (3000 // max(1, len(s)) + 1)  # the cached path for long texts
    assert fold(long) == _fold_by_char(long)


def test_fold_keeps_the_length_where_lower_would_not():
    assert fold("İSTANBUL Hoà") == _fold_by_char("İSTANBUL Hoà")
    assert fold("ΟΔΟΣ ΣΑΣ") == "οδοσ σασ"  # no final-sigma rule: same length, char by char


@settings(max_examples=500, deadline=None)
@given(ANY_TEXT)
def test_strip_accents_equals_char_by_char(s):
    assert strip_accents(s) == _strip_accents_by_char(s)


@settings(max_examples=500, deadline=None)
@given(ANY_TEXT)
def test_nfc_map_equals_per_cluster_walk(s):
    m = _nfc_mapped(s)
    assert (m.text, m.offs) == _nfc_by_cluster(s)


@settings(max_examples=300, deadline=None)
@given(ANY_TEXT)
def test_legacy_share_counts_as_a_walk_would(s):
    sample = s[:20000]
    letters = sum(1 for c in sample if c.isalpha()) or 1
    assert _legacy_share(s) == sum(1 for c in sample if c in _NON_VIETNAMESE) / letters


@pytest.mark.parametrize("path", SAMPLE_FILES, ids=lambda p: p.stem)
def test_gazetteer_tries_match_finditer(path):
    folded = fold(process_text(path.read_text(encoding="utf-8")).text)
    positions: dict[str, list[int]] = {}
    found = 0
    for entry in agencies._gazetteer():
        expected = [m.span() for m in entry.pattern.finditer(folded)]
        assert [m.span() for m in agencies._entry_matches(entry, folded, positions)] == expected
        found += len(expected)
    assert found > 10


@settings(max_examples=200, deadline=None)
@given(st.lists(st.sampled_from(["Sở", "Y tế", "cơ sở", "Bộ", "Lao động", "UBND", "huyện", "Phòng", "và", ",",
                                 "Giáo dục", "các trường", "Công an", "xã", "Trạm"]), max_size=12).map(" ".join))
def test_gazetteer_tries_match_finditer_on_name_soup(text):
    folded = fold(text)
    positions: dict[str, list[int]] = {}
    for entry in agencies._gazetteer():
        assert ([m.span() for m in agencies._entry_matches(entry, folded, positions)]
                == [m.span() for m in entry.pattern.finditer(folded)])


def _sample_tasks() -> list[str]:
    return [t.text for p in SAMPLE_FILES for t in process_text(p.read_text(encoding="utf-8")).tree.tasks]


def _assert_cues_equal(texts: list[str]) -> None:
    for facet in ("themes", "activities"):
        labels = sorted(cue_module.lexicon(facet))
        for kind in ("cues", "hints"):
            fast = cue_module.cue_matrix(texts, facet, labels, kind)
            assert (fast == cue_module._cue_matrix_by_search(texts, facet, labels, kind)).all()


def test_cue_index_equals_search_on_sample_tasks():
    texts = _sample_tasks()
    assert len(texts) > 50
    _assert_cues_equal(texts)


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(["trẻ", "em", "đuối", "nước", "tai", "nạn", "thương", "tích", "duoi", "nuoc",
                                 ",", "  ", "-", "phòng", "chống", "xâm", "hại", "\u0301", "İ", ""]),
                max_size=16).map(" ".join) | st.text())
def test_cue_index_equals_search_on_any_text(text):
    _assert_cues_equal([text])


@pytest.mark.skipif(not MODEL_PATH.is_file(), reason="no shipped model")
def test_tfidf_per_word_equals_sklearn_bit_for_bit():
    pipeline = load_model().pipeline
    texts = _sample_tasks() + ["", "İ Σ 12/2024/QĐ-UBND", "trẻ em trẻ em trẻ em"]
    fast = predict_proba(pipeline, texts)
    slow = pipeline.predict_proba(texts)
    assert fast.shape == slow.shape and np.array_equal(fast, slow)


def _instrument_patterns():
    from pipeline.extraction.citations import find

    return [(find._type_words()[0], find._type_first_words()), (find._named_laws()[0], find._law_first_words())]


@pytest.mark.parametrize("path", SAMPLE_FILES, ids=lambda p: p.stem)
def test_instrument_search_from_first_words_matches_finditer(path):
    folded = fold(path.read_text(encoding="utf-8"))
    for pattern, first_words in _instrument_patterns():
        assert ([m.span() for m in finditer_from(pattern, folded, first_words)]
                == [m.span() for m in pattern.finditer(folded)])


@settings(max_examples=200, deadline=None)
@given(st.lists(st.sampled_from(["Luật", "Trẻ em", "năm 2016", "Quyết định", "số", "Kế hoạch", "liên tịch", "Bộ luật",
                                 "Hình sự", "Nghị quyết", "Hiến pháp", ",", "của", "văn bản", "quyet dinh"]),
                max_size=12).map(" ".join))
def test_instrument_search_from_first_words_on_word_soup(text):
    folded = fold(text)
    for pattern, first_words in _instrument_patterns():
        assert ([m.span() for m in finditer_from(pattern, folded, first_words)]
                == [m.span() for m in pattern.finditer(folded)])


@pytest.mark.parametrize("path", SAMPLE_FILES, ids=lambda p: p.stem)
def test_role_cues_from_first_words_match_finditer(path):
    folded = fold(path.read_text(encoding="utf-8"))
    patterns = agencies._role_regexes()
    for role, first_words in agencies._role_first_words().items():
        assert ([m.span() for m in finditer_from(patterns[role], folded, first_words)]
                == [m.span() for m in patterns[role].finditer(folded)])
