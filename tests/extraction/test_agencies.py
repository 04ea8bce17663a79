"""Agencies: each mention resolved to (sector, level) with its role; tasks inherit their block's agencies.

Sentences are quoted from the sample plans (data/raw); the excerpts of other
provinces are read at run time only.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pipeline.document import Metadata, Section, SectionTree, Task
from pipeline.extraction.agencies import assign_task_agencies, extract_agencies, infer_plan_level
from pipeline.parsing.structure import parse_structure

RAW_DIR = Path(__file__).resolve().parents[2] / "data" / "raw"


def found(text: str, level: str | None = None, year: int | None = None) -> set[tuple[str, str, str]]:
    """(sector, level, role) of every mention, checking each offset on the way."""
    mentions = extract_agencies(text, SectionTree(), Metadata(admin_level=level, year=year))
    for m in mentions:
        assert text[m.start:m.end] == m.text
    return {(m.sector, m.level, m.role) for m in mentions}


# ---------------------------------------------------------------- sector and level


@pytest.mark.parametrize(
    ("heading", "level", "expected"),
    [
        ("5. Sở Y tế", "province", ("health", "province")),  # 001
        ("3. Phòng Y tế", "district", ("health", "district")),  # 003
        ("3. Trạm Y tế phường", "commune", ("health", "commune")),  # 002
        ("4. Phòng Văn hóa và Thông tin", "district", ("culture_sports", "district")),  # 003: culture, not information
        ("1. Văn hoá - Xã hội phường", "commune", ("labour_social", "commune")),  # 002: handles children in a ward
        ("4. Tư pháp - Hộ tịch phường", "commune", ("justice", "commune")),  # 002
        ("5. Tài chính - Kế toán phường", "commune", ("finance", "commune")),  # 002
        ("6. Phòng Tài chính - Kế hoạch", "district", ("finance", "district")),  # 003: not planning
        ("9. Phòng Kinh tế và Hạ tầng", "district", ("construction_infrastructure", "district")),  # 003
        ("10. Ban Dân tộc", "province", ("ethnic_affairs", "province")),  # 001
        ("18. Trung tâm truyền thông - Văn hóa - Thể thao huyện", "district",
         ("information_communications", "district")),  # 003
        ("12. Các trường trực thuộc UBND huyện", "district", ("education", "district")),  # 003
        ("2. Các trường học trên địa bàn phường", "commune", ("education", "commune")),  # 002
        ("16. Đề nghị Viện Kiểm sát Nhân dân huyện, Toà án Nhân dân huyện", "district",
         ("procuracy_court", "district")),  # 003
        ("17. Đề nghị Liên đoàn Lao động huyện", "district", ("labour_federation", "district")),  # 003
        ("13. Đề nghị Huyện đoàn", "district", ("youth_union", "district")),  # 003
    ],
)
def test_names_resolve_to_sector_and_level(heading: str, level: str, expected: tuple[str, str]) -> None:
    assert expected in {(s, lv) for s, lv, _ in found(heading, level)}


@pytest.mark.parametrize(
    ("text", "level", "expected"),
    [
        # abbreviations take the level of the words after them or of the plan
        ("Tổng hợp báo cáo gửi Phòng LĐ-TB và XH thành phố.", "commune", ("labour_social", "district")),  # 002
        ("Báo cáo kết quả về Sở Lao động - TBXH.", "district", ("labour_social", "province")),  # 000
        ("7. Đề nghị UBNDTTQ Việt Nam phường và các Hội đoàn thể ở địa phương:", "commune",
         ("fatherland_front", "commune")),  # 002: a typo of UBMTTQ
        ("Phối hợp với Ủy ban MTTQ Việt Nam tổ chức thực hiện", "district", ("fatherland_front", "district")),  # 003
        ("Phối hợp với Phòng GD&ĐT tổ chức hoạt động hè", "district", ("education", "district")),
        ("Phối hợp với Sở LĐ-TB&XH tổ chức Hội thi", "province", ("labour_social", "province")),
        ("16. Đề nghị VKSND huyện, TAND huyện", "district", ("procuracy_court", "district")),
        ("Đề nghị HĐND tỉnh giám sát việc thực hiện", "province", ("people_council", "province")),
        ("Phối hợp với Sở VH-TT&DL tổ chức ngày hội gia đình", "province", ("culture_sports", "province")),
        ("Phối hợp với Sở KH-ĐT bố trí vốn", "province", ("planning_investment", "province")),
        ("Phối hợp với Sở TN-MT kiểm tra", "province", ("natural_resources", "province")),
        ("Giao TTYT huyện tổ chức tiêm chủng", "district", ("health", "district")),
        ("Giao CA tỉnh chủ trì điều tra các vụ xâm hại", "province", ("police", "province")),
        ("Phối hợp với Đoàn TN, Hội LHPN tổ chức sinh hoạt hè", "commune", ("youth_union", "commune")),
        ("Phối hợp với BĐBP tỉnh tuyên truyền", "province", ("other", "province")),
        ("Phối hợp với Ban Chỉ đạo 138 tỉnh rà soát", "province", ("other", "province")),  # not the children's one
        ("Phối hợp với Ban Chỉ đạo công tác trẻ em tỉnh rà soát", "province", ("child_steering_committee", "province")),
        ("Sở GD&ĐT yêu cầu các đơn vị, trường học thực hiện nghiêm túc", "province", ("education", "province")),
        # bare names take the plan's level
        ("6. Công an phường", "commune", ("police", "commune")),  # 002
        ("Phối hợp với Công an, các cơ quan, ban, ngành", "district", ("police", "district")),
        ("Chủ trì, phối hợp với các trường học tổ chức", "commune", ("education", "commune")),
    ],
)
def test_abbreviations_and_bare_names(text: str, level: str, expected: tuple[str, str]) -> None:
    assert expected in {(s, lv) for s, lv, _ in found(text, level)}


def test_city_of_a_province_is_a_district_before_it_is_run_by_the_centre() -> None:
    # 001 (2023): Huế was a district-level city of Thừa Thiên Huế then
    heading = "## **13. UBND thành phố Huế, các thị xã và các huyện**"
    assert ("people_committee", "district", "lead") in found(heading, "province", 2023)
    # 002: a ward reports to the city above it
    sent = "định kỳ tham mưu UBND phường báo cáo UBND thành phố Quảng Ngãi trước ngày 30/11 hàng năm"
    assert ("people_committee", "district", "recipient") in found(sent, "commune", 2024)


def test_list_of_levels_after_one_name() -> None:
    sent = "Chỉ đạo UBND các xã, phường, thị trấn tạo điều kiện để cán bộ Lao động-Thương binh và Xã hội"  # 001
    assert found(sent, "province") == {("people_committee", "commune", "lead")}


def test_plan_level_from_the_text_when_metadata_is_missing() -> None:
    text = (RAW_DIR / "003_289ed289cededb05.txt").read_text(encoding="utf-8")
    assert infer_plan_level(text, Metadata()) == "district"
    text = (RAW_DIR / "001_2684e7fb74e79852.txt").read_text(encoding="utf-8")
    assert infer_plan_level(text, Metadata()) == "province"
    assert infer_plan_level("UBND phường Nguyễn Nghiêm xây dựng Kế hoạch", Metadata()) == "commune"  # 002
    assert infer_plan_level("x", Metadata(admin_level="commune")) == "commune"


# ---------------------------------------------------------------- roles


def test_lead_for_chu_tri() -> None:
    sent = ("a) Phòng Lao động - Thương binh và Xã hội chủ trì, phối hợp với các cơ quan chức năng có liên quan "
            "kiểm tra việc thực hiện chính sách")  # 003
    assert found(sent, "district") == {("labour_social", "district", "lead")}


def test_lead_for_the_heading_of_a_block() -> None:
    assert found("2. Phòng Giáo dục và Đào tạo", "district") == {("education", "district", "lead")}  # 003
    assert found("#### **1. Sở Lao động – Thương binh và Xã hội:**", "province") == {
        ("labour_social", "province", "lead")}  # 001


def test_lead_for_giao_and_chi_dao() -> None:
    sent = ("6. Giao Sở Lao động - Thương binh và Xã hội chủ trì và phối hợp với các sở, ban, ngành, "
            "đoàn thể cấp tỉnh và UBND các huyện, thành phố:")  # 004
    assert found(sent, "province") == {("labour_social", "province", "lead"),
                                       ("people_committee", "district", "support")}
    sent = "b) Chỉ đạo phòng giáo dục và đào tạo các huyện, thị xã, thành phố tuyên truyền về quyền"  # 001
    assert found(sent, "province") == {("education", "district", "lead")}


def test_support_for_phoi_hop_voi() -> None:
    sent = "b) Phối hợp với Huyện đoàn trong việc quản lý học sinh, tổ chức hoạt động hè an toàn"  # 003
    assert found(sent, "district") == {("youth_union", "district", "support")}
    sent = ("a) Phối hợp với Công an huyện, các cơ quan, ban, ngành và UBND các xã, thị trấn nghiên cứu "
            "các nội dung")  # 003: the list goes on through the vague group
    assert found(sent, "district") == {("police", "district", "support"),
                                       ("people_committee", "commune", "support")}


def test_requested_for_de_nghi() -> None:
    assert found("14. Đề nghị Hội Liên hiệp Phụ nữ huyện", "district") == {
        ("women_union", "district", "requested")}  # 003
    heading = "15. Đề nghị Ủy ban MTTQ Việt Nam huyện và các tổ chức chính trị - xã hội trên địa bàn huyện."  # 003
    assert found(heading, "district") == {("fatherland_front", "district", "requested"),
                                          ("mass_organizations", "district", "requested")}


def test_bodies_opening_a_sentence_with_a_task_lead_it() -> None:
    # summaries and running text: the subject of a sentence that goes on with its task
    sent = ("Theo đó, UBND các quận, huyện tổ chức lễ phát động Tháng hành động vì trẻ em; UBND các xã, "
            "phường xây dựng kế hoạch tổ chức các hoạt động trên địa bàn.")
    assert found(sent, "province") == {("people_committee", "district", "lead"),
                                       ("people_committee", "commune", "lead")}
    sent = "Hội Cựu chiến binh duy trì tổ canh trực tại các điểm có nguy cơ đuối nước."
    assert found(sent, "province") == {("other", "province", "lead")}
    sent = "Đồng thời, Sở Y tế sẽ tổng hợp nhu cầu vắc xin trên toàn tỉnh."
    assert found(sent, "province") == {("health", "province", "lead")}


def test_a_subject_that_issues_asks_or_reports_the_past_does_not_lead() -> None:
    sent = "UBND tỉnh yêu cầu Sở Lao động - Thương binh và Xã hội chủ trì triển khai Kế hoạch."
    assert found(sent, "province") == {("labour_social", "province", "lead")}  # the plan's own voice
    assert found("Năm 2023, Sở Y tế đã tổ chức 12 lớp tập huấn cho cán bộ y tế.", "province") == set()
    assert found("Sở Tư pháp vừa ban hành Kế hoạch số 12/KH-STP về công tác hộ tịch.", "province") == set()
    assert found("Sở Y tế Hà Nội cho biết số ca mắc tay chân miệng giảm.", "province") == set()


def test_collective_units_without_their_committee_word() -> None:
    sent = "Trung tâm Y tế các huyện chỉ đạo các xã/phường, thị trấn tổ chức các điểm uống Vitamin A."
    assert ("people_committee", "commune", "lead") in found(sent, "province")
    sent = "Phối hợp với các phòng, ban ngành, đoàn thể và các xã, phường, thị trấn triển khai Kế hoạch."
    assert found(sent, "district") == {("people_committee", "commune", "support")}
    sent = "Giao các quận, huyện rà soát các điểm vui chơi cho trẻ em."
    assert found(sent, "province") == {("people_committee", "district", "lead")}
    # one kind alone is a place, not a body
    assert found("Tổ chức 20 buổi tuyên truyền tại các xã vùng sâu.", "district") == set()


def test_mass_organisations_police_forces_and_funds_by_their_short_names() -> None:
    assert found("Hội CCB duy trì hoạt động của tổ canh trực tại các bến đò.", "province") == {
        ("other", "province", "lead")}
    sent = "Chỉ đạo lực lượng CSGT, Công an cấp xã tăng cường tuần tra, kiểm soát."
    assert found(sent, "province") == {("police", "province", "lead"), ("police", "commune", "lead")}
    sent = "Ngoài ra, Ban vận động Quỹ Bảo trợ trẻ em huyện sẽ tiếp tục huy động các doanh nghiệp ủng hộ."
    assert found(sent, "district") == {("other", "district", "lead")}
    sent = "Phối hợp với các ngành có liên quan, chính quyền, công an tổ chức tuyên truyền."
    assert found(sent, "province") == {("police", "province", "support")}


def test_the_unit_a_body_belongs_to_gives_its_level() -> None:
    sent = "Đài truyền thanh của các xã, thị trấn phát 2 lần mỗi ngày các bản tin phòng chống đuối nước."
    assert found(sent, "district") == {("information_communications", "commune", "lead")}


def test_recipient_of_information_to_provide() -> None:
    sent = "Cung cấp thông tin đầu mối phối hợp về Bộ Thông tin và Truyền thông trước ngày 30/4/2022."
    assert ("information_communications", "central", "recipient") in found(sent, "province")


def test_a_place_name_after_the_subject_and_the_head_of_a_body() -> None:
    sent = "Theo đó, Sở Thông tin và Truyền thông Hà Nội sẽ triển khai Kế hoạch theo nhiệm vụ được phân công."
    assert found(sent, "province") == {("information_communications", "province", "lead")}
    sent = "Bí thư Tỉnh đoàn Vĩnh Long chỉ đạo các cơ sở Đoàn tổ chức sinh hoạt hè cho thiếu nhi."
    assert ("youth_union", "province", "lead") in found(sent, "province")


def test_the_city_union_of_a_centrally_run_city_is_a_province_body() -> None:
    sent = "Thành Đoàn TPHCM cũng tổ chức các hoạt động vui chơi cho thiếu nhi."
    assert found(sent) == {("youth_union", "province", "lead")}
    sent = "Thành đoàn Hà Nội chủ động phối hợp tổ chức đêm hội Trung thu."
    assert found(sent) == {("youth_union", "province", "lead")}


def test_do_a_body_chu_tri_or_lam_chu_dau_tu_leads() -> None:
    sent = "Dự án do Bộ Lao động - Thương binh và Xã hội chủ trì thực hiện với sự hỗ trợ của UNICEF."
    assert ("labour_social", "central", "lead") in found(sent, "central")
    sent = "Bốn công trình xây dựng khu vui chơi do Sở Giao thông vận tải làm chủ đầu tư."
    assert found(sent, "province") == {("construction_infrastructure", "province", "lead")}


def test_village_bodies_work_at_the_communes_level() -> None:
    sent = "1. Ban điều hành các thôn cần tăng cường tuyên truyền, cắm biển báo tại các khu vực nguy hiểm."
    assert found(sent, "commune") == {("other", "commune", "lead")}


def test_a_decisions_closing_article_assigns_nothing() -> None:
    text = ("Điều 2. Giao Sở Lao động - Thương binh và Xã hội chủ trì triển khai thực hiện Chương trình.\n"
            "Điều 3. Chánh Văn phòng Ủy ban nhân dân tỉnh, Giám đốc Sở Y tế; Thủ trưởng các sở, ban, ngành, "
            "đoàn thể; Chủ tịch Ủy ban nhân dân các huyện, thị xã, thành phố chịu trách nhiệm thi hành "
            "Quyết định này./.")
    assert found(text, "province") == {("labour_social", "province", "lead")}


def test_the_issuing_body_of_a_portal_summary_is_no_assignment() -> None:
    text = "Tóm tắt văn bản\nCơ quan ban hành:\nBộ Lao động - Thương binh và Xã hội\nSố hiệu:\n2883/LĐTBXH-BVCSTE"
    assert {r for _, _, r in found(text, "central")} <= {"issuer"}


def test_a_purpose_clause_or_a_year_may_open_the_sentence() -> None:
    sent = "Để thực hiện tốt các mục tiêu trên, UBND các huyện, thị xã chỉ đạo các trường rà soát trẻ em."
    assert ("people_committee", "district", "lead") in found(sent, "province")
    sent = "Theo đó, trong năm 2018, ngành Giáo dục tiếp tục tuyên truyền pháp luật về an toàn giao thông."
    assert found(sent, "district") == {("education", "district", "lead")}


def test_sentences_of_a_results_section_assign_nothing() -> None:
    text = ("I. KẾT QUẢ THỰC HIỆN NĂM 2023\nUBND các huyện tổ chức tốt Tháng hành động vì trẻ em.\n"
            "II. NHIỆM VỤ NĂM 2024\nUBND các huyện tổ chức Tháng hành động vì trẻ em.\n")
    tree = SectionTree(sections=[
        Section(id="I", label="I", parent=None, heading="KẾT QUẢ THỰC HIỆN NĂM 2023", level=1, start=0, end=text.index("II.")),
        Section(id="II", label="II", parent=None, heading="NHIỆM VỤ NĂM 2024", level=1, start=text.index("II."), end=len(text))])
    got = extract_agencies(text, tree, Metadata(admin_level="province"))
    assert [(m.sector, m.level, m.role) for m in got] == [("people_committee", "district", "lead")]
    assert got[0].start > text.index("II.")


def test_news_of_an_issue_and_the_issuer_directing_others_are_no_tasks() -> None:
    assert found("- Chủ tịch UBND tỉnh vừa ký ban hành Kế hoạch số 395/KH-UBND.", "province") == set()
    sent = "Sở Dân tộc và Tôn giáo tỉnh chỉ đạo UBND các huyện đẩy mạnh tuyên truyền về tảo hôn."
    issuer = Metadata(admin_level="province", issuer="Sở Dân tộc và Tôn giáo tỉnh Cao Bằng")
    got = {(m.sector, m.level, m.role) for m in extract_agencies(sent, SectionTree(), issuer)}
    assert got == {("people_committee", "district", "lead")}
    sent = "Sở Giáo dục và Đào tạo tổ chức tập huấn kỹ năng phòng chống đuối nước cho giáo viên."
    issuer = Metadata(admin_level="province", issuer="Sở Giáo dục và Đào tạo")
    got = {(m.sector, m.level, m.role) for m in extract_agencies(sent, SectionTree(), issuer)}
    assert got == {("education", "province", "lead")}  # a department's plan: it does its own tasks


def test_an_abbreviation_that_is_a_word_in_lower_case_needs_its_capitals() -> None:
    assert found("Phối hợp với các ca trực tỉnh ghi nhận", "province") == set()
    assert found("Giao số ca tỉnh ghi nhận cho Trạm", "province") == set()


def test_the_school_speaking_of_itself_and_a_school_body_working() -> None:
    sent = "Nhà trường xây dựng Kế hoạch thực hiện như sau:"
    assert found(sent, "district") == set()
    sent = "Nhà trường phối hợp với cha mẹ học sinh tuyên truyền an toàn giao thông."
    assert found(sent, "district") == {("education", "district", "lead")}


def test_theo_chuc_nang_nhiem_vu_between_the_subject_and_its_task() -> None:
    sent = "Các sở, ban, ngành, UBND các huyện theo chức năng, nhiệm vụ được giao, chủ động triển khai Kế hoạch."
    assert found(sent, "province") == {("people_committee", "district", "lead")}
    sent = ("Ngoài ra, UBND các địa phương, Mặt trận Tổ quốc các cấp theo chức năng, nhiệm vụ, thẩm quyền có "
            "những giải pháp ngăn chặn các nội dung độc hại.")
    assert found(sent, "province") == {("people_committee", "district", "lead"), ("fatherland_front", "province", "lead")}
    assert found("Trung tâm Y tế huyện có 5 bác sĩ nhi khoa.", "district") == set()


def test_a_bare_body_works_at_the_level_of_the_committee_leading_its_clause() -> None:
    sent = "UBND các xã, thị trấn chỉ đạo Công an, Đoàn Thanh niên tổ chức tuần tra các điểm có nguy cơ đuối nước."
    assert found(sent, "district") == {("people_committee", "commune", "lead"), ("police", "commune", "lead"),
                                       ("youth_union", "commune", "lead")}
    # a body in the committee's own list keeps the plan's level
    sent = "Ngoài ra, UBND các huyện, Mặt trận Tổ quốc các cấp theo chức năng, nhiệm vụ tuyên truyền về quyền trẻ em."
    assert ("fatherland_front", "province", "lead") in found(sent, "province")


def test_xet_de_nghi_cua_is_not_a_request() -> None:
    sent = ("Xét đề nghị của Phòng Lao động - Thương binh và Xã hội huyện tại Tờ trình số 71/TTr-LĐTBXH "
            "ngày 09/4/2024")  # 003
    assert {r for _, _, r in found(sent, "district")} <= {"issuer"}


def test_recipient_for_reports() -> None:
    sent = ("UBND các xã, thị trấn báo cáo kết quả tự kiểm tra về UBND huyện (qua Phòng Lao động - "
            "Thương binh và Xã hội);")  # 003
    got = found(sent, "district")
    assert ("people_committee", "district", "recipient") in got
    assert ("labour_social", "district", "recipient") in got
    sent = ("Tổng hợp tham mưu UBND huyện báo cáo Sở Lao động - Thương binh và Xã hội, UBND tỉnh trước "
            "ngày 10/12/2024.")  # 003
    got = found(sent, "district")
    assert {("labour_social", "province", "recipient"), ("people_committee", "province", "recipient")} <= got


def test_issuers_of_cited_instruments_are_kept_apart() -> None:
    sent = ("Thực hiện Kế hoạch số 76/KH-UBND ngày 26/3/2024 của UBND tỉnh về triển khai thực hiện công tác "
            "trẻ em")  # 003
    assert found(sent, "district") == {("people_committee", "province", "issuer")}
    sent = "Kế hoạch của Tỉnh ủy, UBND tỉnh, Huyện ủy về thực hiện Chỉ thị số 28-CT/TW của Bộ Chính trị."  # 000
    assert {r for _, _, r in found(sent, "district")} == {"issuer"}


def test_organ_words_inside_other_words() -> None:
    # 001: "Chỉ đạo các cơ sở y tế tuyên truyền" -- facilities, not the provincial department
    sent = "### **5. Sở Y tế**\na) Chỉ đạo các cơ sở y tế tuyên truyền và thực hiện các mục tiêu về dinh dưỡng"
    mentions = extract_agencies(sent, SectionTree(), Metadata(admin_level="province"))
    assert [(m.sector, m.text) for m in mentions] == [("health", "Sở Y tế")]


def test_one_organ_shared_by_a_list_of_functions() -> None:
    # a common way of naming several departments (names as in 001)
    got = found("3. Các Sở: Tư pháp, Y tế, Văn hóa và Thể thao", "province")
    assert got == {("justice", "province", "lead"), ("health", "province", "lead"),
                   ("culture_sports", "province", "lead")}


def test_a_line_of_bodies_heads_a_block_even_without_a_label() -> None:
    assert found("Sở Kế hoạch và Đầu tư\nChủ trì, phối hợp với Sở Lao động – Thương binh và Xã hội", "province") == {
        ("planning_investment", "province", "lead"), ("labour_social", "province", "support")}  # 001
    # but not the letterhead: the body there issues the document
    assert found("ỦY BAN NHÂN DÂN\nTỈNH KIÊN GIANG\nSố: 403/UBND-KGVX\nThực hiện Công văn", "province") == set()


def test_letterhead_under_a_portal_metadata_table_is_not_a_lead() -> None:
    # a portal's "Số hiệu: …" table above the document: its letterhead still issues the document
    page = ("Tư vấn liên quan\nCông văn 1562/BGDĐT-GDTC năm 2022 về phòng, chống đuối nước cho học sinh do Bộ Giáo dục "
            "và Đào tạo ban hành\nSố hiệu: 1562/BGDĐT-GDTC Loại văn bản: Công văn\nNgười ký: Ngô Thị Minh\n"
            "BỘ GIÁO DỤC VÀ ĐÀO TẠO\n-------\nCỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\nĐộc lập - Tự do - Hạnh phúc\n"
            "Số: 1562/BGDĐT-GDTC\nKính gửi: Các Sở Giáo dục và Đào tạo\n")
    assert ("education", "central", "lead") not in found(page, "central")
    # a line of bodies after the header still heads a block
    assert ("health", "province", "lead") in found(page + "Sở Y tế\nChủ trì tổ chức tập huấn.\n", "central")


def test_addressees_of_a_guidance_letter_are_requested_when_the_text_names_them_nowhere_else() -> None:
    letter = ("Số: 375/LĐTBXH-TE\nV/v hướng dẫn thực hiện công tác trẻ em năm 2021\n"
              "Kính gửi: Ủy ban nhân dân các tỉnh, thành phố trực thuộc Trung ương\n"
              "Bộ Lao động - Thương binh và Xã hội hướng dẫn thực hiện công tác trẻ em năm 2021 như sau:\n"
              "1. Xây dựng, ban hành và tổ chức thực hiện hiệu quả các kế hoạch về trẻ em.\n")
    assert found(letter, "central") == {("people_committee", "province", "requested")}
    # named with a role of their own in the body: that role only, the addressee line adds nothing
    seed_004 = ("Kính gửi:\n- Giám đốc (Thủ trưởng) các sở, ban, ngành, đoàn thể cấp tỉnh;\n"
                "- Chủ tịch UBND các huyện, thành phố.\n\n7. Ủy ban nhân dân các huyện, thành phố:\n"
                "- Tiếp tục, duy trì phát triển cơ sở dữ liệu về trẻ em.\n")
    assert found(seed_004, "province") == {("people_committee", "district", "lead")}


def test_lead_and_partner_columns_written_inline() -> None:
    sent = "- Cơ quan chủ trì: Sở Y tế; cơ quan phối hợp: Sở Giáo dục và Đào tạo, UBND các huyện."
    assert found(sent, "province") == {("health", "province", "lead"), ("education", "province", "support"),
                                       ("people_committee", "district", "support")}


def test_vague_groups_are_not_agencies() -> None:
    sent = "a) Chủ trì, phối hợp với các cơ quan, đơn vị, địa phương tổ chức triển khai thực hiện Kế hoạch"  # 003
    assert found(sent, "district") == set()
    assert found("2. Các ban, ngành, đoàn thể, đơn vị là thành viên Ban Chỉ đạo thực hiện công tác bảo vệ, "
                 "chăm sóc trẻ em huyện", "district") == set()  # 000


def test_distribution_list_and_signature_are_not_assignments() -> None:
    text = ("Nơi nhận:\n- UBND tỉnh (Báo cáo);\n- Sở Lao động - Thương binh và Xã hội;\n"
            "- Công an huyện,\n- UBND các xã, thị trấn;\nKT. CHỦ TỊCH")  # 003
    assert found(text, "district") == set()


# ---------------------------------------------------------------- tasks


def test_tasks_inherit_their_block_and_add_their_partners() -> None:
    text = ("3. Phòng Y tế\n"
            "a) Chỉ đạo tổ chức thực hiện có hiệu quả chính sách khám bệnh, chữa bệnh cho trẻ em dưới 06 tuổi.\n"
            "b) Chỉ đạo y tế cơ sở cung cấp dịch vụ hỗ trợ khẩn cấp. Phối hợp với Công an huyện thực hiện "
            "phòng chống tai nạn, thương tích trẻ em.\n")  # 003, shortened
    a = text.index("a)")
    b = text.index("b)")
    tree = SectionTree(
        sections=[Section(id="IV.3", level=2, label="3", parent=None, heading="Phòng Y tế", start=0,
                          end=len(text), heading_end=text.index("\n"))],
        tasks=[Task(id="IV.3.a", section="IV.3", text=text[a:b - 1], start=a, end=b - 1, label="a"),
               Task(id="IV.3.b", section="IV.3", text=text[b:-1], start=b, end=len(text) - 1, label="b")],
    )
    mentions = extract_agencies(text, tree, Metadata(admin_level="district"))
    assign_task_agencies(tree, mentions)
    assert tree.tasks[0].agencies == ["health/district"]
    assert tree.tasks[1].agencies == ["health/district", "police/district"]


def test_a_repeated_section_label_does_not_mix_blocks() -> None:
    # 001 numbers two blocks "12."
    text = ("## **12. Sở Tài nguyên và Môi trường:**\n"
            "Phối hợp với UBND thành phố Huế, các thị xã và các huyện hướng dẫn các xã, phường, thị trấn.\n"
            "## **12. Đề nghị Ủy ban mặt trận tổ quốc Việt Nam tỉnh và các tổ chức đoàn thể chính trị xã hội:**\n"
            "- Tăng cường tuyên truyền, vận động các đoàn viên, hội viên.\n")
    first_end = text.index("## **12. Đề")
    t1, t2 = text.index("Phối hợp"), text.index("- Tăng")

    def sec(start: int, end: int) -> Section:
        return Section(id="IV.12", level=2, label="12", parent="IV", heading="...", start=start, end=end,
                       heading_end=text.index("\n", start))

    tree = SectionTree(sections=[sec(0, first_end), sec(first_end, len(text))],
                       tasks=[Task(id="IV.12.p1", section="IV.12", text="", start=t1, end=first_end - 1),
                              Task(id="IV.12.-1", section="IV.12", text="", start=t2, end=len(text) - 1)])
    assign_task_agencies(tree, extract_agencies(text, tree, Metadata(admin_level="province", year=2023)))
    assert tree.tasks[0].agencies == ["natural_resources/province", "people_committee/district"]
    assert tree.tasks[1].agencies == ["fatherland_front/province", "mass_organizations/province"]


def test_a_task_naming_its_own_lead_keeps_it() -> None:
    text = ("5. Kiểm tra, giám sát việc thực hiện pháp luật\n"
            "a) Phòng Lao động - Thương binh và Xã hội chủ trì, phối hợp với các cơ quan chức năng có liên "
            "quan kiểm tra việc thực hiện chính sách.\n")  # 003
    a = text.index("a)")
    tree = SectionTree(
        sections=[Section(id="II.5", level=2, label="5", parent=None, heading="Kiểm tra", start=0,
                          end=len(text), heading_end=text.index("\n"))],
        tasks=[Task(id="II.5.a", section="II.5", text=text[a:], start=a, end=len(text), label="a")],
    )
    assign_task_agencies(tree, extract_agencies(text, tree, Metadata(admin_level="district")))
    assert tree.tasks[0].agencies == ["labour_social/district"]


# ---------------------------------------------------------------- robustness and generalisation


@settings(max_examples=150, deadline=None)
@given(st.text(alphabet=st.sampled_from(list("ỦUBNDSởPhòngYtếCôanhuyệnxã,.;:()-–\n 0123456789đềnghịchủtrìphốihợpvới")),
               max_size=300))
def test_never_raises_and_offsets_are_exact(text: str) -> None:
    for level in (None, "district"):
        for m in extract_agencies(text, SectionTree(), Metadata(admin_level=level)):
            assert text[m.start:m.end] == m.text
            assert m.role in ("lead", "support", "requested", "recipient", "issuer")


@settings(max_examples=60, deadline=None)
@given(st.text(max_size=200))
def test_never_raises_on_any_unicode(text: str) -> None:
    for m in extract_agencies(text, SectionTree(), Metadata()):
        assert text[m.start:m.end] == m.text


def _excerpt(excerpts_dir: Path, name: str) -> set[tuple[str, str, str]]:
    return found((excerpts_dir / name).read_text(encoding="utf-8"))


def test_other_provinces_dispatch_roles(excerpts_dir: Path) -> None:
    # x_005: a ministry dispatch -- the ministry leads, asks the provinces, and receives the reports
    got = _excerpt(excerpts_dir, "x_005.txt")
    assert ("labour_social", "central", "lead") in got
    assert ("people_committee", "province", "requested") in got
    assert ("labour_social", "central", "recipient") in got
    assert not any(s == "labour_social" and lv == "province" for s, lv, _ in got)  # only in its Nơi nhận


def test_other_provinces_decision_assignments(excerpts_dir: Path) -> None:
    # x_031: "Giao Sở ... chủ trì, phối hợp với ... UBND cấp huyện, cấp xã": two levels in one mention
    got = _excerpt(excerpts_dir, "x_031.txt")
    assert ("labour_social", "province", "lead") in got
    assert {("people_committee", "district", "support"), ("people_committee", "commune", "support")} <= got
    # x_039: the distribution list follows the text on the same line
    assert {r for _, _, r in _excerpt(excerpts_dir, "x_039.txt")} <= {"issuer"}


def test_excerpts_never_raise_and_offsets_are_exact(excerpts_dir: Path) -> None:
    for path in sorted(excerpts_dir.glob("x_*.txt")):
        text = path.read_text(encoding="utf-8")
        for m in extract_agencies(text, SectionTree(), Metadata()):
            assert text[m.start:m.end] == m.text, path.name


# ---------------------------------------------------------------- linear time (issue 19)


class _CountingPattern:
    """A compiled pattern that adds to `reach` the characters each call may look at."""

    def __init__(self, pattern, reach: list[int]) -> None:
        self._pattern, self._reach = pattern, reach

    def _count(self, string: str, pos: int = 0, endpos: int | None = None) -> None:
        self._reach[0] += max(0, (len(string) if endpos is None else min(endpos, len(string))) - pos)

    def match(self, string, pos=0, endpos=None):
        self._count(string, pos, endpos)
        return self._pattern.match(string, pos) if endpos is None else self._pattern.match(string, pos, endpos)

    def search(self, string, pos=0, endpos=None):
        self._count(string, pos, endpos)
        return self._pattern.search(string, pos) if endpos is None else self._pattern.search(string, pos, endpos)

    def finditer(self, string, pos=0, endpos=None):
        self._count(string, pos, endpos)
        return self._pattern.finditer(string, pos) if endpos is None else self._pattern.finditer(string, pos, endpos)

    def findall(self, string, pos=0, endpos=None):
        self._count(string, pos, endpos)
        return self._pattern.findall(string, pos) if endpos is None else self._pattern.findall(string, pos, endpos)

    def __getattr__(self, name):
        return getattr(self._pattern, name)


class _CountingRegex:
    """Stands for the `regex` module inside agencies.py: every pattern it compiles counts its reach."""

    def __init__(self, real, reach: list[int]) -> None:
        self._real, self._reach = real, reach

    def compile(self, pattern, flags=0):
        return _CountingPattern(self._real.compile(pattern, flags), self._reach)

    def match(self, pattern, string, flags=0):
        return self.compile(pattern, flags).match(string)

    def search(self, pattern, string, flags=0):
        return self.compile(pattern, flags).search(string)

    def findall(self, pattern, string, flags=0):
        return self.compile(pattern, flags).findall(string)

    def __getattr__(self, name):
        return getattr(self._real, name)


def _clear_caches(module) -> None:
    for value in vars(module).values():
        if callable(getattr(value, "cache_clear", None)):
            value.cache_clear()


def _regex_reach(monkeypatch, text: str) -> int:
    """Characters all regex calls of one `extract_agencies` run may examine (an operation count)."""
    from pipeline.extraction import agencies

    reach = [0]
    _clear_caches(agencies)
    with monkeypatch.context() as patch:
        patch.setattr(agencies, "re", _CountingRegex(agencies.re, reach))
        extract_agencies(text, SectionTree(), Metadata(admin_level="province"))
        _clear_caches(agencies)
    return reach[0]


@pytest.mark.parametrize("unit", ["Sở trẻ em đạt 95% ", "giao Sở Y tế, ", "Sở Y tế, ", "Đề nghị UBND các xã, phường ",
                                  "Theo đó, Sở Y tế Hà Nội sẽ tổ chức ", "UBND các xã chỉ đạo Công an, ",
                                  "Điều 3. Giám đốc Sở Y tế chịu trách nhiệm thi hành Quyết định này. "])
def test_matching_is_linear_on_long_hostile_lines(monkeypatch, unit: str) -> None:
    # issue 19: one line of a unit repeated thousands of times; twice the text, about twice the work
    small, large = _regex_reach(monkeypatch, unit * 1500), _regex_reach(monkeypatch, unit * 3000)
    assert large <= 2.3 * small, (small, large)


@pytest.mark.parametrize(
    "sent",
    [
        "Định kỳ tổng hợp, báo cáo Ban Chỉ đạo 6 tháng, năm về kết quả thực hiện.",
        "Tổ chức kiểm tra, báo cáo Ban Chỉ đạo 02 lần/năm.",
        "Thường trực Ban Chỉ đạo\n1. Tổ chức rà soát trẻ em có hoàn cảnh đặc biệt.",
    ],
)
def test_a_count_or_period_after_ban_chi_dao_is_no_programme_number(sent: str) -> None:
    sectors = {s for s, _, _ in found(sent, "district")}
    assert "other" not in sectors
    assert "child_steering_committee" in sectors


def test_huyen_doan_after_a_district_body_is_a_body_not_a_level() -> None:
    sent = "Đề nghị Hội Liên hiệp Phụ nữ huyện, Huyện đoàn, Hội Nông dân huyện tuyên truyền đến hội viên."
    got = found(sent, "district")
    assert {("women_union", "district", "requested"), ("youth_union", "district", "requested"),
            ("other", "district", "requested")} <= got
    sent = "Phối hợp với Ủy ban MTTQ huyện, Huyện đoàn tổ chức ngày hội cho thiếu nhi."
    assert {("fatherland_front", "district"), ("youth_union", "district")} <= {(s, lv) for s, lv, _ in found(sent, "district")}


def test_a_body_reporting_results_by_a_date_leads_but_not_when_it_already_did() -> None:
    sent = ("UBND các xã, thị trấn báo cáo kết quả thực hiện về Phòng Lao động - Thương binh và Xã hội "
            "trước ngày 30/11/2024.")
    assert ("people_committee", "commune", "lead") in found(sent, "district")
    sent = "Năm qua, UBND các xã, thị trấn đã báo cáo kết quả thực hiện đúng thời hạn."
    assert ("people_committee", "commune", "lead") not in found(sent, "district")


_PLAN_WITH_RESULTS = """KẾ HOẠCH
Thực hiện công tác trẻ em năm 2025

I. {heading}

Năm 2024, Huyện đoàn chủ trì tổ chức 12 lớp kỹ năng sống. Trạm Y tế xã phối hợp với Hội Chữ thập đỏ xã khám bệnh cho trẻ em. Phòng GD&ĐT đã phối hợp với Hội Nông dân xã tổ chức hội thi.

II. NHIỆM VỤ

1. Công an xã chủ trì rà soát trẻ em có nguy cơ bị xâm hại.
"""


@pytest.mark.parametrize("heading", ["KẾT QUẢ NĂM 2024", "BỐI CẢNH", "KHÁI QUÁT TÌNH HÌNH",
                                     "CÔNG TÁC TRẺ EM NĂM 2024", "SỰ CẦN THIẾT XÂY DỰNG KẾ HOẠCH"])
def test_results_and_background_sections_assign_nothing_whatever_the_cue(heading: str) -> None:
    text = _PLAN_WITH_RESULTS.format(heading=heading)
    tree = parse_structure(text)
    got = {(m.sector, m.role) for m in extract_agencies(text, tree, Metadata(admin_level="commune", year=2025))}
    assert got == {("police", "lead")}


def test_a_heading_ending_in_a_cue_word_governs_no_body_below_it() -> None:
    text = "5. Chế độ báo cáo\n\nHội Nông dân xã báo cáo kết quả về UBND xã trước ngày 30/11/2024."
    got = found(text, "commune")
    assert ("other", "commune", "lead") in got and ("other", "commune", "recipient") not in got
    assert ("people_committee", "commune", "recipient") in got
    # a cue ending in a colon still heads the list below it
    assert ("health", "commune", "lead") in found("Giao:\n\n- Trạm Y tế xã tổ chức tiêm chủng.", "commune")
