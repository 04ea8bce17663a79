"""The chain of stages over one `Document`, like a spaCy pipeline over a Doc.

read -> clean -> structure -> metadata -> extractors -> classifier.
Each stage is a plain function in its own module; this module only wires them.
"""

from __future__ import annotations

from pathlib import Path

from pipeline.classifier import tag_tasks
from pipeline.document import Document
from pipeline.extraction.agencies import assign_task_agencies, extract_agencies
from pipeline.extraction.citations import extract_citations
from pipeline.extraction.deadlines import extract_deadlines
from pipeline.extraction.targets import extract_targets
from pipeline.parsing.metadata import extract_metadata
from pipeline.parsing.structure import parse_structure
from pipeline.reading.clean import clean
from pipeline.reading.guard import check_plan
from pipeline.reading.readers import read


def process_text(text: str, doc_id: str = "text", source: str = "<text>") -> Document:
    """Run every stage after reading on an already-read text."""
    from pipeline.document import RawDocument

    return process_raw(RawDocument(source=source, format="txt", text=text), doc_id)


def process_raw(raw, doc_id: str) -> Document:
    doc = Document(doc_id=doc_id, source=raw.source, format=raw.format, pages=raw.pages)
    doc.warnings.extend(raw.warnings)
    doc.text, _ = clean(raw)
    check_plan(doc)
    doc.tree = parse_structure(doc.text)
    doc.metadata = extract_metadata(doc.text, doc.tree)
    # agencies first: deadlines name the agency that owes them (task.agencies)
    doc.agencies = extract_agencies(doc.text, doc.tree, doc.metadata)
    assign_task_agencies(doc.tree, doc.agencies)
    doc.citations = extract_citations(doc.text, doc.tree, doc.metadata)
    doc.deadlines = extract_deadlines(doc.text, doc.tree, doc.metadata)
    doc.targets = extract_targets(doc.text, doc.tree, doc.metadata)
    tag_tasks(doc.tree.tasks)
    return doc


def process_file(path: str | Path) -> Document:
    """Read and process one file; raises `PlanError` with a clear reason on bad input."""
    raw = read(path)
    return process_raw(raw, Path(path).stem)
