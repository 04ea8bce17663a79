"""The pipeline: one declared, ordered list of stages over one `Document`, as spaCy's `nlp` is.

Each stage names the `Document` fields it requires and the ones it assigns,
and the list is checked when this module is imported: a stage that requires
a field no earlier stage assigns is an error naming both. `process_*` only
run that list. Run part of it (`until="structure"`, `disable=("classify",)`)
or build another with `PIPELINE.replace(...)` / `.insert_after(...)`;
`python -m pipeline stages` prints it.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, fields
from pathlib import Path

from pipeline.classifier import tag_tasks
from pipeline.document import Document, RawDocument
from pipeline.extraction.agencies import assign_task_agencies, extract_agencies
from pipeline.extraction.citations import extract_citations
from pipeline.extraction.citations.layout import plan_year
from pipeline.extraction.deadlines import extract_deadlines
from pipeline.extraction.targets import extract_targets
from pipeline.parsing.metadata import extract_metadata
from pipeline.parsing.report_sections import report_spans
from pipeline.parsing.structure import parse_structure
from pipeline.reading.clean import clean
from pipeline.reading.guard import check_plan
from pipeline.reading.readers import read
from pipeline.textutils import matching_form

# What a Document holds before any stage runs: what the reader gave.
GIVEN = ("doc_id", "source", "format", "pages", "raw", "warnings")


class StageOrderError(ValueError):
    """A stage requires a field that no earlier stage assigns."""


@dataclass(frozen=True)
class Stage:
    name: str
    requires: tuple[str, ...]
    assigns: tuple[str, ...]
    func: Callable[[Document], None]
    purpose: str


class Pipeline:
    """An ordered, checked list of stages."""

    def __init__(self, stages: Sequence[Stage]):
        self.stages: tuple[Stage, ...] = tuple(stages)
        check_order(self.stages)

    @property
    def pipe_names(self) -> list[str]:
        return [s.name for s in self.stages]

    def get(self, name: str) -> Stage:
        for s in self.stages:
            if s.name == name:
                return s
        raise KeyError(f"no stage named {name!r}; stages: {', '.join(self.pipe_names)}")

    def replace(self, name: str, stage: Stage) -> Pipeline:
        self.get(name)
        return Pipeline([stage if s.name == name else s for s in self.stages])

    def insert_after(self, name: str, stage: Stage) -> Pipeline:
        i = self.pipe_names.index(self.get(name).name)
        return Pipeline([*self.stages[:i + 1], stage, *self.stages[i + 1:]])

    def without(self, names: Iterable[str]) -> Pipeline:
        names = set(names)
        for n in names:
            self.get(n)
        return Pipeline([s for s in self.stages if s.name not in names])

    def __call__(self, doc: Document, until: str | None = None, disable: Iterable[str] = ()) -> Document:
        """Run the stages on `doc` in order, stopping after `until`, skipping `disable`d ones."""
        disable = set(disable)
        for n in disable | ({until} if until else set()):
            self.get(n)
        for stage in self.stages:
            if stage.name not in disable:
                stage.func(doc)
            if stage.name == until:
                break
        return doc


def check_order(stages: Sequence[Stage]) -> None:
    """Every field a stage requires is given or assigned by an earlier stage; names are unique."""
    known = {f.name for f in fields(Document)}
    available = set(GIVEN)
    seen: set[str] = set()
    for stage in stages:
        if stage.name in seen:
            raise StageOrderError(f"two stages are named {stage.name!r}")
        seen.add(stage.name)
        for name in stage.requires:
            if name not in available:
                raise StageOrderError(f"stage {stage.name!r} requires {name!r}, which no earlier stage assigns")
        for name in stage.assigns:
            if name.split(".")[0] not in known:
                raise StageOrderError(f"stage {stage.name!r} assigns {name!r}, which is not a Document field")
        available.update(stage.assigns)


# ---------------------------------------------------------------- the stages


def _clean(doc: Document) -> None:
    doc.text, _ = clean(doc.raw)


def _fold(doc: Document) -> None:
    doc.folded = matching_form(doc.text)


def _structure(doc: Document) -> None:
    doc.tree = parse_structure(doc.text)


def _metadata(doc: Document) -> None:
    doc.metadata = extract_metadata(doc.text, doc.tree)


def _facts(doc: Document) -> None:
    doc.plan_year = plan_year(doc.folded, doc.metadata, doc.tree)
    doc.report_spans = report_spans(doc.folded, doc.tree, doc.plan_year)


def _agencies(doc: Document) -> None:
    doc.agencies = extract_agencies(doc.text, doc.tree, doc.metadata, folded=doc.folded, plan_year=doc.plan_year,
                                    report=doc.report_spans)
    assign_task_agencies(doc.tree, doc.agencies)


def _citations(doc: Document) -> None:
    doc.citations = extract_citations(doc.text, doc.tree, doc.metadata, folded=doc.folded)


def _deadlines(doc: Document) -> None:
    cited = [(c.start, c.end) for c in doc.citations]
    doc.deadlines = extract_deadlines(doc.text, doc.tree, doc.metadata, folded=doc.folded,
                                      plan_year=doc.plan_year, cited=cited, report=doc.report_spans)


def _targets(doc: Document) -> None:
    doc.targets = extract_targets(doc.text, doc.tree, doc.metadata, folded=doc.folded, plan_year=doc.plan_year,
                                  report=doc.report_spans)


def _classify(doc: Document) -> None:
    tag_tasks(doc.tree.tasks, tree=doc.tree, citations=doc.citations, agencies=doc.agencies)


STAGES: tuple[Stage, ...] = (
    Stage("clean", ("raw",), ("text",), _clean,
          "one canonical NFC text: split syllables repaired, page furniture removed, wrapped lines joined"),
    Stage("fold", ("text",), ("folded",), _fold,
          "the matching form of the text (lower case, one tone-mark convention, same length)"),
    Stage("guard", ("text",), ("warnings",), check_plan, "refuse text that is not a Vietnamese plan"),
    Stage("structure", ("text",), ("tree",), _structure, "section tree and leaf tasks with stable ids"),
    Stage("metadata", ("text", "tree"), ("metadata",), _metadata,
          "type, number, date, issuer, level, province, locality, year, title, signer"),
    Stage("facts", ("folded", "tree", "metadata"), ("plan_year", "report_spans"), _facts,
          "the year the plan is for and its results/background sections, derived once for every later stage"),
    Stage("agencies", ("text", "folded", "tree", "metadata", "plan_year", "report_spans"),
          ("agencies", "tree.tasks.agencies"),
          _agencies, "agencies resolved to sector and level with their role; task agencies from their block"),
    Stage("citations", ("text", "folded", "tree", "metadata"), ("citations",), _citations,
          "cited legal instruments: symbols repaired, dates, issuers, short forms resolved"),
    Stage("deadlines", ("text", "folded", "tree", "metadata", "plan_year", "report_spans", "citations",
                        "tree.tasks.agencies"),
          ("deadlines",), _deadlines, "deadlines and periods with recurrence, kind, what is due and who owes it"),
    Stage("targets", ("text", "folded", "tree", "metadata", "plan_year", "report_spans"), ("targets",), _targets,
          "numeric targets: value, unit, comparator, direction, year, qualifier, indicator"),
    Stage("classify", ("tree", "citations", "agencies"),
          ("tree.tasks.themes", "tree.tasks.activities", "tree.tasks.tag_evidence"), _classify,
          "theme and activity tags of every task, each with its evidence"),
)

PIPELINE = Pipeline(STAGES)


def process_raw(raw: RawDocument, doc_id: str, pipeline: Pipeline = PIPELINE, until: str | None = None,
                disable: Iterable[str] = ()) -> Document:
    """Run the stages on what a reader returned."""
    doc = Document(doc_id=doc_id, source=raw.source, format=raw.format, pages=raw.pages, raw=raw)
    doc.warnings.extend(raw.warnings)
    return pipeline(doc, until=until, disable=disable)


def process_text(text: str, doc_id: str = "text", source: str = "<text>", **options) -> Document:
    """Run every stage after reading on an already-read text (`until=`, `disable=`, `pipeline=` as above)."""
    return process_raw(RawDocument(source=source, format="txt", text=text), doc_id, **options)


def process_file(path: str | Path, **options) -> Document:
    """Read and process one file; raises `PlanError` with a clear reason on bad input."""
    return process_raw(read(path), Path(path).stem, **options)
