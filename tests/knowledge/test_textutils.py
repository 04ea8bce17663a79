"""fold(): the same-length matching key every extractor uses."""

from hypothesis import given
from hypothesis import strategies as st

from pipeline.textutils import fold, normalize_tones


def test_old_tone_placement_is_unified_at_syllable_end():
    # the signer of 002 is written "Võ Thuỳ Dương"; "hoà" and "hòa" must match
    assert fold("Võ Thuỳ Dương") == "võ thùy dương"
    assert fold("hoà nhập") == fold("hòa nhập")


def test_tone_inside_a_syllable_is_left_alone():
    # "Kế hoạch", "hoạt động", "toàn diện" are the only spellings
    for word in ("kế hoạch", "hoạt động", "toàn diện", "hoàn cảnh"):
        assert fold(word) == word
    assert normalize_tones("Kế hoạch") == "Kế hoạch"


@given(st.text())
def test_fold_keeps_length(s):
    assert len(fold(s)) == len(s)
