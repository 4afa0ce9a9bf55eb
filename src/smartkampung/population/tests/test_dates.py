"""One way to read a typed date everywhere: population.validation.parse_date. A phone's numeric keypad
(inputmode=numeric) has no dash, so 8 digits are a day too (DDMMYYYY); a day the calendar does not have
is refused in words that say so, by the parser's users (forms, the import, its fast path) alike."""

import datetime as dt

import polars as pl
import pytest
from django.urls import reverse
from django.utils import translation

from smartkampung.population import services
from smartkampung.population.fastcheck import check_frame
from smartkampung.population.forms import DATE_INPUT_FORMATS, ResidentForm
from smartkampung.population.importer import map_columns, row_values
from smartkampung.population.models import Resident
from smartkampung.population.tests.factories import SARONGAN, SIAK_HEADER, siak_row
from smartkampung.population.validation import check_record, no_such_day, parse_date

KK = "3510010101100001"


@pytest.mark.parametrize(
    "text, day",
    [
        ("17-08-1985", dt.date(1985, 8, 17)),
        ("17/08/1985", dt.date(1985, 8, 17)),
        ("17.08.1985", dt.date(1985, 8, 17)),
        ("1985-08-17", dt.date(1985, 8, 17)),
        ("17081985", dt.date(1985, 8, 17)),
        (" 01022020 ", dt.date(2020, 2, 1)),
        ("29022020", dt.date(2020, 2, 29)),
    ],
)
def test_a_date_is_read_with_or_without_separators(text, day):
    assert parse_date(text) == day
    assert no_such_day(text) == ""


@pytest.mark.parametrize("text", ["31022020", "29022021", "00012020", "01132020", "31-02-2020", "2020-02-30"])
def test_a_day_the_calendar_does_not_have_is_refused_and_said_so(text):
    assert parse_date(text) is None
    assert text.strip() in no_such_day(text)


@pytest.mark.parametrize("text", ["1708198", "170819850", "17-8-1985", "kemarin", "1708198a", "١٧٠٨١٩٨٥", ""])
def test_what_is_not_written_as_a_date_is_not_one_and_not_called_an_impossible_day(text):
    assert parse_date(text) is None
    assert no_such_day(text) == ""


def test_the_forms_date_formats_are_the_ones_the_parser_reads():
    day = dt.date(1985, 8, 17)
    for pattern in DATE_INPUT_FORMATS:
        assert parse_date(day.strftime(pattern)) == day, pattern


@pytest.fixture
def household(regions):
    services.create_household(user=None, values={"kk_number": KK, "village_code": SARONGAN, "address": "Krajan"})


def _resident_form(**overrides) -> dict:
    return {
        "nik": "3510014101950004",
        "kk_number": KK,
        "name": "Dewi Lestari",
        "birth_date": "01011995",
        "sex": "female",
        "status": "living",
    } | overrides


def test_the_resident_form_takes_eight_digits_from_a_phone_keypad(admin_client, household):
    response = admin_client.post(reverse("population:resident_create"), _resident_form())
    assert response.status_code == 302, response.content.decode()[:2000]
    assert Resident.objects.get(nik="3510014101950004").birth_date == dt.date(1995, 1, 1)


def test_the_resident_form_refuses_an_impossible_day_on_its_field(admin_client, household):
    response = admin_client.post(
        reverse("population:resident_create"), _resident_form(birth_date="31021995"), HTTP_ACCEPT_LANGUAGE="en"
    )
    html = response.content.decode()
    assert response.status_code in (200, 422) and not Resident.objects.exists()
    assert "“31021995” is not a day of the calendar" in html and 'aria-invalid="true"' in html


def test_the_form_field_names_a_nonsense_date_a_format_problem():
    form = ResidentForm(data=_resident_form(birth_date="kemarin"))
    assert not form.is_valid() and form.errors["birth_date"][0].startswith(("Write the date", "Tulis tanggal"))
    form = ResidentForm(data=_resident_form(birth_date="17081985"))
    form.is_valid()
    assert form.cleaned_data["birth_date"] == dt.date(1985, 8, 17)


def test_the_import_reads_eight_digits_and_words_an_impossible_day(regions):
    today, columns = dt.date(2026, 3, 1), map_columns(SIAK_HEADER, has_default_village=False)
    good = check_record(row_values(columns, list(siak_row(TGL_LHR="17081985").values())), today=today)
    assert good.ok and good.resident["birth_date"] == dt.date(1985, 8, 17), good.errors
    with translation.override("en"):
        bad = check_record(row_values(columns, list(siak_row(TGL_LHR="31021985").values())), today=today)
    assert [message for _field, message in bad.errors] == [
        "“31021985” is not a day of the calendar: check the day and the month."
    ]


def test_the_fast_import_path_agrees_with_check_record_on_eight_digit_dates(regions):
    """fastcheck mirrors parse_date's text forms: an 8-digit day is taken there exactly as check_record takes it,
    and an impossible one is left to check_record (which words the error)."""
    today = dt.date(2026, 3, 1)
    cells = ["17081985", "31021985", "17-08-1985", "1708198", "19850817"]
    rows = [
        list(siak_row(NIK=f"351001170885{n + 1:04d}", TGL_LHR=cell, NO_HP="").values()) for n, cell in enumerate(cells)
    ]
    columns = map_columns(SIAK_HEADER, has_default_village=False)
    frame = pl.DataFrame(
        {
            "row": pl.Series(range(2, len(rows) + 2), dtype=pl.Int64),
            **{name: pl.Series([row[i] for row in rows], dtype=pl.String) for name, i in columns.items()},
        }
    )
    clean, slow = check_frame(frame, columns=columns, today=today, villages={SARONGAN}, default_village=None)
    fast = {row["row"]: row["birth_date"] for row in clean.iter_rows(named=True)}
    assert fast == {2: dt.date(1985, 8, 17), 4: dt.date(1985, 8, 17)}
    assert sorted(slow.to_list()) == [3, 5, 6]
    for number, row in enumerate(rows, start=2):
        record = check_record(row_values(columns, row), today=today)
        assert record.ok == (number in fast), (number, record.errors)
        if record.ok:
            assert record.resident["birth_date"] == fast[number]
