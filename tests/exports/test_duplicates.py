"""Each plan once: a copy under another name and the PDF of a plan are set aside, by a stated rule."""

from __future__ import annotations

import shutil
from pathlib import Path

import pyarrow.parquet as pq
import pytest

from pipeline.exports.duplicates import Copy, content_digest, find_duplicates, identity_of, keep_order
from pipeline.reading.clean import clean
from pipeline.reading.readers import read
from pipeline.running.batch import run_batch
from pipeline.running.engines import InlineEngine
from pipeline.running.synth import render_pdf

ROOT = Path(__file__).resolve().parents[2]
SEEDS = sorted((ROOT / "data" / "raw").glob("*.txt"))
SEED_000 = SEEDS[0]


def test_copies_of_one_text_share_a_digest_whatever_their_layout():
    text = "KẾ HOẠCH\n**Thực hiện công tác trẻ em năm 2024**\n- Tổ chức dạy bơi cho trẻ em."
    pdf_like = "KẾ HOẠCH Thực hiện công tác\ntrẻ em năm 2024\n-Tổ chức dạy bơi cho trẻ em ."
    assert content_digest(text) == content_digest(pdf_like)
    assert content_digest(text) != content_digest(text.replace("2024", "2025"))
    assert content_digest("") is None and content_digest(" \n**") is None


def test_identity_needs_number_issuer_and_date():
    meta = {"number": "31/KH-UBND", "issuer": "UBND huyện Vĩnh Thuận", "issue_date": "2025-02-28"}
    assert identity_of(meta) == identity_of({**meta, "number": "31 / KH-UBND", "issuer": "UBND huyện  Vĩnh Thuận"})
    assert identity_of({**meta, "issue_date": None}) is None
    assert identity_of({**meta, "number": None}) is None


def test_the_kept_copy_is_the_richer_format_then_more_tasks_then_the_first_name():
    ident = ("31/KH-UBND", "ubnd", "2025-02-28")
    pdf, txt, docx = (Copy("kh_pdf", "pdf", 9, "a", ident), Copy("kh_txt", "txt", 9, "b", ident),
                      Copy("kh_docx", "docx", 8, "c", ident))
    assert find_duplicates([pdf, txt, docx]) == {"kh_pdf": "kh_docx", "kh_txt": "kh_docx"}
    assert find_duplicates([pdf, txt]) == {"kh_pdf": "kh_txt"}
    copy = Copy("kh - Copy", "txt", 9, "b", None)
    assert find_duplicates([copy, txt]) == {"kh - Copy": "kh_txt"}
    assert sorted([copy, txt], key=keep_order)[0] is txt


def test_copies_linked_through_a_third_are_one_plan():
    """A's text equals B's, B's identity equals C's: one plan, whatever the order they come in."""
    ident = ("1/KH", "x", "2024-01-01")
    a, b, c = Copy("a", "txt", 1, "t", None), Copy("b", "pdf", 1, "t", ident), Copy("c", "docx", 1, "u", ident)
    assert find_duplicates([a, b, c]) == find_duplicates([c, b, a]) == {"a": "c", "b": "c"}
    assert find_duplicates([Copy("d", "txt", 1, "v", None), a]) == {}


@pytest.fixture(scope="module")
def run_with_copies(tmp_path_factory):
    folder = tmp_path_factory.mktemp("in")
    for seed in SEEDS:
        shutil.copy(seed, folder / seed.name)
    shutil.copy(SEED_000, folder / f"{SEED_000.stem} - Copy.txt")  # byte-identical, another name
    render_pdf(clean(read(SEED_000))[0], folder / "ke_hoach_000_ban_in.pdf")  # its PDF rendering
    out = tmp_path_factory.mktemp("out")
    summary = run_batch([folder], out, engine=InlineEngine(), progress=False, quiet=True)
    return summary, out


def test_copies_stay_in_documents_with_duplicate_of_and_nowhere_else(run_with_copies):
    summary, out = run_with_copies
    docs = pq.read_table(out / "parquet" / "documents.parquet").to_pylist()
    marked = {d["doc_id"]: d["duplicate_of"] for d in docs if d["duplicate_of"]}
    assert marked == {f"{SEED_000.stem} - Copy": SEED_000.stem, "ke_hoach_000_ban_in": SEED_000.stem}
    assert len([d for d in docs if not d["duplicate_of"]]) == len(SEEDS)
    for table in ("sections", "tasks", "task_themes", "citations", "agencies", "task_agencies", "deadlines",
                  "targets"):
        ids = set(pq.read_table(out / "parquet" / f"{table}.parquet", columns=["doc_id"]).column(0).to_pylist())
        assert not ids & set(marked), table
    tasks = pq.read_table(out / "parquet" / "tasks.parquet", columns=["doc_id"]).column(0).to_pylist()
    assert tasks.count(SEED_000.stem) == next(d["n_tasks"] for d in docs if d["doc_id"] == SEED_000.stem) > 0
    instruments = pq.read_table(out / "parquet" / "instruments.parquet").to_pylist()
    cited_by = [i["doc_ids"] if isinstance(i["doc_ids"], list) else (i["doc_ids"] or "").split("; ")
                for i in instruments]
    assert not any(set(marked) & set(ids) for ids in cited_by)
    assert summary.duplicates == 2 and "2 duplicates set aside" in summary.line()
    assert summary.failed == 0


def test_pivots_count_each_plan_once(run_with_copies):
    from pipeline.exports.duckdb_export import connect_parquet
    from pipeline.exports.pivots import LONG_COMPARISONS

    _, out = run_with_copies
    con = connect_parquet(out / "parquet")
    try:
        for name, build in LONG_COMPARISONS.items():
            assert set(build(con)["doc_id"]) <= {s.stem for s in SEEDS}, name
        assert set(LONG_COMPARISONS["plan_theme"](con)["doc_id"]) == {s.stem for s in SEEDS}
    finally:
        con.close()
