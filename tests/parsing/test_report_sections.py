"""Report sections: results, background and situation sections, one rule per test."""

from __future__ import annotations

from pipeline.document import SectionTree
from pipeline.parsing.report_sections import is_report_heading, report_spans
from pipeline.parsing.structure import parse_structure
from pipeline.textutils import inside, matching_form


def test_heading_starting_with_a_report_word() -> None:
    assert is_report_heading("I. KẾT QUẢ THỰC HIỆN CÔNG TÁC TRẺ EM NĂM 2023", 2024)
    assert is_report_heading("I. ĐÁNH GIÁ TÌNH HÌNH THỰC HIỆN")
    assert is_report_heading("1. Tình hình trẻ em trên địa bàn")
    assert is_report_heading("I. THỰC TRẠNG")
    assert is_report_heading("đ) Thực trạng trẻ em bỏ học")


def test_background_and_need_headings() -> None:
    assert is_report_heading("I. BỐI CẢNH")
    assert is_report_heading("I. SỰ CẦN THIẾT XÂY DỰNG KẾ HOẠCH")
    assert is_report_heading("I. KHÁI QUÁT TÌNH HÌNH")
    assert is_report_heading("1. Đặc điểm tình hình")


def test_looking_ahead_is_no_report() -> None:
    assert not is_report_heading("3. Kết quả cần đạt")
    assert not is_report_heading("III. KẾT QUẢ DỰ KIẾN")
    assert not is_report_heading("II. MỤC TIÊU, CHỈ TIÊU")


def test_report_word_inside_a_task_heading_is_no_report() -> None:
    assert not is_report_heading("5. Công tác kiểm tra, đánh giá kết quả thực hiện")


def test_heading_of_a_past_year_without_goal_words() -> None:
    assert is_report_heading("I. CÔNG TÁC TRẺ EM NĂM 2023", 2024)
    assert not is_report_heading("I. CÔNG TÁC TRẺ EM NĂM 2024", 2024)
    assert not is_report_heading("II. NHIỆM VỤ NĂM 2023", 2024)
    assert not is_report_heading("II. MỤC TIÊU GIAI ĐOẠN 2021 - 2025", 2024)
    assert not is_report_heading("I. CÔNG TÁC TRẺ EM NĂM 2023")  # no plan year: no rule


def test_spans_from_the_tree() -> None:
    text = ("I. KẾT QUẢ NĂM 2023\nTổ chức Diễn đàn trẻ em vào ngày 20/5.\n"
            "II. NHIỆM VỤ NĂM 2024\n1. Kiện toàn Ban Bảo vệ trẻ em xã trong tháng 5/2024.\n")
    spans = report_spans(matching_form(text), parse_structure(text), 2024)
    assert inside(spans, text.index("Diễn đàn"))
    assert not inside(spans, text.index("Kiện toàn"))


def test_spans_from_roman_lines_without_a_tree() -> None:
    text = "I. BỐI CẢNH\nNăm qua có 98% trẻ em.\nII. MỤC TIÊU\nĐạt 100% trẻ em.\n"
    spans = report_spans(matching_form(text), SectionTree(), 2024)
    assert inside(spans, text.index("98%"))
    assert not inside(spans, text.index("100%"))


def test_a_cited_instruments_year_is_no_heading_year() -> None:
    assert not is_report_heading("1. Triển khai Quyết định số 830/QĐ-TTg ngày 01/6/2021 của Thủ tướng Chính phủ", 2022)
    assert not is_report_heading("1. Thực hiện Luật số 102/2016/QH13 của Quốc hội", 2022)
    assert is_report_heading("I. CÔNG TÁC TRẺ EM GIAI ĐOẠN 2021 - 2023", 2024)
    assert is_report_heading("I. CÔNG TÁC BẢO VỆ TRẺ EM NĂM HỌC 2022 - 2023", 2024)
