"""Ruled task tables in PDFs: one task per row, the columns give the roles, a table going on
over a page break (its header printed again, a row split by the break) reads as one.

The PDF is drawn here with reportlab (no binary fixture); the wording is sample plan 003's
(huyện Sơn Hà) and the time column forms of the issue.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from pipeline.process import process_file
from pipeline.reading import layout
from pipeline.reading.clean import clean
from pipeline.reading.readers import read

HEAD = ["TT", "Nội dung", "Cơ quan chủ trì", "Cơ quan phối hợp", "Thời gian thực hiện"]
LABOUR = "Phòng Lao động - Thương binh và Xã hội"
ROWS = [
    ["1", "Tổ chức các hoạt động Tháng hành động vì trẻ em năm 2024", LABOUR,
     "Phòng Giáo dục và Đào tạo; Huyện đoàn", "Trước ngày 30/5/2024"],
    ["2", "Phòng, chống tai nạn, thương tích, đuối nước cho trẻ em trong dịp hè", "Phòng Giáo dục và Đào tạo",
     "Công an huyện; UBND các xã, thị trấn", "Tháng 6/2024"],
    ["3", "Kiểm tra, giám sát việc thực hiện chính sách trợ giúp xã hội đối với trẻ em", LABOUR,
     "Phòng Tài chính - Kế hoạch", "Quý III/2024"],
    ["4", "Tổng hợp, báo cáo kết quả thực hiện công tác trẻ em năm 2024", LABOUR,
     "Các cơ quan, đơn vị liên quan", "Thường xuyên"],
]
TITLE = "Triển khai thực hiện công tác trẻ em và phòng, chống xâm hại trẻ em trên địa bàn huyện Sơn Hà năm 2024"
PARAGRAPH = ("Triển khai kịp thời, đầy đủ và có hiệu quả các nhiệm vụ về công tác trẻ em trên địa bàn huyện, "
             "bảo đảm thực hiện các quyền của trẻ em.")
SPLIT_TAIL = "có hoàn cảnh đặc biệt trên địa bàn các xã, thị trấn"


def _task_table_pdf(path: Path, *, over_two_pages: bool) -> Path:
    """A plan whose tasks sit in a ruled table; `over_two_pages`: the table breaks after row 3,
    whose content goes on under the header printed again on page 2, as Word lays it out."""
    from reportlab.lib.enums import TA_CENTER, TA_JUSTIFY
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.lib.units import mm
    from reportlab.platypus import PageBreak, Paragraph, SimpleDocTemplate, Table, TableStyle

    from pipeline.running.synth import _fonts

    regular, bold = _fonts()
    body = ParagraphStyle("b", fontName=regular, fontSize=12, leading=16, alignment=TA_JUSTIFY,
                          firstLineIndent=10 * mm, spaceAfter=4)
    centred = ParagraphStyle("t", parent=body, fontName=bold, alignment=TA_CENTER, firstLineIndent=0)
    cell = ParagraphStyle("c", fontName=regular, fontSize=10, leading=12)

    def table(rows: list[list[str]]) -> Table:
        t = Table([[Paragraph(c, cell) for c in r] for r in rows],
                  colWidths=[10 * mm, 60 * mm, 40 * mm, 40 * mm, 25 * mm])
        t.setStyle(TableStyle([("GRID", (0, 0), (-1, -1), 0.5, "black"), ("VALIGN", (0, 0), (-1, -1), "TOP")]))
        return t

    story = [Paragraph(t, centred) for t in ("ỦY BAN NHÂN DÂN HUYỆN SƠN HÀ", "Số: 79/KH-UBND",
                                             "Sơn Hà, ngày 16 tháng 4 năm 2024", "KẾ HOẠCH", TITLE,
                                             "I. MỤC ĐÍCH, YÊU CẦU")]
    story += [Paragraph(PARAGRAPH, body)] * (8 if over_two_pages else 3)
    story.append(Paragraph("II. NHIỆM VỤ CỤ THỂ", centred))
    if over_two_pages:
        story += [table([HEAD, *ROWS[:3]]), PageBreak(), table([HEAD, ["", SPLIT_TAIL, "", "", ""], ROWS[3]])]
    else:
        story.append(table([HEAD, *ROWS]))
    story += [Paragraph("III. TỔ CHỨC THỰC HIỆN", centred),
              Paragraph(f"Các cơ quan, đơn vị báo cáo kết quả về {LABOUR} trước ngày 30/11/2024.", body)]
    SimpleDocTemplate(str(path), pagesize=A4, topMargin=20 * mm, bottomMargin=20 * mm, leftMargin=30 * mm,
                      rightMargin=15 * mm).build(story)
    return path


@pytest.fixture(scope="module", params=[False, True], ids=["one-page", "over-two-pages"])
def tabled(request, tmp_path_factory):
    path = _task_table_pdf(tmp_path_factory.mktemp("tables") / "kh.pdf", over_two_pages=request.param)
    return request.param, path, process_file(path)


def test_each_body_row_is_one_task_with_its_columns(tabled):
    _, _, doc = tabled
    rows = [t for t in doc.tree.tasks if t.section == "II"]
    assert len(rows) == 4
    texts = [doc.text[t.start:t.end] for t in rows]
    for task, row in zip(texts, ROWS, strict=True):
        assert row[1] in task and row[4] in task  # the time column reaches the task's text
    assert rows[0].agencies[0] == "labour_social/district"
    lead = {(m.sector, m.role) for m in doc.agencies if rows[0].start <= m.start < rows[0].end}
    assert ("labour_social", "lead") in lead and ("education", "support") in lead
    assert not any("Cơ quan chủ trì" in t for t in texts)


def test_a_table_going_on_over_a_page_break_reads_as_one(tabled):
    over, path, doc = tabled
    text = clean(read(path))[0]
    assert sum(line.startswith("| TT |") for line in text.split("\n")) == 1  # the repeated header is dropped
    row3 = next(line for line in text.split("\n") if line.startswith("| 3 |"))
    if over:
        assert SPLIT_TAIL in row3 and row3.endswith("| Quý III/2024 |")
    assert "| 4 |" in text


def test_a_wrapped_title_is_joined(tabled):
    _, _, doc = tabled
    assert doc.metadata.title == TITLE
    assert doc.metadata.number == "79/KH-UBND"


def test_the_rows_deadline_stays_with_its_row(tabled):
    _, _, doc = tabled
    rows = [t for t in doc.tree.tasks if t.section == "II"]
    first = [d for d in doc.deadlines if rows[0].start <= d.start < rows[0].end]
    assert [d.date for d in first] == ["2024-05-30"]


def test_split_row_and_repeated_header_are_joined_at_the_page_break():
    before = ["| TT | Nội dung | Cơ quan chủ trì |", "| 3 | Kiểm tra, giám sát | Phòng Y tế |"]
    body = ["| TT | Nội dung | Cơ quan chủ trì |", "|  | việc thực hiện | Trạm Y tế xã |", "| 4 | Tổng hợp | x |"]
    layout._continue_table(before, body)
    assert before[-1] == "| 3 | Kiểm tra, giám sát việc thực hiện | Phòng Y tế Trạm Y tế xã |"
    assert body == ["| 4 | Tổng hợp | x |"]
