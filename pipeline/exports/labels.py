"""Vietnamese labels of the ids people see: themes, activities, sectors, levels, roles, relations, kinds.

The labels are data (`resources/labels.yaml`); the tables carry them in
`*_label` columns beside the ids, and the workbook and report show them.
An id without a label is shown as itself, never as an empty cell.
"""

from __future__ import annotations

from functools import cache

from pipeline.knowledge.loader import load_yaml

# which list of labels.yaml names each kind of id
KINDS = ("themes", "activities", "sectors", "levels", "roles", "relations", "deadline_kinds", "recurrences",
         "directions", "units", "yes_no")


@cache
def labels(kind: str) -> dict[str, str]:
    """{id: Vietnamese label} of one kind of id."""
    if kind not in KINDS:
        raise KeyError(kind)
    return {str(k): str(v) for k, v in (load_yaml("labels.yaml").get(kind) or {}).items()}


def label(kind: str, value: str | None) -> str | None:
    """The Vietnamese label of `value`, the value itself when it has none, None for None."""
    if value is None:
        return None
    return labels(kind).get(str(value), str(value))


def theme_label(theme: str | None) -> str | None:
    """A theme or an activity id (task_themes mixes both)."""
    if theme is None:
        return None
    return labels("themes").get(theme) or labels("activities").get(theme) or theme


def agency_label(agency: str | None) -> str | None:
    """'health/province' -> 'Y tế (tỉnh)'."""
    if agency is None:
        return None
    sector, _, level = agency.partition("/")
    shown = label("sectors", sector)
    return f"{shown} ({label('levels', level).lower()})" if level else shown
