"""The declared stages: checked order, partial runs, replaced stages, and the printed list."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest

from pipeline.cli import main
from pipeline.process import PIPELINE, STAGES, Pipeline, Stage, StageOrderError, process_file, process_text

SEED = Path(__file__).resolve().parents[1] / "data" / "raw" / "000_fb34435fc2fada6a.txt"


def test_a_stage_requiring_a_later_field_fails_naming_both():
    structure = PIPELINE.get("structure")
    early = dataclasses.replace(PIPELINE.get("targets"), name="early_targets")
    with pytest.raises(StageOrderError, match="'early_targets' requires 'tree'"):
        Pipeline([PIPELINE.get("clean"), PIPELINE.get("fold"), early, structure])


def test_unknown_assigned_field_and_duplicate_names_are_refused():
    bogus = Stage("bogus", ("text",), ("no_such_field",), lambda doc: None, "nothing")
    with pytest.raises(StageOrderError, match="not a Document field"):
        Pipeline([*STAGES, bogus])
    with pytest.raises(StageOrderError, match="two stages"):
        Pipeline([*STAGES, STAGES[0]])


def test_the_shipped_order_is_checked_and_named():
    assert PIPELINE.pipe_names[:4] == ["clean", "fold", "guard", "structure"]
    assert PIPELINE.pipe_names[-1] == "classify"


def test_run_up_to_structure_leaves_later_fields_empty():
    doc = process_file(SEED, until="structure")
    assert doc.tree.tasks and doc.metadata.number is None and not doc.citations


def test_run_without_the_classifier_keeps_extraction():
    doc = process_file(SEED, disable=("classify",))
    assert doc.citations and doc.agencies
    assert all(not t.themes and not t.activities for t in doc.tasks)
    assert any(t.themes for t in process_file(SEED).tasks)


def test_a_replaced_stage_runs_in_its_place():
    def no_targets(doc):
        doc.targets = []

    custom = PIPELINE.replace("targets", Stage("targets", ("text",), ("targets",), no_targets, "none"))
    with_targets = SEED.with_name("001_2684e7fb74e79852.txt")
    assert not process_file(with_targets, pipeline=custom).targets
    assert process_file(with_targets).targets


def test_an_added_stage_sees_what_earlier_ones_assigned():
    seen = {}
    probe = Stage("probe", ("metadata",), (), lambda doc: seen.update(year=doc.metadata.year), "probe")
    process_text(SEED.read_text(encoding="utf-8"), pipeline=PIPELINE.insert_after("metadata", probe))
    assert seen == {"year": 2025}


def test_unknown_stage_names_are_an_error():
    with pytest.raises(KeyError, match="no stage named 'parse'"):
        process_file(SEED, until="parse")


def test_folded_text_and_plan_year_are_computed_once_for_all():
    doc = process_file(SEED)
    assert len(doc.folded) == len(doc.text)
    assert "kế hoạch" in doc.folded and doc.folded == doc.folded.lower()
    assert doc.plan_year == 2025


def test_stages_command_prints_every_stage(capsys):
    assert main(["stages"]) == 0
    out = capsys.readouterr().out
    for name in PIPELINE.pipe_names:
        assert f"| {name} |" in out


def test_readme_pipeline_section_is_the_stage_list():
    from pipeline.commands.stages import stage_table

    readme = (Path(__file__).resolve().parents[1] / "README.md").read_text(encoding="utf-8")
    section = readme.split("<!-- stages -->\n", 1)[1].split("\n<!-- /stages -->", 1)[0]
    assert section == stage_table()
