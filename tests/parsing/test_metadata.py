"""Document metadata (pipeline/parsing/metadata.py), pinned with the headers and signature blocks of the sample plans."""

from __future__ import annotations

import csv
import re

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pipeline.parsing.metadata import extract_metadata, find_issue_date, find_number, unit_mentions
from pipeline.parsing.structure import parse_structure


def meta(text: str):
    return extract_metadata(text, parse_structure(text))


HEAD_000 = """Số: 31 /KH-UBND
Vĩnh Thuận, ngày 28 tháng 02 năm 2025
KẾ HOẠCH
Về việc triển khai thực hiện công tác trẻ em năm 2025 trên địa bàn huyện Vĩnh Thuận
Thực hiện Kế hoạch số 40/KH-UBND ngày 19 tháng 02 năm 2025 của Ủy ban nhân dân tỉnh Kiên Giang về việc triển khai thực hiện công tác trẻ em năm 2025 trên địa bàn tỉnh Kiên Giang.
Ủy ban nhân dân huyện xây dựng kế hoạch triển khai thực hiện công tác trẻ em năm 2025 trên địa bàn huyện Vĩnh Thuận, với các nội dung cụ thể như sau:
I. MỤC ĐÍCH, YÊU CẦU
1. Mục đích
- Nâng cao hiệu quả quản lý Nhà nước về công tác bảo vệ, chăm sóc trẻ em.
Nơi nhận:
- Sở Lao động - TBXH (b/c);
- Lưu: VT, lcttham.
**KT. CHỦ TỊCH
PHÓ CHỦ TỊCH**
Nguyễn Văn Đức
"""

HEAD_001 = """## KẾ HOẠCH
### Thực hiện công tác bảo vệ, chăm sóc trẻ em tỉnh năm 2023
Thực hiện Kế hoạch số 208/KH-UBND ngày 09/06/2021 của Ủy ban nhân dân tỉnh về Thực hiện Nghị quyết số 07/2021/NQ-HĐND ngày 26/4/2021 của Hội đồng nhân dân tỉnh về “Đẩy mạnh công tác bảo vệ, chăm sóc trẻ em tỉnh Thừa Thiên Huế giai đoạn 2021 - 2025”; UBND tỉnh ban hành Kế hoạch thực hiện công tác bảo vệ, chăm sóc trẻ em tỉnh năm 2023 với nội dung sau:
#### I. MỤC TIÊU
##### 1. Mục tiêu chung
Tạo điều kiện để mọi trẻ em đều được đảm bảo các quyền cơ bản.
*Nơi nhận:*
- Cục Trẻ em (b/c);
TM. ỦY BAN NHÂN DÂN
KT.CHỦ TỊCH
PHÓ CHỦ TỊCH
Nguyễn Thanh Bình
"""

HEAD_002 = """Số: /KH-UBND
Phường Nguyễn Nghiêm, ngày tháng 5 năm 2024
KẾ HOẠCH
**Triển khai thực hiện Chỉ thị số 28-CT/TW ngày 25/12/2023 của Bộ Chính trị về tăng cường công tác chăm sóc, giáo dục và bảo vệ trẻ em đáp ứng yêu cầu phát triển đất nước phồn vinh, hạnh phúc trên địa bàn phường Nguyễn Nghiêm.**
Thực hiện Kế hoạch số 102/KH-UBND ngày 22/4/2024 của Chủ tịch UBND thành phố Quảng Ngãi về việc thực hiện Chỉ thị số 28-CT/TW ngày 25/12/2023 của Bộ Chính trị về tăng cường công tác chăm sóc, giáo dục và bảo vệ trẻ em đáp ứng yêu cầu phát triển đất nước phồn vinh, hạnh phúc trên địa bàn thành phố Quảng Ngãi (sau đây viết tắt là Chỉ thị số 28), UBND phường Nguyễn Nghiêm xây dựng Kế hoạch triển khai thực hiện cụ thể như sau:
I. Mục đích, yêu cầu
1. Mục đích
- Công tác Chăm sóc, giáo dục và bảo vệ trẻ em đáp ứng yêu cầu phát triển đất nước phồn vinh, hạnh phúc.
Nơi nhận:
- Lưu: VT. VHXH. TCS.
**KT. CHỦ TỊCH
PHÓ CHỦ TỊCH**
Võ Thuỳ Dương
"""

HEAD_003 = """KẾ HOẠCH
Triển khai thực hiện công tác trẻ em trên địa bàn huyện Sơn Hà năm 2024
Thực hiện Kế hoạch số 76/KH-UBND ngày 26/3/2024 của UBND tỉnh về triển khai thực hiện công tác trẻ em trên địa bàn tỉnh Quảng Ngãi năm 2024; Xét đề nghị của Phòng Lao động - Thương binh và Xã hội huyện tại Tờ trình số 71/TTr-LĐTBXH ngày 09/4/2024; UBND huyện Sơn Hà ban hành Kế hoạch triển khai thực hiện công tác trẻ em trên địa bàn huyện Sơn Hà năm 2024 (gọi tắt là Kế hoạch), như sau:
I. MỤC ĐÍCH, YÊU CẦU
1. Mục đích
Triển khai kịp thời, đầy đủ và có hiệu quả về công tác trẻ em trên địa bàn huyện.
Nơi nhận:
- UBND tỉnh (Báo cáo);
KT. CHỦ TỊCH
PHÓ CHỦ TỊCH
Trần Thanh Trung
"""

HEAD_004 = """**ỦY BAN NHÂN DÂN
TỈNH KIÊN GIANG**
**CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM
Độc lập - Tự do - Hạnh phúc**
Số: 403/UBND-KGVX
Kiên Giang, ngày 06 tháng 4 năm 2021
V/v triển khai thực hiện công tác trẻ em năm 2021 trên địa bàn tỉnh.
Kính gửi:
- Giám đốc (Thủ trưởng) các sở, ban, ngành, đoàn thể cấp tỉnh;
Thực hiện Công văn số 375/LĐT BXH-TE ngày 23/02/2021 của Bộ Lao động - Thương binh và Xã hội về việc hướng dẫn thực hiện công tác trẻ em năm 2021”.
1. Cụ thể hóa xây dựng, ban hành và tổ chức thực hiện hiệu quả các nghị quyết, chương trình, đề án, kế hoạch của tỉnh.
**Nơi nhận:**
- Như trên;
**KT. CHỦ TỊCH
PHÓ CHỦ TỊCH**
**Nguyễn Lưu Trung**
"""


def test_number_drops_so_and_spaces():
    assert find_number("Số: 31 /KH-UBND\n") == "31/KH-UBND"
    assert find_number("**ỦY BAN NHÂN DÂN**\nSố: 403/UBND-KGVX\n") == "403/UBND-KGVX"


def test_blank_number_is_none():
    assert find_number("Số: /KH-UBND\nPhường Nguyễn Nghiêm, ngày tháng 5 năm 2024\n") is None


def test_a_cited_number_in_the_preamble_is_not_the_documents_number():
    assert meta(HEAD_001).number is None  # "Kế hoạch số 208/KH-UBND" is cited, not own


def test_issue_date_from_the_place_and_date_line():
    assert find_issue_date("Vĩnh Thuận, ngày 28 tháng 02 năm 2025\n") == ("2025-02-28", 2025, "Vĩnh Thuận")
    assert find_issue_date("Kiên Giang, ngày 06/4/2021\n")[0] == "2021-04-06"
    assert find_issue_date("TP. Hồ Chí Minh, ngày 06-4-2021\n") == ("2021-04-06", 2021, "Hồ Chí Minh")


def test_blank_day_gives_no_date_but_keeps_the_year():
    assert find_issue_date("Phường Nguyễn Nghiêm, ngày tháng 5 năm 2024\n") == (None, 2024, "Phường Nguyễn Nghiêm")


def test_dates_of_cited_documents_are_not_the_issue_date():
    assert meta(HEAD_003).issue_date is None  # "... số 76/KH-UBND ngày 26/3/2024 ..." is a citation


def test_doc_type_as_printed_and_letter_by_vv():
    assert meta(HEAD_000).doc_type == "Kế hoạch"
    assert meta(HEAD_001).doc_type == "Kế hoạch"  # markdown "## KẾ HOẠCH"
    assert meta(HEAD_004).doc_type == "Công văn"  # no heading, a "V/v" subject


def test_decision_formula_is_not_a_type_heading():
    text = "Số: 2767/QĐ-UBND\nQuảng Bình, ngày 07 tháng 8 năm 2020\nQUYẾT ĐỊNH:\nĐiều 1. Ban hành kèm theo Quyết định này Đề án.\n"
    m = meta(text)
    assert m.doc_type == "Quyết định" and m.title is None  # type from the symbol code "QĐ"


def test_title_is_the_line_after_the_heading():
    assert meta(HEAD_000).title == "Về việc triển khai thực hiện công tác trẻ em năm 2025 trên địa bàn huyện Vĩnh Thuận"
    assert meta(HEAD_002).title.endswith("trên địa bàn phường Nguyễn Nghiêm")
    assert meta(HEAD_004).title == "triển khai thực hiện công tác trẻ em năm 2021 trên địa bàn tỉnh"


def test_issuer_from_the_header_block():
    m = meta(HEAD_004)
    assert (m.issuer, m.admin_level, m.locality) == ("UBND tỉnh Kiên Giang", "province", "Kiên Giang")


def test_issuer_from_the_preamble_with_its_name():
    m = meta(HEAD_003)
    assert (m.issuer, m.admin_level) == ("UBND huyện Sơn Hà", "district")
    m = meta(HEAD_002)
    assert (m.issuer, m.admin_level) == ("UBND phường Nguyễn Nghiêm", "commune")  # a ward is commune level


def test_issuer_named_only_by_kind_takes_the_name_from_title_or_text():
    m = meta(HEAD_000)  # "Ủy ban nhân dân huyện xây dựng kế hoạch ..."
    assert (m.issuer, m.locality) == ("UBND huyện Vĩnh Thuận", "Vĩnh Thuận")
    m = meta(HEAD_001)  # "UBND tỉnh ban hành ..." and "tỉnh Thừa Thiên Huế" in the text
    assert (m.issuer, m.admin_level) == ("UBND tỉnh Thừa Thiên Huế", "province")


def test_a_committee_named_mid_sentence_is_not_the_issuer():
    assert meta(HEAD_000).issuer != "UBND tỉnh Kiên Giang"  # "... của Ủy ban nhân dân tỉnh Kiên Giang ..."


@pytest.mark.parametrize(("header", "level"), [
    ("ỦY BAN NHÂN DÂN\nTHÀNH PHỐ HÀ NỘI\n", "province"),  # a city under the centre
    ("ỦY BAN NHÂN DÂN\nTHÀNH PHỐ QUẢNG NGÃI\n", "district"),  # a provincial city
    ("ỦY BAN NHÂN DÂN\nTHỊ XÃ HƯƠNG TRÀ\n", "district"),
    ("ỦY BAN NHÂN DÂN\nXÃ THIỆU CHÍNH\n", "commune"),
    ("BỘ LAO ĐỘNG- THƯƠNG BINH VÀ XÃ HỘI\n", "central"),
])
def test_admin_level_of_the_issuer(header, level):
    assert meta(header + "Số: 12/KH-UBND\nKẾ HOẠCH\nThực hiện công tác trẻ em năm 2024\n").admin_level == level


def test_province_before_2025_for_district_and_ward_plans():
    assert meta(HEAD_000).province == "Kiên Giang"  # district plan of Vĩnh Thuận
    assert meta(HEAD_002).province == "Quảng Ngãi"  # phường Nguyễn Nghiêm of thành phố Quảng Ngãi
    assert meta(HEAD_003).province == "Quảng Ngãi"


def test_province_2025_after_the_mergers():
    pytest.importorskip("pipeline.knowledge.gazetteer")
    assert meta(HEAD_000).province_2025 == "An Giang"  # Kiên Giang merged into An Giang


def test_year_from_title_else_issue_year():
    assert meta(HEAD_001).year == 2023  # "... tỉnh năm 2023", no issue date
    assert meta(HEAD_002).year == 2024  # title holds only a cited date; issue line "tháng 5 năm 2024"
    assert meta(HEAD_004).year == 2021


def test_signer_under_the_signature_block():
    assert meta(HEAD_000).signer == "Nguyễn Văn Đức"
    assert meta(HEAD_001).signer == "Nguyễn Thanh Bình"  # TM. / KT.CHỦ TỊCH / PHÓ CHỦ TỊCH
    assert meta(HEAD_002).signer == "Võ Thuỳ Dương"
    assert meta(HEAD_004).signer == "Nguyễn Lưu Trung"  # bold name


def test_unit_mentions_skip_organisations_named_like_units():
    text = "Phối hợp với Tỉnh Đoàn thanh niên; trên địa bàn tỉnh Thừa Thiên Huế giai đoạn 2021 - 2025"
    assert dict(unit_mentions(text, "tỉnh")) == {"Thừa Thiên Huế": 1}


def test_excerpts_numbers_dates_and_provinces(excerpts_dir):
    """Other provinces' headers (read at run time): the number and the province-level issuer."""
    from pipeline.reading.clean import clean
    from pipeline.reading.readers import read

    rows = list(csv.DictReader(open(excerpts_dir / "SOURCES.tsv", encoding="utf-8"), delimiter="\t"))
    numbers = provinces = n_numbers = n_provinces = 0
    for row in rows:
        text, _ = clean(read(excerpts_dir / f"{row['id']}.txt"))
        m = extract_metadata(text, parse_structure(text))
        own = re.search(r"\((\d+/[^\s,)]+)", row["issuer_or_province"])
        if own:
            n_numbers += 1
            numbers += (m.number or "").replace(" ", "") == own.group(1).replace(" ", "")
        prov = re.match(r"UBND (tỉnh|thành phố) ([^(]+?) \(", row["issuer_or_province"])
        if prov and row["kind"] == "plan":
            n_provinces += 1
            provinces += m.admin_level == "province" and m.province == prov.group(2)
    assert n_numbers >= 25 and numbers / n_numbers >= 0.9
    assert n_provinces >= 20 and provinces / n_provinces >= 0.9


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.one_of(
    st.text(max_size=40),
    st.sampled_from(["Số: ", "/KH-UBND", "KẾ HOẠCH", "V/v ", ", ngày ", "tháng ", "năm 2024", "ỦY BAN NHÂN DÂN",
                     "TỈNH ", "huyện ", "UBND xã ", "Vĩnh Thuận", "KT. CHỦ TỊCH", "Nguyễn Văn Đức", "I. ", "\n", "|"]),
), max_size=40).map("".join))
def test_never_raises_on_arbitrary_text(text):
    m = extract_metadata(text, parse_structure(text))
    assert m.admin_level in (None, "central", "province", "district", "commune")
    assert m.issue_date is None or re.fullmatch(r"\d{4}-\d{2}-\d{2}", m.issue_date)


def test_province_from_the_gazetteer_when_the_text_never_names_it():
    pytest.importorskip("pipeline.knowledge.gazetteer")
    text = "KẾ HOẠCH\nTriển khai thực hiện công tác trẻ em trên địa bàn huyện Sơn Hà năm 2024\nUBND huyện Sơn Hà ban hành Kế hoạch triển khai thực hiện công tác trẻ em, như sau:\nI. MỤC ĐÍCH, YÊU CẦU\n"
    m = meta(text)
    assert (m.issuer, m.province, m.province_2025) == ("UBND huyện Sơn Hà", "Quảng Ngãi", "Quảng Ngãi")


@pytest.mark.parametrize(("header", "issuer", "level"), [
    ("SỞ LAO ĐỘNG - THƯƠNG BINH VÀ XÃ HỘI TỈNH KIÊN GIANG\n", "Sở lao động - thương binh và xã hội tỉnh Kiên Giang", "province"),
    ("HỘI ĐỒNG NHÂN DÂN\nTỈNH KIÊN GIANG\n", "Hội đồng nhân dân tỉnh Kiên Giang", "province"),
])
def test_other_issuers_of_the_header_block(header, issuer, level):
    m = meta(header + "Số: 12/KH-SLĐTBXH\nKẾ HOẠCH\nThực hiện công tác trẻ em năm 2024\n")
    assert (m.issuer, m.admin_level, m.province) == (issuer, level, "Kiên Giang")


# --- schools and other bodies under a committee ------------------------------------------------------

@pytest.mark.parametrize(("header", "issuer", "level", "locality"), [
    # both header columns run into one line (a PDF copied as text): the left column is cut back out
    ("UBND HUYỆN SƠN HÀ CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\nTRƯỜNG THCS SƠN HẠ Độc lập - Tự do - Hạnh phúc\n"
     "Số: 12/KH-THCS Sơn Hạ, ngày 20 tháng 12 năm 2024\n", "Trường THCS Sơn Hạ", "district", "Sơn Hà"),
    ("SỞ GIÁO DỤC VÀ ĐÀO TẠO QUẢNG NGÃI\nTRƯỜNG THPT SƠN HÀ\nSố: 21/KH-THPT\nSơn Hà, ngày 18 tháng 9 năm 2024\n",
     "Trường THPT Sơn Hà", "province", None),
    # after 2025-07-01 there are no districts: a primary school answers to its commune
    ("UBND XÃ SƠN HẠ\nTRƯỜNG TIỂU HỌC SƠN HẠ\nSố: 5/KH-TH\nSơn Hạ, ngày 10 tháng 9 năm 2025\n",
     "Trường tiểu học Sơn Hạ", "commune", "Sơn Hạ"),
])
def test_a_school_under_its_committee_is_the_issuer(header, issuer, level, locality):
    m = meta(header + "KẾ HOẠCH\nPhòng, chống đuối nước cho học sinh năm 2024\nI. MỤC ĐÍCH, YÊU CẦU\n")
    assert (m.issuer, m.admin_level, m.locality) == (issuer, level, locality)


def test_school_level_by_kind():
    from pipeline.parsing.metadata import school_level

    assert school_level("Trường Mầm non Hoa Sen") == "district"
    assert school_level("Liên đội Trường Tiểu học Giang Biên") == "district"
    assert school_level("Trường THPT chuyên Lê Khiết") == "province"
    assert school_level("Trường THCS và THPT Phạm Văn Đồng") == "province"
    assert school_level("Trường Thành") is None  # "th" is a kind only as a whole word
    assert school_level("Sở Giáo dục và Đào tạo") is None


def test_issuer_from_the_preamble_when_there_is_no_header():
    text = ("KẾ HOẠCH\nTổ chức hoạt động hè 2022\nThực hiện Kế hoạch số 103/KH-BCĐ ngày 01/6/2022 của Ban chỉ đạo "
            "huyện; Nhằm tổ chức các hoạt động vui chơi cho học sinh trong hè, Trường THCS Sơn Hạ xây dựng kế hoạch "
            "tổ chức sinh hoạt hè năm 2022, cụ thể như sau:\nI. MỤC ĐÍCH, YÊU CẦU\n")
    m = meta(text)
    assert (m.issuer, m.admin_level, m.year) == ("Trường THCS Sơn Hạ", "district", 2022)
    vague = text.replace("Trường THCS Sơn Hạ xây dựng", "trường hợp cần thiết triển khai")
    assert meta(vague).issuer is None  # not a name


def test_a_bare_year_in_an_undated_title():
    assert meta("KẾ HOẠCH\nTổ chức hoạt động hè 2022\nI. MỤC ĐÍCH\n").year == 2022
    assert meta("KẾ HOẠCH\nBảo vệ trẻ em giai đoạn 2021 - 2025\nI. MỤC ĐÍCH\n").year is None  # a range
    assert meta("KẾ HOẠCH\nThực hiện Nghị quyết 07/2021 về trẻ em\nI. MỤC ĐÍCH\n").year is None  # a symbol


def test_excerpt_school_plans(excerpts_dir):
    """Four school plans of other provinces (read at run time): issuer and the level its kind implies."""
    from pipeline.reading.clean import clean
    from pipeline.reading.readers import read

    expected = {"x_013": ("trường mn phước thạnh", "district"), "x_014": ("trường thpt phú xuân", "province"),
                "x_015": ("liên đội trường tiểu học giang biên", "district"),
                "x_032": ("trường thcs vĩnh thạnh trung", "district")}
    for doc_id, (issuer, level) in expected.items():
        text, _ = clean(read(excerpts_dir / f"{doc_id}.txt"))
        m = extract_metadata(text, parse_structure(text))
        assert ((m.issuer or "").lower(), m.admin_level) == (issuer, level), doc_id


@pytest.mark.parametrize(("date", "level"), [("ngày 12 tháng 5 năm 2023", "district"),
                                             ("ngày 12 tháng 5 năm 2025", "province")])
def test_hue_is_a_city_of_a_province_before_2025_and_run_by_the_centre_after(date, level):
    text = f"ỦY BAN NHÂN DÂN\nTHÀNH PHỐ HUẾ\nSố: 12/KH-UBND\nHuế, {date}\nKẾ HOẠCH\nThực hiện công tác trẻ em\nI. MỤC ĐÍCH\n"
    assert (meta(text).issuer, meta(text).admin_level) == ("UBND thành phố Huế", level)


# ---------------------------------------------------------------- texts that report on a document
# Portal news and summaries carry no header: the reported document's metadata comes from the
# opening's reporting clause, in the issuer's own voice. Sentences written in the shape of such pages.


def test_report_gives_type_number_date_issuer():
    m = meta("Tăng cường phòng, chống đuối nước cho trẻ em\n\n"
             "UBND tỉnh Phú Yên vừa ban hành Kế hoạch số 45/KH-UBND ngày 12/3/2022 về phòng, chống "
             "đuối nước cho trẻ em năm 2022 trên địa bàn tỉnh.\n")
    assert (m.doc_type, m.number, m.issue_date) == ("Kế hoạch", "45/KH-UBND", "2022-03-12")
    assert (m.issuer, m.admin_level, m.province, m.year) == ("UBND tỉnh Phú Yên", "province", "Phú Yên", 2022)


def test_report_issuer_is_the_plans_voice_not_a_cited_documents():
    m = meta("Thực hiện Công văn số 100/LĐTBXH-TE ngày 01/02/2023 của Bộ Lao động - Thương binh và Xã hội "
             "về công tác trẻ em năm 2023, UBND huyện Tam Nông vừa ban hành Văn bản số 88/UBND-VX "
             "ngày 20/02/2023 chỉ đạo các xã, thị trấn.\n")
    assert (m.issuer, m.admin_level) == ("UBND huyện Tam Nông", "district")
    assert (m.doc_type, m.number, m.issue_date) == ("Công văn", "88/UBND-VX", "2023-02-20")


def test_report_date_without_year_takes_the_publication_year():
    m = meta(" date 2023-06-02 Phòng, chống ma túy trong trường học\n\n"
             "Ngày 20/5, Sở GD&ĐT ban hành Kế hoạch số 12/KH-SGD&ĐT về tuyên truyền phòng, chống ma túy.\n")
    assert (m.issuer, m.admin_level) == ("Sở Giáo dục và Đào tạo", "province")
    assert (m.number, m.issue_date, m.year) == ("12/KH-SGD&ĐT", "2023-05-20", 2023)


def test_report_city_committee_of_a_central_city_is_province_level():
    m = meta("Hà Nội: bảo vệ trẻ em trên môi trường mạng\n\n"
             "UBND TP Hà Nội vừa có văn bản yêu cầu các sở, ngành tăng cường bảo vệ trẻ em.\n")
    assert (m.issuer, m.admin_level, m.province, m.doc_type) == (
        "UBND thành phố Hà Nội", "province", "Hà Nội", "Công văn")


def test_report_chairman_name_is_the_signer_not_a_province():
    m = meta("Tháng hành động vì trẻ em\n\n"
             "- Chủ tịch UBND tỉnh Trần Văn Nam vừa ký ban hành Kế hoạch số 9/KH-UBND triển khai "
             "Tháng hành động vì trẻ em năm 2021.\n")
    assert (m.issuer, m.province, m.signer, m.number, m.year) == ("UBND tỉnh", None, "Trần Văn Nam", "9/KH-UBND", 2021)


def test_report_agency_abbreviation_expanded_and_not_cut_at_the_verb():
    m = meta("Phòng GD-ĐT Mộ Đức vừa ban hành Kế hoạch đảm bảo an toàn giao thông năm 2019 trong trường học.\n")
    assert (m.issuer, m.admin_level, m.doc_type, m.year) == (
        "Phòng Giáo dục và Đào tạo Mộ Đức", "district", "Kế hoạch", 2019)


def test_report_according_to_the_issuer():
    m = meta("Mô hình ngôi nhà an toàn năm 2024\n\n"
             "Theo UBND xã Tân Phú, mô hình sẽ tập trung vào tuyên truyền cho các hộ gia đình.\n")
    assert (m.issuer, m.admin_level) == ("UBND xã Tân Phú", "commune")


def test_report_bare_unit_word_completed_from_the_text():
    m = meta("Hội đồng Bảo trợ Quỹ Bảo trợ trẻ em tỉnh vừa ban hành Kế hoạch vận động Quỹ năm 2020.\n"
             "Theo đó, Quỹ Bảo trợ trẻ em tỉnh Thái Bình phấn đấu vận động đạt trên 2 tỷ đồng.\n")
    assert (m.issuer, m.admin_level, m.province) == (
        "Hội đồng Bảo trợ Quỹ Bảo trợ trẻ em tỉnh Thái Bình", "province", "Thái Bình")


def test_report_year_not_from_a_comparison_with_the_past():
    m = meta("Trong 6 tháng đầu năm, toàn tỉnh giảm 20% so với cùng kỳ năm 2024. Các địa phương tiếp tục "
             "thực hiện chỉ tiêu năm 2025.\n")
    assert m.year == 2025


def test_publication_date_lines():
    from pipeline.parsing.summary import publication_date

    assert publication_date("Trẻ em\nThứ Hai, 15/03/2021, 08:10 [GMT+7]\nUBND tỉnh ...") == (2021, 3, 15)
    assert publication_date("Cập nhật ngày: 02/11/2019 10:05:11\n...") == (2019, 11, 2)
    assert publication_date(" date 2020-05 Năm 2019, ...") == (2020, 5, None)
    assert publication_date("Thực hiện Quyết định số 06/QĐ-TTg ngày 3/1/2019 của ...") is None


def test_opening_lines_give_the_type_of_a_headerless_text():
    assert meta("Kính gửi: - Trưởng các thôn;\nỦy ban nhân dân xã yêu cầu các thôn thực hiện.\n").doc_type == "Công văn"
    assert meta("Phòng chống đuối nước\n\nMỤC ĐÍCH, YÊU CẦU\n\n- Nâng cao nhận thức.\n").doc_type == "Kế hoạch"


def test_province_committee_takes_the_gazetteers_spelling():
    m = meta("Ủy ban nhân dân tỉnh Hoà Bình ban hành Kế hoạch số 7/KH-UBND, ngày 3/4/2023 về công tác trẻ em.\n")
    assert (m.issuer, m.province) == ("UBND tỉnh Hòa Bình", "Hòa Bình")


def test_central_issuer_is_a_header_line_even_when_wrapped():
    m = meta("THỦ TƯỚNG CHÍNH\nPHỦ\n-------\nSố: 12/QĐ-TTg\nHà Nội, ngày 3 tháng 2 năm 2020\nQUYẾT ĐỊNH\n"
             "Phê duyệt Chương trình bảo vệ trẻ em\nTHỦ TƯỚNG CHÍNH PHỦ\nCăn cứ Luật Tổ chức Chính phủ;\n")
    assert (m.issuer, m.admin_level) == ("Thủ tướng Chính phủ", "central")


def test_central_body_named_in_a_sentence_is_not_the_issuer():
    m = meta("- 1Quyết định 37/2010/QĐ-TTg ban hành Quy định tiêu chuẩn xã phù hợp với trẻ em do Thủ tướng "
             "Chính phủ ban hành\n- 2Thông tư 23/2010/TT-BLĐTBXH do Bộ Lao động - Thương binh và Xã hội ban hành\n")
    assert m.admin_level != "central" and m.issuer is None


def test_central_issuer_from_a_legal_database_card():
    m = meta("Công văn 88/BGDĐT-GDTC năm 2021 về phòng, chống đuối nước\n\n"
             "Số hiệu: 88/BGDĐT-GDTC Loại văn bản: Công văn\nNơi ban hành: Bộ Giáo dục và Đào tạo Người ký: Lê Văn A\n")
    assert (m.issuer, m.admin_level, m.province) == ("Bộ Giáo dục và Đào tạo", "central", None)


def test_committee_header_without_its_unit_takes_the_province_of_the_place_line():
    m = meta("ỦY BAN NHÂN DÂN | CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM |\nSố: 12/KH-UBND |\n"
             "Bà Rịa - Vũng Tàu, ngày 3 tháng 4 năm 2019 |\nKẾ HOẠCH\nTriển khai công tác trẻ em năm 2019\n"
             "Căn cứ Luật Trẻ em năm 2016;\n")
    assert (m.issuer, m.admin_level, m.province) == ("UBND tỉnh Bà Rịa - Vũng Tàu", "province", "Bà Rịa - Vũng Tàu")


def test_plan_issued_before_its_period_is_for_the_periods_first_year():
    m = meta("Số: 5/KH-UBND\nĐắk Nông, ngày 20 tháng 12 năm 2020\nKẾ HOẠCH\n"
             "Thực hiện Chương trình phòng ngừa lao động trẻ em giai đoạn 2021 - 2025\nCăn cứ Luật Trẻ em;\n")
    assert (m.issue_date, m.year) == ("2020-12-20", 2021)


def test_report_agency_takes_its_place_from_a_longer_mention():
    m = meta("Còn 30 trẻ chưa có giấy khai sinh\n\nTheo ông Lê Văn B, Giám đốc Sở Tư pháp TP Cần Thơ, địa phương "
             "đang rà soát.\nSở Tư pháp đã có văn bản đề nghị UBND các quận, huyện hoàn thành việc đăng ký.\n")
    assert (m.issuer, m.admin_level, m.province, m.doc_type) == (
        "Sở Tư pháp thành phố Cần Thơ", "province", "Cần Thơ", "Công văn")


def test_report_issuer_name_may_hold_an_issuing_verb():
    m = meta("Công văn nêu rõ: để phòng, chống mua bán người theo chỉ đạo của Ban Chỉ đạo 138 Chính phủ, Ban Chỉ đạo "
             "phòng chống tội phạm và xây dựng phong trào toàn dân bảo vệ an ninh Tổ quốc tỉnh đề nghị các "
             "sở, ngành tăng cường tuyên truyền.\n")
    assert m.issuer == "Ban Chỉ đạo phòng chống tội phạm và xây dựng phong trào toàn dân bảo vệ an ninh Tổ quốc tỉnh"
    assert (m.admin_level, m.doc_type) == ("province", "Công văn")


def test_headerless_province_is_stated_not_inferred_from_a_place_inside():
    m = meta("UBND tỉnh vừa ban hành Kế hoạch hỗ trợ trẻ em các xã đặc biệt khó khăn, trước hết tại huyện Mường Tè.\n")
    assert (m.issuer, m.province) == ("UBND tỉnh", None)
    m = meta("Kính gửi: - Trưởng các thôn;\nThực hiện công văn số 12/UBND của UBND huyện Quảng Điền về phòng, chống "
             "đuối nước, Ủy ban nhân dân xã yêu cầu các thôn thực hiện.\n")
    assert (m.issuer, m.admin_level, m.province) == ("UBND xã", "commune", "Thừa Thiên Huế")


def test_report_agency_place_without_a_unit_word_gives_the_province():
    assert meta("Phòng GD-ĐT Mộ Đức vừa ban hành Kế hoạch phòng, chống đuối nước năm 2019.\n").province == "Quảng Ngãi"


@pytest.mark.parametrize(("sentence", "issuer", "level", "province"), [
    ("Hội Liên hiệp Phụ nữ tỉnh Bến Tre vừa ban hành Kế hoạch thực hiện công tác trẻ em năm 2021.",
     "Hội Liên hiệp Phụ nữ tỉnh Bến Tre", "province", "Bến Tre"),
    ("Ban Thường vụ Tỉnh Đoàn vừa ban hành Kế hoạch tổ chức hoạt động hè năm 2023 cho thiếu nhi.",
     "Ban Thường vụ Tỉnh Đoàn", "province", None),
    ("Cục Thống kê tỉnh An Giang vừa có văn bản hướng dẫn rà soát số trẻ em.",
     "Cục Thống kê tỉnh An Giang", "province", "An Giang"),
    ("Công an tỉnh Lâm Đồng vừa có văn bản chỉ đạo phòng ngừa tội phạm xâm hại trẻ em.",
     "Công an tỉnh Lâm Đồng", "province", "Lâm Đồng"),
    ("Trường Tiểu học Kim Đồng xây dựng kế hoạch phòng, chống đuối nước năm học 2022-2023 như sau:",
     "Trường Tiểu học Kim Đồng", "district", None),
])
def test_report_issuers_other_than_committees(sentence, issuer, level, province):
    m = meta(sentence + "\n")
    assert (m.issuer, m.admin_level, m.province) == (issuer, level, province)


def test_report_party_committee_is_not_a_peoples_committee():
    m = meta("Tỉnh ủy Quảng Trị vừa ban hành Chỉ thị số 12-CT/TU về tăng cường công tác trẻ em.\n")
    assert (m.issuer, m.admin_level, m.doc_type, m.number) == ("Tỉnh ủy Quảng Trị", "province", "Chỉ thị", "12-CT/TU")


def test_report_vice_chairman_and_a_date_in_words():
    m = meta("Phó Chủ tịch UBND tỉnh Lê Thị Hoa vừa ký ban hành Kế hoạch số 77/KH-UBND ngày 20 tháng 4 năm 2023 "
             "về công tác trẻ em.\n")
    assert (m.issuer, m.signer, m.number, m.issue_date) == ("UBND tỉnh", "Lê Thị Hoa", "77/KH-UBND", "2023-04-20")


def test_report_advising_department_is_not_the_issuer():
    m = meta("Sở LĐ-TB&XH vừa tham mưu UBND tỉnh Bình Định ban hành Kế hoạch số 9/KH-UBND về Tháng hành động "
             "vì trẻ em năm 2022.\n")
    assert (m.issuer, m.admin_level, m.number) == ("UBND tỉnh Bình Định", "province", "9/KH-UBND")


def test_headerless_page_title_carries_type_and_symbol():
    m = meta("Kế hoạch 61/KH-UBND năm 2019 triển khai công tác trẻ em trên địa bàn tỉnh\n\n"
             "Tải về Văn bản khác\n")
    assert (m.doc_type, m.number) == ("Kế hoạch", "61/KH-UBND")
    m = meta("Chỉ đạo triển khai Tháng hành động vì trẻ em năm 2014 (315/UBND-VX)\n\n"
             "Kính gửi: Sở Lao động – Thương binh và Xã hội\n")
    assert (m.doc_type, m.number, m.year) == ("Công văn", "315/UBND-VX", 2014)


def test_page_opening_on_a_past_year_is_for_its_publication_year():
    text = (" date 2021-05 Năm 2020, trên địa bàn tỉnh có 12 trẻ em bị tử vong do đuối nước.\n\n"
            "Để chủ động phòng ngừa, UBND tỉnh vừa có văn bản yêu cầu các sở, ngành tổ chức dạy bơi cho trẻ em.\n")
    assert meta(text).year == 2021
    assert meta("Năm 2021, tỉnh phấn đấu 100% trẻ em được tiêm chủng đầy đủ.\n").year == 2021


def test_report_issuer_writes_the_plain_dash():
    m = meta("Sở Lao động – Thương binh và Xã hội (LĐ-TB&XH) tỉnh Tây Ninh vừa có văn bản đề nghị các huyện rà soát.\n")
    assert (m.issuer, m.province) == ("Sở Lao động - Thương binh và Xã hội tỉnh Tây Ninh", "Tây Ninh")


def test_text_without_diacritics_is_read_after_its_marks_are_restored():
    from pipeline.parsing.metadata import reaccent

    text = ("UY BAN NHAN DAN\nTINH KIEN GIANG\nSo: 31/KH-UBND\nKien Giang, ngay 6 thang 4 nam 2021\nKE HOACH\n"
            "Trien khai cong tac tre em nam 2021\nUy ban nhan dan tinh Kien Giang ban hanh Ke hoach nhu sau:\n")
    assert len(reaccent(text)) == len(text)
    assert reaccent("Uy ban nhan dan tinh Kien Giang ban hanh") == "Ủy ban nhân dân tỉnh Kiên Giang ban hành"
    m = meta(text)
    assert (m.doc_type, m.issuer, m.admin_level, m.province, m.issue_date) == (
        "Kế hoạch", "UBND tỉnh Kiên Giang", "province", "Kiên Giang", "2021-04-06")


def test_youth_union_header_with_its_party_style_symbol():
    m = meta("TỈNH ĐOÀN BÌNH ĐỊNH\n***\nSố: 45-KH/TĐTN-TTNTH\nQuy Nhơn, ngày 2 tháng 5 năm 2022\nKẾ HOẠCH\n"
             "Tổ chức hoạt động hè năm 2022\n")
    assert (m.number, m.issuer, m.admin_level, m.province) == (
        "45-KH/TĐTN-TTNTH", "Tỉnh Đoàn Bình Định", "province", "Bình Định")


def test_department_header_under_its_committee_keeps_the_dash_of_its_name():
    m = meta("UBND HUYỆN ĐỨC PHỔ\nPHÒNG LAO ĐỘNG - THƯƠNG BINH VÀ XÃ HỘI\nSố: 15/KH-LĐTBXH\n"
             "Đức Phổ, ngày 10 tháng 3 năm 2020\nKẾ HOẠCH\nThực hiện công tác trẻ em năm 2020\n")
    assert (m.issuer, m.admin_level, m.province) == (
        "Phòng lao động - thương binh và xã hội", "district", "Quảng Ngãi")


HEADERLESS_PLAN = """KẾ HOẠCH
Thực hiện công tác bảo vệ, chăm sóc trẻ em trên địa bàn xã
Căn cứ Luật Trẻ em năm 2016;
Ủy ban nhân dân xã Phú Lộc ban hành Kế hoạch như sau:
I. KẾT QUẢ THỰC HIỆN NĂM 2022
Năm 2022, toàn xã có 1.850 trẻ em; 98% trẻ em dưới 1 tuổi được tiêm chủng đầy đủ.
II. MỤC TIÊU
1. Mục tiêu chung
Bảo đảm mọi trẻ em được chăm sóc, bảo vệ.
2. Chỉ tiêu cụ thể năm 2023
- Giảm 5% số trẻ em bị tai nạn thương tích so với năm 2022.
III. NHIỆM VỤ VÀ GIẢI PHÁP
1. Tổ chức Diễn đàn trẻ em năm 2024.
"""


def test_headerless_plan_takes_its_year_from_its_goals():
    assert meta(HEADERLESS_PLAN).year == 2023
    # a comparison with the past in the goals is not the plan's year
    text = HEADERLESS_PLAN.replace("2. Chỉ tiêu cụ thể năm 2023\n", "2. Chỉ tiêu cụ thể\n")
    assert meta(text).year is None


def test_headerless_school_plan_is_for_the_first_year_of_its_school_year():
    text = ("KẾ HOẠCH\nPhòng, chống đuối nước cho học sinh năm học 2023 - 2024\n"
            "Căn cứ Luật Trẻ em năm 2016;\nTrường Tiểu học Hòa Bình xây dựng kế hoạch như sau:\n"
            "I. MỤC ĐÍCH, YÊU CẦU\n1. Mục đích\n- Nâng cao kỹ năng phòng tránh đuối nước cho học sinh.\n")
    assert meta(text).year == 2023


def test_goals_year_never_overrides_the_header_year():
    text = "Số: 12/KH-UBND\nPhú Lộc, ngày 10 tháng 3 năm 2023\n" + HEADERLESS_PLAN.replace("năm 2023", "năm 2025")
    assert meta(text).year == 2023


@pytest.mark.parametrize(("header", "issuer", "level"), [
    ("UBND TỈNH QUẢNG TRỊ SỞ GIÁO DỤC VÀ ĐÀO TẠO CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
     "Sở giáo dục và đào tạo", "province"),
    ("PHÒNG GD&ĐT HUYỆN HẢI LĂNG TRƯỜNG TIỂU HỌC HẢI AN CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
     "Trường tiểu học Hải An", "district"),
    ("SỞ TÀI NGUYÊN VÀ MÔI TRƯỜNG TỈNH QUẢNG TRỊ CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
     "Sở tài nguyên và môi trường tỉnh Quảng Trị", "province"),
])
def test_two_issuer_lines_run_into_one_are_read_apart(header, issuer, level):
    m = meta(header + "\nĐộc lập - Tự do - Hạnh phúc\nSố: 21/KH-SGDĐT\nĐông Hà, ngày 8 tháng 9 năm 2022\n"
             "KẾ HOẠCH\nPhòng, chống đuối nước cho học sinh năm 2022\nCăn cứ Luật Trẻ em năm 2016;\n")
    assert (m.issuer, m.admin_level) == (issuer, level)


def test_department_name_wrapped_over_two_header_lines_is_whole():
    m = meta("UBND TỈNH QUẢNG TRỊ\nSỞ LAO ĐỘNG - THƯƠNG BINH\nVÀ XÃ HỘI\nSố: 30/KH-SLĐTBXH\n"
             "Đông Hà, ngày 4 tháng 5 năm 2022\nKẾ HOẠCH\nTổ chức Tháng hành động vì trẻ em năm 2022\n")
    assert (m.issuer, m.admin_level) == ("Sở lao động - thương binh và xã hội", "province")


def test_abbreviated_department_in_a_header_is_written_out():
    m = meta("UBND TỈNH QUẢNG TRỊ\nSỞ LAO ĐỘNG - TB&XH\nSố: 30/KH-SLĐTBXH\n"
             "Đông Hà, ngày 4 tháng 5 năm 2022\nKẾ HOẠCH\nTổ chức Tháng hành động vì trẻ em năm 2022\n")
    assert m.issuer == "Sở lao động - Thương binh và Xã hội"
