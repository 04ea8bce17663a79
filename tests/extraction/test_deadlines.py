"""Deadlines: each rule pinned by a sentence from the sample plans (data/raw)."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from pipeline.document import Metadata, Section, SectionTree, Task
from pipeline.extraction.deadlines import extract_deadlines
from pipeline.parsing.structure import parse_structure
from tests.conftest import best_cpu_seconds


def deadlines(text: str, meta: Metadata | None = None, tree: SectionTree | None = None):
    out = extract_deadlines(text, tree or SectionTree(), meta or Metadata())
    for d in out:
        assert text[d.start:d.end] == d.text
    return out


def parts(ds):
    return [(d.year, d.month, d.day, d.recurrence, d.kind) for d in ds]


def test_truoc_ngay_with_year_and_what():
    """001 V.1: three dates in one sentence, each with what is due."""
    text = ("1. Các sở, ngành, đoàn thể cấp tỉnh, UBND thành phố Huế, thị xã và các huyện căn cứ các nhiệm vụ được "
            "giao tại Kế hoạch này, chủ động ban hành kế hoạch triển khai thực hiện trước ngày 15/4/2023; báo cáo "
            "UBND tỉnh kết quả thực hiện 6 tháng đầu năm trước ngày 25/5/2023 và kết quả thực hiện năm 2023 trước "
            "ngày 15/11/2023 thông qua Sở Lao động – Thương binh và Xã hội để tổng hợp.")
    ds = deadlines(text)
    assert parts(ds) == [(2023, 4, 15, "once", "due"), (2023, 5, 25, "once", "due"), (2023, 11, 15, "once", "due")]
    assert [d.text for d in ds] == ["trước ngày 15/4/2023", "trước ngày 25/5/2023", "trước ngày 15/11/2023"]
    assert ds[0].what == "ban hành kế hoạch triển khai thực hiện"
    assert ds[1].what == "báo cáo UBND tỉnh kết quả thực hiện 6 tháng đầu năm"
    assert ds[0].date == "2023-04-15"


def test_hang_nam_is_annual_without_year():
    """002: "trước ngày 30/11 hàng năm"."""
    text = ("- Tổng hợp kết quả thực hiện Kế hoạch, định kỳ tham mưu UBND phường báo cáo UBND thành phố Quảng Ngãi "
            "trước ngày 30/11 hàng năm; kịp thời tham mưu, đề xuất biểu dương")
    (d,) = deadlines(text, Metadata(year=2024))
    assert (d.year, d.date, d.month, d.day, d.recurrence) == (None, None, 11, 30, "annual")
    assert d.what == "tham mưu UBND phường báo cáo UBND thành phố Quảng Ngãi"


def test_dinh_ky_6_thang_without_year_is_annual():
    """004: "định kỳ 6 tháng (trước ngày 20/5), năm (trước ngày 15/11) báo cáo …"."""
    text = ("Chủ tịch UBND các huyện, thành phố tập trung chỉ đạo thực hiện tốt các nội dung của Công văn này; "
            "định kỳ 6 tháng (trước ngày 20/5), năm (trước ngày 15/11) báo cáo kết quả thực hiện công tác trẻ em, "
            "báo cáo đột xuất về những vấn đề")
    ds = deadlines(text, Metadata(year=2021))
    assert parts(ds) == [(None, 5, 20, "annual", "due"), (None, 11, 15, "annual", "due")]
    assert ds[0].what == "báo cáo kết quả thực hiện công tác trẻ em 6 tháng"


def test_dinh_ky_with_written_year_is_once():
    """003 V.1: the same wording with the year written is a one-off date."""
    text = ("các xã, thị trấn chủ động xây dựng kế hoạch triển khai thực hiện; định kỳ 6 tháng (trước ngày "
            "31/5/2024), cả năm (trước ngày 30/11/2024) báo cáo kết quả thực hiện (qua Phòng Lao động - Thương "
            "binh và Xã hội) để tổng hợp")
    ds = deadlines(text)
    assert parts(ds) == [(2024, 5, 31, "once", "due"), (2024, 11, 30, "once", "due")]
    assert [d.what for d in ds] == ["báo cáo kết quả thực hiện 6 tháng", "báo cáo kết quả thực hiện cả năm"]


def test_period_gives_start_and_end_with_the_plan_year():
    """003 II.4: "(Từ ngày 01/6 đến ngày 30/6)", year from the plan."""
    text = ("4. Tổ chức các hoạt động hưởng ứng Tháng hành động vì trẻ em (Từ ngày 01/6 đến ngày 30/6), "
            "Diễn đàn trẻ em, Tết Trung thu năm 2024")
    ds = deadlines(text, Metadata(year=2024))
    assert parts(ds) == [(2024, 6, 1, "once", "start"), (2024, 6, 30, "once", "end")]
    assert {d.text for d in ds} == {"Từ ngày 01/6 đến ngày 30/6"}
    assert ds[0].what == "Tổ chức các hoạt động hưởng ứng Tháng hành động vì trẻ em"


def test_plan_year_from_the_title_when_metadata_has_none():
    text = ("KẾ HOẠCH\nTriển khai thực hiện công tác trẻ em trên địa bàn huyện Sơn Hà năm 2024\n\n"
            "I. MỤC ĐÍCH\n\n4. Tổ chức Tháng hành động vì trẻ em (Từ ngày 01/6 đến ngày 30/6)")
    assert [d.year for d in deadlines(text)] == [2024, 2024]


def test_chiem_nhat_and_full_written_date():
    text = ("Các đơn vị gửi báo cáo về Sở Lao động - Thương binh và Xã hội chậm nhất ngày 20/12/2024. "
            "Tổ chức Lễ phát động Tháng hành động vì trẻ em vào ngày 20 tháng 5 năm 2024 tại huyện.")
    ds = deadlines(text)
    assert parts(ds) == [(2024, 12, 20, "once", "due"), (2024, 5, 20, "once", "due")]
    assert ds[0].text == "chậm nhất ngày 20/12/2024"
    assert ds[0].what == "Các đơn vị gửi báo cáo về Sở Lao động - Thương binh và Xã hội"


def test_dates_of_cited_instruments_are_not_deadlines():
    text = ("theo Quyết định số 06/QĐ-TTg ngày 03/01/2019 của Thủ tướng Chính phủ; Thông tư số 28/2019/TT-"
            "BLĐTBXH ngày 26/12/2019 của Bộ trưởng; Luật Trẻ em ngày 05 tháng 4 năm 2016")
    assert deadlines(text) == []


def test_issue_date_is_not_a_deadline():
    text = "Số: 31 /KH-UBND\n\nVĩnh Thuận, ngày 28 tháng 02 năm 2025\n\nKẾ HOẠCH\n\nI. MỤC ĐÍCH"
    assert deadlines(text) == []
    assert deadlines("Kiên Giang, ngày 06 tháng 4 năm 2021", Metadata(issue_date="2021-04-06")) == []


def test_holidays_named_as_context_are_not_deadlines():
    """003: "Ngày quốc tế thiếu nhi (01/6), Tết Trung thu"."""
    text = ("Tháng hành động Vì trẻ em, Diễn đàn trẻ em, Ngày quốc tế thiếu nhi (01/6), Tết Trung thu, "
            "Tết trung thu (15/8 âm lịch)")
    assert deadlines(text, Metadata(year=2024)) == []


def test_statistics_reference_date_is_not_a_deadline():
    assert deadlines("Tính đến ngày 31/12/2023, toàn huyện có 12.345 trẻ em") == []


def test_agency_is_the_first_agency_of_the_task():
    text = "2. Sở Lao động – Thương binh và Xã hội báo cáo UBND tỉnh trước ngày 05/12/2023."
    task = Task(id="V.2", section="V", text=text, start=0, end=len(text), agencies=["labour_social/province"])
    tree = SectionTree(sections=[Section("V", 1, "V", None, "TỔ CHỨC", 0, len(text))], tasks=[task])
    (d,) = deadlines(text, tree=tree)
    assert (d.agency, d.section) == ("labour_social/province", "V")


# ---------------------------------------------------------------- issue 14 and 15 forms (invented sentences in the dev shapes)


def test_a_period_written_with_the_first_day_alone():
    ds = deadlines("Tháng hành động vì trẻ em được triển khai từ ngày 1 - 30.6 trên toàn tỉnh.", Metadata(year=2024))
    assert parts(ds) == [(2024, 6, 1, "once", "start"), (2024, 6, 30, "once", "end")]
    assert {d.text for d in ds} == {"từ ngày 1 - 30.6"}
    ds = deadlines("Đợt cao điểm tuyên truyền diễn ra từ ngày 10 đến 20-9.", Metadata(year=2024))
    assert parts(ds) == [(2024, 9, 10, "once", "start"), (2024, 9, 20, "once", "end")]
    ds = deadlines("Chiến dịch uống Vitamin A sẽ được triển khai đồng loạt trong 02 ngày 05 – 06/6/2024 tại các xã.")
    assert parts(ds) == [(2024, 6, 5, "once", "start"), (2024, 6, 6, "once", "end")]


def test_den_het_links_a_period():
    ds = deadlines("Tổ chức đợt kiểm tra liên ngành từ ngày 01/7/2024 đến hết 30/9/2024.")
    assert parts(ds) == [(2024, 7, 1, "once", "start"), (2024, 9, 30, "once", "end")]


def test_past_periods_and_effective_dates_are_background():
    text = ("Đối tượng là trẻ em từ 6 – 60 tháng tuổi (trẻ sinh từ 30/11/2019 đến 30/5/2024). "
            "Luật Trẻ em có hiệu lực từ ngày 01 tháng 6 năm 2017.")
    assert deadlines(text, Metadata(year=2024)) == []
    # without the metadata's year nothing is background: a year read from the text may be a target's horizon
    assert len(deadlines("Trẻ sinh từ 30/11/2019 đến 30/5/2024.")) == 2


def test_a_repeated_paragraph_gives_its_deadlines_once():
    para = "Chiến dịch được triển khai trong 02 ngày 05 – 06/6/2024 trên địa bàn tỉnh."
    assert len(deadlines(para + "\n   " + para, Metadata(year=2024))) == 2
    # one paragraph naming a date twice keeps both mentions
    text = "Các xã báo cáo trước ngày 15/6/2024; các trường học báo cáo trước ngày 15/6/2024."
    assert len(deadlines(text)) == 2


def _cpu_seconds(text: str) -> float:
    return best_cpu_seconds(extract_deadlines, text, SectionTree(), Metadata())


def test_time_grows_linearly_on_a_long_hostile_line():
    """Issue 19: a ratio of two sizes, not a time limit (linear work gives ~4, quadratic ~16)."""
    unit = "hoàn thành trong tháng 6/2024 theo Quyết định số 12/QĐ-UBND ngày 01/02/2024 "
    _cpu_seconds(unit * 50)
    small, large = _cpu_seconds(unit * 500), _cpu_seconds(unit * 2000)
    assert len(deadlines(unit * 20)) == 20
    assert large / small < 9, (small, large)


def test_a_month_without_a_day_is_a_deadline_with_day_null():
    (d,) = deadlines("Các xã rà soát, hoàn thành trong tháng 11/2025 việc cấp thẻ bảo hiểm y tế cho trẻ em.")
    assert (d.year, d.month, d.day, d.date, d.kind, d.recurrence) == (2025, 11, None, None, "due", "once")
    (d,) = deadlines("Phòng Văn hóa tổ chức diễn đàn trẻ em trong tháng 6 năm 2024.")
    assert (d.year, d.month, d.day) == (2024, 6, None)
    # a month that only dates a fact is not due
    assert deadlines("Các bà mẹ sinh con trong tháng 11/2024 được uống Vitamin A.") == []
    assert deadlines("Qua thống kê đến tháng 11-2024, toàn huyện có 958 trẻ em.") == []


def test_a_quarter_is_due_on_its_last_day():
    (d,) = deadlines("Sở Tư pháp hoàn thành trước Quý III/2024 việc rà soát hồ sơ hộ tịch của trẻ em.")
    assert (d.year, d.month, d.day, d.date, d.kind) == (2024, 9, 30, "2024-09-30", "due")


def test_a_task_tables_time_cell():
    text = ("| 1 | Tuyên truyền phòng, chống đuối nước | Phòng Văn hóa | UBND các xã | Tháng 6/2024 |\n"
            "| 2 | Kiểm tra liên ngành | Phòng LĐ-TB&XH | Công an huyện | Quý IV/2024 |\n"
            "| 3 | Báo cáo kết quả | Phòng LĐ-TB&XH | Các xã | Trước ngày 30/5/2024 |\n"
            "| 4 | Theo dõi, đôn đốc | Phòng LĐ-TB&XH | Các xã | Thường xuyên |")
    ds = deadlines(text)
    assert [(d.year, d.month, d.day, d.kind) for d in ds] == [
        (2024, 6, None, "due"), (2024, 12, 31, "due"), (2024, 5, 30, "due")]
    # what is due: the content cell of its own row
    assert [d.what for d in ds] == ["Tuyên truyền phòng, chống đuối nước", "Kiểm tra liên ngành", "Báo cáo kết quả"]


def test_more_month_forms():
    assert [(d.year, d.month, d.day, d.kind) for d in deadlines("Thời gian thực hiện: Tháng 9/2024.")] == [
        (2024, 9, None, "due")]
    assert [(d.year, d.month, d.kind) for d in deadlines("Tổ chức kiểm tra từ tháng 6/2024 đến tháng 8/2024.")] == [
        (2024, 6, "start"), (2024, 8, "end")]
    (d,) = deadlines("Các xã báo cáo kết quả về Phòng LĐ-TB&XH trước tháng 12 hàng năm.", Metadata(year=2024))
    assert (d.year, d.month, d.day, d.recurrence) == (None, 12, None, "annual")
    # no cue, or an age in months: no deadline
    assert deadlines("Tháng hành động vì trẻ em (tháng 6) và trẻ em từ 6 – 60 tháng tuổi.", Metadata(year=2024)) == []


def test_an_event_reported_or_a_date_before_the_issue_is_not_set_by_the_plan():
    meta = Metadata(year=2024)
    text = "I. MỤC TIÊU\nNgày 15 tháng 6 năm 2024, tổ chức hội nghị sơ kết công tác trẻ em."
    assert len(deadlines(text, meta)) == 1
    assert deadlines(text.replace("tổ chức", "UBND tỉnh đã tổ chức"), meta) == []
    issued = Metadata(year=2024, issue_date="2024-05-02")
    assert deadlines("Các đơn vị báo cáo trước ngày 15/4/2024.", issued) == []
    assert len(deadlines("Các đơn vị báo cáo trước ngày 15/5/2024.", issued)) == 1


def test_the_headlines_closing_a_web_page_are_other_articles():
    text = ("Tổ chức Tết Trung thu vui tươi, an toàn cho trẻ em trên địa bàn huyện.\nT.A\n"
            "Câu lạc bộ thơ của tỉnh phấn đấu có 5 tác phẩm phổ nhạc\n"
            "Chủ tịch tỉnh tiếp xúc cử tri tại các xã vùng cao\n"
            "Sổ bảo hiểm xã hội điện tử được cấp chậm nhất là ngày 1-1-2026")
    assert deadlines(text, Metadata(year=2024)) == []
    assert len(deadlines(text.replace("\nChủ tịch tỉnh", ". Chủ tịch tỉnh"), Metadata(year=2024))) == 1


def test_time_labels_are_cues():
    meta = Metadata(year=2024)
    assert parts(deadlines("Thời gian thực hiện: 01/6 - 30/6/2024.", meta)) == [
        (2024, 6, 1, "once", "start"), (2024, 6, 30, "once", "end")]
    assert parts(deadlines("Hạn nộp: 15/11/2024.", meta)) == [(2024, 11, 15, "once", "due")]
    assert parts(deadlines("- Thời hạn hoàn thành: 30/9/2024", meta)) == [(2024, 9, 30, "once", "due")]


def test_a_decisions_effective_date_is_not_a_deadline():
    assert deadlines("Quyết định này có hiệu lực thi hành kể từ ngày 01/01/2025.", Metadata(year=2024)) == []


@settings(max_examples=200, deadline=None)
@given(st.text())
def test_never_raises_and_offsets_are_exact(text):
    for d in extract_deadlines(text, SectionTree(), Metadata()):
        assert text[d.start:d.end] == d.text


@settings(max_examples=100, deadline=None)
@given(st.lists(st.sampled_from([
    "trước ngày ", "15/4", "/2023", "Từ ngày ", " đến ngày ", "30/6", " hàng năm", "định kỳ ", "(", ")", "; ",
    "báo cáo ", "ngày 20 tháng 5 năm 2024", "Quyết định số 06/QĐ-TTg ngày ", "\n\n", "I. ", "Ngày quốc tế ",
]), max_size=25).map("".join))
def test_never_raises_on_deadline_like_text(text):
    for d in extract_deadlines(text, SectionTree(), Metadata(year=2024)):
        assert text[d.start:d.end] == d.text
        assert d.recurrence in ("once", "annual") and d.kind in ("due", "start", "end")
        assert (d.recurrence == "annual") == (d.year is None)


def test_excerpts_offsets(excerpts_dir):
    for path in sorted(excerpts_dir.glob("x_*.txt")):
        text = path.read_text(encoding="utf-8")
        for d in deadlines(text):
            assert 1 <= d.month <= 12 and (d.day is None or 1 <= d.day <= 31)


def test_dates_in_a_results_section_are_history() -> None:
    text = ("I. KẾT QUẢ NĂM 2023\nHuyện tổ chức Diễn đàn trẻ em vào ngày 20/5 và gửi báo cáo trước ngày 15/6.\n"
            "II. NHIỆM VỤ NĂM 2024\n1. Các xã gửi báo cáo về Phòng Văn hóa - Xã hội trước ngày 30/11/2024.\n")
    found = extract_deadlines(text, parse_structure(text), Metadata(year=2024))
    assert [(d.month, d.day) for d in found] == [(11, 30)]


def test_a_period_under_a_background_heading_is_history() -> None:
    text = ("I. BỐI CẢNH\nTháng hành động vì trẻ em được tổ chức từ ngày 01/6 đến ngày 30/6 hằng năm.\n"
            "II. NỘI DUNG\n1. Tổ chức Tháng hành động vì trẻ em từ ngày 01/6/2024 đến ngày 30/6/2024.\n")
    found = extract_deadlines(text, parse_structure(text), Metadata(year=2024))
    assert [(d.year, d.month, d.day, d.kind) for d in found] == [(2024, 6, 1, "start"), (2024, 6, 30, "end")]


def test_in_a_month_inside_a_task_item_is_due() -> None:
    text = ("II. NHIỆM VỤ\n1. Kiện toàn Ban Bảo vệ trẻ em xã trong tháng 5/2024.\n"
            "2. Lập danh sách trẻ em có hoàn cảnh đặc biệt vào tháng 6/2024.\n")
    found = extract_deadlines(text, parse_structure(text), Metadata(year=2024))
    assert [(d.year, d.month, d.day, d.kind) for d in found] == [(2024, 5, None, "due"), (2024, 6, None, "due")]


def test_in_a_month_outside_a_task_needs_an_action_word() -> None:
    text = "Trên địa bàn xã có 02 trẻ em sinh trong tháng 5/2024 chưa được đăng ký khai sinh."
    assert extract_deadlines(text, SectionTree(), Metadata(year=2024)) == []
