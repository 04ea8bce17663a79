"""Rebuild the gazetteer resource files from the installed `vietnamadminunits` data.

Why a script: the pre-2025 administrative units (63 provinces, ~700 districts,
~10,000 communes) are copied from a maintained open dataset rather than typed
by hand, so they can be refreshed with one command when the package is updated:

    .venv/bin/python scripts/build_gazetteer.py

Inputs (read only):
  * vietnamadminunits/data/dataset.db, table `admin_units_legacy`: the units as
    they stood just before the 1 July 2025 reform (names, types, codes, and
    accent-free alias keys of units they absorbed in 2019-2025).
  * vietnamadminunits/data/converter_2025.json: `DICT_PROVINCE` (old province ->
    new province, Nghị quyết 202/2025/QH15) and the old->new ward mapping (used
    only to place the 13 đặc khu of 2025 on their pre-2025 district).
  * vietnamadminunits/data/dataset.db, table `admin_units` (2025 names).
  * pipeline/knowledge/resources/admin_units_overrides.csv: documented corrections and the
    units dissolved in 2019-2025 (hand-checked, with the reason on each row).

Outputs:
  * pipeline/knowledge/resources/admin_units.csv: one row per unit.
  * pipeline/knowledge/resources/province_mergers_2025.csv: the 63 -> 34 province table
    plus the spelling variants `normalize_province` accepts.
"""

from __future__ import annotations

import csv
import json
import sqlite3
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
RESOURCES = REPO / "pipeline" / "knowledge" / "resources"
sys.path.insert(0, str(REPO))

from pipeline.knowledge.gazetteer import name_key  # noqa: E402  (same keys as the runtime)

UNIT_COLUMNS = [
    "level", "kind", "name", "province", "district", "province_2025", "status", "code", "aliases", "note",
]
MERGER_COLUMNS = ["province", "kind", "code", "province_2025", "kind_2025", "code_2025", "aliases"]

# Kind prefixes in the package's accent-free alias keys ("huyennamdong", "txbencat").
_ALIAS_PREFIXES = [
    ("thanhpho", "thành phố"), ("thixa", "thị xã"), ("thitran", "thị trấn"), ("huyen", "huyện"),
    ("quan", "quận"), ("phuong", "phường"), ("xa", "xã"), ("tinh", "tỉnh"), ("tp", "thành phố"),
    ("tx", "thị xã"), ("tt", "thị trấn"), ("district", "quận"), ("ward", "phường"), ("q", "quận"),
    ("p", "phường"), ("f", "phường"),
]

# Spelling variants seen in plans (diacritics, spacing and hyphens do not matter:
# they are compared by `name_key`). Keys are pre-2025 short names.
PROVINCE_VARIANTS: dict[str, list[str]] = {
    "Thừa Thiên Huế": ["TT Huế", "TT-Huế", "Thừa Thiên", "Huế", "TTH"],
    "Hồ Chí Minh": ["HCM", "TP HCM", "TPHCM", "TP.HCM", "Sài Gòn", "Sài Gòn - Gia Định"],
    "Bà Rịa - Vũng Tàu": ["BR-VT", "BRVT", "Bà Rịa Vũng Tàu"],
    "Hà Nội": ["HN"],
    "Đắk Lắk": ["Đắc Lắc", "Daklak", "Đắk Lăk", "Đăk Lăk", "Dak Lak"],
    "Đắk Nông": ["Đắc Nông", "Daknong"],
    "Kon Tum": ["Kontum"],
    "Bắc Kạn": ["Bắc Cạn"],
    "Khánh Hòa": ["Khánh Hoà"],
    "Thanh Hóa": ["Thanh Hoá"],
    "Hòa Bình": ["Hoà Bình"],
}


def _package_data_dir() -> Path:
    import vietnamadminunits

    return Path(vietnamadminunits.__file__).parent / "data"


def _strip_kind(full: str, short: str) -> str:
    """'Huyện Sơn Hà', 'Sơn Hà' -> 'huyện' (the kind word in lower case)."""
    return full[: len(full) - len(short)].strip().lower() if full.endswith(short) else ""


_KIND_WORDS = ("thành phố", "thị xã", "thị trấn", "huyện", "quận", "phường", "xã", "tỉnh", "đặc khu")


def _split_numbered(full: str, short: str) -> tuple[str, str]:
    """(kind, name) from the full name: 'Huyện Kỳ Anh' -> ('huyện', 'Kỳ Anh'), 'Quận 1' -> ('quận', '1').

    The package's short names are not usable for this: numbered units repeat
    the kind ('Quận 1') and same-name units carry a suffix ('Kỳ Anh (Huyện)').
    """
    for word in _KIND_WORDS:
        if full.lower().startswith(word + " "):
            return word, full[len(word) + 1:].strip()
    raise SystemExit(f"unknown kind in {full!r} ({short!r})")


def _alias_keys(raw: str | None, own_key: str) -> list[str]:
    """Package alias keys -> 'kind:key' strings (kind empty when the alias has no prefix)."""
    if not raw:
        return []
    out: list[str] = []
    for alias in json.loads(raw):
        kind = ""
        for prefix, word in _ALIAS_PREFIXES:
            rest = alias[len(prefix):]
            if alias.startswith(prefix) and rest and (rest[0].isdigit() or len(prefix) > 2 or prefix in ("tp", "tx", "tt")):
                if prefix in ("district", "ward") and not rest[0].isdigit():
                    continue
                kind, alias = word, rest
                break
        key = name_key(alias)
        if key and key != own_key:
            item = f"{kind}:{key}"
            if item not in out:
                out.append(item)
    # A bare alias makes the prefixed one redundant.
    bare = {a.split(":", 1)[1] for a in out if a.startswith(":")}
    return [a for a in out if a.startswith(":") or a.split(":", 1)[1] not in bare]


def _load_overrides() -> list[dict[str, str]]:
    with open(RESOURCES / "admin_units_overrides.csv", encoding="utf-8", newline="") as f:
        return [r for r in csv.DictReader(f) if not r["action"].startswith("#")]


def build() -> tuple[list[dict[str, str]], list[dict[str, str]]]:
    data_dir = _package_data_dir()
    db = sqlite3.connect(data_dir / "dataset.db")
    db.row_factory = sqlite3.Row
    converter = json.loads((data_dir / "converter_2025.json").read_text(encoding="utf-8"))
    overrides = _load_overrides()
    renames = {(r["level"], r["province"], r["name"]): r for r in overrides if r["action"] == "rename"}

    new_names = {
        r["provinceKey"]: (r["provinceShort"], _strip_kind(r["province"], r["provinceShort"]), r["provinceCode"])
        for r in db.execute("SELECT DISTINCT provinceKey, provinceShort, province, provinceCode FROM admin_units")
    }
    old_to_new = {old: new for new, olds in converter["DICT_PROVINCE"].items() for old in olds}

    legacy = list(db.execute("SELECT * FROM admin_units_legacy ORDER BY provinceCode, districtCode, wardCode"))
    provinces: dict[str, dict[str, str]] = {}
    province_name_of_key: dict[str, str] = {}
    districts: dict[tuple[str, str], dict[str, str]] = {}
    units: list[dict[str, str]] = []

    def renamed(level: str, province: str, name: str, kind: str) -> tuple[str, str]:
        r = renames.get((level, province, name))
        return (r["new_name"], r["new_kind"] or kind) if r else (name, kind)

    for row in legacy:
        pkey = row["provinceKey"]
        if pkey not in provinces:
            short = row["provinceShort"]
            kind = _strip_kind(row["province"], short)
            name, kind = renamed("province", short, short, kind)
            new_short, new_kind, new_code = new_names[old_to_new[pkey]]
            provinces[pkey] = {
                "level": "province", "kind": kind, "name": name, "province": name, "district": "",
                "province_2025": new_short, "status": "current", "code": row["provinceCode"],
                "aliases": "|".join(_alias_keys(row["provinceAlias"], name_key(name))), "note": "",
                "_kind_2025": new_kind, "_code_2025": new_code,
            }
            province_name_of_key[pkey] = name
        prov = provinces[pkey]
        dkey = (pkey, row["districtKey"])
        if dkey not in districts:
            kind, short = _split_numbered(row["district"], row["districtShort"])
            districts[dkey] = {
                "level": "district", "kind": kind, "name": short, "province": prov["name"], "district": "",
                "province_2025": prov["province_2025"], "status": "current", "code": row["districtCode"],
                "aliases": "|".join(_alias_keys(row["districtAlias"], name_key(short))), "note": "",
            }
        if row["ward"]:
            kind, short = _split_numbered(row["ward"], row["wardShort"])
            units.append({
                "level": "commune", "kind": kind, "name": short,
                "province": prov["name"], "district": districts[dkey]["name"],
                "province_2025": prov["province_2025"], "status": "current", "code": row["wardCode"],
                "aliases": "|".join(_alias_keys(row["wardAlias"], name_key(short))), "note": "",
            })

    # The 13 đặc khu (special zones) of 2025 sit on a former island district.
    district_by_key = {f"{p}_{d}": v for (p, d), v in districts.items()}
    for row in db.execute("SELECT * FROM admin_units WHERE wardType = 'Đặc khu' ORDER BY wardCode"):
        sources = converter["DICT_PROVINCE_WARD_NO_DIVIDED"].get(row["provinceKey"], {}).get(row["wardKey"], [])
        olds = {s.rsplit("_", 1)[0] for s in sources}
        if len(olds) != 1 or next(iter(olds)) not in district_by_key:
            print(f"warning: đặc khu {row['ward']} has no single pre-2025 district: {sorted(olds)}", file=sys.stderr)
            continue
        old_district = district_by_key[next(iter(olds))]
        units.append({
            "level": "commune", "kind": "đặc khu", "name": row["wardShort"],
            "province": old_district["province"], "district": old_district["name"],
            "province_2025": old_district["province_2025"], "status": "2025", "code": row["wardCode"],
            "aliases": "", "note": "2025 unit (Nghị quyết 202/2025/QH15 and ward resolutions)",
        })

    # Units dissolved in 2019-2025 (absent from the package) and hand corrections.
    province_2025_of = {p["name"]: p["province_2025"] for p in provinces.values()}
    added: list[dict[str, str]] = []
    for r in overrides:
        if r["action"] != "add":
            continue
        if r["province"] not in province_2025_of:
            raise SystemExit(f"override row names an unknown province: {r}")
        added.append({
            "level": r["level"], "kind": r["new_kind"], "name": r["new_name"], "province": r["province"],
            "district": r["district"], "province_2025": province_2025_of[r["province"]], "status": "dissolved", "code": "",
            "aliases": "", "note": r["reason"],
        })

    all_units = list(provinces.values()) + list(districts.values()) + added + units
    for u in all_units:
        u.pop("_kind_2025", None)
        u.pop("_code_2025", None)

    mergers = []
    for pkey, p in provinces.items():
        new_short, new_kind, new_code = new_names[old_to_new[pkey]]
        variants = PROVINCE_VARIANTS.get(p["name"], [])
        mergers.append({
            "province": p["name"], "kind": p["kind"], "code": p["code"], "province_2025": new_short,
            "kind_2025": new_kind, "code_2025": new_code, "aliases": "|".join(variants),
        })
    return all_units, mergers


def write(path: Path, columns: list[str], rows: list[dict[str, str]]) -> None:
    with open(path, "w", encoding="utf-8", newline="") as f:
        writer = csv.DictWriter(f, fieldnames=columns, lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)


def main() -> None:
    units, mergers = build()
    write(RESOURCES / "admin_units.csv", UNIT_COLUMNS, units)
    write(RESOURCES / "province_mergers_2025.csv", MERGER_COLUMNS, mergers)
    counts: dict[str, int] = {}
    for u in units:
        counts[u["level"]] = counts.get(u["level"], 0) + 1
    new = {m["province_2025"] for m in mergers}
    print(f"admin_units.csv: {counts}; province_mergers_2025.csv: {len(mergers)} -> {len(new)} provinces")


if __name__ == "__main__":
    main()
