"""The synthetic population generator (`smartkampung demo`) and its two writers."""

import csv
import datetime as dt
import io
from collections import Counter
from pathlib import Path

import phonenumbers
import pytest
from django.core.management import CommandError, call_command

from smartkampung.population import demo
from smartkampung.population.demo import (
    CSV_COLUMNS,
    REFERENCE_DATE,
    DemoHousehold,
    RegionsNotLoaded,
    generate_households,
    write_siak_csv,
    write_to_database,
)
from smartkampung.population.models import Household, Resident
from smartkampung.population.normalize import clean_name, name_search_key
from smartkampung.regions.codes import village_rows
from smartkampung.regions.models import ServiceArea, Village
from smartkampung.regions.nik import parse_kk, parse_nik
from smartkampung.regions.services import load_regions

REGENCY = "3510"


def _households(residents: int = 3000, seed: int = 11, serial_base: int = 0) -> list[DemoHousehold]:
    return list(generate_households(residents=residents, seed=seed, serial_base=serial_base, regency_code=REGENCY))


@pytest.fixture(scope="module")
def population() -> list[DemoHousehold]:
    return _households()


@pytest.fixture
def banyuwangi(db) -> None:
    load_regions(regency_code=REGENCY)


def _age(birth: dt.date) -> float:
    return (REFERENCE_DATE - birth).days / 365.2425


def test_generation_is_deterministic(population):
    again = _households()
    assert again == population
    assert _households(seed=12)[0] != population[0]


def test_exact_count_and_every_village_covered(population):
    assert sum(len(h.members) for h in population) == 3000
    assert {h.village_code for h in population} == {v.code for v in village_rows(REGENCY)}


def test_nik_and_kk_encode_kecamatan_birth_date_and_sex(population):
    niks = [r.nik for h in population for r in h.members]
    kks = [h.kk_number for h in population]
    assert len(set(niks)) == len(niks)
    assert len(set(kks)) == len(kks)
    for h in population:
        kk = parse_kk(h.kk_number)
        assert kk.valid, (h.kk_number, kk.errors)
        assert kk.district_code == h.village_code[:6]
        for r in h.members:
            result = parse_nik(r.nik)
            assert result.valid, (r.nik, result.errors)
            assert result.district_code == h.village_code[:6]
            assert result.birth_date == r.birth_date
            assert result.sex == r.sex


def test_household_structure_is_plausible(population):
    sizes = [len(h.members) for h in population]
    # ~3.2 at scale; at 3,000 residents the 217 villages' last cards, cut to fit, pull it down.
    assert 2.8 <= sum(sizes) / len(sizes) <= 3.4
    assert {1, 2, 3, 4, 5} <= set(sizes)
    for h in population:
        relations = Counter(r.family_relation for r in h.members)
        assert relations["head"] == 1
        assert h.members[0].family_relation == "head"
        assert relations["spouse"] <= 1
        head = h.members[0]
        spouse = next((r for r in h.members if r.family_relation == "spouse"), None)
        if spouse is not None:
            assert spouse.sex != head.sex
            assert head.marital_status == spouse.marital_status == "married"
        for r in h.members:
            age = _age(r.birth_date)
            assert 0 <= age < 95
            if age < 17:
                assert r.marital_status == "single"
            if age < 7:
                assert r.education == "none"
            if age < 5:
                assert r.occupation == "BELUM/TIDAK BEKERJA"
            if r.occupation in ("PEGAWAI NEGERI SIPIL (PNS)", "GURU", "DOKTER", "DOSEN"):
                assert age >= 18
            if r.family_relation == "child" and spouse is not None:
                # Children of the couple carry their names and are 18-40 years younger than the mother.
                mother = head if head.sex == "female" else spouse
                if r.mother_name == mother.name:
                    assert 17.5 <= _age(mother.birth_date) - age <= 40.5
            if r.family_relation in ("parent", "parent_in_law"):
                assert (
                    _age(r.birth_date) - _age(head.birth_date if r.family_relation == "parent" else spouse.birth_date)
                    >= 18
                )


def test_names_are_clean_upper_case_ktp_names(population):
    for h in population:
        for r in h.members:
            assert r.name == clean_name(r.name) and name_search_key(r.name)
            assert r.mother_name == clean_name(r.mother_name) and r.father_name == clean_name(r.father_name)
            assert r.birth_place == clean_name(r.birth_place)


def test_proportions_are_realistic(population):
    people = [r for h in population for r in h.members]
    count = len(people)
    share = lambda pred: sum(1 for r in people if pred(r)) / count  # noqa: E731
    assert 0.46 <= share(lambda r: r.sex == "female") <= 0.54
    assert share(lambda r: r.religion == "islam") >= 0.9
    assert share(lambda r: r.status == "living") >= 0.97
    assert 0.15 <= share(lambda r: _age(r.birth_date) < 15) <= 0.30
    assert 0.03 <= share(lambda r: _age(r.birth_date) >= 65) <= 0.12
    assert 0.01 <= share(lambda r: r.lost_job or r.informal_income_loss or r.tourism_worker) <= 0.12
    assert share(lambda r: r.birth_place == "BANYUWANGI") >= 0.5
    for h in population:
        assert h.rt.isdigit() and len(h.rt) == 3 and 1 <= int(h.rt) <= 15
        assert h.rw.isdigit() and len(h.rw) == 3 and 1 <= int(h.rw) <= 6
        assert h.address.startswith(("DUSUN ", "JL. ", "LINGKUNGAN "))


def test_phones_are_valid_indonesian_mobiles_in_e164(population):
    phones = [r.phone for h in population for r in h.members if r.phone]
    assert 0.03 <= len(phones) / 3000 <= 0.06
    assert len(set(phones)) == len(phones)
    for phone in phones:
        number = phonenumbers.parse(phone)
        assert phonenumbers.is_valid_number(number), phone
        assert phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164) == phone
        assert phone.startswith("+628")


def test_serial_base_keeps_a_second_population_disjoint(population):
    second = _households(seed=99, serial_base=5000)
    first_niks = {r.nik for h in population for r in h.members}
    second_niks = {r.nik for h in second for r in h.members}
    assert not first_niks & second_niks
    assert not {h.kk_number for h in population} & {h.kk_number for h in second}
    assert min(int(nik[-4:]) for nik in second_niks) == 5001
    assert max(int(nik[-4:]) for nik in first_niks) < 5000


def test_serial_base_out_of_range_is_refused():
    with pytest.raises(ValueError):
        next(generate_households(residents=10, seed=1, serial_base=9999, regency_code=REGENCY))


def test_write_to_database(banyuwangi):
    summary = write_to_database(_households(residents=2000, seed=3))
    assert (summary.households, summary.residents, summary.villages) == (Household.objects.count(), 2000, 217)
    assert Resident.objects.count() == 2000
    resident = Resident.objects.select_related("household").order_by("?").first()
    assert resident.name_search == name_search_key(resident.name)
    assert resident.nik_mismatch == ""
    assert resident.village_id == resident.household.village_id
    assert resident.created_at is not None and resident.updated_at is not None
    assert all(r.name_search == name_search_key(r.name) for r in Resident.objects.only("name", "name_search"))

    # A second load into filled tables (the row-by-row path) adds up, and the id
    # sequences were moved past the explicit ids so ordinary inserts still work.
    second = write_to_database(_households(residents=500, seed=4, serial_base=5000))
    assert second.residents == 500
    assert Resident.objects.count() == 2500
    assert Household.objects.count() == summary.households + second.households
    extra = Household.objects.create(kk_number="3510010101260999", village_id="3510012001")
    assert extra.id > Household.objects.exclude(pk=extra.pk).order_by("-id").first().id


def test_write_to_database_refuses_without_regions(db):
    ServiceArea.objects.all().delete()
    Village.objects.all().delete()
    with pytest.raises(RegionsNotLoaded):
        write_to_database(_households(residents=50, seed=1))
    with pytest.raises(CommandError, match="load_regions"):
        call_command("demo", residents=50, seed=1)
    assert not Resident.objects.exists()


def test_csv_export_has_the_siak_columns_and_vocabulary(tmp_path: Path):
    path = tmp_path / "siak.csv"
    summary = write_siak_csv(_households(residents=1500, seed=5), path)
    with path.open(encoding="utf-8", newline="") as handle:
        reader = csv.reader(handle)
        header = next(reader)
        rows = [dict(zip(header, row, strict=True)) for row in reader]
    assert header == list(CSV_COLUMNS)
    assert header == [
        "NIK",
        "NO_KK",
        "NAMA_LGKP",
        "TMPT_LHR",
        "TGL_LHR",
        "JENIS_KLMIN",
        "AGAMA",
        "STATUS_KAWIN",
        "STAT_HBKEL",
        "PDDK_AKH",
        "JENIS_PKRJN",
        "NAMA_LGKP_IBU",
        "NAMA_LGKP_AYAH",
        "ALAMAT",
        "NO_RT",
        "NO_RW",
        "KODE_DESA",
        "NO_HP",
        "STATUS",
        "PHK",
        "INFORMAL_TERDAMPAK",
        "PEKERJA_PARIWISATA",
    ]
    assert len(rows) == summary.residents == 1500
    relations = set(demo.SIAK_RELATION.values()) | {"SUAMI"}
    for row in rows:
        assert len(row["NIK"]) == 16 and len(row["NO_KK"]) == 16 and len(row["KODE_DESA"]) == 10
        assert dt.datetime.strptime(row["TGL_LHR"], "%d-%m-%Y")
        assert row["JENIS_KLMIN"] in demo.SIAK_SEX.values()
        assert row["AGAMA"] in demo.SIAK_RELIGION.values()
        assert row["STATUS_KAWIN"] in demo.SIAK_MARITAL.values()
        assert row["STAT_HBKEL"] in relations
        assert row["PDDK_AKH"] in demo.SIAK_EDUCATION.values()
        assert row["STATUS"] in demo.SIAK_STATUS.values()
        assert row["NO_HP"] == "" or row["NO_HP"].startswith("08")
        assert {row["PHK"], row["INFORMAL_TERDAMPAK"], row["PEKERJA_PARIWISATA"]} <= {"Y", "N"}
    assert sum(1 for row in rows if row["STAT_HBKEL"] == "KEPALA KELUARGA") == summary.households


def test_csv_export_passes_the_importer_checks(tmp_path: Path):
    validation = pytest.importorskip("smartkampung.population.validation")
    siak = pytest.importorskip("smartkampung.population.siak")
    buffer = io.StringIO()
    write_siak_csv(_households(residents=300, seed=6), buffer)
    buffer.seek(0)
    field_of = {column: field for field, columns in siak.COLUMNS.items() for column in columns}
    for row in csv.DictReader(buffer):
        record = validation.check_record({field_of[column]: value for column, value in row.items()})
        assert record.ok, record.error_texts()
        assert record.mismatch == ""


def test_mapping_tables_cover_every_choice():
    from smartkampung.population import models

    for table, choices in (
        (demo.SIAK_SEX, models.Sex),
        (demo.SIAK_RELIGION, models.Religion),
        (demo.SIAK_MARITAL, models.MaritalStatus),
        (demo.SIAK_RELATION, models.FamilyRelation),
        (demo.SIAK_EDUCATION, models.Education),
        (demo.SIAK_STATUS, models.ResidentStatus),
    ):
        assert {str(k) for k in table} == set(choices.values)


def test_command_writes_database_and_if_empty_skips(banyuwangi):
    out = io.StringIO()
    call_command("demo", residents=2500, seed=1, stdout=out, stderr=io.StringIO())
    assert "2,500 residents" in out.getvalue() and "217 villages" in out.getvalue()
    assert Resident.objects.count() == 2500

    out = io.StringIO()
    call_command("demo", residents=2500, seed=2, if_empty=True, stdout=out, stderr=io.StringIO())
    assert "nothing generated" in out.getvalue()
    assert Resident.objects.count() == 2500


def test_command_csv_leaves_the_database_alone(db, tmp_path: Path):
    path = tmp_path / "export.csv"
    out = io.StringIO()
    call_command("demo", residents=400, seed=8, csv=str(path), serial_base=100, stdout=out, stderr=io.StringIO())
    assert "400 residents" in out.getvalue()
    assert not Resident.objects.exists()
    lines = path.read_text(encoding="utf-8").splitlines()
    assert len(lines) == 401
    assert all(int(line.split(",", 1)[0][-4:]) > 100 for line in lines[1:])
