"""Citations: each rule pinned by a sentence quoted from the sample plans (data/raw)."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pipeline.document import Metadata, SectionTree
from pipeline.extraction.citations import extract_citations


def cite(text: str, meta: Metadata | None = None):
    out = extract_citations(text, SectionTree(), meta or Metadata())
    for c in out:
        assert text[c.start:c.end] == c.text
    return out


def only(text: str, meta: Metadata | None = None):
    out = cite(text, meta)
    assert len(out) == 1, out
    return out[0]


# --- what counts: every kind of instrument -------------------------------------------------

@pytest.mark.parametrize("sentence, type_, number", [
    ("Triển khai thực hiện Nghị quyết số 07/2025/NQ-HĐND ngày 08/01/2025 của Hội đồng nhân dân tỉnh Kiên Giang",
     "Nghị quyết", "07/2025/NQ-HĐND"),
    ("theo quy định tại Nghị định số 56/2017/NĐ-CP ngày 09/5/2017 của Chính phủ", "Nghị định", "56/2017/NĐ-CP"),
    ("theo quy định tại Thông tư số 13/2021/TT-BLĐTBXH ngày 30/9/2021 của Bộ trưởng Bộ Lao động - Thương binh "
     "và Xã hội", "Thông tư", "13/2021/TT-BLĐTBXH"),
    ("Quyết định số 23/QĐ-TTg ngày 07/01/2021 của Thủ tướng Chính phủ phê duyệt", "Quyết định", "23/QĐ-TTg"),
    ("Chỉ thị số 23/CT-TTg ngày 26/5/2020 của Thủ tướng Chính phủ", "Chỉ thị", "23/CT-TTg"),
    ("theo Kế hoạch số 411/KH-CAT-PC02 ngày 22/1/2021 đã đề ra", "Kế hoạch", "411/KH-CAT-PC02"),
    ("tại Công văn số 2513/LĐTBXH-TTTT ngày 14/7/2022 để phục vụ", "Công văn", "2513/LĐTBXH-TTTT"),
    ("Xét đề nghị của Phòng Lao động - Thương binh và Xã hội huyện tại Tờ trình số 71/TTr-LĐTBXH ngày 09/4/2024",
     "Tờ trình", "71/TTr-LĐTBXH"),
    ("Nghị quyết số 121/2020/QH14 ngày 19/6/2020 của Quốc hội", "Nghị quyết", "121/2020/QH14"),
    ("Kế hoạch số 31-KH/TU ngày 18/3/2024 của Ban Thường vụ Thành ủy.", "Kế hoạch", "31-KH/TU"),
])
def test_instrument_types_and_symbols(sentence, type_, number):
    c = only(sentence)
    assert (c.type, c.number) == (type_, number)


def test_party_directive_without_date():
    """000: a party document with issuer but no date."""
    c = only("Tiếp tục thực hiện tốt Chỉ thị số 28-CT/TW của Bộ Chính trị về tăng cường công tác")
    assert (c.number, c.date, c.issuer, c.issuer_level) == ("28-CT/TW", None, "Bộ Chính trị", "central")


# --- the symbol in its official form --------------------------------------------------------

@pytest.mark.parametrize("written, official", [
    ("Thông tư số \n\n29/2019/TT- BLĐTBXH ngày 26/12/2019", "29/2019/TT-BLĐTBXH"),  # 003: space after dash
    ("Thông tư số 28/2019/TT-\n\nBLĐTBXH ngày 26/12/2019", "28/2019/TT-BLĐTBXH"),  # 003: line break
    ("Nghị định số 130/2021/NĐ-\n\nCP ngày 30/12/2021", "130/2021/NĐ-CP"),
    ("tổ chức thực hiện Chỉ thị số 28 CT/TW ngày 25/12/2023", "28-CT/TW"),  # 003: space for the party dash
    ("Thực hiện Công văn số 375/LĐT BXH-TE ngày 23/02/2021", "375/LĐTBXH-TE"),  # 004: typo inside the code
    ("theo Nghị quyết số 07/2021/NQ – HĐND ngày 26/4/2021 đã phê duyệt", "07/2021/NQ-HĐND"),  # 001: en dash
    ("Chỉ thị số 23/CT- TTg ngày 26/5/2020 của Thủ tướng Chính phủ", "23/CT-TTg"),  # 004
    ("TRIỂN KHAI THỰC HIỆN QUYẾT ĐỊNH SỐ 06/QĐ-TTG NGÀY 03/01/2019", "06/QĐ-TTg"),  # upper-case title
])
def test_symbol_official_form(written, official):
    assert only(written).number == official


@pytest.mark.parametrize("written, official", [
    # "&" is part of the code (scored without it, kept as officially written)
    ("Thực hiện văn bản số 512/SGD&ĐT-CTTT ngày 04/9/2024 của Sở Giáo dục", "512/SGD&ĐT-CTTT"),
    ("theo Kế hoạch 118/KH- SGD&ĐT ngày 11/3/2023 của Sở", "118/KH-SGD&ĐT"),
    # a joint symbol names every issuer, after slashes and dashes, even with a stray space
    ("Kế hoạch liên tịch số 52/KHLT /BVCSTE-MT-C68-HĐĐTW ngày 02/4/2019", "52/KHLT/BVCSTE-MT-C68-HĐĐTW"),
    ("Kế hoạch liên ngành số 90/KHLN/TE-MT-ATGT-C07-TCTDTT-GDTC-HĐĐTW- ĐCT-BXH ngày 20/6/2022",
     "90/KHLN/TE-MT-ATGT-C07-TCTDTT-GDTC-HĐĐTW-ĐCT-BXH"),
    ("Công văn số 1204/BCĐ138/CP ngày 12/5/2022 của Ban Chỉ đạo", "1204/BCĐ138/CP"),
    # party and Youth Union symbols keep their dash; a party symbol typed in the state form is restored
    ("Kế hoạch số 45-KH/TWĐTN-BTG ngày 03/3/2023 của Ban Bí thư Trung ương Đoàn", "45-KH/TWĐTN-BTG"),
    ("Chỉ thị 20/CT-TW năm 2012 của Bộ Chính trị", "20-CT/TW"),
])
def test_symbol_with_ampersand_many_parts_or_party_dash(written, official):
    assert only(written).number == official


def test_symbol_stops_before_a_word_after_a_spaced_dash():
    c = only("Kế hoạch số 40/KH-UBND - Ban Chỉ đạo huyện")
    assert c.number == "40/KH-UBND"


@pytest.mark.parametrize("sentence", [
    "Nghị định 19/2011/NĐ-CP ngày 21/3/2011 của Chính phủ",  # 001: no "số"
    "Nghị định số 19/2011/NĐ-CP ngày 21/3/2011 của Chính phủ",
    "Nghị định số: 19/2011/NĐ-CP ngày 21 tháng 3 năm 2011 của Chính phủ",
])
def test_with_and_without_so_and_both_date_styles(sentence):
    c = only(sentence)
    assert (c.number, c.date) == ("19/2011/NĐ-CP", "2011-03-21")


def test_date_in_words_across_lines():
    c = only("Thực hiện Kế hoạch số 40/KH-UBND ngày 19 tháng 02 năm 2025 của Ủy ban nhân dân tỉnh Kiên Giang về việc")
    assert c.date == "2025-02-19"
    assert c.text == "Kế hoạch số 40/KH-UBND ngày 19 tháng 02 năm 2025"


def test_own_number_is_not_a_citation():
    text = "Số: 31 /KH-UBND\n\nVĩnh Thuận, ngày 28 tháng 02 năm 2025\n\nKẾ HOẠCH\nThực hiện Kế hoạch số 40/KH-UBND"
    assert [c.number for c in cite(text)] == ["40/KH-UBND"]
    assert [c.number for c in cite("Kế hoạch 31/KH-UBND năm 2025", Metadata(number="31/KH-UBND"))] == []


@pytest.mark.parametrize("summary, cited", [
    ("UBND tỉnh vừa ban hành Kế hoạch số 96/KH-UBND về tổ chức Tháng hành động vì trẻ em năm 2024. "
     "Kế hoạch thực hiện Chỉ thị số 23/CT-TTg ngày 26/5/2020 của Thủ tướng Chính phủ.", ["23/CT-TTg"]),
    ("Ngày 12/3, Sở GD&ĐT ban hành Kế hoạch số 41/KH-SGD&ĐT về phòng, chống đuối nước cho học sinh.", []),
    ("Chủ tịch UBND tỉnh vừa ký ban hành Kế hoạch 118/KH-UBND triển khai Tháng hành động.", []),
    ("Sở Giáo dục và Đào tạo có văn bản số 230/SGDĐT-GDPT yêu cầu các trường quán triệt Nghị định số "
     "72/2013/NĐ-CP về quản lý Internet.", ["72/2013/NĐ-CP"]),
    ("UBND tỉnh ban hành Kế hoạch thực hiện Chương trình phòng, chống tai nạn thương tích trẻ em giai đoạn "
     "2021 - 2025 (Kế hoạch số 77/KH-UBND, ngày 02/6/2021).", []),
    ("Hướng dẫn tổ chức Tết Trung thu năm 2015 (318/UBND-VX)\nKính gửi: Sở Văn hóa, Thể thao và Du lịch\n"
     "Thực hiện Công văn số 901/LĐTBXH-BVCSTE ngày 20/8/2015", ["901/LĐTBXH-BVCSTE"]),
])
def test_reported_document_number_is_not_a_citation(summary, cited):
    """A summary's own document: the one the opening says is issued, or the page is titled by."""
    assert [c.number for c in cite(summary)] == cited


def test_reported_document_is_own_even_where_metadata_read_less_of_it():
    text = "Sở Giáo dục và Đào tạo ban hành văn bản số 512/SGD&ĐT-HSSV ngày 25/8/2025 về an toàn giao thông."
    assert cite(text, Metadata(number="512/SGD")) == []


def test_page_titled_by_its_document():
    text = ("Kế hoạch 182/KH-UBND 2022 Chương trình can thiệp giảm tử vong trẻ em dưới 5 tuổi\n"
            "Thực hiện Quyết định số 1493/QĐ-TTg ngày 10/9/2021 của Thủ tướng Chính phủ")
    assert [c.number for c in cite(text)] == ["1493/QĐ-TTg"]
    # a first line that opens a sentence with a dated instrument cites it
    text = "Quyết định 23/QĐ-TTg ngày 07/01/2021 của Thủ tướng Chính phủ phê duyệt Chương trình\nhành động"
    assert [c.number for c in cite(text)] == ["23/QĐ-TTg"]



def test_document_issued_in_the_past_is_a_citation():
    """In a plan's body "đã ban hành" tells an earlier document; a news page says it of its own."""
    text = ("I. KẾT QUẢ\nNăm 2023, UBND tỉnh đã ban hành Kế hoạch số 40/KH-UBND ngày 19/02/2023 về công tác trẻ "
            "em.")
    assert [c.number for c in cite(text)] == ["40/KH-UBND"]
    news = "UBND tỉnh đã ban hành Kế hoạch số 52/KH-UBND ngày 26/01/2024 về chăm sóc trẻ em mồ côi."
    assert cite(news) == []


def test_issued_document_in_a_plan_with_a_header_is_a_citation():
    text = ("Số: 12/KH-UBND\nKẾ HOẠCH\nNăm 2023, UBND tỉnh đã ban hành Kế hoạch số 40/KH-UBND ngày 19/02/2023 "
            "về công tác trẻ em.")
    assert [c.number for c in cite(text)] == ["40/KH-UBND"]


# --- bare numbers that stand alone -----------------------------------------------------------

@pytest.mark.parametrize("sentence, number, issuer", [
    # a type word and a number no full symbol explains, with an issuer or a date: the number as written
    ("tiếp tục thực hiện Chỉ thị số 05 của Chủ tịch UBND tỉnh về phòng, chống đuối nước", "05", "UBND tỉnh"),
    ("theo chỉ thị 7 ngày 12-6-2017 của Chủ tịch UBND tỉnh", "7", "UBND tỉnh"),
    ("Công văn số 512 ngày 20-3-2019 của Cục Trẻ em về việc", "512", "Cục Trẻ em"),
    ("thực hiện Văn bản số 914 của phòng LĐTBXH huyện", "914", "phòng LĐTBXH huyện"),
    # type and issuer make the symbol certain
    ("Quyết định số 1437, ngày 25-8-2021 của Thủ tướng Chính phủ", "1437/QĐ-TTg", "Thủ tướng Chính phủ"),
])
def test_standalone_bare_number(sentence, number, issuer):
    c = only(sentence)
    assert (c.number, c.issuer) == (number, issuer)


@pytest.mark.parametrize("sentence", [
    "mục tiêu của Quyết định số 23, đó là",  # no issuer, no date, no programme: which decision?
    "triển khai Đề án 06 của Chính phủ",  # a scheme named by its number is not a citation
    "thực hiện Chương trình 135 của Chính phủ",
])
def test_bare_number_that_does_not_say_which_instrument(sentence):
    assert cite(sentence) == []


def test_short_form_still_takes_the_full_symbol():
    cits = cite("Chỉ thị số 28-CT/TW ngày 25/12/2023 của Ban Bí thư; thực hiện Chỉ thị số 28 của Ban Bí thư")
    assert {c.number for c in cits} == {"28-CT/TW"}


def test_date_written_after_the_issuer():
    c = only("Thực hiện Công văn số 3125/VPCP-KGVX của Văn phòng Chính phủ, ngày 12 tháng 5 năm 2022 về")
    assert (c.number, c.date, c.issuer) == ("3125/VPCP-KGVX", "2022-05-12", "Văn phòng Chính phủ")


@pytest.mark.parametrize("sentence, name, number, date", [
    ("Căn cứ Luật Trẻ em số 102/2016/QH13 ngày 05/4/2016;", "Luật Trẻ em", "102/2016/QH13", "2016-04-05"),
    ("Căn cứ Luật Đất đai số 45/2013/QH13 ngày 29/11/2013;", "Luật Đất đai", "45/2013/QH13", "2013-11-29"),
])
def test_law_name_followed_by_its_number(sentence, name, number, date):
    c = only(sentence)
    assert (c.type, c.name, c.number, c.date) == ("Luật", name, number, date)


def test_law_named_by_number_and_name_is_one_instrument():
    cits = cite("quy định tại Luật số 102/2016/QH13 của Quốc hội Luật Trẻ em; thực hiện Luật Trẻ em")
    assert {c.number for c in cits} == {"102/2016/QH13"}
    assert {c.key for c in cits} == {"102/2016/QH13"}


# --- issuer and level ------------------------------------------------------------------------

@pytest.mark.parametrize("sentence, issuer, level", [
    ("Quyết định số 588/QĐ-TTg ngày 17/5/2019 của Thủ tướng Chính phủ.", "Thủ tướng Chính phủ", "central"),
    ("Thông tư số 13/2021/TT-BLĐTBXH ngày 30/9/2021 của Bộ trưởng Bộ Lao động - Thương binh và Xã hội.",
     "Bộ Lao động - Thương binh và Xã hội", "central"),
    ("Nghị quyết số 07/2025/NQ-HĐND ngày 08/01/2025 của Hội đồng nhân dân tỉnh Kiên Giang quy định",
     "HĐND tỉnh Kiên Giang", "province"),
    ("Kế hoạch số 102/KH-UBND ngày 22/4/2024 của Chủ tịch UBND thành phố Quảng Ngãi về việc",
     "UBND thành phố Quảng Ngãi", "district"),
    ("Tờ trình số 71/TTr-LĐTBXH ngày 09/4/2024", None, None),
])
def test_issuer_and_level(sentence, issuer, level):
    c = only(sentence)
    assert (c.issuer, c.issuer_level) == (issuer, level)


@pytest.mark.parametrize("sentence, issuer", [
    ("Quyết định số 588/QĐ-TTg ngày 17/5/2019 của Thủ tướng Chính Phủ.", "Thủ tướng Chính phủ"),
    ("Thông tư số 13/2021/TT-BLĐTBXH ngày 30/9/2021 của Bộ Lao động Thương binh và Xã hội.",
     "Bộ Lao động - Thương binh và Xã hội"),
    ("Kế hoạch số 102/KH-UBND ngày 22/4/2024 của UBND Thành phố Quảng Ngãi về việc", "UBND thành phố Quảng Ngãi"),
    ("Kế hoạch số 31-KH/TU ngày 18/3/2024 của Tỉnh Ủy Quảng Ngãi.", "Tỉnh ủy Quảng Ngãi"),
    ("Kế hoạch số 12/KH-UBND ngày 02/3/2024 của UBND huyện Thuỷ Nguyên.", "UBND huyện Thủy Nguyên"),
])
def test_issuer_printed_as_officially_written(sentence, issuer):
    """Case, dashes and tone placement vary between plans; one issuer is one string in the registry."""
    assert only(sentence).issuer == issuer


def test_issuer_from_the_code_when_not_written():
    c = only("Nghị quyết số 121/2020/QH14 ngày 19/6/2020 về tiếp tục tăng cường")
    assert (c.issuer, c.issuer_level) == ("Quốc hội", "central")


def test_unnamed_province_gets_the_plans_province():
    c = only("Thực hiện Kế hoạch số 76/KH-UBND ngày 26/3/2024 của UBND tỉnh về triển khai",
             Metadata(province="Quảng Ngãi"))
    assert c.issuer == "UBND tỉnh Quảng Ngãi"


# --- short forms ---------------------------------------------------------------------------

def test_defined_short_form_resolves_to_the_full_instrument():
    """002: "(sau đây viết tắt là Chỉ thị số 28)"."""
    text = ("Thực hiện Kế hoạch số 102/KH-UBND ngày 22/4/2024 của Chủ tịch UBND thành phố Quảng Ngãi về việc "
            "thực hiện Chỉ thị số 28-CT/TW ngày 25/12/2023 của Bộ Chính trị về tăng cường công tác chăm sóc "
            "(sau đây viết tắt là Chỉ thị số 28), UBND phường Nguyễn Nghiêm xây dựng Kế hoạch")
    cs = cite(text)
    short = [c for c in cs if c.short_form]
    assert [c.text for c in short] == ["Chỉ thị số 28"]
    assert (short[0].number, short[0].date, short[0].key) == ("28-CT/TW", "2023-12-25", cs[1].key)


def test_undated_repeat_takes_the_date_of_the_full_mention():
    """003: "Thông tư số 13/2021/TT-BLĐTBXH của Bộ …" later in the plan."""
    text = ("thống kê theo Thông tư số 13/2021/TT-BLĐTBXH ngày 30/9/2021 của Bộ trưởng Bộ Lao động - Thương "
            "binh và Xã hội. Thực hiện chế độ báo cáo theo Thông tư số 13/2021/TT-BLĐTBXH của Bộ Lao động - "
            "Thương binh và Xã hội.")
    first, second = cite(text)
    assert (second.date, second.short_form, second.key) == ("2021-09-30", True, first.key)


def test_bare_number_without_a_full_mention_is_dropped():
    assert cite("Quyết liệt chỉ đạo Tổ công tác triển khai Đề án 06 cấp xã; Quyết định số 23") == []


def test_same_number_different_year_are_two_instruments():
    """001 cites 06/QĐ-TTg of 2019, 003 the one of 2022."""
    a = only("theo Quyết định số 06/QĐ-TTg ngày 03/01/2019 của Thủ tướng Chính phủ.")
    b = only("tại Quyết định số 06/QĐ-TTg ngày 06/01/2022 của Thủ tướng Chính phủ.")
    assert a.key != b.key and a.key.endswith("@2019") and b.key.endswith("@2022")


# --- text without diacritics (OCR, typed without a Vietnamese keyboard) ---------------------

@pytest.mark.parametrize("sentence, type_, number, date", [
    ("Can cu Quyet dinh so 23/QD-TTg ngay 07/01/2021 cua Thu tuong Chinh phu;", "Quyết định", "23/QĐ-TTg",
     "2021-01-07"),
    ("theo quy dinh tai Nghi dinh so 56/2017/ND-CP ngay 09/5/2017 cua Chinh phu", "Nghị định", "56/2017/NĐ-CP",
     "2017-05-09"),
    ("Thong tu so 13/2021/TT-BLDTBXH ngay 30 thang 9 nam 2021", "Thông tư", "13/2021/TT-BLĐTBXH", "2021-09-30"),
    ("tai Van ban so 2513/LDTBXH-TTTT ngay 14/7/2022 de phuc vu", "Công văn", "2513/LĐTBXH-TTTT", "2022-07-14"),
    ("theo Ke hoach so 34/KH-SGDDT ngay 25/7/2019", "Kế hoạch", "34/KH-SGDĐT", "2019-07-25"),
    ("Chi thi so 28-CT/TW ngay 25/12/2023", "Chỉ thị", "28-CT/TW", "2023-12-25"),
])
def test_unaccented_type_words_codes_and_dates(sentence, type_, number, date):
    c = only(sentence)
    assert (c.type, c.number, c.date) == (type_, number, date)


def test_unaccented_preamble_cues():
    """Text without diacritics: "Can cu" cites, "Trien khai" / "Thuc hien" implement, "thang"/"nam" dates."""
    text = ("Can cu Thong tu so 28/2019/TT-BLDTBXH ngay 26/12/2019 cua Bo Lao dong - Thuong binh va Xa hoi; "
            "trien khai Cong van so 478/LDTBXH-TE ngay 28 thang 2 nam 2022 cua Bo Lao dong - Thuong binh va Xa hoi;"
            " Thuc hien van ban so 12/TE-BVTE ngay 3/3/2022 cua Cuc Tre em; UBND tinh ban hanh Ke hoach\n\n"
            "I. MUC DICH, YEU CAU\n")
    assert [(c.number, c.date, c.relation) for c in cite(text)] == [
        ("28/2019/TT-BLĐTBXH", "2019-12-26", "cites"),
        ("478/LĐTBXH-TE", "2022-02-28", "implements"),
        ("12/TE-BVTE", "2022-03-03", "implements"),
    ]


# --- relation -------------------------------------------------------------------------------

def test_preamble_thuc_hien_implements_and_xet_cites():
    """003's preamble: the plan carries out the province plan; the Tờ trình is only a basis."""
    text = ("KẾ HOẠCH\nTriển khai thực hiện công tác trẻ em trên địa bàn huyện Sơn Hà năm 2024\n\n"
            "Thực hiện Kế hoạch số 76/KH-UBND ngày 26/3/2024 của UBND tỉnh về triển khai thực hiện công tác trẻ "
            "em trên địa bàn tỉnh Quảng Ngãi năm 2024; Xét đề nghị của Phòng Lao động - Thương binh và Xã hội "
            "huyện tại Tờ trình số 71/TTr-LĐTBXH ngày 09/4/2024; UBND huyện Sơn Hà ban hành Kế hoạch\n\n"
            "I. MỤC ĐÍCH, YÊU CẦU\n\n1. Mục đích\n")
    assert [(c.number, c.relation) for c in cite(text)] == [
        ("76/KH-UBND", "implements"), ("71/TTr-LĐTBXH", "cites")]


def test_title_trien_khai_implements_and_every_mention_follows():
    text = ("KẾ HOẠCH\n\n**Triển khai thực hiện Chỉ thị số 28-CT/TW ngày 25/12/2023\ncủa Bộ Chính trị**\n\n"
            "I. Mục đích, yêu cầu\n\n- Bám sát vào nội dung, nhiệm vụ, giải pháp được nêu trong Chỉ thị số "
            "28-CT/TW của Bộ Chính trị.")
    assert {c.relation for c in cite(text)} == {"implements"}


def test_can_cu_and_body_mentions_are_cited():
    text = ("Căn cứ Nghị định số 56/2017/NĐ-CP ngày 09/5/2017 của Chính phủ;\n\nI. MỤC TIÊU\n\n"
            "- Triển khai thực hiện Nghị quyết số 07/2025/NQ-HĐND ngày 08/01/2025 của Hội đồng nhân dân tỉnh")
    assert [c.relation for c in cite(text)] == ["cites", "cites"]


def test_preamble_list_after_thuc_hien_is_all_implemented():
    """001: "Thực hiện Kế hoạch số 208 … về Thực hiện Nghị quyết số 07/2021 …"."""
    text = ("Thực hiện Kế hoạch số 208/KH-UBND ngày 09/06/2021 của Ủy ban nhân dân tỉnh về Thực hiện Nghị quyết "
            "số 07/2021/NQ-HĐND ngày 26/4/2021 của Hội đồng nhân dân tỉnh; UBND tỉnh ban hành Kế hoạch\n\n"
            "I. MỤC TIÊU\n")
    assert [c.relation for c in cite(text)] == ["implements", "implements"]


@pytest.mark.parametrize("text", [
    # title "Triển khai thực hiện Chương trình Y" + "Căn cứ Quyết định … phê duyệt Chương trình Y"
    "KẾ HOẠCH\nTRIỂN KHAI THỰC HIỆN CHƯƠNG TRÌNH PHÒNG, CHỐNG ĐUỐI NƯỚC CHO TRẺ EM GIAI ĐOẠN 2026 - 2030 "
    "TRÊN ĐỊA BÀN HUYỆN\n\nCăn cứ Quyết định số 123/QĐ-TTg ngày 05/3/2025 của Thủ tướng Chính phủ về việc phê "
    "duyệt Chương trình “Phòng, chống đuối nước cho trẻ em giai đoạn 2025 - 2030”;\n\nI. MỤC ĐÍCH, YÊU CẦU\n",
    # "Căn cứ … phê duyệt Đề án Y, UBND tỉnh ban hành Kế hoạch thực hiện Đề án Y"
    "Căn cứ Quyết định số 123/QĐ-TTg ngày 08/01/2019 của Thủ tướng Chính phủ phê duyệt Đề án bảo đảm dinh "
    "dưỡng hợp lý cho trẻ em, UBND tỉnh ban hành Kế hoạch thực hiện Đề án bảo đảm dinh dưỡng hợp lý cho "
    "trẻ em như sau:\n\nI. MỤC TIÊU\n",
])
def test_can_cu_a_decision_approving_the_programme_the_plan_carries_out_cites(text):
    """The gold's rule: `implements` needs "Thực hiện …" or the instrument itself named as what is
    carried out; a plan carrying out the programme a decision approved still only cites the decision."""
    assert [(c.number, c.relation) for c in cite(text)] == [("123/QĐ-TTg", "cites")]


@pytest.mark.parametrize("front", [
    # the plan has its own programme, it does not carry out the approved one
    "KẾ HOẠCH\nHành động về dinh dưỡng của huyện đến năm 2030\n\nCăn cứ Quyết định số 718/QĐ-BYT ngày "
    "29/01/2018 của Bộ Y tế về việc phê duyệt Kế hoạch hành động quốc gia về dinh dưỡng đến năm 2020;\n",
    # another programme
    "KẾ HOẠCH\nThực hiện Chương trình sức khỏe học đường giai đoạn 2026 - 2030\n\nCăn cứ Quyết định số "
    "1248/QĐ-TTg ngày 19/7/2021 của Thủ tướng Chính phủ phê duyệt Chương trình phòng, chống tai nạn, thương "
    "tích trẻ em giai đoạn 2021 - 2030;\n",
    # a programme approval itself
    "QUYẾT ĐỊNH\nPhê duyệt Chương trình phòng ngừa lao động trẻ em của tỉnh\n\nCăn cứ Quyết định số "
    "1023/QĐ-TTg ngày 07/6/2016 của Thủ tướng Chính phủ về phê duyệt Chương trình phòng ngừa lao động trẻ em;\n",
])
def test_can_cu_without_carrying_out_the_same_programme_cites(front):
    cited = [c for c in cite(front + "\nI. MỤC TIÊU\n") if c.type == "Quyết định"]
    assert [c.relation for c in cited] == ["cites"]


def test_carrying_out_phrase_of_a_cited_decision_is_not_the_plans():
    """"Quyết định … của Bộ … ban hành Kế hoạch thực hiện Đề án Y" says what that decision does."""
    text = ("KẾ HOẠCH\nCông tác trẻ em năm 2026\n\nCăn cứ Quyết định số 1978/QĐ-BGDĐT ngày 11/7/2019 của Bộ "
            "Giáo dục và Đào tạo ban hành Kế hoạch thực hiện Đề án bảo đảm dinh dưỡng hợp lý; Quyết định số "
            "41/QĐ-TTg ngày 08/01/2019 của Thủ tướng Chính phủ phê duyệt Đề án bảo đảm dinh dưỡng hợp lý;\n\n"
            "I. MỤC TIÊU\n")
    assert {c.relation for c in cite(text)} == {"cites"}


def test_summary_content_after_the_reported_document_cites():
    """What a summary lists after the reported document is its content, not what it carries out."""
    text = ("Thực hiện Văn bản số 793/LĐTBXH-TE ngày 29/02/2024 của Bộ Lao động - Thương binh và Xã hội, UBND tỉnh "
            "vừa ban hành Văn bản số 1180/UBND-VX ngày 09/5/2024 chỉ đạo công tác trẻ em năm 2024, tập trung vào "
            "các nội dung sau: tiếp tục triển khai hiệu quả Luật Trẻ em, Nghị định số 56/2017/NĐ-CP.")
    assert [(c.number or c.name, c.relation) for c in cite(text)] == [
        ("793/LĐTBXH-TE", "implements"), ("Luật Trẻ em", "cites"), ("56/2017/NĐ-CP", "cites")]


def test_portal_page_titled_by_the_plan_holding_the_plan_itself_keeps_its_preamble():
    """A page titled "Kế hoạch 258/KH-UBND năm 2020 …" over a metadata table and then the plan with its own
    header (national motto) is the plan, not a summary: its "Thực hiện …" preamble implements, also when
    the text is cut before the first heading."""
    text = ("Kế hoạch 31/KH-UBND năm 2025 về triển khai thực hiện công tác trẻ em trên địa bàn huyện Vĩnh Thuận\n"
            "Số hiệu: 31/KH-UBND Loại văn bản: Kế hoạch\nNơi ban hành: Huyện Vĩnh Thuận Người ký: Nguyễn Văn A\n"
            "ỦY BAN NHÂN DÂN\nHUYỆN VĨNH THUẬN\nCỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\nĐộc lập - Tự do - Hạnh phúc\n"
            "Số: 31/KH-UBND\nVĩnh Thuận, ngày 28 tháng 02 năm 2025\nKẾ HOẠCH\n"
            "Triển khai thực hiện công tác trẻ em năm 2025 trên địa bàn huyện Vĩnh Thuận\n"
            "Thực hiện Kế hoạch số 40/KH-UBND ngày 19 tháng 02 năm 2025 của Ủy ban nhân dân tỉnh Kiên Giang về "
            "thực hiện công tác trẻ em năm 2025; Chỉ thị số 28-CT/TW ngày 25/12/2018 của Ban Bí thư")
    assert [(c.number, c.relation) for c in cite(text, Metadata(number="31/KH-UBND"))] == [
        ("40/KH-UBND", "implements"), ("28-CT/TW", "implements")]


@pytest.mark.parametrize("text, relations", [
    ("Căn cứ Quyết định số 1863/QĐ-TTg ngày 23/12/2019 của Thủ tướng Chính phủ về việc phê duyệt Kế hoạch hành "
     "động quốc gia,\nUBND tỉnh xây dựng Kế hoạch triển khai thực hiện Quyết định số 1863/QĐ-TTg của Thủ tướng "
     "Chính phủ trên địa bàn tỉnh như sau:\nI. MỤC TIÊU\n", ["implements", "implements"]),
    ("UBND tỉnh vừa có văn bản chỉ đạo việc triển khai thực hiện Quyết định 06/QĐ-TTg ngày 3/1/2019 của Thủ "
     "tướng Chính phủ.", ["implements"]),
    # the carrying-out phrase describes the cited decision, not the plan
    ("Căn cứ Quyết định số 12/QĐ-UBND ngày 02/3/2020 của UBND tỉnh ban hành Kế hoạch triển khai thực hiện Quyết "
     "định số 1863/QĐ-TTg;\nI. MỤC TIÊU\n", ["cites", "cites"]),
    # a task of carrying out a law is not the plan's purpose
    ("Các ngành tiếp tục triển khai thực hiện Luật Trẻ em năm 2016.", ["cites"]),
])
def test_plan_issued_to_carry_out_inside_a_sentence(text, relations):
    assert [c.relation for c in cite(text)] == relations


# --- named laws ----------------------------------------------------------------------------

@pytest.mark.parametrize("sentence, name, key", [
    ("1. Thực hiện Luật Trẻ em, pháp luật, chính sách", "Luật Trẻ em", "102/2016/QH13"),
    ("một số điều của luật Nuôi con nuôi, được sửa đổi", "Luật Nuôi con nuôi", "52/2010/QH12"),
    ("đúng theo Luật ngân sách của Nhà nước và các văn bản", "Luật Ngân sách nhà nước", "83/2015/QH13"),
    ("các quy định của Bộ luật hình sự về người chưa thành niên", "Bộ luật Hình sự", "100/2015/QH13"),
    # the convention is one instrument (one key) however it is named; named without the United
    # Nations it prints as written
    ("như: Công ước Quốc tế về trẻ em; Luật", "Công ước Quốc tế về quyền trẻ em",
     "công ước của liên hợp quốc về quyền trẻ em"),
    ("tuyên truyền Công ước của Liên hợp quốc về quyền trẻ em tới học sinh",
     "Công ước của Liên hợp quốc về quyền trẻ em", "công ước của liên hợp quốc về quyền trẻ em"),
    ("thực hiện công ước Quốc tế của Liên hiệp quốc về Quyền trẻ em và Luật", "Công ước của Liên hợp quốc về "
     "quyền trẻ em", "công ước của liên hợp quốc về quyền trẻ em"),
    ("Công ước Liên hợp quốc về các quyền của trẻ em (1989)", "Công ước của Liên hợp quốc về quyền trẻ em",
     "công ước của liên hợp quốc về quyền trẻ em"),
    # old laws count like current ones; a list number may stick to the name
    ("- 1Luật Bảo vệ, chăm sóc và giáo dục trẻ em 2004\n- 2Luật phòng, chống bạo lực gia đình 2007",
     "Luật Bảo vệ, chăm sóc và giáo dục trẻ em", "25/2004/QH11"),
    ("- 1Luật Bảo vệ, chăm sóc và giáo dục trẻ em 2004\n- 2Luật phòng, chống bạo lực gia đình 2007",
     "Luật Phòng, chống bạo lực gia đình", "luật phòng, chống bạo lực gia đình"),
    ("Căn cứ Luật Tổ chức Hội đồng nhân dân và Uỷ ban nhân dân ngày 26/11/2003;",
     "Luật Tổ chức Hội đồng nhân dân và Ủy ban nhân dân", "11/2003/QH11"),
])
def test_named_laws(sentence, name, key):
    c = [c for c in cite(sentence) if c.name == name]
    assert len(c) == 1
    assert (c[0].number, c[0].key) == (None, key)


@pytest.mark.parametrize("sentence, name", [
    # a law the registry does not list, written as a proper name
    ("Căn cứ Luật Đất đai năm 2013 và Nghị định số 43/2014/NĐ-CP", "Luật Đất đai"),
    ("yêu cầu học sinh nghiêm chỉnh chấp hành Luật Giao thô", "Luật Giao thô"),  # a text cut mid-word
    ("tuyên truyền Luật Phòng, chống xâm hại tình dục trẻ em ngày 01/01/2030 tới", "Luật Phòng, chống xâm hại "
     "tình dục trẻ em"),
])
def test_unlisted_law_written_as_a_proper_name(sentence, name):
    c = [c for c in cite(sentence) if c.type == "Luật"]
    assert [(c.name, c.number, c.key) for c in c] == [(name, None, name.lower())]


def test_loose_name_prints_as_written_with_the_registry_key():
    c = only("Tổ đò cần chấp hành tốt luật an toàn giao thông đường thủy, chuẩn bị áo phao")
    assert (c.name, c.key) == ("Luật an toàn giao thông đường thủy", "luật giao thông đường thủy nội địa")


@pytest.mark.parametrize("sentence", [
    "đẩy mạnh giáo dục pháp luật về phòng, chống ma túy cho học sinh",
    "sinh viên Trường Đại học Luật Hà Nội tham gia tư vấn",
    "theo luật định và các quy định hiện hành",
    "ông Nguyễn Văn Luật Phó Chủ tịch UBND xã phát biểu",
    "tổ chức cuộc thi tìm hiểu pháp luật phòng, chống ma túy cho học sinh phổ thông",
    "góp ý dự thảo Luật Trẻ em sửa đổi",
])
def test_law_in_general_or_a_draft_names_no_law(sentence):
    assert cite(sentence) == []


def test_amending_law_is_one_law_named_after_the_laws_it_amends():
    """The laws in its name are not cited by it; the date after the name is the amending law's."""
    text = ("Căn cứ Luật Tổ chức chính quyền địa phương ngày 19 tháng 6 năm 2015; Luật sửa đổi, bổ sung một số "
            "điều của Luật Tổ chức Chính phủ và Luật Tổ chức chính quyền địa phương ngày 22 tháng 11 năm 2019;")
    assert [(c.name, c.date) for c in cite(text)] == [
        ("Luật Tổ chức chính quyền địa phương", "2015-06-19"),
        ("Luật sửa đổi, bổ sung một số điều của Luật Tổ chức Chính phủ và Luật Tổ chức chính quyền địa phương",
         "2019-11-22"),
    ]


@pytest.mark.parametrize("sentence, name, level", [
    ("tiếp tục quán triệt Nghị quyết Đại hội đại biểu toàn quốc lần thứ XIII của Đảng, các nghị quyết",
     "Nghị quyết Đại hội đại biểu toàn quốc lần thứ XIII của Đảng", "central"),
    ("phù hợp với Nghị quyết Đại hội Đảng bộ tỉnh Kiên Giang\nlần thứ XI, nhiệm kỳ 2020 - 2025;",
     "Nghị quyết Đại hội Đảng bộ tỉnh Kiên Giang lần thứ XI", "province"),
])
def test_party_congress_resolution_is_cited_by_name(sentence, name, level):
    c = only(sentence)
    assert (c.type, c.name, c.number, c.issuer_level) == ("Nghị quyết", name, None, level)
    assert c.issuer == name.removeprefix("Nghị quyết ")


def test_a_congress_that_is_not_a_proper_name_is_not_cited():
    assert cite("tổ chức thành công nghị quyết đại hội chi đoàn và hội nghị lần thứ 2") == []


def test_plural_laws_are_not_a_named_law():
    assert cite("cho học sinh về các Luật giao thông đường bộ") == []


# --- robustness ---------------------------------------------------------------------------

@settings(max_examples=200, deadline=None)
@given(st.text())
def test_never_raises_and_offsets_are_exact(text):
    for c in extract_citations(text, SectionTree(), Metadata()):
        assert text[c.start:c.end] == c.text


@settings(max_examples=100, deadline=None)
@given(st.lists(st.sampled_from([
    "Quyết định số ", "23/QĐ-TTg", " ngày ", "07/01/2021", " của ", "Thủ tướng Chính phủ", "; ", "Thực hiện ",
    "Chỉ thị số 28", "-CT/TW", " CT/TW", "Luật Trẻ em", "\n\n", "I. ", "năm 2024", "(sau đây viết tắt là ", ")",
    "Số: ", "–", " - ", "/", "Căn cứ ",
]), max_size=25).map("".join))
def test_never_raises_on_citation_like_text(text):
    for c in extract_citations(text, SectionTree(), Metadata()):
        assert text[c.start:c.end] == c.text
        assert c.relation in ("implements", "cites")


def test_excerpts_offsets_and_party_symbols(excerpts_dir):
    """Other provinces' wording: offsets hold, and party symbols keep their form."""
    numbers = set()
    for path in sorted(excerpts_dir.glob("x_*.txt")):
        text = path.read_text(encoding="utf-8")
        for c in cite(text):
            assert c.key
            numbers.add(c.number)
    assert {"20-NQ/TW", "208-CV/TU", "2526-QĐ/TU"} <= numbers
