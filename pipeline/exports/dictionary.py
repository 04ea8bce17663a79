"""docs/data_dictionary.md, generated from the schema in code and the meanings in a resource file.

Names and types come from `tables.SCHEMA` (what the writers use), meanings
from `resources/data_dictionary.yaml`, the views from `duckdb_export.VIEWS`:
the dictionary cannot drift from the files. `python -m pipeline.exports.dictionary`
writes it; a test checks the file is what this module makes.
"""

from __future__ import annotations

import sys
from pathlib import Path

from pipeline.exports.duckdb_export import VIEWS
from pipeline.exports.tables import SCHEMA
from pipeline.knowledge.loader import load_yaml

DICTIONARY_PATH = Path(__file__).resolve().parents[2] / "docs" / "data_dictionary.md"


def _cell(text: str) -> str:
    return " ".join(str(text).split()).replace("|", "\\|").replace("\\\\|", "\\|")


def missing_meanings() -> list[str]:
    """`table.column` of every schema column (and every view) the resource file does not explain."""
    meanings = load_yaml("data_dictionary.yaml")
    tables = meanings.get("tables") or {}
    missing = [f"{t}.{c}" for t, cols in SCHEMA.items() for c, _ in cols
               if not ((tables.get(t) or {}).get("columns") or {}).get(c)]
    return missing + [f"view {v}" for v in VIEWS if not (meanings.get("views") or {}).get(v)]


def render() -> str:
    """The whole markdown file."""
    meanings = load_yaml("data_dictionary.yaml")
    out = ["# Data dictionary", "", meanings["intro"].strip(), ""]
    for table, columns in SCHEMA.items():
        about = (meanings["tables"].get(table) or {})
        out += [f"## {table}", "", about.get("about", "").strip(), "", "| column | type | meaning |",
                "| --- | --- | --- |"]
        out += [f"| {name} | {kind} | {_cell((about.get('columns') or {}).get(name, ''))} |" for name, kind in columns]
        out.append("")
    out += ["## Views of plans.duckdb", "", "| view | one row per |", "| --- | --- |"]
    out += [f"| {name} | {_cell(meanings['views'].get(name, ''))} |" for name in VIEWS]
    out += ["", meanings["after"].strip(), ""]
    return "\n".join(out)


def write(path: Path = DICTIONARY_PATH) -> Path:
    path.write_text(render(), encoding="utf-8")
    return path


if __name__ == "__main__":  # python -m pipeline.exports.dictionary [PATH]
    missing = missing_meanings()
    if missing:
        print("no meaning in resources/data_dictionary.yaml for: " + ", ".join(missing), file=sys.stderr)
        sys.exit(1)
    print(write(Path(sys.argv[1]) if len(sys.argv) > 1 else DICTIONARY_PATH))
