"""Each plan once: copies of one plan found by content and by identity, one copy kept.

People download the same plan twice (a copy under another name) or as both
its DOCX and its PDF. Counted twice, every task, citation and target of it
would weigh double in the comparisons. Two records are the same plan when

- their texts are the same once normalised (folded, only letters and digits
  kept: page breaks, white space, markdown bold or a PDF's line ends do not
  count), or
- they carry the same identity: the same number, issuer and date of issue
  (all three known), e.g. the DOCX and the PDF of one plan.

The kept copy is chosen by one rule (`keep_order`): the richer format first
(DOCX keeps Word's numbering and tables; Markdown and plain text the author's
own lines; a PDF's text layer is rebuilt from page positions), then the copy
with more tasks, then the shorter and alphabetically first doc_id (the file
as first saved, not "... - Copy"). The others stay in `documents` with
`duplicate_of` = the kept doc_id and add no row to any other table.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from dataclasses import dataclass

import regex

from pipeline.textutils import fold, squash

FORMAT_RANK = {"docx": 0, "md": 1, "txt": 2, "pdf": 3}  # richer first; unknown formats last
_NOT_WORD = regex.compile(r"[^\p{L}\p{N}]+")


@dataclass(frozen=True)
class Copy:
    """What deciding duplicates needs of one record (small: held for every plan of the corpus)."""

    doc_id: str
    format: str | None
    n_tasks: int
    content: str | None  # digest of the normalised text, None when the text is empty
    identity: tuple[str, str, str] | None  # (number, issuer, date), None unless all three are known


def content_digest(text: str | None) -> str | None:
    """Digest of the text folded, with only its letters and digits: equal for copies of one text."""
    key = _NOT_WORD.sub("", fold(text or ""))
    return hashlib.sha1(key.encode("utf-8")).hexdigest() if key else None


def identity_of(metadata: dict | None) -> tuple[str, str, str] | None:
    meta = metadata or {}
    number, issuer, date = meta.get("number"), meta.get("issuer"), meta.get("issue_date")
    if not (number and issuer and date):
        return None
    return ("".join(str(number).split()).upper(), fold(squash(str(issuer))), str(date)[:10])


def copy_of(record: dict) -> Copy:
    return Copy(record["doc_id"], record.get("format"), len(record.get("tasks") or []),
                content_digest(record.get("text")), identity_of(record.get("metadata")))


def keep_order(copy: Copy) -> tuple:
    """Sort key: the copy to keep sorts first (see the module docstring)."""
    return (FORMAT_RANK.get(copy.format or "", len(FORMAT_RANK)), -copy.n_tasks, len(copy.doc_id), copy.doc_id)


def find_duplicates(copies: Iterable[Copy]) -> dict[str, str]:
    """{doc_id of a duplicate: doc_id of the kept copy}; plans with no copy are not in it."""
    copies = list(copies)
    parent = {c.doc_id: c.doc_id for c in copies}

    def root(doc_id: str) -> str:
        while parent[doc_id] != doc_id:
            parent[doc_id] = parent[parent[doc_id]]
            doc_id = parent[doc_id]
        return doc_id

    first_with: dict[tuple, str] = {}
    for c in copies:
        for key in (("content", c.content), ("identity", c.identity)):
            if key[1] is None:
                continue
            other = first_with.setdefault(key, c.doc_id)
            if other != c.doc_id:
                parent[root(c.doc_id)] = root(other)
    groups: dict[str, list[Copy]] = {}
    for c in copies:
        groups.setdefault(root(c.doc_id), []).append(c)
    out: dict[str, str] = {}
    for group in groups.values():
        if len(group) > 1:
            kept, *others = sorted(group, key=keep_order)
            out.update({o.doc_id: kept.doc_id for o in others})
    return out
