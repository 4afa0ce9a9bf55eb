"""The agency's files (the checked list, the priority ranking) never carry a live formula: text a spreadsheet
would run is written with a leading apostrophe in CSV and as text in XLSX."""

import csv
import io

import pytest
from openpyxl import load_workbook

from smartkampung.aid.models import RecipientList
from smartkampung.aid.tests.fixtures import listed, upload_list
from smartkampung.population.models import Household, Resident

FORMULAS = ['=HYPERLINK("HTTP://X","KLIK")', "+1", "@SUM(1+1)", "-2+3"]


def csv_table(response) -> list[list[str]]:
    return list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode())))


def xlsx_cells(response) -> list[list]:
    sheet = load_workbook(io.BytesIO(response.content)).active
    return [list(row) for row in sheet.iter_rows()]


def assert_text_only(rows: list[list], column: int, expected: list[str]) -> None:
    cells = [row[column] for row in rows[1:]]
    assert [c.value for c in cells] == expected
    assert all(c.data_type == "s" for c in cells)
    assert not any(c.data_type == "f" for row in rows for c in row)


@pytest.mark.django_db
def test_the_checked_list_carries_no_live_formula(client, register, programs, agency):
    people = list(Resident.objects.select_related("household").order_by("id")[: len(FORMULAS)])
    client.force_login(agency)
    upload_list(client, programs["PKH"], [listed(p, NAMA_PENERIMA=f) for p, f in zip(people, FORMULAS, strict=True)])
    job = RecipientList.objects.get()

    table = csv_table(client.get(f"/aid/lists/{job.pk}/checked.csv"))
    rows = xlsx_cells(client.get(f"/aid/lists/{job.pk}/checked.xlsx"))

    assert [line[2] for line in table[1:]] == ["'" + f for f in FORMULAS]
    assert [line[1] for line in table[1:]] == [p.nik for p in people]  # plain values stay as they are
    assert_text_only(rows, 2, FORMULAS)
    assert rows[1][0].value == 2 and rows[1][0].data_type == "n"  # the row number is still a number


@pytest.mark.django_db
def test_the_priority_ranking_carries_no_live_formula(client, register, programs, agency):
    village = next(h.village_id for h in Household.objects.order_by("id"))
    person = Resident.objects.filter(village_id=village, status="living").order_by("id").first()
    client.force_login(agency)
    client.post(
        "/aid/affected/new/",
        {"nik": person.nik, "sector": "tourism", "impact": "laid_off", "since": "01-04-2020",
         "income_lost": "2.500.000", "employer": FORMULAS[0]},
    )  # fmt: skip

    table = csv_table(client.get(f"/aid/affected/priority.csv?village={village}"))
    rows = xlsx_cells(client.get(f"/aid/affected/priority.xlsx?village={village}"))

    employer = table[0].index("employer")
    assert table[1][employer] == "'" + FORMULAS[0]
    assert_text_only(rows, employer, [FORMULAS[0]])
