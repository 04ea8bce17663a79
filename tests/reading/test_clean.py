"""Cleaning: one paragraph per line, noise lines removed, offsets back to the raw text."""

from __future__ import annotations

import unicodedata
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pipeline.document import RawDocument
from pipeline.reading.clean import clean, is_syllable
from pipeline.reading.readers import read

RAW_DIR = Path(__file__).resolve().parents[2] / "data" / "raw"

PLAN_003 = RAW_DIR / "003_289ed289cededb05.txt"  # a PDF copy: every line wrapped, blank lines between


def cleaned(text: str, fmt: str = "txt") -> str:
    return clean(RawDocument(source="t", format=fmt, text=text))[0]


@pytest.fixture(scope="module")
def plan_003() -> tuple[str, list[int], str]:
    raw = read(PLAN_003)
    text, offs = clean(raw)
    return text, offs, raw.text


def lines_of(text: str) -> list[str]:
    return text.split("\n")


def test_wrapped_heading_is_rejoined(plan_003):
    text, _, _ = plan_003
    assert ("3. Củng cố hệ thống tổ chức, nhân lực và nâng cao năng lực cho đội ngũ cán bộ làm công tác trẻ em"
            in lines_of(text))


def test_heading_without_dot_stays_apart_from_the_next_capitalised_paragraph(plan_003):
    text, _, _ = plan_003
    lines = lines_of(text)
    i = lines.index("16. Đề nghị Viện Kiểm sát Nhân dân huyện, Toà án Nhân dân huyện")
    assert lines[i + 1].startswith("Phối hợp với các ngành chức năng trong công tác xử lý")


def test_wrapped_list_item_is_one_line_and_items_stay_apart(plan_003):
    text, _, _ = plan_003
    lines = lines_of(text)
    item = next(ln for ln in lines if ln.startswith("a) Xây dựng kế hoạch và tổ chức thực hiện Chỉ thị số 28-CT/TW"))
    assert "ngày 25/12/2023 của Bộ Chính trị" in item
    assert item.endswith("để trẻ em phát triển toàn diện.")
    assert lines[lines.index(item) + 1].startswith("b) Nâng cao trách nhiệm")


def test_label_split_by_space_and_leading_space_are_fixed(plan_003):
    text, _, _ = plan_003
    lines = lines_of(text)
    assert any(ln.startswith("c) Xử lý đơn thư, khiếu nại tố cáo") for ln in lines)
    assert any(ln.startswith("đ) Truyền thông về Tổng đài điện thoại Quốc gia") for ln in lines)
    assert not any(ln != ln.strip() for ln in lines)


def test_page_number_and_link_lines_are_removed(plan_003):
    text, _, raw = plan_003
    assert "\n4 \n" in raw and "https://thuvienphapluat.vn" in raw
    assert "4" not in lines_of(text)
    assert "http" not in text
    # the item around the page break keeps going
    assert any(ln.startswith("đ) Các cơ quan, đơn vị, địa phương, tổ chức, cá nhân có thẩm quyền") for ln in lines_of(text))


def test_signature_block_stays_on_separate_lines(plan_003):
    lines = lines_of(plan_003[0])
    assert lines[-3:] == ["KT. CHỦ TỊCH", "PHÓ CHỦ TỊCH", "Trần Thanh Trung"]


def test_offset_map_points_to_the_same_characters(plan_003):
    text, offs, raw = plan_003
    assert len(offs) == len(text)
    assert offs == sorted(offs)
    for i, ch in enumerate(text):
        src = raw[offs[i]]
        if ch == " " or ch == "\n":
            assert src.isspace(), (i, ch, src)
        else:
            assert unicodedata.normalize("NFC", src) == ch or src == ch, (i, ch, src)


def test_paragraph_split_by_a_page_break_is_rejoined():
    # 000: "... đáp ứng yêu cầu phát triển" / blank lines / "đất nước phồn vinh, hạnh phúc; ..."
    text = read(RAW_DIR / "000_fb34435fc2fada6a.txt")
    out = clean(text)[0]
    assert "đáp ứng yêu cầu phát triển đất nước phồn vinh, hạnh phúc; Kế hoạch của Tỉnh ủy" in out


def test_tone_marks_are_not_normalised():
    out = cleaned(read(RAW_DIR / "002_9bc3f1274d6058dd.txt").text)
    assert "Võ Thuỳ Dương" in lines_of(out)


def test_markdown_markers_and_labels_stay_at_line_start():
    out = cleaned(read(RAW_DIR / "001_2684e7fb74e79852.txt").text)
    assert "## **II. GIẢI PHÁP THỰC HIỆN**" in lines_of(out)
    assert "#### I. MỤC TIÊU" in lines_of(out)


def test_running_headers_and_page_counters_of_pdf_pages_are_removed():
    body = ["I. MỤC ĐÍCH, YÊU CẦU", "1. Mục đích",
            "Triển khai kịp thời, đầy đủ và có hiệu quả về công tác trẻ em trên địa bàn huyện.",
            "2. Yêu cầu", "a) Cụ thể hóa các nội dung, đề ra các giải pháp thực hiện về công tác trẻ em.",
            "b) Xác định rõ trách nhiệm của các tổ chức, cá nhân về công tác trẻ em."]
    pages = [f"UBND HUYỆN SƠN HÀ - KẾ HOẠCH CÔNG TÁC TRẺ EM\n{line}\n{line} (tiếp)\nTrang {n}/6"
             for n, line in enumerate(body, 1)]
    out = cleaned("\f".join(pages), "pdf")
    assert "KẾ HOẠCH CÔNG TÁC" not in out and "Trang" not in out
    assert lines_of(out)[:2] == ["I. MỤC ĐÍCH, YÊU CẦU", "I. MỤC ĐÍCH, YÊU CẦU (tiếp)"]
    assert len(lines_of(out)) == 12


@pytest.mark.parametrize("line", ["- 2 -", "12", "Trang 2", "Trang 2/5", "trang 3 / 12", "Page 3 of 9"])
def test_page_number_lines(line):
    assert cleaned(f"1. Mục đích\n{line}\n2. Yêu cầu") == "1. Mục đích\n2. Yêu cầu"


@pytest.mark.parametrize("broken, repaired", [
    ("ĐIỀ U 1. PHẠM VI", "ĐIỀU 1. PHẠM VI"),
    ("Cộng hòa xã hội chủ nghĩa Vi ệt Nam", "Cộng hòa xã hội chủ nghĩa Việt Nam"),
    ("bảo vệ trẻ em trong trư ờng học", "bảo vệ trẻ em trong trường học"),
    ("nâng cao nhận thức, trách nhiệ m", "nâng cao nhận thức, trách nhiệm"),
    ("Vie\u0302 \u0323t Nam", "Việt Nam"),  # combining marks split from their letter
])
def test_split_syllables_are_repaired(broken, repaired):
    assert cleaned(broken) == repaired


@pytest.mark.parametrize("fine", [
    "hỏi cho ai biết", "trẻ em và gia đình", "Bộ Y tế", "tỉnh Đắk Lắk", "UBND huyện", "COVID - 19",
    "Phòng Lao động - Thương binh và Xã hội", "Ea H'Leo",
])
def test_real_words_are_not_joined(fine):
    assert cleaned(fine) == fine


def test_syllable_grammar():
    assert all(is_syllable(w) for w in ["nghiêng", "Việt", "trường", "quyết", "gì", "ủy", "ước", "ĐIỀU"])
    assert not any(is_syllable(w) for w in ["ĐIỀ", "ờng", "ệt", "UBND", "Đắk"])


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet=st.sampled_from(list("aăâeêoôơuưyiđ ĐỆẾ\n\f\t-.,;:1)Iạ\u0300\u0301 ")), max_size=300))
def test_never_raises_and_offsets_stay_in_range(s):
    text, offs = clean(RawDocument(source="t", format="txt", text=s))
    assert len(text) == len(offs)
    assert all(0 <= o <= len(s) for o in offs)
    assert "\n\n" not in text and text == text.strip()


def test_document_fields_and_table_cells_start_new_lines():
    # 004's header block, as a PDF-to-text tool lays it out: cells end with "|", wrapped lines
    wrapped = ("Thực hiện Công văn số 375/LĐT BXH-TE ngày 23/02/2021 của Bộ Lao động - Thương binh và Xã hội về\n"
               "việc hướng dẫn thực hiện công tác trẻ em năm 2021. Ủy ban nhân dân tỉnh yêu cầu Giám đốc (Thủ\n"
               "trưởng) các sở, ban, ngành, đoàn thể cấp tỉnh và Chủ tịch UBND các huyện, thành phố thực hiện\n"
               "những nhiệm vụ trọng tâm năm 2021, như sau: ỦY BAN NHÂN DÂN TỈNH KIÊN GIANG | CỘNG HÒA XÃ HỘI |\n"
               "Số: 403/UBND-KGVX ngày 06 tháng 4 năm 2021 của Ủy ban nhân dân tỉnh Kiên Giang về việc triển khai\n"
               "Kính gửi: Giám đốc (Thủ trưởng) các sở, ban, ngành, đoàn thể cấp tỉnh và thành phố Rạch Giá và\n"
               "Nơi nhận:")
    lines = lines_of(cleaned(wrapped))
    assert len(lines) == 4
    assert lines[0].endswith("CỘNG HÒA XÃ HỘI |")
    assert [ln[:9] for ln in lines[1:]] == ["Số: 403/U", "Kính gửi:", "Nơi nhận:"]


# 000's purpose paragraph and items, as a scraped page's source holds them
_ESCAPED = ("1. Mục đích\\r\\n\\r\\nTriển khai kịp thời, đầy đủ và có hiệu quả\\r\\nvề công tác trẻ em trên địa bàn huyện.\\r\\n"
            "\\r\\n2. Yêu cầu\\r\\n\\r\\na) Cụ thể hóa các nội dung, đề ra các giải pháp\\nthực hiện về công tác trẻ em.\n"
            "b) Xác định rõ trách nhiệm của các tổ chức, cá nhân.")


def test_literal_escaped_line_breaks_of_web_copies_are_line_breaks():
    raw = RawDocument(source="t", format="txt", text=_ESCAPED)
    text, offs = clean(raw)
    assert "\\" not in text
    assert lines_of(text) == [
        "1. Mục đích",
        "Triển khai kịp thời, đầy đủ và có hiệu quả về công tác trẻ em trên địa bàn huyện.",
        "2. Yêu cầu",
        "a) Cụ thể hóa các nội dung, đề ra các giải pháp thực hiện về công tác trẻ em.",
        "b) Xác định rõ trách nhiệm của các tổ chức, cá nhân.",
    ]
    # every kept character still points at itself in the raw text; a break points at its backslash
    for ch, off in zip(text, offs, strict=True):
        assert raw.text[off] == ch or (ch in " \n" and raw.text[off] in "\\\n ")


def test_a_text_that_only_mentions_an_escape_keeps_it():
    text = "Triển khai kịp thời, đầy đủ (ký tự \\n trong tệp)\nvề công tác trẻ em trên địa bàn huyện."
    assert "\\n" in cleaned(text)


def test_unlabelled_lower_case_line_after_a_colon_is_a_wrap_in_hard_wrapped_text():
    # 001's target lead-in, wrapped at a width as a PDF copy prints it
    wrapped = ("1. Mục tiêu cụ thể\n"
               "- Giảm tỷ suất tử vong trẻ sơ sinh trên 1.000 trẻ đẻ sống (p/1000) dưới 9,5%; tỷ lệ\n"
               "trẻ em dưới 1 tuổi được tiêm chủng đầy đủ 8 loại vắc xin đạt trên 95%; phấn đấu\n"
               "- Đến năm 2025:\n"
               "tỷ lệ trẻ em dưới 5 tuổi được tiêm chủng đầy đủ các loại vắc xin đạt trên 95%;\n"
               "- Phấn đấu trên 95% trẻ em sinh ra được làm giấy khai sinh đúng hạn theo quy\n"
               "định của pháp luật.")
    lines = lines_of(cleaned(wrapped))
    assert "- Đến năm 2025: tỷ lệ trẻ em dưới 5 tuổi được tiêm chủng đầy đủ các loại vắc xin đạt trên 95%;" in lines
    # one paragraph per line (not wrapped): the lower-case line is an item of its own
    assert cleaned("Các nội dung như sau:\ntổ chức tuyên truyền.\nkiểm tra, giám sát.").count("\n") == 2


def test_a_text_flattened_into_one_paragraph_gets_its_section_labels_back_at_line_starts():
    # 000's opening, as a PDF tool that dropped every line break gives it
    flat = ("Ủy ban nhân dân huyện xây dựng kế hoạch triển khai thực hiện công tác trẻ em năm 2025 trên địa bàn "
            "huyện Vĩnh Thuận, với các nội dung cụ thể như sau: I. MỤC ĐÍCH, YÊU CẦU 1. Mục đích - Nâng cao hiệu "
            "quả quản lý Nhà nước về công tác bảo vệ, chăm sóc trẻ em. Tăng cường huy động nguồn lực để triển khai "
            "đồng bộ các hoạt động về bảo vệ, chăm sóc trẻ em trên địa bàn huyện, thực hiện khoản 3. Điều 4 của "
            "Luật Trẻ em. 2. Yêu cầu Triển khai, thực hiện các nhiệm vụ công tác trẻ em hiệu quả, phù hợp với điều "
            "kiện, tình hình thực tế. II. NHIỆM VỤ, GIẢI PHÁP 1. Thực hiện Luật Trẻ em, pháp luật, chính sách, các "
            "chương trình, kế hoạch về công tác trẻ em đã ban hành cho giai đoạn 2021-2025, giai đoạn 2021-2030 "
            "2. Truyền thông, giáo dục, vận động xã hội về bảo vệ chăm sóc trẻ em. Đẩy mạnh, đổi mới các hoạt động "
            "truyền thông, phổ biến giáo dục pháp luật, kiến thức, kỹ năng thực hiện quyền trẻ em.")
    raw = RawDocument(source="t", format="txt", text=flat)
    text, offs = clean(raw)
    starts = [ln[:12] for ln in lines_of(text)]
    # "khoản 3. Điều 4" is out of sequence and stays inside its sentence
    assert starts == ["Ủy ban nhân ", "I. MỤC ĐÍCH,", "1. Mục đích ", "2. Yêu cầu T", "II. NHIỆM VỤ", "1. Thực hiện",
                      "2. Truyền th"]
    assert all(raw.text[o] == ch or ch == "\n" for ch, o in zip(text, offs, strict=True))
    # a long paragraph of an ordinary text (one of many) is left alone
    ordinary = flat + "\n" + ("Triển khai thực hiện công tác trẻ em. " * 40 + "\n") * 3
    assert lines_of(cleaned(ordinary))[0] == flat


@settings(max_examples=100, deadline=None)
@given(st.lists(st.sampled_from(["\\r\\n", "\\n", "\\r", "\n", " I. ", " II. ", " 1. ", " 2. ", "MỤC TIÊU", "Mục đích",
                                 " trẻ em", "\\", "r", "n", ".", ": ", "Triển khai kịp thời, đầy đủ và có hiệu quả " * 4]),
                max_size=80).map("".join))
def test_escapes_and_run_on_texts_keep_offsets_exact(s):
    text, offs = clean(RawDocument(source="t", format="txt", text=s))
    assert len(text) == len(offs)
    for ch, o in zip(text, offs, strict=True):
        assert 0 <= o < len(s)
        assert s[o] == ch or ch in " \n"
    assert "\n\n" not in text and text == text.strip()


def test_a_lettered_point_with_a_dot_starts_its_own_line():
    """'a. Tăng cường …' under a heading is a new item, not the heading's continuation."""
    from pipeline.document import RawDocument
    from pipeline.reading.clean import clean

    text, _ = clean(RawDocument(source="t", format="txt",
                                text="1. Truyền thông nâng cao nhận thức\na. Tăng cường tuyên truyền về phòng, "
                                     "chống đuối nước.\nb. Tổ chức các lớp dạy bơi cho trẻ em.\n"))
    assert text.splitlines()[:3] == ["1. Truyền thông nâng cao nhận thức",
                                     "a. Tăng cường tuyên truyền về phòng, chống đuối nước.",
                                     "b. Tổ chức các lớp dạy bơi cho trẻ em."]
