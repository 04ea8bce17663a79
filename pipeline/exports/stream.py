"""One pass over the records, straight to the Parquet files: memory stays flat as the corpus grows.

Each record's rows (tables.record_rows) are appended to its table's Parquet
file in chunks and the record (with its big `text`) is dropped at once. What
stays in memory is small per plan: its plan label and the slim record the instrument
registry reads (metadata + citations without their evidence). Two tables
need the whole corpus before their rows are final: documents (a plan label
two plans share gets their doc_ids) and citations (`instrument_key` and
`cited_doc_id` come from the registry). Their rows are staged in temporary
Parquet files and finished in a second, streaming pass over them.
"""

from __future__ import annotations

import sys
from collections.abc import Iterable
from contextlib import ExitStack
from pathlib import Path

import pyarrow.parquet as pq

from pipeline.exports.files import atomic_path
from pipeline.exports.parquet_export import COMPRESSION, ChunkedParquetWriter, iter_rows, rows_to_arrow
from pipeline.exports.tables import (
    ROW_TABLES,
    SCHEMA,
    TABLES,
    CitationFinisher,
    PlanLabels,
    build_registry,
    error_rows,
    record_rows,
    slim_record,
)

STAGED = ("documents", "citations")  # rows final only once the corpus is seen
STREAMED = [t for t in ROW_TABLES if t not in STAGED]  # rows final as soon as written


def _restream(staged: Path, table: str, target: ChunkedParquetWriter, finish) -> None:
    """Copy a staged table's rows to `target`, each through `finish`, a batch at a time."""
    names = [name for name, _ in SCHEMA[table]]
    for batch in iter_rows(staged):
        target.add(finish(dict(zip(names, row, strict=True))) for row in batch)


def write_parquet_tables(records: Iterable[dict], errors: list[dict], parquet_dir: Path,
                         staging_dir: Path, duplicates: dict[str, str] | None = None) -> dict[str, Path]:
    """Write `parquet_dir/<table>.parquet` for every table; return {table: path}.

    `duplicates`: {doc_id: kept doc_id} of the copies set aside (duplicates.py): documents rows only.
    `errors` is read after the records (reading them may add rows to it).
    Every file is written under a temporary name and renamed once all are whole.
    """
    paths = {t: Path(parquet_dir) / f"{t}.parquet" for t in TABLES}
    staged = {t: Path(staging_dir) / f"{t}.parquet" for t in STAGED}
    with ExitStack() as stack:
        tmp = {t: stack.enter_context(atomic_path(paths[t])) for t in TABLES}
        writers = {t: ChunkedParquetWriter(t, tmp[t] if t in STREAMED else staged[t]) for t in ROW_TABLES}
        for writer in writers.values():
            stack.callback(writer.close)  # closed (footer written) before its file is renamed or removed
        labels: list[str] = []
        slim: list[dict] = []
        duplicates = duplicates or {}
        for record in records:
            duplicate_of = duplicates.get(record["doc_id"])
            rows = record_rows(record, duplicate_of)
            for table, writer in writers.items():
                writer.add(rows[table])
            if duplicate_of is None:
                labels.extend(sys.intern(r["plan"]) for r in rows["documents"])
                slim.append(slim_record(record))
        for table in STAGED:
            writers[table].close()

        finishers = {"documents": PlanLabels(labels).finish}
        del labels
        citations = CitationFinisher(build_registry(slim))
        del slim
        finishers["citations"] = citations.finish
        for table in STAGED:
            final = ChunkedParquetWriter(table, tmp[table])
            stack.callback(final.close)
            _restream(staged[table], table, final, finishers[table])
        pq.write_table(rows_to_arrow(citations.instrument_rows(), "instruments"), tmp["instruments"],
                       compression=COMPRESSION)
        pq.write_table(rows_to_arrow(error_rows(errors), "errors"), tmp["errors"], compression=COMPRESSION)
    return paths
