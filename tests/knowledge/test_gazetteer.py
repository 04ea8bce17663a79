"""Gazetteer: pre-2025 units, their 2025 province, and finding them in plans."""

from __future__ import annotations

import csv
import importlib.util
import re
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pipeline.knowledge import gazetteer as g
from pipeline.knowledge.gazetteer import Place, find_places, normalize_province, province_2025, resolve_place

ROOT = Path(__file__).resolve().parents[2]
RAW_DIR = ROOT / "data" / "raw"

RESOURCES = Path(g.__file__).parent / "resources"

# Nghị quyết 202/2025/QH15: the 23 merged provinces and the 11 left as they were.
MERGERS_2025 = {
    "Tuyên Quang": ["Hà Giang", "Tuyên Quang"],
    "Lào Cai": ["Lào Cai", "Yên Bái"],
    "Thái Nguyên": ["Bắc Kạn", "Thái Nguyên"],
    "Phú Thọ": ["Vĩnh Phúc", "Hòa Bình", "Phú Thọ"],
    "Bắc Ninh": ["Bắc Giang", "Bắc Ninh"],
    "Hưng Yên": ["Thái Bình", "Hưng Yên"],
    "Hải Phòng": ["Hải Dương", "Hải Phòng"],
    "Ninh Bình": ["Hà Nam", "Nam Định", "Ninh Bình"],
    "Quảng Trị": ["Quảng Bình", "Quảng Trị"],
    "Đà Nẵng": ["Quảng Nam", "Đà Nẵng"],
    "Quảng Ngãi": ["Kon Tum", "Quảng Ngãi"],
    "Gia Lai": ["Gia Lai", "Bình Định"],
    "Khánh Hòa": ["Ninh Thuận", "Khánh Hòa"],
    "Lâm Đồng": ["Lâm Đồng", "Đắk Nông", "Bình Thuận"],
    "Đắk Lắk": ["Đắk Lắk", "Phú Yên"],
    "Hồ Chí Minh": ["Hồ Chí Minh", "Bình Dương", "Bà Rịa - Vũng Tàu"],
    "Đồng Nai": ["Đồng Nai", "Bình Phước"],
    "Tây Ninh": ["Tây Ninh", "Long An"],
    "Cần Thơ": ["Cần Thơ", "Sóc Trăng", "Hậu Giang"],
    "Vĩnh Long": ["Bến Tre", "Vĩnh Long", "Trà Vinh"],
    "Đồng Tháp": ["Tiền Giang", "Đồng Tháp"],
    "Cà Mau": ["Bạc Liêu", "Cà Mau"],
    "An Giang": ["An Giang", "Kiên Giang"],
}
UNCHANGED_2025 = [
    "Hà Nội", "Cao Bằng", "Điện Biên", "Lai Châu", "Sơn La", "Lạng Sơn", "Quảng Ninh",
    "Thanh Hóa", "Nghệ An", "Hà Tĩnh",
]


# --- the data ---------------------------------------------------------------------------

def test_all_63_provinces_map_to_the_34_of_2025():
    provinces = g.all_places("province")
    assert len(provinces) == 63
    assert len({p.province_2025 for p in provinces}) == 34
    expected = {old: new for new, olds in MERGERS_2025.items() for old in olds}
    expected.update({p: p for p in UNCHANGED_2025})
    expected["Thừa Thiên Huế"] = "Huế"
    assert {p.name: p.province_2025 for p in provinces} == expected


@pytest.mark.parametrize("province", UNCHANGED_2025)
def test_provinces_untouched_by_the_merger_map_to_themselves(province):
    assert province_2025(province) == province


@pytest.mark.parametrize(("issuer_province", "merged_into"), [
    # Issuers of the excerpts in ../shared/corpus/excerpts/SOURCES.tsv.
    ("Nghệ An", "Nghệ An"), ("Phú Yên", "Đắk Lắk"), ("Cà Mau", "Cà Mau"), ("Vĩnh Phúc", "Phú Thọ"),
    ("Đắk Lắk", "Đắk Lắk"), ("Ninh Thuận", "Khánh Hòa"), ("Gia Lai", "Gia Lai"), ("Đà Nẵng", "Đà Nẵng"),
    ("Hà Nội", "Hà Nội"), ("Lào Cai", "Lào Cai"), ("Tiền Giang", "Đồng Tháp"), ("Bình Dương", "Hồ Chí Minh"),
    ("Kon Tum", "Quảng Ngãi"), ("Quảng Bình", "Quảng Trị"), ("Cao Bằng", "Cao Bằng"), ("Lạng Sơn", "Lạng Sơn"),
    ("Hà Giang", "Tuyên Quang"), ("Hậu Giang", "Cần Thơ"), ("Hà Tĩnh", "Hà Tĩnh"), ("Bình Định", "Gia Lai"),
    ("Bắc Ninh", "Bắc Ninh"), ("Đắk Nông", "Lâm Đồng"), ("An Giang", "An Giang"), ("Tuyên Quang", "Tuyên Quang"),
    ("Vĩnh Long", "Vĩnh Long"), ("Cần Thơ", "Cần Thơ"), ("Hòa Bình", "Phú Thọ"), ("Đồng Tháp", "Đồng Tháp"),
    ("Quảng Trị", "Quảng Trị"), ("Bắc Kạn", "Thái Nguyên"), ("Hải Phòng", "Hải Phòng"), ("Thanh Hóa", "Thanh Hóa"),
    ("Kiên Giang", "An Giang"), ("Thừa Thiên Huế", "Huế"), ("Quảng Ngãi", "Quảng Ngãi"),
])
def test_issuer_provinces_of_the_excerpts(issuer_province, merged_into):
    assert province_2025(issuer_province) == merged_into


def test_every_unit_names_a_known_province_and_kind():
    provinces = {p.name for p in g.all_places("province")}
    for place in g.all_places():
        assert place.province in provinces, place
        assert place.kind in g.KINDS_BY_LEVEL[place.level], place
        assert place.province_2025 == province_2025(place.province), place
        assert (place.district is not None) == (place.level == "commune"), place


def test_resource_files_are_what_the_build_script_makes():
    """The CSVs are generated: a hand edit would be lost at the next rebuild (add an override instead)."""
    pytest.importorskip("vietnamadminunits")
    spec = importlib.util.spec_from_file_location("build_gazetteer", ROOT / "scripts" / "build_gazetteer.py")
    build = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(build)
    units, mergers = build.build()
    for name, rows in (("admin_units.csv", units), ("province_mergers_2025.csv", mergers)):
        with open(RESOURCES / name, encoding="utf-8", newline="") as f:
            assert list(csv.DictReader(f)) == rows, name


def test_overrides_are_documented():
    with open(RESOURCES / "admin_units_overrides.csv", encoding="utf-8", newline="") as f:
        rows = list(csv.DictReader(f))
    assert rows and all(r["reason"].strip() for r in rows)


# --- resolve_place ----------------------------------------------------------------------

def test_vinh_thuan_district_is_in_kien_giang_now_an_giang():
    place = resolve_place("Vĩnh Thuận", kind="huyện")
    assert place == Place("Vĩnh Thuận", "huyện", "district", "Kiên Giang", "An Giang", None)


@pytest.mark.parametrize("written", ["huyện Sơn Hà", "H. Sơn Hà", "Huyện Sơn Hà", "huyen son ha", "HUYỆN SƠN HÀ"])
def test_son_ha_district_stays_in_quang_ngai_not_ly_son(written):
    # underthesea.convert_address sends "huyện Sơn Hà" to đặc khu Lý Sơn (an island); wrong.
    place = resolve_place(written)
    assert place is not None
    assert (place.name, place.kind, place.province, place.province_2025) == ("Sơn Hà", "huyện", "Quảng Ngãi", "Quảng Ngãi")


def test_phuong_nguyen_nghiem_with_quang_ngai_hint():
    # Sample plan 002: "Phường Nguyễn Nghiêm, ngày tháng 5 năm 2024". Two phường of Quảng Ngãi carry
    # the name (TP Quảng Ngãi, Đức Phổ): the province is certain, the district is not.
    place = resolve_place("phường Nguyễn Nghiêm", province_hint="Quảng Ngãi")
    assert place is not None and place.province == "Quảng Ngãi" and place.province_2025 == "Quảng Ngãi"
    assert place.district is None
    named = resolve_place("phường Nguyễn Nghiêm", province_hint="Quảng Ngãi", district_hint="thành phố Quảng Ngãi")
    assert named is not None and named.district == "Quảng Ngãi"


def test_thua_thien_hue_is_hue_in_2025():
    place = resolve_place("Thừa Thiên Huế")
    assert place is not None and place.kind == "tỉnh" and place.province_2025 == "Huế"


@pytest.mark.parametrize(("written", "kind", "expected"), [
    ("TP. Quảng Ngãi", None, ("Quảng Ngãi", "thành phố", "district")),
    ("Tp Quảng Ngãi", None, ("Quảng Ngãi", "thành phố", "district")),
    ("Quảng Ngãi", None, ("Quảng Ngãi", "tỉnh", "province")),
    ("Quảng Ngãi", "tỉnh", ("Quảng Ngãi", "tỉnh", "province")),
    ("TP. Hồ Chí Minh", None, ("Hồ Chí Minh", "thành phố", "province")),
    ("Quận 1", None, ("1", "quận", "district")),
    ("Q.01", None, ("1", "quận", "district")),
    ("thị xã Dĩ An", None, ("Dĩ An", "thành phố", "district")),  # upgraded in 2020
    ("TX. Kỳ Anh", None, ("Kỳ Anh", "thị xã", "district")),
    ("huyện Kỳ Anh", None, ("Kỳ Anh", "huyện", "district")),
    ("huyện Nam Đông", None, ("Nam Đông", "huyện", "district")),  # merged into Phú Lộc in 2025
    ("đặc khu Lý Sơn", None, ("Lý Sơn", "đặc khu", "commune")),
    ("huyện Lý Sơn", None, ("Lý Sơn", "huyện", "district")),
])
def test_kinds_and_abbreviations(written, kind, expected):
    place = resolve_place(written, kind=kind)
    assert place is not None
    assert (place.name, place.kind, place.level) == expected


def test_same_name_in_two_kinds_is_ambiguous_without_kind():
    assert resolve_place("Kỳ Anh") is None  # huyện Kỳ Anh and thị xã Kỳ Anh, both Hà Tĩnh


def test_ambiguous_commune_is_not_guessed():
    assert len(g.candidates("xã Tân Thành")) > 5
    assert resolve_place("xã Tân Thành") is None


def test_tones_tell_places_apart():
    # xã Sơn Hạ (huyện Sơn Hà, Quảng Ngãi) is not xã Sơn Hà of another province.
    assert all(p.name == "Sơn Hà" for p in g.candidates("xã Sơn Hà"))
    place = resolve_place("xã Sơn Hạ, huyện Sơn Hà, tỉnh Quảng Ngãi")
    assert place is not None and (place.name, place.district) == ("Sơn Hạ", "Sơn Hà")


def test_unknown_and_empty_names():
    assert resolve_place("") is None
    assert resolve_place("Atlantis") is None
    assert normalize_province("huyện Sơn Hà") is None
    assert province_2025("Atlantis") is None


# --- province names ----------------------------------------------------------------------

@pytest.mark.parametrize(("written", "canonical"), [
    ("TT Huế", "Thừa Thiên Huế"), ("Thừa Thiên - Huế", "Thừa Thiên Huế"), ("tỉnh Thừa Thiên Huế", "Thừa Thiên Huế"),
    ("tinh kien giang", "Kiên Giang"), ("TỈNH KIÊN GIANG", "Kiên Giang"), ("TP. Hồ Chí Minh", "Hồ Chí Minh"),
    ("Tp.HCM", "Hồ Chí Minh"), ("Hà Nội", "Hà Nội"), ("thành phố Hà Nội", "Hà Nội"), ("Đăk Lăk", "Đắk Lắk"),
    ("BR-VT", "Bà Rịa - Vũng Tàu"), ("Khánh Hoà", "Khánh Hòa"), ("Hoà Bình", "Hòa Bình"),
])
def test_normalize_province(written, canonical):
    assert normalize_province(written) == canonical


# --- find_places -------------------------------------------------------------------------

def _sample(name_prefix: str) -> str:
    return next(RAW_DIR.glob(f"{name_prefix}_*.txt")).read_text(encoding="utf-8")


def test_find_places_in_a_district_plan():
    # Sample plan 003 (UBND huyện Sơn Hà).
    text = "triển khai thực hiện công tác trẻ em trên địa bàn tỉnh Quảng Ngãi năm 2024; UBND huyện Sơn Hà ban hành"
    found = find_places(text)
    assert [(text[s:e], p.level, p.province) for s, e, p in found] == [
        ("tỉnh Quảng Ngãi", "province", "Quảng Ngãi"), ("huyện Sơn Hà", "district", "Quảng Ngãi"),
    ]


def test_find_places_uses_the_documents_province_for_ambiguous_communes():
    text = ("Phường Nguyễn Nghiêm, ngày tháng 5 năm 2024\n"
            "của Chủ tịch UBND thành phố Quảng Ngãi về việc thực hiện Chỉ thị số 28-CT/TW")
    found = {text[s:e]: p for s, e, p in find_places(text)}
    assert found["thành phố Quảng Ngãi"].level == "district"
    assert found["Phường Nguyễn Nghiêm"].province == "Quảng Ngãi"


def test_find_places_skips_common_words():
    text = ("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\nChủ tịch UBND các huyện, thành phố; xã hội hóa; Xã hội; "
            "cơ quan Công an tỉnh; Tỉnh Đoàn; Tỉnh ủy; Đội TNTP Hồ Chí Minh; Thành phố 4; ngày 28 tháng 02")
    assert find_places(text) == []


def test_find_places_joins_a_name_wrapped_at_a_line_break():
    text = "UBND tỉnh Kiên\nGiang ban hành; UBND huyện Vĩnh Thuận\n\nGiang"
    assert [(text[s:e], p.name) for s, e, p in find_places(text)] == [
        ("tỉnh Kiên\nGiang", "Kiên Giang"), ("huyện Vĩnh Thuận", "Vĩnh Thuận"),
    ]


@pytest.mark.parametrize("prefix", ["000", "001", "002", "003", "004"])
def test_find_places_on_sample_plans_names_their_province(prefix):
    province = {"000": "Kiên Giang", "001": "Thừa Thiên Huế", "002": "Quảng Ngãi", "003": "Quảng Ngãi",
                "004": "Kiên Giang"}[prefix]
    text = _sample(prefix)
    found = find_places(text)
    assert found
    for start, end, _place in found:
        assert text[start:end].strip() == text[start:end]
    provinces = [p.province for _s, _e, p in found if p.level == "province"]
    assert provinces and max(set(provinces), key=provinces.count) == province


def test_find_province_of_the_sample_plans():
    expected = {"000": "Kiên Giang", "001": "Thừa Thiên Huế", "002": "Quảng Ngãi", "003": "Quảng Ngãi", "004": "Kiên Giang"}
    for prefix, province in expected.items():
        place = g.find_province(_sample(prefix))
        assert place is not None and place.name == province


def test_find_province_falls_back_to_bare_capitalised_names():
    # Sample plan 004 header line; "hòa bình" in lower case is the word "peace", not the province.
    assert g.find_province("Kiên Giang, ngày 06 tháng 4 năm 2021").name == "Kiên Giang"
    assert g.find_province("vì hòa bình và phát triển") is None


def test_find_places_picks_the_commune_in_a_district_the_document_names():
    text = ("Phường Nguyễn Nghiêm, ngày tháng 5 năm 2024\n"
            "của Chủ tịch UBND thành phố Quảng Ngãi về việc thực hiện Chỉ thị số 28-CT/TW")
    communes = [p for _s, _e, p in find_places(text) if p.level == "commune"]
    assert [(p.name, p.district) for p in communes] == [("Nguyễn Nghiêm", "Quảng Ngãi")]


def test_find_province_on_excerpts_finds_the_issuers_province(excerpts_dir):
    issuers: dict[str, str] = {}
    for line in (excerpts_dir / "SOURCES.tsv").read_text(encoding="utf-8").splitlines()[1:]:
        cols = line.split("\t")
        m = re.search(r"(?:tỉnh|thành phố) ([^(,]+?)\s*(?:\(|$|,)", cols[2])
        if m and "central" not in cols[2]:
            issuers[cols[0]] = m.group(1).strip()
    hits = 0
    for doc_id, written in issuers.items():
        path = excerpts_dir / f"{doc_id}.txt"
        if not path.exists():
            continue
        text = path.read_text(encoding="utf-8")
        expected = normalize_province(written)
        assert expected is not None, written
        found = g.find_province(text)
        if found is not None and found.province == expected:
            hits += 1
    assert len(issuers) > 30
    assert hits >= 0.95 * len(issuers)


@settings(max_examples=60, deadline=None)
@given(st.text(alphabet=st.sampled_from(list("xã huyện Tỉnh TP. Quảng Ngãi Sơn Hà phường, 1\n-'")), max_size=80))
def test_find_places_never_raises_and_keeps_spans(text):
    for start, end, place in find_places(text):
        assert 0 <= start < end <= len(text)
        assert isinstance(place, Place)


@settings(max_examples=60, deadline=None)
@given(st.text(max_size=40))
def test_lookups_never_raise(text):
    resolve_place(text)
    normalize_province(text)
    province_2025(text)
