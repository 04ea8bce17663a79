"""Load the knowledge files under `pipeline/knowledge/resources/` once.

Every Vietnamese word list (instrument types, issuer codes, agency names per
level, named laws, provinces and mergers, theme cues, indicators) lives in a
YAML or CSV file there, not in code.
"""

from __future__ import annotations

import csv
from functools import cache
from importlib import resources as _res
from pathlib import Path
from typing import Any

import yaml

RESOURCE_DIR = Path(str(_res.files("pipeline.knowledge") / "resources"))


@cache
def load_yaml(name: str) -> Any:
    """Parsed content of `resources/<name>` (cached)."""
    with open(RESOURCE_DIR / name, encoding="utf-8") as f:
        return yaml.safe_load(f)


@cache
def load_csv(name: str) -> list[dict[str, str]]:
    """Rows of `resources/<name>` as dicts (cached)."""
    with open(RESOURCE_DIR / name, encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))
