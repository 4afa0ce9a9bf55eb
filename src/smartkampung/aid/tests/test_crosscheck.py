"""The province-wide cross-check (`smartkampung crosscheck_aid`): a person listed in two regencies' current lists
is found by NIK, or by probable match through the lists' linkage model; rows of one regency are never paired, a
withdrawn row or one without a village takes no part, and the CSV's cells are never live formulas.

Banyuwangi's list is imported as the agency imports it; Jember's villages are made here (code 3509…) and its list
is written as rows the register does not reach (none linked, each with the village the list gave), as a list
compiled in another regency's office is."""

import csv
import io

import pytest
from django.core.management import call_command
from django.utils import translation

from smartkampung.aid.crosscheck import cross_check
from smartkampung.aid.services import import_list_now
from smartkampung.aid.tests.fixtures import list_file, listed, two_regencies
from smartkampung.audit.models import AuditEntry
from smartkampung.population.models import Resident


def _pairs(text: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(text)))


@pytest.mark.django_db
def test_a_person_listed_in_two_regencies_is_found_by_nik_and_by_probable_match(register, programs, tmp_path):
    people = two_regencies(tmp_path)
    out, target = io.StringIO(), tmp_path / "crosscheck.csv"
    with translation.override("en"):
        call_command("crosscheck_aid", "--backend", "duckdb", "--csv", str(target), stdout=out)
    summary = out.getvalue()
    assert "Rows compared: 13 in 2 regencies (3509 " in summary and "; 3510 " in summary
    assert "Rows without a village" not in summary  # Jember's row without one is its list's regency's
    assert "Listed in two regencies: 2 by NIK, 1 by probable match, 0 to review." in summary

    pairs = _pairs(target.read_text(encoding="utf-8"))
    assert sorted((p["found_by"], p["first_regency"], p["second_regency"], p["first_nik"]) for p in pairs) == sorted([
        ("nik", "3510", "3509", people["by_nik"].nik), ("nik", "3510", "3509", people["unplaced"].nik),
        ("probable", "3510", "3509", people["probable"].nik),
    ])  # fmt: skip
    nik = next(p for p in pairs if p["first_nik"] == people["by_nik"].nik)
    probable = next(p for p in pairs if p["found_by"] == "probable")
    assert nik["first_nik"] == nik["second_nik"] == people["by_nik"].nik
    assert nik["first_program"] == "BANSOS-BWI" and nik["second_program"] == "BANSOS-JBR"
    # The Jember row's name would be a live formula in a spreadsheet: it is text.
    assert nik["second_name"] == "'=HYPERLINK(1)"
    assert probable["first_nik"] == people["probable"].nik and probable["second_nik"] != people["probable"].nik
    assert float(probable["probability"]) >= 0.99 and "NIK one digit different" in probable["why"]
    # The withdrawn row is in no pair, whoever it lists.
    listed_niks = {p[f"{side}_nik"] for p in pairs for side in ("first", "second")}
    assert people["withdrawn"].nik not in listed_niks
    assert AuditEntry.objects.filter(object_type="aid_crosscheck", action="export").count() == 1


@pytest.mark.django_db
def test_one_regency_alone_has_nothing_to_cross_check(register, programs, tmp_path):
    people = list(Resident.objects.select_related("household").order_by("id")[:3])
    path = tmp_path / "BANSOS-BWI-2020-05.csv"
    # One person twice in one regency: the conflicts' business ("listed twice"), not the cross-check's.
    path.write_bytes(list_file([listed(people[0]), listed(people[0]), listed(people[1])]).getvalue())
    import_list_now(user=None, program=programs["BANSOS-BWI"], period="2020-05", path=path)
    found = cross_check(backend="duckdb")
    assert found.rows_by_regency == {"3510": 3} and not found.pairs.height
    out = io.StringIO()
    call_command("crosscheck_aid", "--backend", "duckdb", stdout=out)
    assert "Fewer than two regencies have listed rows: nothing to cross-check." in out.getvalue()
