"""Vietnamese labels: the taxonomy's own, for every id the pipeline can produce."""

from __future__ import annotations

import pytest
import yaml
from conftest import SHARED

from pipeline.exports.labels import agency_label, label, labels, theme_label


def test_labels_are_the_taxonomys_vietnamese_names():
    taxonomy = SHARED / "taxonomy"
    if not taxonomy.is_dir():
        pytest.skip("../shared/taxonomy is not present")
    themes = yaml.safe_load((taxonomy / "themes.yaml").read_text(encoding="utf-8"))
    assert labels("themes") == {k: v["vi"] for k, v in themes["themes"].items()}
    assert labels("activities") == {k: v["vi"] for k, v in themes["activities"].items()}
    sectors = yaml.safe_load((taxonomy / "agencies.yaml").read_text(encoding="utf-8"))["sectors"]
    assert set(labels("sectors")) == set(sectors)
    assert labels("sectors")["labour_social"] == sectors["labour_social"]["vi"]


def test_every_id_the_pipeline_writes_has_a_label():
    from pipeline.classifier.training import label_columns  # the classifier's own theme and activity ids

    ids = label_columns()
    assert set(ids["themes"]) <= set(labels("themes")) and set(ids["activities"]) <= set(labels("activities"))
    assert set(labels("roles")) == {"lead", "support", "requested", "recipient", "issuer"}
    assert set(labels("levels")) == {"central", "province", "district", "commune"}


def test_shown_labels():
    assert theme_label("drowning") == "Phòng, chống đuối nước"
    assert theme_label("communication").startswith("Truyền thông")
    assert agency_label("labour_social/district") == "Lao động - Thương binh và Xã hội (huyện)"
    assert agency_label("health") == "Y tế"
    assert label("roles", "lead") == "Chủ trì" and label("levels", None) is None
    assert label("sectors", "unheard_of") == "unheard_of"  # an id without a label is shown as itself
