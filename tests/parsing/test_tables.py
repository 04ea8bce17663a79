"""Tables of tasks ("| Nội dung | Cơ quan chủ trì | Cơ quan phối hợp | Thời gian |"), the appendix of many plans.

Each row is one task; a body named in the "chủ trì" column leads it, one in the
"phối hợp" column supports it. Word tables of that shape are read as such rows;
other Word tables (the letterhead, the signature block) stay cell by cell.
The cell wording is sample plan 003's (huyện Sơn Hà).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from pipeline.parsing.metadata import extract_metadata
from pipeline.parsing.structure import parse_structure
from pipeline.process import process_file, process_text

TABLE_PLAN = """ỦY BAN NHÂN DÂN
HUYỆN SƠN HÀ
Số: 79/KH-UBND
Sơn Hà, ngày 16 tháng 4 năm 2024
KẾ HOẠCH
Triển khai thực hiện công tác trẻ em trên địa bàn huyện Sơn Hà năm 2024
I. MỤC ĐÍCH, YÊU CẦU
Triển khai kịp thời, đầy đủ và có hiệu quả về công tác trẻ em trên địa bàn huyện.
II. NHIỆM VỤ CỤ THỂ
| STT | Nội dung hoạt động | Cơ quan chủ trì | Cơ quan phối hợp | Thời gian thực hiện |
|---|---|---|---|---|
| 1 | Tổ chức các hoạt động Tháng hành động vì trẻ em năm 2024 | Phòng Lao động - Thương binh và Xã hội | Phòng Giáo dục và Đào tạo; Huyện đoàn | Tháng 6/2024 |
| 2 | Phòng, chống tai nạn, thương tích, đuối nước cho trẻ em | Phòng Giáo dục và Đào tạo | Công an huyện; UBND các xã | Tháng 5 - 8/2024 |
III. TỔ CHỨC THỰC HIỆN
Các cơ quan, đơn vị báo cáo kết quả về Phòng Lao động - Thương binh và Xã hội trước ngày 30/11/2024.
"""


def test_each_row_of_a_task_table_is_a_task_and_the_header_is_not():
    tree = parse_structure(TABLE_PLAN)
    rows = [t for t in tree.tasks if t.section == "II"]
    assert [t.id for t in rows] == ["II.p1", "II.p2"]
    assert TABLE_PLAN[rows[0].start:rows[0].end].startswith("1 | Tổ chức các hoạt động Tháng hành động")
    assert TABLE_PLAN[rows[1].start:rows[1].end].endswith("Tháng 5 - 8/2024")
    assert not any("Cơ quan chủ trì" in TABLE_PLAN[t.start:t.end] for t in tree.tasks)


def test_the_columns_give_the_roles_and_each_row_its_agencies():
    doc = process_text(TABLE_PLAN, "table")
    roles = {(m.sector, m.role) for m in doc.agencies if m.section == "II"}
    assert roles == {("labour_social", "lead"), ("education", "lead"), ("education", "support"),
                     ("youth_union", "support"), ("police", "support"), ("people_committee", "support")}
    by_id = {t.id: t.agencies for t in doc.tree.tasks}
    assert by_id["II.p1"] == ["labour_social/district", "education/district", "youth_union/district"]
    assert by_id["II.p2"] == ["education/district", "police/district", "people_committee/commune"]


def test_a_time_column_is_not_a_role_column():
    from pipeline.parsing.tables import column_roles

    assert column_roles(["stt", "nội dung", "cơ quan chủ trì", "đơn vị phối hợp thực hiện",
                               "thời gian thực hiện"]) == [None, None, "lead", "support", None]


def _docx_with_tables(path: Path) -> Path:
    docx = pytest.importorskip("docx")
    d = docx.Document()
    head = d.add_table(rows=2, cols=2)
    for (i, j), text in {(0, 0): "ỦY BAN NHÂN DÂN", (0, 1): "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
                         (1, 0): "HUYỆN SƠN HÀ", (1, 1): "Độc lập - Tự do - Hạnh phúc"}.items():
        head.cell(i, j).text = text
    for line in TABLE_PLAN.split("II. NHIỆM VỤ CỤ THỂ")[0].splitlines()[2:]:
        d.add_paragraph(line)
    d.add_paragraph("II. NHIỆM VỤ CỤ THỂ")
    rows = [line.strip("|").split("|") for line in TABLE_PLAN.splitlines() if line.startswith("| ")]
    tasks = d.add_table(rows=len(rows), cols=5)
    for i, cells in enumerate(rows):
        for j, cell in enumerate(cells):
            tasks.cell(i, j).text = cell.strip()
    for line in TABLE_PLAN.split("III. TỔ CHỨC THỰC HIỆN")[1].strip().splitlines():
        d.add_paragraph("III. TỔ CHỨC THỰC HIỆN")
        d.add_paragraph(line)
    sign = d.add_table(rows=1, cols=2)  # the signature block: recipients | signer, as most Word plans lay it out
    sign.cell(0, 0).text = "Nơi nhận:\n- UBND tỉnh (b/c);\n- Lưu: VT."
    sign.cell(0, 1).text = "TM. ỦY BAN NHÂN DÂN\nKT. CHỦ TỊCH\nPHÓ CHỦ TỊCH\nĐinh Thị Hồng Minh"
    d.save(str(path))
    return path


def test_a_word_task_table_is_read_row_by_row_and_the_letterhead_column_by_column(tmp_path):
    from pipeline.reading.readers import read_docx

    text = read_docx(_docx_with_tables(tmp_path / "kh.docx")).text
    lines = text.splitlines()
    assert lines[:4] == ["ỦY BAN NHÂN DÂN", "HUYỆN SƠN HÀ", "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
                         "Độc lập - Tự do - Hạnh phúc"]
    assert "| 2 | Phòng, chống tai nạn, thương tích, đuối nước cho trẻ em | Phòng Giáo dục và Đào tạo | " \
           "Công an huyện; UBND các xã | Tháng 5 - 8/2024 |" in lines
    meta = extract_metadata(text, parse_structure(text))
    assert (meta.issuer, meta.admin_level, meta.signer) == ("UBND huyện Sơn Hà", "district", "Đinh Thị Hồng Minh")


def test_a_word_task_table_gives_the_same_tasks_and_agencies_as_the_text(tmp_path):
    doc = process_file(_docx_with_tables(tmp_path / "kh.docx"))
    by_id = {t.id: t.agencies for t in doc.tree.tasks}
    assert by_id["II.p1"] == ["labour_social/district", "education/district", "youth_union/district"]
    assert by_id["II.p2"] == ["education/district", "police/district", "people_committee/commune"]
