"""Canonical indicators: the same goal worded differently lands on one id."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from hypothesis import given
from hypothesis import strategies as st

from pipeline.knowledge.indicators import (
    canonical_indicators,
    get_indicator,
    indicator_label,
    normalize_indicator,
)

TAXONOMY = Path(__file__).resolve().parents[3] / "shared" / "taxonomy" / "themes.yaml"


@pytest.mark.parametrize("text, expected", [
    # 001 (Thừa Thiên Huế), section I.2, quoted
    ("Giảm tỷ suất tử vong trẻ sơ sinh trên 1.000 trẻ đẻ sống (p/1000) dưới 9,5%", "neonatal_mortality"),
    ("giảm tỷ suất tử vong của trẻ em dưới 1 tuổi trên 1.000 trẻ đẻ sống (p/1000) xuống 12%", "infant_mortality"),
    ("giảm tỷ suất tử vong trẻ em dưới 5 tuổi trên 1.000 trẻ đẻ sống (p/1000) dưới 18%", "under5_mortality"),
    ("Tỷ lệ suy dinh dưỡng thấp còi trẻ em dưới 5 tuổi xuống dưới 9%", "stunting_u5"),
    ("tỷ lệ suy dinh dưỡng nhẹ cân trẻ em dưới 5 tuổi xuống dưới 6,5%", "underweight_u5"),
    ("Tỷ lệ trẻ em dưới 1 tuổi được tiêm chủng đầy đủ 8 loại vắc xin đạt trên 95%", "full_immunisation_u1"),
    ("95% trẻ em dưới 5 tuổi được tiêm chủng đầy đủ các loại vắc xin", "full_immunisation_u5"),
    ("Giảm tỷ suất trẻ em bị tai nạn thương tích xuống dưới 600/100.000 trẻ em", "injury_rate"),
    ("giảm tỷ suất trẻ em bị tử vong do tai nạn thương tích dưới 18/100.000 trẻ em", "injury_deaths"),
    ("trên 95% trẻ em sinh ra được làm giấy khai sinh đúng hạn", "birth_registration"),
    ("Giảm tỷ lệ trẻ em có hoàn cảnh đặc biệt trên tổng số trẻ em xuống dưới 1,5%", "special_circumstances_rate"),
    ("Duy trì và đảm bảo 100% trẻ em dưới 6 tuổi được cấp thẻ bảo hiểm y tế", "health_insurance_u6"),
    # 003 (Sơn Hà), quoted
    ("tự kiểm tra việc thực hiện chính sách, pháp luật về trẻ em và phòng, chống xâm hại trẻ em tại ít nhất 01 địa bàn xã",
     "inspections"),
])
def test_sample_plan_wording_maps_to_its_canonical_indicator(text, expected):
    assert normalize_indicator(text) == expected


def test_different_wordings_of_one_goal_share_an_id():
    wordings = ["tỷ suất tử vong của trẻ em dưới 1 tuổi", "Tỷ suất tử vong trẻ em dưới 01 tuổi",
                "TỶ SUẤT TỬ VONG TRẺ DƯỚI 1 TUỔI"]
    assert {normalize_indicator(w) for w in wordings} == {"infant_mortality"}
    # old-style tone marks (hoà/hòa) and wrapped lines do not matter
    assert normalize_indicator("trẻ em có hoàn cảnh\nđặc biệt được trợ giúp") == "special_circumstances_support"
    assert normalize_indicator("trẻ em 6 tuổi vào lớp một") == normalize_indicator("trẻ 6 tuổi vào lớp 1")


def test_falls_back_to_the_evidence_and_says_none_when_nothing_fits():
    assert normalize_indicator(None, "giảm tỷ lệ suy dinh dưỡng thể thấp còi xuống 20%") == "stunting_u5"
    assert normalize_indicator("tổ chức hội nghị tổng kết") is None
    assert normalize_indicator(None, "") is None


def test_resource_file_is_well_formed():
    inds = canonical_indicators()
    ids = [i.id for i in inds]
    assert len(ids) == len(set(ids)) and len(ids) >= 20
    raw = yaml.safe_load((Path(__file__).resolve().parents[2] / "pipeline" / "knowledge" / "resources" / "indicators.yaml")
                         .read_text(encoding="utf-8"))["indicators"]
    for item in raw:
        assert item["unit"] in {"%", "per_1000", "per_100000", "count"}, item["id"]
        for pattern in item["patterns"]:
            assert not any(esc in pattern for esc in ("\\W", "\\S", "\\D", "\\B")), pattern  # fold() lower-cases
    assert indicator_label("infant_mortality") == get_indicator("infant_mortality").label
    if TAXONOMY.is_file():
        themes = set(yaml.safe_load(TAXONOMY.read_text(encoding="utf-8"))["themes"])
        assert {i.theme for i in inds if i.theme} <= themes


@given(st.text(max_size=300))
def test_never_raises_on_arbitrary_text(text):
    result = normalize_indicator(text)
    assert result is None or get_indicator(result) is not None
