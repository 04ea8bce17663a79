"""Cited legal instruments, eyecite style: symbols/dates -> find -> resolve.

The stage entry point is `extract_citations`: find (find.py) -> resolve
(resolve.py), as eyecite does for court opinions. One `Citation` per mention;
short forms carry the full instrument's number, date and issuer with
`short_form=True`. See docs/citations.md.
"""

from __future__ import annotations

from pipeline.document import Citation, Metadata, SectionTree
from pipeline.extraction.citations.find import find_mentions
from pipeline.extraction.citations.resolve import resolve
from pipeline.textutils import matching_form


def extract_citations(text: str, tree: SectionTree, meta: Metadata, *,
                      folded: str | None = None) -> list[Citation]:
    """Every mention of a law, decree, decision, plan, dispatch or party document in `text`.

    `folded` is the matching form the pipeline computed once (`Document.folded`).
    """
    if not text:
        return []
    folded = matching_form(text) if folded is None else folded
    mentions = find_mentions(text, folded)
    return resolve(mentions, text, tree or SectionTree(), meta or Metadata())
