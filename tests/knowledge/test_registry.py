"""The instrument registry: one row per instrument, stable keys, links to plans of the corpus."""

from __future__ import annotations

from pipeline.document import Metadata, SectionTree
from pipeline.extraction.citations import extract_citations
from pipeline.knowledge.registry import build_registry, citation_key


def record(doc_id: str, text: str, **meta) -> dict:
    m = Metadata(**meta)
    cits = extract_citations(text, SectionTree(), m)
    return {"doc_id": doc_id, "metadata": m.__dict__, "citations": [c.__dict__ for c in cits]}


DISTRICT = record(
    "000", "Thực hiện Kế hoạch số 40/KH-UBND ngày 19 tháng 02 năm 2025 của Ủy ban nhân dân tỉnh Kiên Giang "
    "về việc triển khai thực hiện công tác trẻ em năm 2025 trên địa bàn tỉnh Kiên Giang. Tiếp tục thực hiện tốt "
    "Chỉ thị số 28-CT/TW của Bộ Chính trị; thực hiện Luật Trẻ em",
    number="31/KH-UBND", issue_date="2025-02-28", issuer="UBND huyện Vĩnh Thuận", admin_level="district",
    province="Kiên Giang", locality="Vĩnh Thuận", year=2025)
PROVINCE = {"doc_id": "prov", "citations": [], "metadata": {
    "number": "40/KH-UBND", "issue_date": "2025-02-19", "issuer": "UBND tỉnh Kiên Giang",
    "admin_level": "province", "province": "Kiên Giang", "locality": None, "year": 2025}}
OTHER_40 = {"doc_id": "other", "citations": [], "metadata": {
    "number": "40/KH-UBND", "issue_date": "2025-03-02", "issuer": "UBND tỉnh Cà Mau",
    "admin_level": "province", "province": "Cà Mau", "locality": None, "year": 2025}}
COMMUNE = record(
    "002", "Thực hiện Kế hoạch số 102/KH-UBND ngày 22/4/2024 của Chủ tịch UBND thành phố Quảng Ngãi về việc thực "
    "hiện Chỉ thị số 28-CT/TW ngày 25/12/2023 của Bộ Chính trị về tăng cường công tác chăm sóc",
    admin_level="commune", province="Quảng Ngãi", year=2024)


def rows_by_key(records):
    return {r["key"]: r for r in build_registry(records)}


def test_district_plan_links_to_the_province_plan_it_implements():
    rows = rows_by_key([DISTRICT, OTHER_40, PROVINCE])
    row = rows["40/KH-UBND@2025"]
    assert (row["corpus_doc_id"], row["n_plans"], row["doc_ids"]) == ("prov", 1, ["000"])


def test_same_number_of_another_issuer_is_not_linked():
    assert rows_by_key([DISTRICT, OTHER_40])["40/KH-UBND@2025"]["corpus_doc_id"] is None


def test_undated_mention_merges_into_the_dated_instrument():
    rows = rows_by_key([DISTRICT, COMMUNE])
    assert "28-CT/TW" not in rows
    row = rows["28-CT/TW@2023"]
    assert (row["n_plans"], row["n_mentions"], row["date"]) == (2, 2, "2023-12-25")


def test_named_law_key_is_its_official_number():
    row = rows_by_key([DISTRICT])["102/2016/QH13"]
    assert (row["name"], row["type"], row["number"]) == ("Luật Trẻ em", "Luật", "102/2016/QH13")  # from the named registry


def test_same_number_different_year_are_two_rows():
    a = record("a", "theo Quyết định số 06/QĐ-TTg ngày 03/01/2019 của Thủ tướng Chính phủ.")
    b = record("b", "tại Quyết định số 06/QĐ-TTg ngày 06/01/2022 của Thủ tướng Chính phủ.")
    rows = rows_by_key([a, b])
    assert {"6/QĐ-TTG@2019", "6/QĐ-TTG@2022"} <= set(rows)


def test_key_for_records_written_without_keys():
    assert citation_key({"number": "06/QĐ-TTg", "date": "2019-01-03"}) == "6/QĐ-TTG@2019"
    assert citation_key({"number": "56/2017/NĐ-CP", "date": "2017-05-09"}) == "56/2017/NĐ-CP"
    assert citation_key({"name": "Luật Hộ tịch"}) == "luật hộ tịch"


def test_registry_over_the_samples(sample_records):
    rows = build_registry(sample_records.values())
    keys = [r["key"] for r in rows]
    assert len(keys) == len(set(keys))
    child_law = next(r for r in rows if r["key"] == "102/2016/QH13")
    assert child_law["n_plans"] == 4


# --- the registry of named instruments (resources/named_instruments.yaml) -----------------------

def test_named_instruments_file_is_well_formed():
    """Policy staff edit this file: every entry has a known kind, a type, ISO dates, aliases that compile."""
    import datetime

    import regex

    from pipeline.extraction.citations.named import alias_regex, instruments, named_pattern
    from pipeline.knowledge.loader import load_yaml

    data = load_yaml("named_instruments.yaml")
    assert {k for k, v in data["kinds"].items() if v["counts"]} == {"law", "convention"}
    for e in instruments():
        assert e.type and e.name
        if e.date:
            datetime.date.fromisoformat(e.date)
        if e.approved_by:
            assert not e.counts and {"type", "number", "issuer"} <= set(e.approved_by)
    for e in data["instruments"]:
        for a in e.get("aliases") or []:
            regex.compile(alias_regex(a["words"] if isinstance(a, dict) else a))
    assert named_pattern(True)[0].pattern and named_pattern(False)[0].pattern


def test_alias_syntax_optional_and_required_parts():
    import regex

    from pipeline.extraction.citations.named import alias_regex

    r = regex.compile(alias_regex("công ước [quốc tế] [của] (liên hợp quốc|liên hiệp quốc) về quyền trẻ em") + "$")
    for s in ("công ước của liên hợp quốc về quyền trẻ em", "công ước quốc tế của liên hiệp quốc về quyền trẻ em",
              "công ước liên hợp quốc về\nquyền trẻ em"):
        assert r.match(s), s
    assert not r.match("công ước về quyền trẻ em")


def test_programme_is_not_a_citation_but_knows_its_decision():
    """Programmes and schemes without a number are not citations; 'Quyết định số 23' in a plan of the
    children's action programme 2021-2030 is the decision the registry says approved it."""
    text = ("KẾ HOẠCH\nThực hiện Chương trình hành động quốc gia vì trẻ em tỉnh Bắc Giang giai đoạn 2021 - 2030\n"
            "nhằm thực hiện các mục tiêu của Quyết định số 23 của Thủ tướng Chính phủ.")
    cits = extract_citations(text, SectionTree(), Metadata())
    assert [(c.type, c.number, c.issuer) for c in cits] == [("Quyết định", "23/QĐ-TTg", "Thủ tướng Chính phủ")]
    assert extract_citations("Thực hiện Chương trình hành động quốc gia vì trẻ em giai đoạn 2021 - 2030.",
                             SectionTree(), Metadata()) == []


def test_registry_row_of_a_named_law_has_its_canonical_name_number_and_date():
    recs = [record("a", "Thực hiện Luật Trẻ em và Công ước Quốc tế về quyền trẻ em"),
            record("b", "tuyên truyền Công ước của Liên hợp quốc về quyền trẻ em")]
    rows = {r["key"]: r for r in build_registry(recs)}
    law = rows["102/2016/QH13"]
    assert (law["name"], law["number"], law["date"]) == ("Luật Trẻ em", "102/2016/QH13", "2016-04-05")
    crc = rows["công ước của liên hợp quốc về quyền trẻ em"]
    assert (crc["name"], crc["n_plans"], crc["date"]) == ("Công ước của Liên hợp quốc về quyền trẻ em", 2,
                                                          "1989-11-20")
