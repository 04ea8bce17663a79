"""Is this text a Vietnamese plan at all? (STUB until issue 6.)

Raises `NotAPlan` for readable text that is clearly something else
(English prose, a spreadsheet dump), so it lands in errors.csv with a reason.
"""

from __future__ import annotations

from pipeline.document import Document


def check_plan(doc: Document) -> None:
    """Raise `NotAPlan`, or append to `doc.warnings`, when the text does not look like a plan."""
