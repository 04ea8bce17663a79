"""vn-child-plans: Vietnamese child-protection plans to a comparable dataset.

The pipeline is a chain of plain functions over one `Document`
(read -> clean -> structure -> metadata -> extractors -> classifier -> record),
see `pipeline.process`. From Python:

    from pipeline import process_file, process_text, load_dataset
    doc = process_file("data/raw/000_fb34435fc2fada6a.txt")  # .metadata .tasks .citations .agencies ...
    data = load_dataset("data/processed")                    # one DataFrame per table: data.tasks, ...

The names are imported on first use, so `import pipeline` (and the command
line) does not load the whole pipeline.
"""

from __future__ import annotations

from typing import Any

__version__ = "0.1.0"
__all__ = ["Dataset", "__version__", "load_dataset", "process_file", "process_text"]

_LAZY = {"process_file": "pipeline.process", "process_text": "pipeline.process",
         "load_dataset": "pipeline.exports.dataset", "Dataset": "pipeline.exports.dataset"}


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        import importlib

        return getattr(importlib.import_module(_LAZY[name]), name)
    raise AttributeError(f"module 'pipeline' has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted([*globals(), *_LAZY])
