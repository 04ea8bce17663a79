"""The data model: one `Document` flows through every stage.

Every extracted value is a dataclass carrying `start`/`end` character offsets
into `Document.text` (the cleaned NFC text), the `text` of its evidence and
the id of the innermost `section` holding it, so a person can check it.
Field names follow the record contract (`../shared/contract/README.md`).
"""

from __future__ import annotations

import bisect
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any


@dataclass
class RawDocument:
    """What a reader returns: the text as the file holds it, before cleaning."""

    source: str
    format: str  # "txt" | "md" | "pdf" | "docx"
    text: str
    pages: int = 1
    warnings: list[str] = field(default_factory=list)
    ocr: dict | None = None  # pages read by OCR and their mean confidence (pipeline.reading.ocr)


@dataclass
class Metadata:
    doc_type: str | None = None
    number: str | None = None
    issue_date: str | None = None  # ISO YYYY-MM-DD, None when the day is blank
    issuer: str | None = None
    admin_level: str | None = None  # central | province | district | commune
    province: str | None = None  # before the 2025 mergers
    province_2025: str | None = None  # the province it belongs to after the 2025 mergers
    locality: str | None = None
    year: int | None = None
    title: str | None = None
    signer: str | None = None


@dataclass
class Section:
    id: str  # labels joined with dots: "II.3"
    level: int  # 1 = Roman (or top numbered), 2 = numbered under it, ...
    label: str  # "3"
    parent: str | None
    heading: str
    start: int  # start of the heading line
    end: int  # end of the section's body (exclusive)
    heading_end: int = 0  # end of the heading text


@dataclass
class Task:
    id: str  # stable id: section id plus item label or ordinal, "II.3.g", "II.1.-2"
    section: str
    text: str
    start: int
    end: int
    label: str | None = None  # "g", "-", "+", "3"
    themes: list[str] = field(default_factory=list)
    activities: list[str] = field(default_factory=list)
    agencies: list[str] = field(default_factory=list)  # "sector/level"
    # why each tag: "facet:label" -> its top evidence ("cue: đuối nước", "heading: …", "instrument: …", "word: …")
    tag_evidence: dict[str, list[str]] = field(default_factory=dict)


@dataclass
class SectionTree:
    """Sections and leaf tasks of a document, with lookup by offset."""

    sections: list[Section] = field(default_factory=list)
    tasks: list[Task] = field(default_factory=list)

    def section_at(self, pos: int) -> str | None:
        """Id of the innermost section whose span holds `pos`."""
        best: Section | None = None
        for s in self.sections:
            if s.start <= pos < s.end and (best is None or s.level >= best.level):
                best = s
        return best.id if best else None

    def task_at(self, pos: int) -> Task | None:
        starts = [t.start for t in self.tasks]
        i = bisect.bisect_right(starts, pos) - 1
        if i >= 0 and self.tasks[i].start <= pos < self.tasks[i].end:
            return self.tasks[i]
        return None

    def get(self, section_id: str) -> Section | None:
        for s in self.sections:
            if s.id == section_id:
                return s
        return None

    def ancestors(self, section_id: str | None) -> list[Section]:
        """The section and its parents, innermost first."""
        out: list[Section] = []
        while section_id:
            s = self.get(section_id)
            if s is None:
                break
            out.append(s)
            section_id = s.parent
        return out


@dataclass
class Citation:
    type: str | None
    number: str | None
    name: str | None
    date: str | None
    issuer: str | None
    relation: str  # implements | cites
    text: str
    start: int
    end: int
    section: str | None = None
    issuer_level: str | None = None
    key: str | None = None  # registry key of the instrument
    short_form: bool = False  # a short form resolved to a full mention


@dataclass
class AgencyMention:
    name: str
    sector: str
    level: str | None
    role: str  # lead | support | requested | recipient | issuer
    text: str
    start: int
    end: int
    section: str | None = None


@dataclass
class Deadline:
    date: str | None
    year: int | None
    month: int | None
    day: int | None
    recurrence: str  # once | annual
    kind: str  # due | start | end
    what: str | None
    agency: str | None  # "sector/level"
    text: str
    start: int
    end: int
    section: str | None = None


@dataclass
class Target:
    indicator: str | None
    value: float
    unit: str  # % | per_1000 | per_100000 | count
    comparator: str  # < <= > >= =
    direction: str  # decrease | increase | maintain | reach
    target_year: int | None
    qualifier: str | None
    text: str
    start: int
    end: int
    section: str | None = None
    indicator_id: str | None = None  # canonical indicator (resources/indicators.yaml)


@dataclass
class Document:
    """One plan, filled in stage by stage."""

    doc_id: str
    source: str
    format: str = "txt"
    pages: int = 1
    raw: RawDocument | None = None  # what the reader returned; the `clean` stage reads it
    text: str = ""  # the cleaned NFC text: every offset points into it
    folded: str = ""  # the matching form of `text` (textutils.matching_form), same length
    plan_year: int | None = None  # the year the plan is for, derived once (`facts` stage)
    # (start, end) of the sections reporting results, background or the situation (`facts` stage)
    report_spans: list[tuple[int, int]] = field(default_factory=list)
    metadata: Metadata = field(default_factory=Metadata)
    tree: SectionTree = field(default_factory=SectionTree)
    citations: list[Citation] = field(default_factory=list)
    agencies: list[AgencyMention] = field(default_factory=list)
    deadlines: list[Deadline] = field(default_factory=list)
    targets: list[Target] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

    @property
    def tasks(self) -> list[Task]:
        """The leaf tasks of the section tree."""
        return self.tree.tasks

    @property
    def sections(self) -> list[Section]:
        return self.tree.sections

    @classmethod
    def from_path(cls, path: str | Path) -> Document:
        p = Path(path)
        return cls(doc_id=p.stem, source=str(path))

    def to_record(self) -> dict[str, Any]:
        """The per-document record of the contract (plus extra fields)."""
        from pipeline import __version__

        record = {
            "doc_id": self.doc_id,
            "source": self.source,
            "format": self.format,
            "pages": self.pages,
            "pipeline_version": __version__,
            "text": self.text,
            "metadata": asdict(self.metadata),
            "sections": [asdict(s) for s in self.tree.sections],
            "tasks": [asdict(t) for t in self.tree.tasks],
            "citations": [asdict(c) for c in self.citations],
            "agencies": [asdict(a) for a in self.agencies],
            "deadlines": [asdict(d) for d in self.deadlines],
            "targets": [asdict(t) for t in self.targets],
            "warnings": list(self.warnings),
        }
        if self.raw is not None and self.raw.ocr:  # a scanned PDF: which pages OCR read, how sure it was
            record["ocr"] = dict(self.raw.ocr)
        return record


def iter_spans(record: dict[str, Any]):
    """Yield (kind, item) for every item of a record that carries start/end/text offsets."""
    for kind in ("sections", "tasks", "citations", "agencies", "deadlines", "targets"):
        for item in record.get(kind, []):
            if "start" in item and "end" in item:
                yield kind, item
