"""The dataset and its exports: contents, not only existence.

Two inputs: a small synthetic corpus (real sample-plan text with hand-placed
items quoted from it, so a known citation and target must land in known
cells), and the real records of data/raw (row counts must match them).
"""

from __future__ import annotations

import csv
import io
import json
import re
import shutil
import subprocess
import unicodedata
from pathlib import Path

import duckdb
import openpyxl
import pandas as pd
import pyarrow.parquet as pq
import pytest

from pipeline.exports import TABLES, write_dataset
from pipeline.exports.csv_export import FORMULA_TRIGGERS, neutralise
from pipeline.exports.tables import SCHEMA, build_tables

ROOT = Path(__file__).resolve().parents[2]
RAW = ROOT / "data" / "raw"
DICTIONARY = ROOT / "docs" / "data_dictionary.md"
QUERIES = ROOT / "docs" / "queries.md"

# A plan of our own wording (not from any real plan) that carries out sample plan 004.
COMMUNE_TEXT = ("KẾ HOẠCH\nThực hiện Công văn số 403/UBND-KGVX ngày 06/4/2021 của UBND tỉnh Kiên Giang, "
                "UBND xã ban hành kế hoạch công tác trẻ em năm 2021.\n- Tổ chức dạy bơi cho trẻ em trong hè.\n")


def _item(text: str, evidence: str, section: str | None = None, **fields) -> dict:
    start = text.index(evidence)
    return {**fields, "text": evidence, "start": start, "end": start + len(evidence), "section": section}


def _record(doc_id: str, text: str, metadata: dict, **lists) -> dict:
    rec = {"doc_id": doc_id, "source": f"data/raw/{doc_id}.txt", "format": "txt", "pages": 1,
           "pipeline_version": "test", "text": text, "metadata": metadata, "warnings": []}
    for kind in ("sections", "tasks", "citations", "agencies", "deadlines", "targets"):
        rec[kind] = lists.get(kind, [])
    return rec


def _cite(text, evidence, **kw):
    base = {"type": None, "number": None, "name": None, "date": None, "issuer": None, "relation": "cites",
            "issuer_level": None, "key": None, "short_form": False}
    return _item(text, evidence, **{**base, **kw})


def synthetic_records() -> list[dict]:
    t001 = unicodedata.normalize("NFC", (RAW / "001_2684e7fb74e79852.txt").read_text(encoding="utf-8"))
    t000 = unicodedata.normalize("NFC", (RAW / "000_fb34435fc2fada6a.txt").read_text(encoding="utf-8"))
    t004 = unicodedata.normalize("NFC", (RAW / "004_65f01fc30d0adf68.txt").read_text(encoding="utf-8"))
    bullet = "- Tăng cường tổ chức tự kiểm tra việc thực hiện chính sách pháp luật về trẻ em"
    r001 = _record("001_2684e7fb74e79852", t001, {
        "doc_type": "Kế hoạch", "number": None, "issue_date": None, "issuer": "UBND tỉnh Thừa Thiên Huế",
        "admin_level": "province", "province": "Thừa Thiên Huế", "province_2025": None, "locality": None,
        "year": 2023, "title": "Thực hiện công tác bảo vệ, chăm sóc trẻ em tỉnh năm 2023", "signer": None},
        sections=[{"id": "I", "level": 1, "label": "I", "parent": None, "heading": "MỤC TIÊU",
                   "start": t001.index("I. MỤC TIÊU"), "end": len(t001),
                   "heading_end": t001.index("I. MỤC TIÊU") + len("I. MỤC TIÊU")}],
        tasks=[{**_item(t001, "Giảm tỷ suất tử vong trẻ sơ sinh trên 1.000 trẻ đẻ sống", "I"), "id": "I.2.-1",
                "label": "-", "themes": ["health_nutrition"], "activities": [],
                "agencies": ["health/province"]}],
        citations=[_cite(t001, "Kế hoạch số 208/KH-UBND ngày 09/06/2021", type="Kế hoạch", number="208/KH-UBND",
                         date="2021-06-09", issuer="UBND tỉnh Thừa Thiên Huế", relation="implements")],
        agencies=[_item(t001, "Sở Lao động - Thương binh và Xã hội", "V", name="Sở Lao động - Thương binh và Xã hội",
                        sector="labour_social", level="province", role="recipient")]
        if "Sở Lao động - Thương binh và Xã hội" in t001 else [],
        deadlines=[_item(t001, "trước ngày 15/4/2023", "V", date="2023-04-15", year=2023, month=4, day=15,
                         recurrence="once", kind="due", what="ban hành kế hoạch triển khai", agency=None)],
        targets=[_item(t001, "dưới 9,5%", "I", indicator="tỷ suất tử vong trẻ sơ sinh", value=9.5, unit="per_1000",
                       comparator="<", direction="decrease", target_year=None, qualifier=None),
                 _item(t001, "xuống 12%", "I", indicator="tỷ suất tử vong của trẻ em dưới 1 tuổi", value=12.0,
                       unit="per_1000", comparator="=", direction="decrease", target_year=None, qualifier=None)],
    )
    r000 = _record("000_fb34435fc2fada6a", t000, {
        "doc_type": "Kế hoạch", "number": "31/KH-UBND", "issue_date": "2025-02-28",
        "issuer": "UBND huyện Vĩnh Thuận", "admin_level": "district", "province": "Kiên Giang",
        "province_2025": None, "locality": "Vĩnh Thuận", "year": 2025, "title": None, "signer": None},
        tasks=[{**_item(t000, bullet, "II.2"), "id": "II.2.-1", "label": "-", "themes": ["violence_abuse"],
                "activities": ["inspection"], "agencies": ["labour_social/district"]}],
        citations=[_cite(t000, "Luật Trẻ em", name="Luật Trẻ em", type="Luật")],
    )
    r004 = _record("004_65f01fc30d0adf68", t004, {
        "doc_type": "Công văn", "number": "403/UBND-KGVX", "issue_date": "2021-04-06",
        "issuer": "UBND tỉnh Kiên Giang", "admin_level": "province", "province": "tỉnh Kiên Giang",
        "province_2025": None, "locality": "Kiên Giang", "year": 2021, "title": None, "signer": None},
        citations=[_cite(t004, "Luật Trẻ em", name="Luật Trẻ em", type="Luật")],
    )
    r_commune = _record("900_synthetic_commune", COMMUNE_TEXT, {
        "doc_type": "Kế hoạch", "number": None, "issue_date": None, "issuer": "UBND xã Thử Nghiệm",
        "admin_level": "commune", "province": "Kiên Giang", "province_2025": None, "locality": "Thử Nghiệm",
        "year": 2021, "title": None, "signer": None},
        tasks=[{**_item(COMMUNE_TEXT, "- Tổ chức dạy bơi cho trẻ em trong hè.", None), "id": "-1", "label": "-",
                "themes": ["drowning"], "activities": ["direct_support"], "agencies": []}],
        citations=[_cite(COMMUNE_TEXT, "Công văn số 403/UBND-KGVX ngày 06/4/2021", type="Công văn",
                         number="403/UBND-KGVX", date="2021-04-06", issuer="UBND tỉnh Kiên Giang",
                         relation="implements")],
    )
    return [r000, r001, r004, r_commune]


ERRORS = [{"doc_id": "broken", "source": "data/raw/broken.pdf", "error": "NotAPlan",
           "reason": "this file is not a plan", "hint": "=HYPERLINK(\"x\")"}]


@pytest.fixture(scope="module")
def synthetic_dir(tmp_path_factory) -> Path:
    d = tmp_path_factory.mktemp("synthetic_records")
    for rec in synthetic_records():
        (d / f"{rec['doc_id']}.json").write_text(json.dumps(rec, ensure_ascii=False), encoding="utf-8")
    return d


@pytest.fixture(scope="module")
def dataset(synthetic_dir, tmp_path_factory) -> tuple[Path, dict[str, Path]]:
    out = tmp_path_factory.mktemp("processed")
    return out, write_dataset(synthetic_dir, out, ERRORS)


def read_csv(path: Path) -> list[dict]:
    raw = path.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf"), "no UTF-8 BOM: Excel would show Vietnamese as mojibake"
    return list(csv.DictReader(io.StringIO(raw[3:].decode("utf-8"), newline="")))


# --- every output, atomically -------------------------------------------------------

def test_write_dataset_writes_every_output_and_no_temporary_file(dataset):
    out, written = dataset
    expected = {f"csv/{t}.csv" for t in TABLES} | {f"parquet/{t}.parquet" for t in TABLES} | {
        "plans.duckdb", "comparison.xlsx", "report.html"}
    assert set(written) == expected
    assert all(p.is_file() and p.stat().st_size > 0 for p in written.values())
    assert not [p for p in out.rglob("*") if p.name.endswith((".tmp", ".wal"))]


def test_a_failing_writer_leaves_the_previous_file_whole(synthetic_dir, tmp_path, monkeypatch):
    write_dataset(synthetic_dir, tmp_path, [])
    before = {name: (tmp_path / name).read_bytes() for name in ("comparison.xlsx", "report.html")}
    from pipeline.exports import workbook
    from pipeline.exports.duckdb_export import connect_parquet

    def boom(*args, **kwargs):
        raise RuntimeError("disk full")

    # the comparisons fail: the report (written by write_dataset's own process) stays as it was
    monkeypatch.setattr(workbook.pivots, "_long", boom)
    with pytest.raises(RuntimeError):
        write_dataset(synthetic_dir, tmp_path, [])
    assert (tmp_path / "report.html").read_bytes() == before["report.html"]
    assert not list(tmp_path.glob(".report.html.*"))
    # the workbook is written by a second process, where this patch does not reach: fail it directly
    restored = tmp_path / "restored"
    restored.mkdir()
    (restored / "comparison.xlsx").write_bytes(before["comparison.xlsx"])
    with pytest.raises(RuntimeError):
        workbook.write_workbook(connect_parquet(tmp_path / "parquet"), tmp_path / "parquet",
                                restored / "comparison.xlsx")
    assert (restored / "comparison.xlsx").read_bytes() == before["comparison.xlsx"]
    assert not list(restored.glob(".comparison.xlsx.*"))


def test_a_failing_workbook_process_fails_the_export(synthetic_dir, tmp_path):
    """An error in the side process (here: a Parquet file it cannot read) reaches write_dataset's caller."""
    from pipeline.exports import _start_workbook

    write_dataset(synthetic_dir, tmp_path, [])
    before = (tmp_path / "comparison.xlsx").read_bytes()
    (tmp_path / "parquet" / "tasks.parquet").write_bytes(b"not parquet")
    with pytest.raises(Exception, match="(?i)parquet|magic"):
        _start_workbook(tmp_path / "parquet", tmp_path / "comparison.xlsx", tmp_path / "spill").result()
    assert (tmp_path / "comparison.xlsx").read_bytes() == before
    assert not list(tmp_path.glob(".comparison.xlsx.*"))


def test_unreadable_record_becomes_an_error_row(synthetic_dir, tmp_path):
    records = tmp_path / "records"
    shutil.copytree(synthetic_dir, records)
    (records / "zzz_truncated.json").write_text('{"doc_id": "zzz', encoding="utf-8")
    write_dataset(records, tmp_path / "out", [])
    rows = read_csv(tmp_path / "out" / "csv" / "errors.csv")
    assert [r["doc_id"] for r in rows] == ["zzz_truncated"]
    assert len(read_csv(tmp_path / "out" / "csv" / "documents.csv")) == 4


# --- tables -----------------------------------------------------------------------------

def test_known_citation_and_target_land_in_the_right_cells(dataset):
    out, _ = dataset
    cit = [r for r in read_csv(out / "csv" / "citations.csv") if r["number"] == "208/KH-UBND"]
    assert len(cit) == 1
    assert cit[0]["doc_id"] == "001_2684e7fb74e79852"
    assert cit[0]["date"] == "2021-06-09" and cit[0]["relation"] == "implements"
    assert cit[0]["evidence"] == "Kế hoạch số 208/KH-UBND ngày 09/06/2021"
    target = [r for r in read_csv(out / "csv" / "targets.csv") if r["evidence"] == "dưới 9,5%"]
    assert len(target) == 1
    assert target[0]["indicator_id"] == "neonatal_mortality"
    assert float(target[0]["value"]) == 9.5 and target[0]["unit"] == "per_1000"


def test_offsets_give_the_evidence(synthetic_dir):
    texts = {r["doc_id"]: r["text"] for r in synthetic_records()}
    frames = build_tables(synthetic_records())
    for table in ("tasks", "task_themes", "citations", "agencies", "task_agencies", "deadlines", "targets"):
        df = frames[table]
        for row in df.itertuples(index=False):
            assert texts[row.doc_id][row.start:row.end] == row.evidence, table


def test_instrument_registry_counts_plans_and_links_plans_of_the_corpus(dataset):
    out, _ = dataset
    inst = {r["key"]: r for r in read_csv(out / "csv" / "instruments.csv")}
    law = next(r for r in inst.values() if r["name"] == "Luật Trẻ em")
    assert int(law["n_plans"]) == 2 and int(law["n_mentions"]) == 2
    assert law["doc_ids"] == "000_fb34435fc2fada6a; 004_65f01fc30d0adf68"
    dispatch = next(r for r in inst.values() if r["number"] == "403/UBND-KGVX")
    assert dispatch["corpus_doc_id"] == "004_65f01fc30d0adf68"
    cit = next(r for r in read_csv(out / "csv" / "citations.csv") if r["number"] == "403/UBND-KGVX")
    assert cit["cited_doc_id"] == "004_65f01fc30d0adf68"
    assert cit["instrument_key"] == dispatch["key"]
    assert {c["instrument_key"] for c in read_csv(out / "csv" / "citations.csv")} <= set(inst)  # every mention joins


def test_plans_of_one_province_compare_across_the_2025_mergers(dataset):
    out, _ = dataset
    docs = {r["doc_id"]: r for r in read_csv(out / "csv" / "documents.csv")}
    province_plan, district_plan = docs["004_65f01fc30d0adf68"], docs["000_fb34435fc2fada6a"]
    assert province_plan["province"] == district_plan["province"] == "Kiên Giang"  # "tỉnh Kiên Giang" normalised
    assert province_plan["province_2025"] == district_plan["province_2025"] != ""
    assert district_plan["plan"] == "Kiên Giang · huyện Vĩnh Thuận · 2025"
    assert province_plan["plan"] == "Kiên Giang · tỉnh · 2021"
    assert len({r["plan"] for r in docs.values()}) == len(docs)


def test_task_themes_and_agencies_are_long_forms_of_tasks(dataset):
    out, _ = dataset
    themes = read_csv(out / "csv" / "task_themes.csv")
    agencies = read_csv(out / "csv" / "task_agencies.csv")
    tasks = [t for r in synthetic_records() for t in r["tasks"]]
    assert len(themes) == sum(len(t["themes"]) + len(t["activities"]) for t in tasks)
    assert ("000_fb34435fc2fada6a", "II.2.-1", "activity", "inspection") in {
        (r["doc_id"], r["task_id"], r["kind"], r["theme"]) for r in themes}
    assert {(a["doc_id"], a["task_id"], a["sector"], a["level"]) for a in agencies} == {
        ("001_2684e7fb74e79852", "I.2.-1", "health", "province"),
        ("000_fb34435fc2fada6a", "II.2.-1", "labour_social", "district")}


def test_row_counts_match_the_real_records(sample_records):
    frames = build_tables(sample_records.values())
    assert len(frames["documents"]) == len(sample_records)
    for kind in ("sections", "tasks", "citations", "agencies", "deadlines", "targets"):
        expected = sum(len(r.get(kind) or []) for r in sample_records.values())
        assert len(frames[kind]) == expected, kind
        assert frames[kind]["doc_id"].notna().all()
    n_themes = sum(len(t.get("themes") or []) + len(t.get("activities") or [])
                   for r in sample_records.values() for t in r.get("tasks") or [])
    assert len(frames["task_themes"]) == n_themes
    docs = frames["documents"].set_index("doc_id")
    for doc_id, rec in sample_records.items():
        assert docs.loc[doc_id, "n_tasks"] == len(rec.get("tasks") or [])
        assert docs.loc[doc_id, "n_chars"] == len(rec["text"])


# --- data dictionary -------------------------------------------------------------------

def parse_dictionary(path: Path) -> dict[str, list[tuple[str, str]]]:
    """`## table` headings followed by a `| column | type | meaning |` table."""
    tables: dict[str, list[tuple[str, str]]] = {}
    current = None
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.startswith("## "):
            heading = re.match(r"^## (\w+)\s*$", line)  # other headings (views, sheets) end the tables
            current = heading.group(1) if heading else None
            continue
        if current and line.startswith("|"):
            cells = [c.strip() for c in re.split(r"(?<!\\)\|", line.strip())[1:-1]]
            if cells[:2] == ["column", "type"] or set(cells[0]) <= {"-", " "}:
                continue
            tables.setdefault(current, []).append((cells[0], cells[1]))
    return tables


def test_data_dictionary_documents_every_real_column(dataset):
    documented = parse_dictionary(DICTIONARY)
    assert set(documented) == set(TABLES)
    out, _ = dataset
    arrow_names = {"string": "string", "int": "int64", "float": "double", "bool": "bool", "date": "date32[day]",
                   "list": "list<element: string>"}
    for table in TABLES:
        assert documented[table] == SCHEMA[table], table
        schema = pq.read_schema(out / "parquet" / f"{table}.parquet")
        assert [(f.name, str(f.type)) for f in schema] == [(c, arrow_names[t]) for c, t in documented[table]]
        with open(out / "csv" / f"{table}.csv", encoding="utf-8-sig", newline="") as f:
            assert next(csv.reader(f)) == [c for c, _ in documented[table]]


# --- CSV ------------------------------------------------------------------------------------

@pytest.mark.parametrize("cell, safe", [
    ("- Tăng cường công tác", "'- Tăng cường công tác"), ("=1+2", "'=1+2"), ("+84 912", "'+84 912"),
    ("@SUM(A1)", "'@SUM(A1)"), ("\tx", "'\tx"), ("\rx", "'\rx"), ("Tăng cường", "Tăng cường"), ("", ""),
])
def test_neutralise_follows_owasp(cell, safe):
    assert neutralise(cell) == safe


def test_csv_is_excel_safe_and_vietnamese_reads_back(dataset):
    out, _ = dataset
    for table in TABLES:
        raw = (out / "csv" / f"{table}.csv").read_bytes()
        assert raw.startswith(b"\xef\xbb\xbf")
        rows = list(csv.reader(io.StringIO(raw[3:].decode("utf-8"), newline="")))
        assert not any(cell.startswith(FORMULA_TRIGGERS) for row in rows for cell in row), table
    tasks = read_csv(out / "csv" / "tasks.csv")
    bullet = next(t for t in tasks if t["task_id"] == "II.2.-1")
    assert bullet["evidence"].startswith("'- Tăng cường tổ chức tự kiểm tra")  # readable, inert
    errors = read_csv(out / "csv" / "errors.csv")
    assert errors[0]["hint"] == "'=HYPERLINK(\"x\")"
    docs = read_csv(out / "csv" / "documents.csv")
    assert next(d for d in docs if d["doc_id"].startswith("000"))["issue_date"] == "2025-02-28"
    text = (out / "csv" / "targets.csv").read_text(encoding="utf-8-sig")
    assert ",9.5," in text  # numbers are written bare, so Excel reads them as numbers


def test_csv_opens_in_libreoffice_as_text_not_formulas(dataset, tmp_path):
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    if not soffice:
        pytest.skip("LibreOffice (soffice) is not installed: the headless CSV -> xlsx check needs it")
    out, _ = dataset
    src = tmp_path / "tasks.csv"
    shutil.copy(out / "csv" / "tasks.csv", src)
    subprocess.run([soffice, "--headless", "--convert-to", "xlsx", "--infilter=CSV:44,34,76,1",
                    "--outdir", str(tmp_path), str(src)], check=True, capture_output=True, timeout=180)
    ws = openpyxl.load_workbook(tmp_path / "tasks.xlsx").active
    cells = [c for row in ws.iter_rows() for c in row if c.value is not None]
    assert not [c for c in cells if c.data_type == "f"]
    assert any(isinstance(c.value, str) and "Tăng cường tổ chức tự kiểm tra" in c.value for c in cells)


# --- parquet, duckdb -------------------------------------------------------------------------

def test_parquet_is_typed_and_row_counts_agree(dataset):
    out, _ = dataset
    docs = pq.read_table(out / "parquet" / "documents.parquet").to_pandas()
    assert len(docs) == 4
    assert str(docs.loc[docs.doc_id == "000_fb34435fc2fada6a", "issue_date"].iloc[0]) == "2025-02-28"
    targets = pq.read_table(out / "parquet" / "targets.parquet")
    assert targets.schema.field("value").type == "double"
    tasks = pq.read_table(out / "parquet" / "tasks.parquet").to_pandas()
    assert tasks.loc[tasks.task_id == "II.2.-1", "evidence"].iloc[0].startswith("- Tăng cường")  # unaltered


def test_duckdb_has_tables_views_and_answers_the_documented_queries(dataset):
    out, _ = dataset
    con = duckdb.connect(str(out / "plans.duckdb"), read_only=True)
    try:
        for table in TABLES:
            n = con.execute(f'SELECT count(*) FROM "{table}"').fetchone()[0]
            assert n == len(pq.read_table(out / "parquet" / f"{table}.parquet")), table
        queries = re.findall(r"```sql\n(.*?)```", QUERIES.read_text(encoding="utf-8"), re.S)
        assert len(queries) == 3
        top = con.execute(queries[0]).fetchall()
        assert top[0][0] == "Luật Trẻ em" and top[0][2] == 2
        neonatal = con.execute(queries[1]).fetchall()
        assert [(r[1], r[3], r[4], r[5]) for r in neonatal] == [("Thừa Thiên Huế · tỉnh · 2023", "<", 9.5, "per_1000")]
        shares = con.execute(queries[2]).fetchall()
        assert ("Kiên Giang · xã Thử Nghiệm · 2021", "drowning", 1, 100.0) in shares
        links = con.execute("SELECT citing_doc_id, cited_doc_id FROM plan_links").fetchall()
        assert links == [("900_synthetic_commune", "004_65f01fc30d0adf68")]
    finally:
        con.close()


# --- workbook ------------------------------------------------------------------------------------

COMPARISON_SHEETS = ["Chủ đề theo kế hoạch", "Văn bản được trích dẫn", "Chỉ tiêu theo kế hoạch", "Ngành và chủ đề"]
TABLE_SHEETS = ["Kế hoạch (documents)", "Mục (sections)", "Nhiệm vụ (tasks)", "Nhiệm vụ-chủ đề (task_themes)",
                "Trích dẫn (citations)", "Danh mục văn bản (instruments)", "Cơ quan (agencies)",
                "Phân công (task_agencies)", "Thời hạn (deadlines)", "Chỉ tiêu (targets)", "Lỗi (errors)"]
PLAN_HEADERS = ["Kế hoạch", "Mã văn bản", "Tỉnh/thành (trước 2025)", "Tỉnh/thành (sau sáp nhập 2025)", "Cấp", "Năm"]


def _long_sheet(wb, name: str) -> list[dict]:
    rows = list(wb[name].iter_rows(min_row=2, values_only=True))  # row 1 is the note
    return [dict(zip(rows[0], r, strict=True)) for r in rows[1:]]


def test_workbook_sheets_are_excel_tables_with_frozen_headers_and_no_formula(dataset):
    out, _ = dataset
    wb = openpyxl.load_workbook(out / "comparison.xlsx")
    assert wb.sheetnames == ["Hướng dẫn", *COMPARISON_SHEETS, *TABLE_SHEETS]
    for ws in wb.worksheets:
        assert len(ws.tables) == 1, ws.title  # an Excel table: filters on its header, banded rows
        assert not [c for row in ws.iter_rows() for c in row if c.data_type == "f"], ws.title
        assert ws.column_dimensions["A"].width >= 8
    for name in COMPARISON_SHEETS + TABLE_SHEETS:
        ws = wb[name]
        table = next(iter(ws.tables.values()))
        top = openpyxl.utils.cell.range_boundaries(table.ref)[1]
        assert ws.freeze_panes is not None and int(ws.freeze_panes[1:]) == top + 1, name  # header frozen
        assert [c.value for c in ws[top]][:len(table.tableColumns)] == [c.name for c in table.tableColumns]


def test_comparison_sheets_are_long_in_vietnamese_with_the_plan_on_every_row(dataset):
    out, _ = dataset
    wb = openpyxl.load_workbook(out / "comparison.xlsx")
    for name in COMPARISON_SHEETS:
        header = next(wb[name].iter_rows(min_row=2, max_row=2, values_only=True))
        assert list(header[:6]) == PLAN_HEADERS, name
        for row in _long_sheet(wb, name):
            assert row["Kế hoạch"] and row["Tỉnh/thành (trước 2025)"] and row["Năm"], name

    themes = _long_sheet(wb, "Chủ đề theo kế hoạch")
    hue = next(r for r in themes if r["Kế hoạch"] == "Thừa Thiên Huế · tỉnh · 2023")
    assert hue["Chủ đề"] == "Chăm sóc sức khỏe, dinh dưỡng" and hue["Mã chủ đề"] == "health_nutrition"
    assert hue["Số nhiệm vụ về chủ đề"] == 1 and hue["Tỷ lệ trong kế hoạch"] == 1
    assert hue["Cấp"] == "Tỉnh" and hue["Tỉnh/thành (sau sáp nhập 2025)"] == "Huế"
    kien_giang = [r for r in themes if r["Tỉnh/thành (trước 2025)"] == "Kiên Giang"]
    drowning = next(r for r in kien_giang if r["Mã chủ đề"] == "drowning")
    assert drowning["Chủ đề"] == "Phòng, chống đuối nước"
    assert drowning["Tổng số nhiệm vụ của tỉnh"] == 2 and drowning["Tỷ lệ trong tỉnh"] == 0.5  # 1 of Kiên Giang's 2
    assert wb["Chủ đề theo kế hoạch"].cell(row=3, column=11).number_format == "0.0%"

    targets = _long_sheet(wb, "Chỉ tiêu theo kế hoạch")
    neonatal = next(r for r in targets if r["Mã chỉ tiêu"] == "neonatal_mortality")
    assert neonatal["Giá trị"] == "< 9,5‰" and neonatal["Kế hoạch"] == "Thừa Thiên Huế · tỉnh · 2023"
    assert neonatal["Đơn vị"] == "‰" and neonatal["Xu hướng"] == "Giảm"

    cited = _long_sheet(wb, "Văn bản được trích dẫn")
    law = [r for r in cited if r["Số hiệu hoặc tên văn bản"] == "Luật Trẻ em"]
    assert len(law) == 2 and {r["Số kế hoạch trích dẫn"] for r in law} == {2}
    assert {r["Kế hoạch triển khai văn bản này"] for r in cited} <= {"Có", "Không"}
    assert not any(r["Kế hoạch"] == "Thừa Thiên Huế · tỉnh · 2023" for r in law)

    sectors = _long_sheet(wb, "Ngành và chủ đề")
    labour = next(r for r in sectors if r["Mã ngành"] == "labour_social")
    assert labour["Ngành"] == "Lao động - Thương binh và Xã hội" and labour["Mã chủ đề"] == "violence_abuse"
    assert labour["Số nhiệm vụ"] == 1


def test_table_sheets_keep_ids_with_vietnamese_labels_beside_them(dataset):
    out, _ = dataset
    wb = openpyxl.load_workbook(out / "comparison.xlsx")
    tasks = wb["Nhiệm vụ (tasks)"]
    header = [c.value for c in tasks[1]]
    assert header.index("themes_label") == header.index("themes") + 1
    cells = [tasks.cell(row=i, column=header.index("evidence") + 1).value for i in range(2, tasks.max_row + 1)]
    assert any(v.startswith("- Tăng cường tổ chức tự kiểm tra") for v in cells)  # text as is, not a formula
    themed = [tasks.cell(row=i, column=header.index("themes_label") + 1).value for i in range(2, tasks.max_row + 1)]
    assert "Chăm sóc sức khỏe, dinh dưỡng" in themed
    agencies = wb["Cơ quan (agencies)"]
    header = [c.value for c in agencies[1]]
    row = dict(zip(header, [c.value for c in agencies[2]], strict=False))
    assert (row["sector"], row["sector_label"]) == ("labour_social", "Lao động - Thương binh và Xã hội")
    assert row["role_label"] == "Nhận báo cáo" and row["level_label"] == "Tỉnh"
    docs = wb["Kế hoạch (documents)"]
    date_col = [c.value for c in docs[1]].index("issue_date") + 1
    dated = [docs.cell(row=i, column=date_col) for i in range(2, docs.max_row + 1)]
    assert any(str(c.value).startswith("2025-02-28") and c.number_format == "dd/mm/yyyy" for c in dated)


def test_the_guide_explains_every_sheet_and_column_in_vietnamese(dataset):
    out, _ = dataset
    wb = openpyxl.load_workbook(out / "comparison.xlsx")
    rows = [r for r in wb["Hướng dẫn"].iter_rows(values_only=True) if r[0]]
    start = next(i for i, r in enumerate(rows) if r == ("Trang tính", "Cột", "Ý nghĩa"))
    explained = {(r[0], r[1]): r[2] for r in rows[start + 1:] if r[1] is not None}
    for name in COMPARISON_SHEETS + TABLE_SHEETS:
        assert explained.get((name, "(cả trang)")), name
    for table, sheet in zip(TABLES, TABLE_SHEETS, strict=True):
        for column, _ in SCHEMA[table]:
            assert explained.get((sheet, column)), (sheet, column)
    for header in PLAN_HEADERS:
        assert explained[("Chủ đề theo kế hoạch", header)]
    assert any("đ" in meaning or "ư" in meaning for meaning in explained.values())


def test_empty_corpus_and_bare_record_still_give_every_output(tmp_path):
    empty = tmp_path / "empty"
    empty.mkdir()
    written = write_dataset(empty, tmp_path / "out_empty", ERRORS)
    assert len(written) == 2 * len(TABLES) + 3
    assert read_csv(tmp_path / "out_empty" / "csv" / "errors.csv")[0]["doc_id"] == "broken"
    bare = tmp_path / "bare"
    bare.mkdir()
    (bare / "a.json").write_text(json.dumps({"doc_id": "a", "text": "Kế hoạch", "metadata": None}), encoding="utf-8")
    write_dataset(bare, tmp_path / "out_bare", [])
    docs = read_csv(tmp_path / "out_bare" / "csv" / "documents.csv")
    assert [(d["doc_id"], d["plan"], d["n_chars"]) for d in docs] == [("a", "? · ?", "8")]


# --- streaming: same tables as in memory, bounded sheets and pages ----------------------------------

def test_streamed_tables_equal_the_in_memory_ones(tmp_path, monkeypatch):
    """write_dataset streams rows in chunks and finishes documents and citations in a second pass;
    with chunks of 3 rows (many row groups) and two plans sharing a label, every table must still be
    exactly what build_tables makes in memory."""
    from pipeline.exports import parquet_export
    from pipeline.exports.duckdb_export import connect_frames, connect_parquet
    from pipeline.exports.pivots import LONG_COMPARISONS

    records = synthetic_records()
    # same metadata as 001, another text: its label must get the doc_id
    twin = {**records[1], "doc_id": "901_same_plan_label", "text": records[1]["text"] + "\nPhụ lục."}
    copy = {**records[1], "doc_id": "902_copy_of_001_2684e7fb74e79852"}  # a copy: set aside alike in both paths
    records += [twin, copy]
    src = tmp_path / "records"
    src.mkdir()
    for rec in records:
        (src / f"{rec['doc_id']}.json").write_text(json.dumps(rec, ensure_ascii=False), encoding="utf-8")
    monkeypatch.setattr(parquet_export, "CHUNK_ROWS", 3)
    write_dataset(src, tmp_path / "out", ERRORS)
    frames = build_tables(sorted(records, key=lambda r: r["doc_id"]), ERRORS)
    for table in TABLES:
        streamed = pq.read_table(tmp_path / "out" / "parquet" / f"{table}.parquet")
        assert streamed.equals(parquet_export.to_arrow(frames[table], table)), table
    plans = set(frames["documents"]["plan"])
    assert "Thừa Thiên Huế · tỉnh · 2023 [901_same_plan_label]" in plans and len(plans) == len(records)
    assert frames["documents"].set_index("doc_id")["duplicate_of"]["902_copy_of_001_2684e7fb74e79852"] == "001_2684e7fb74e79852"
    assert pq.ParquetFile(tmp_path / "out" / "parquet" / "tasks.parquet").metadata.num_row_groups == 2  # 3 + 1
    on_disk, in_memory = connect_parquet(tmp_path / "out" / "parquet"), connect_frames(frames)
    for name, pivot in LONG_COMPARISONS.items():
        pd.testing.assert_frame_equal(pivot(on_disk), pivot(in_memory), obj=name)


def test_workbook_table_sheets_stop_at_the_cap_and_say_where_the_rest_is(dataset, tmp_path):
    from pipeline.exports.duckdb_export import connect_parquet
    from pipeline.exports.workbook import write_workbook

    out, _ = dataset
    parquet_dir = out / "parquet"
    write_workbook(connect_parquet(parquet_dir), parquet_dir, tmp_path / "capped.xlsx", max_table_rows=1)
    wb = openpyxl.load_workbook(tmp_path / "capped.xlsx")
    sections = list(wb["Mục (sections)"].iter_rows(values_only=True))  # one section in the synthetic corpus
    assert len(sections) == 2 and sections[1][0] == "001_2684e7fb74e79852"
    sheet = wb["Trích dẫn (citations)"]
    citations = [r for r in sheet.iter_rows(values_only=True) if any(v is not None for v in r)]
    assert citations[0][0] == "doc_id" and len(citations) == 3  # header, 1 row, the note
    assert "1 dòng đầu tiên trong 4 dòng" in citations[2][0] and "csv/citations.csv" in citations[2][0]
    last_column = openpyxl.utils.get_column_letter(len(SCHEMA["citations"]))
    assert next(iter(sheet.tables.values())).ref == f"A1:{last_column}2"  # the table covers the rows, not the note
    assert len(_long_sheet(wb, "Chủ đề theo kế hoạch")) == 3  # comparisons are never cut


def test_table_sheets_written_as_xml_read_back_like_the_write_api(tmp_path):
    """The table sheets bypass xlsxwriter's per-cell API (for speed); what Excel reads must not change:
    escapes (& < > control characters, a literal _x0000_), kept spaces, over-long cells, bools, dates, NaN."""
    import datetime as dt

    import pyarrow as pa
    import xlsxwriter

    from pipeline.exports.workbook import EXCEL_MAX_CELL, _Sheets

    texts = ["- Tăng cường tổ chức tự kiểm tra", "a & b < c > d", "bell\x07 and _x0041_", "  lề trái",
             "lề phải\n", None, "=1+1", "x" * (EXCEL_MAX_CELL + 5)]
    n = len(texts)
    table = pa.table({
        "text": pa.array(texts, pa.string()),
        "count": pa.array([1, None, 3, -4, 0, 2**40, 7, 8], pa.int64()),
        "value": pa.array([9.5, float("nan"), None, 0.1, 1e-7, 12.0, -3.25, 100.0], pa.float64()),
        "flag": pa.array([True, False, None, True, False, True, None, False], pa.bool_()),
        "day": pa.array([dt.date(2025, 2, 28), None, dt.date(1900, 2, 28), dt.date(1900, 3, 1),
                         dt.date(2023, 1, 1), None, dt.date(2030, 12, 31), dt.date(2021, 6, 15)], pa.date32()),
    })
    source = tmp_path / "t.parquet"
    pq.write_table(table, source, row_group_size=3)  # several batches

    def book(path, fast: bool):
        wb = xlsxwriter.Workbook(str(path), {"strings_to_formulas": False, "strings_to_urls": False,
                                             "strings_to_numbers": False, "constant_memory": True})
        sheets = _Sheets(wb)
        for name, cap in (("whole", n), ("cut", 5)):
            if fast:
                sheets.write_table(name, source, n, max_rows=cap, cut_note="cut here")
            else:
                sheets.write_rows(name, table.column_names, [[tuple(r.values()) for r in table.to_pylist()]], n,
                                  max_rows=cap, cut_note="cut here")
        wb.close()
        return openpyxl.load_workbook(path)

    fast, slow = book(tmp_path / "fast.xlsx", True), book(tmp_path / "slow.xlsx", False)
    for name in ("whole", "cut"):
        a, b = fast[name], slow[name]
        assert list(a.iter_rows(values_only=True)) == list(b.iter_rows(values_only=True)), name
        assert [c.number_format for r in a.iter_rows() for c in r] == [c.number_format for r in b.iter_rows()
                                                                       for c in r]
        assert (a.freeze_panes, next(iter(a.tables.values())).ref, a.dimensions) == (
            b.freeze_panes, b.auto_filter.ref, b.dimensions)
        assert {k: d.width for k, d in a.column_dimensions.items()} == {k: d.width for k, d in
                                                                        b.column_dimensions.items()}
    rows = list(fast["whole"].iter_rows(values_only=True))
    assert rows[2][0] == "a & b < c > d" and rows[4][0] == "  lề trái" and rows[1][0].startswith("- Tăng")
    assert list(fast["cut"].iter_rows(values_only=True))[-1][0] == "cut here"


def test_string_cells_in_arrow_match_the_one_cell_encoder():
    """Table sheets escape text column-wise in Arrow; every cell must be what `_inline_string` writes,
    including each character Python calls white space at either end (which keeps xml:space)."""
    import sys

    import pyarrow as pa

    from pipeline.exports.workbook import EXCEL_MAX_CELL, _inline_string, _string_cells

    spaces = [chr(c) for c in range(sys.maxunicode + 1) if chr(c).isspace()]
    texts = ["- Tăng cường", "a & b < c > d", "bell\x07", "_x0041_ literal", "ok_x00", None, "", "=1+1",
             "x" * (EXCEL_MAX_CELL + 5), "\u200bzero width", "Sở\u00a0LĐTBXH"]
    texts += [f"{s}lề" for s in spaces] + [f"lề{s}" for s in spaces] + [f"a{s}b" for s in spaces]
    assert _string_cells(pa.array(texts, pa.string()), 0).to_pylist() == [
        None if t is None else _inline_string(t) for t in texts]


def test_values_no_column_can_hold_are_unknown_not_a_crash(tmp_path):
    """A DOCX claiming 2^63 pages, a 400-digit number read as a target, a name with an undecodable byte."""
    rec = synthetic_records()[1]
    rec["pages"] = 2**63
    rec["targets"][0]["value"] = float("inf")
    rec["targets"][0]["target_year"] = 10**400
    rec["source"] = "data/raw/k\udce9_hoach.txt"
    (tmp_path / "r").mkdir()
    (tmp_path / "r" / f"{rec['doc_id']}.json").write_text(json.dumps(rec, ensure_ascii=False,
                                                                      default=str).replace("\udce9", "\\udce9"),
                                                         encoding="utf-8")
    write_dataset(tmp_path / "r", tmp_path / "out", [])
    docs = pq.read_table(tmp_path / "out" / "parquet" / "documents.parquet").to_pylist()
    assert docs[0]["pages"] is None and "hoach" in docs[0]["source"]
    targets = pq.read_table(tmp_path / "out" / "parquet" / "targets.parquet").to_pylist()
    assert targets[0]["value"] is None and targets[0]["target_year"] is None
    assert openpyxl.load_workbook(tmp_path / "out" / "comparison.xlsx", read_only=True).sheetnames
