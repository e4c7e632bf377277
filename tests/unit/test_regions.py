"""The bundled Kemendagri regions: lookups, children, paths and the search shoppers type into."""

from __future__ import annotations

import gzip
from importlib import resources

from marketplace.shipping import regions


def test_the_bundled_file_holds_every_level_of_the_2025_decree():
    data = resources.files("marketplace.shipping").joinpath("data", "regions.csv.gz")
    with data.open("rb") as raw:
        lines = gzip.decompress(raw.read()).decode().splitlines()
    depths = [line.split(",", 1)[0].count(".") for line in lines]
    assert [depths.count(n) for n in range(4)] == [38, 514, 7285, 83762]
    assert not any(line.endswith(" ") for line in lines)


def test_a_code_is_looked_up_at_every_level():
    assert regions.get("33") == regions.Region("33", "Jawa Tengah", "province", None)
    assert regions.get("33.76") == regions.Region("33.76", "Kota Tegal", "regency", "33")
    assert regions.get("33.76.01") == regions.Region("33.76.01", "Tegal Barat", "district", "33.76")
    village = regions.get("33.76.01.1001")
    assert village is not None and village.level == "village" and village.parent == "33.76.01"


def test_unknown_and_malformed_codes_are_none_not_errors():
    for code in ("99", "33.99", "33.76.99", "33.76.01.9999", "", None, "33.", "abc", "33.76.01.1001.1", 3376):
        assert regions.get(code) is None  # type: ignore[arg-type]
        assert regions.children(code) == [] or code is None  # type: ignore[arg-type]
        assert regions.path(code) == []  # type: ignore[arg-type]


def test_is_district_only_for_a_known_district():
    assert regions.is_district("33.76.02")
    assert not regions.is_district("33.76")
    assert not regions.is_district("33.76.02.1001")
    assert not regions.is_district("33.76.09")


def test_children_go_down_one_level_in_code_order():
    provinces = regions.children(None)
    assert len(provinces) == 38 and provinces[0].code == "11" and all(p.level == "province" for p in provinces)
    assert [r.name for r in regions.children("33.76")] == ["Tegal Barat", "Tegal Timur", "Tegal Selatan", "Margadana"]
    villages = regions.children("33.76.02")
    assert villages and all(v.level == "village" and v.parent == "33.76.02" for v in villages)
    assert [v.code for v in villages] == sorted(v.code for v in villages)
    assert regions.children("33.76.02.1001") == []


def test_path_and_label_name_what_a_region_lies_in():
    assert [r.code for r in regions.path("33.76.01.1001")] == ["33", "33.76", "33.76.01", "33.76.01.1001"]
    assert regions.label(regions.get("33.76.01")) == "Tegal Barat, Kota Tegal, Jawa Tengah"
    jakarta = "Kebayoran Baru, Kota Administrasi Jakarta Selatan, Daerah Khusus Ibukota Jakarta"
    assert regions.label("31.74.07") == jakarta
    assert regions.label("nope") == ""


def test_search_finds_a_district_by_the_words_of_its_name_in_any_case():
    assert regions.search("tegal barat")[0].code == "33.76.01"
    assert regions.search("TEGAL timur")[0].code == "33.76.02"
    assert regions.search("kebayoran baru")[0].code == "31.74.07"


def test_search_finds_a_city_and_then_its_districts():
    found = [r.code for r in regions.search("Kota Tegal")]
    assert found[0] == "33.76"
    assert {"33.76.01", "33.76.02", "33.76.03"} <= set(found[:6])


def test_search_ranks_upper_levels_before_villages():
    found = regions.search("tegal", limit=40)
    levels = [regions.LEVELS.index(r.level) for r in found]
    assert levels == sorted(levels)
    assert found[0].code in ("33.28", "33.76") and found[1].code in ("33.28", "33.76")


def test_search_reads_words_of_the_name_and_of_the_regions_above_it():
    found = regions.search("keb baru jakarta")
    assert found[0].code == "31.74.07"
    # a word must begin a word: "gal" is not "Tegal"
    assert all("gal" in regions.label(r).lower() for r in regions.search("gal"))
    assert "33.76.01" not in [r.code for r in regions.search("gal", limit=100)]


def test_search_narrows_by_level_and_parent():
    districts = regions.search("tegal", level="district")
    assert districts and all(r.level == "district" for r in districts)
    inside = regions.search("tegal", parent="33.76", limit=50)
    assert inside and all(r.code.startswith("33.76.") for r in inside)
    assert all(r.level == "village" for r in regions.search("pesurungan", level="village"))


def test_search_finds_names_with_apostrophes_and_honours_the_limit():
    assert any(r.name == "Ma'rang" for r in regions.search("marang", limit=50))
    assert len(regions.search("sari", limit=5)) == 5
    assert regions.search("") == [] and regions.search("  ") == [] and regions.search("zzqx") == []


def test_the_rebuild_script_reads_the_sql_rows_unescapes_trims_and_sorts():
    import importlib.util
    from pathlib import Path

    path = Path(__file__).resolve().parents[2] / "scripts" / "regions_from_wilayah_sql.py"
    spec = importlib.util.spec_from_file_location("regions_from_wilayah_sql", path)
    assert spec is not None and spec.loader is not None
    script = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(script)
    sql = """INSERT INTO wilayah (kode, nama)
VALUES
('33','Jawa Tengah'),
('33.76.01','Tegal Barat '),
('33.76','Kota Tegal'),
('11.01.02.2018','Pasi Kuala Ba''u');"""
    rows = script.rows_of(sql)
    assert rows == [
        ("11.01.02.2018", "Pasi Kuala Ba'u"),
        ("33", "Jawa Tengah"),
        ("33.76", "Kota Tegal"),
        ("33.76.01", "Tegal Barat"),
    ]
    assert gzip.decompress(script.csv_gz(rows)).decode().splitlines()[0] == "11.01.02.2018,Pasi Kuala Ba'u"
    assert script.csv_gz(rows) == script.csv_gz(rows)  # reproducible bytes
