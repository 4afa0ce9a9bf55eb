"""The shipped villages of all of Jawa Timur (province 35): data/jawa_timur_villages.csv."""

import csv
from decimal import Decimal
from importlib import resources

import pytest

from smartkampung.regions.codes import VillageRow, code_lists, village_rows
from smartkampung.regions.models import Village
from smartkampung.regions.services import load_regions

# The islands far from the mainland: Masalembu (Sumenep) and Bawean (Sangkapura, Tambak; Gresik).
NORTHERN_ISLANDS = {"352923", "352517", "352518"}


def _data(filename: str) -> str:
    return resources.files("smartkampung.regions").joinpath("data", filename).read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def province() -> list[VillageRow]:
    return [VillageRow(**r) for r in csv.DictReader(_data("jawa_timur_villages.csv").splitlines())]


def _regencies_of_jawa_timur() -> list[str]:
    return sorted(code for code, (province, _name) in code_lists().regencies.items() if province == "35")


def test_jawa_timur_has_7721_desa_and_773_kelurahan(province):
    assert len(province) == 8494
    assert sum(v.kind == "desa" for v in province) == 7721
    assert sum(v.kind == "kelurahan" for v in province) == 773


def test_codes_are_unique_ten_digits_and_kind_follows_the_seventh_digit(province):
    codes = [v.code for v in province]
    assert len(set(codes)) == len(codes)
    assert codes == sorted(codes)
    for v in province:
        assert len(v.code) == 10 and v.code.isdigit()
        assert v.code[:6] == v.district_code
        assert v.kind == {"1": "kelurahan", "2": "desa"}[v.code[6]]
        assert v.name and v.name == " ".join(v.name.split())


def test_every_district_code_is_known_and_every_kecamatan_of_jawa_timur_has_villages(province):
    districts = code_lists().districts
    assert {v.district_code for v in province} <= districts.keys()
    jatim = {code for code, (regency, _name) in districts.items() if regency.startswith("35")}
    assert len(jatim) == 666
    assert {v.district_code for v in province} == jatim


def test_every_regency_of_jawa_timur_has_its_villages(province):
    regencies = _regencies_of_jawa_timur()
    assert len(regencies) == 38
    by_regency = {code: village_rows(code) for code in regencies}
    assert all(by_regency.values())
    assert sum(len(rows) for rows in by_regency.values()) == len(province)
    for code, rows in by_regency.items():
        assert all(v.district_code[:4] == code for v in rows)
    assert len(by_regency["3509"]) == 248  # Jember
    assert len(by_regency["3578"]) == 153  # Kota Surabaya: kelurahan only
    assert {v.kind for v in by_regency["3578"]} == {"kelurahan"}


def test_banyuwangi_rows_are_identical_to_banyuwangi_villages_csv(province):
    shipped = _data("banyuwangi_villages.csv").splitlines()
    in_province = [line for line in _data("jawa_timur_villages.csv").splitlines() if line.startswith("3510")]
    assert in_province == shipped[1:] and len(in_province) == 217
    assert [v for v in province if v.code.startswith("3510")] == village_rows("3510")


def test_no_villages_outside_jawa_timur_and_banyuwangi_comes_from_its_own_file():
    assert village_rows("5171") == []  # Kota Denpasar: not shipped
    assert village_rows("3510")[0] == VillageRow("3510012001", "351001", "Sarongan", "desa", "-8.498369", "113.904168")


def test_coordinates_lie_in_jawa_timur(province):
    located = [v for v in province if v.latitude and v.longitude]
    assert len(located) == len(province)  # the boundaries source has every village (see data/README.md)
    for v in located:
        lat, lng = float(v.latitude), float(v.longitude)
        # Pacitan's Widoro (110.91 E) to Sumenep's Sakala (116.25 E); Masalembu reaches 5.07 S.
        assert -8.8 < lat < -5.0 and 110.8 < lng < 116.3, v
        if v.district_code not in NORTHERN_ISLANDS:
            assert lat < -6.7, v
        assert len(v.latitude.split(".")[1]) == len(v.longitude.split(".")[1]) == 6


@pytest.mark.django_db
def test_load_regions_loads_the_villages_of_jember():
    counts = load_regions(regency_code="3509")
    assert (counts.districts, counts.desa, counts.kelurahan) == (31, 226, 22)
    kaliwates = Village.objects.get(code="3509191004")
    assert (kaliwates.district_id, kaliwates.name, kaliwates.kind) == ("350919", "Kaliwates", "kelurahan")
    assert (kaliwates.latitude, kaliwates.longitude) == (Decimal("-8.181780"), Decimal("113.675543"))
    assert Village.objects.filter(district__regency_id="3510").count() == 217  # Banyuwangi stays
