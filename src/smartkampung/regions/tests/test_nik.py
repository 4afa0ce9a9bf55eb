"""NIK and KK number validation: pure, no database."""

import dataclasses
import datetime
import re
from zoneinfo import ZoneInfo

import pytest
from django.utils import translation

from smartkampung.regions.nik import (
    MESSAGES,
    MESSAGES_ID,
    KkResult,
    NikResult,
    nik_sex_and_birth_date,
    parse_kk,
    parse_nik,
)

# Fixed so that the century rule gives the same answer whenever the tests run.
TODAY = datetime.date(2026, 8, 16)

BUDI = "3510011708850001"  # Pesanggaran, Banyuwangi; born 17-08-1985; male
SITI = "3510015708850002"  # the same, female (17 + 40 = 57)

NIK_KEYS = [
    "nik",
    "valid",
    "errors",
    "province_code",
    "regency_code",
    "district_code",
    "province",
    "regency",
    "district",
    "birth_date",
    "sex",
]
KK_KEYS = [
    "kk",
    "valid",
    "errors",
    "province_code",
    "regency_code",
    "district_code",
    "province",
    "regency",
    "district",
]


def nik(day_month_year: str, region: str = "351001", serial: str = "0001") -> str:
    return region + day_month_year + serial


def parse(value: str, today: datetime.date = TODAY) -> NikResult:
    return parse_nik(value, today=today)


def codes(result: NikResult | KkResult) -> list[str]:
    return [e.code for e in result.errors]


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


# Valid numbers


def test_valid_male_nik_is_decoded_with_its_region_birth_date_and_sex():
    result = parse(BUDI)

    assert result.valid and result.errors == []
    assert (result.province_code, result.regency_code, result.district_code) == ("35", "3510", "351001")
    assert (result.province, result.regency, result.district) == (
        "Jawa Timur",
        "Kabupaten Banyuwangi",
        "Pesanggaran",
    )
    assert result.birth_date == datetime.date(1985, 8, 17)
    assert result.sex == "male"


def test_female_day_is_offset_by_forty():
    result = parse(SITI)

    assert result.valid
    assert result.birth_date == datetime.date(1985, 8, 17)
    assert result.sex == "female"


@pytest.mark.parametrize(
    ("digits", "sex", "day"),
    [("01", "male", 1), ("31", "male", 31), ("41", "female", 1), ("71", "female", 31)],
)
def test_first_and_last_day_of_the_month_are_valid_for_both_sexes(digits, sex, day):
    result = parse(nik(f"{digits}0190"))

    assert result.valid, result.errors
    assert (result.sex, result.birth_date) == (sex, datetime.date(1990, 1, day))


@pytest.mark.parametrize(
    ("region", "names"),
    [
        ("510101", ("Bali", "Kabupaten Jembrana", "Negara")),
        ("517101", ("Bali", "Kota Denpasar", "Denpasar Selatan")),
        ("317101", ("Daerah Khusus Ibukota Jakarta", "Kota Administrasi Jakarta Pusat", "Gambir")),
        ("940101", ("Papua Tengah", "Kabupaten Nabire", "Nabire")),
    ],
)
def test_a_kecamatan_elsewhere_in_indonesia_is_valid_too(region, names):
    result = parse(nik("170885", region=region))

    assert result.valid, result.errors
    assert result.district_code == region
    assert (result.province, result.regency, result.district) == names


def test_whitespace_around_the_number_is_stripped():
    result = parse(f"  \t{BUDI} \n")

    assert result.valid
    assert result.nik == BUDI


def test_default_today_is_the_date_in_jakarta():
    # A birthday that is today in Jakarta belongs to this century, not the last.
    before = datetime.datetime.now(ZoneInfo("Asia/Jakarta")).date()
    result = parse_nik(nik(before.strftime("%d%m%y")))
    after = datetime.datetime.now(ZoneInfo("Asia/Jakarta")).date()

    assert result.valid
    assert result.birth_date == before or before != after  # unless midnight passed meanwhile


# Leap years and impossible dates


def test_29_february_2000_is_valid_because_00_means_2000_once_that_day_has_passed():
    result = parse(nik("290200"))

    assert result.valid, result.errors
    assert result.birth_date == datetime.date(2000, 2, 29)


def test_29_february_00_seen_before_that_day_falls_to_1900_which_has_no_29_february():
    # 2000 is a leap year but 1900 is not (divisible by 100, not by 400).
    result = parse(nik("690200"), today=datetime.date(1999, 12, 31))

    assert codes(result) == ["invalid_date"]
    assert "29-02-1900" in result.errors[0].message
    assert (result.birth_date, result.sex) == (None, "female")


def test_29_february_of_a_leap_year_in_the_last_century_is_valid():
    assert parse(nik("290296")).birth_date == datetime.date(1996, 2, 29)
    # 2004 would be in the future seen from 2003, and 1904 was a leap year as well.
    assert parse(nik("290204"), today=datetime.date(2003, 6, 1)).birth_date == datetime.date(1904, 2, 29)


@pytest.mark.parametrize("year", ["01", "23", "25", "99"])
def test_29_february_in_a_non_leap_year_is_invalid(year):
    result = parse(nik(f"2902{year}"))

    assert codes(result) == ["invalid_date"]
    assert "29-02-" in result.errors[0].message
    assert result.birth_date is None
    assert result.sex == "male"


@pytest.mark.parametrize("day", ["31", "71"])
def test_31_april_is_invalid_for_men_and_women(day):
    result = parse(nik(f"{day}0485"))

    assert codes(result) == ["invalid_date"]
    assert "31-04-1985" in result.errors[0].message


@pytest.mark.parametrize("day", ["00", "32", "39", "40", "72", "99"])
def test_a_day_outside_01_31_and_41_71_is_invalid_and_gives_no_sex(day):
    result = parse(nik(f"{day}0885"))

    assert codes(result) == ["invalid_day"]
    assert day in result.errors[0].message
    assert (result.birth_date, result.sex) == (None, None)


@pytest.mark.parametrize("month", ["00", "13", "99"])
def test_a_month_outside_01_12_is_invalid_but_the_sex_is_still_known(month):
    result = parse(nik(f"57{month}85"))

    assert codes(result) == ["invalid_month"]
    assert month in result.errors[0].message
    assert (result.birth_date, result.sex) == (None, "female")


def test_impossible_day_and_month_are_both_reported():
    assert codes(parse(nik("721385"))) == ["invalid_day", "invalid_month"]


# Century and future dates


def test_a_birthday_today_is_in_this_century():
    assert parse(nik("160826")).birth_date == datetime.date(2026, 8, 16)


def test_a_birthday_tomorrow_is_a_century_ago():
    assert parse(nik("170826")).birth_date == datetime.date(1926, 8, 17)


def test_a_year_after_this_one_is_in_the_last_century():
    assert parse(nik("010127")).birth_date == datetime.date(1927, 1, 1)
    assert parse(nik("010100")).birth_date == datetime.date(2000, 1, 1)


def test_a_date_in_the_future_of_both_centuries_is_rejected():
    # Only possible with a `today` before 2000: 2095 and 1995 are both still to come.
    result = parse(nik("170895"), today=datetime.date(1990, 1, 1))

    assert codes(result) == ["future_date"]
    assert "17-08-1995" in result.errors[0].message
    assert (result.birth_date, result.sex) == (None, "male")


# Regions


def test_unknown_province_is_reported_once_for_the_whole_region_part():
    result = parse(nik("170885", region="991001"))

    assert codes(result) == ["unknown_province"]
    assert "99" in result.errors[0].message
    assert (result.province_code, result.regency_code, result.district_code) == (None, None, None)
    assert (result.province, result.regency, result.district) == (None, None, None)
    # The rest of the number is still decoded.
    assert result.birth_date == datetime.date(1985, 8, 17)


def test_unknown_regency_keeps_the_known_province():
    result = parse(nik("170885", region="359901"))

    assert codes(result) == ["unknown_regency"]
    assert "3599" in result.errors[0].message and "Jawa Timur" in result.errors[0].message
    assert (result.province_code, result.regency_code, result.district_code) == ("35", None, None)
    assert (result.province, result.regency) == ("Jawa Timur", None)


def test_unknown_kecamatan_keeps_the_known_province_and_regency():
    result = parse(nik("170885", region="351099"))

    assert codes(result) == ["unknown_district"]
    assert "351099" in result.errors[0].message and "Banyuwangi" in result.errors[0].message
    assert (result.province_code, result.regency_code, result.district_code) == ("35", "3510", None)
    assert (result.regency, result.district) == ("Kabupaten Banyuwangi", None)


# Length and characters


def test_fifteen_digits_is_too_short_but_the_region_and_date_are_still_checked():
    result = parse(BUDI[:-1])

    assert codes(result) == ["length"]
    assert result.errors[0].message == "NIK must be exactly 16 digits, got 15."
    assert result.district == "Pesanggaran"
    assert result.birth_date == datetime.date(1985, 8, 17)


def test_a_short_number_with_an_unknown_province_reports_both():
    assert codes(parse("9910011708850")) == ["length", "unknown_province"]


def test_seventeen_digits_is_too_long():
    result = parse(BUDI + "1")

    assert codes(result) == ["length"]
    assert "17" in result.errors[0].message


def test_an_empty_value_only_reports_the_length():
    for value in ("", "   "):
        result = parse(value)
        assert codes(result) == ["length"]
        assert result.errors[0].message == "NIK must be exactly 16 digits, got 0."
        assert result.nik == ""


@pytest.mark.parametrize(
    ("value", "shown"),
    [
        ("35100117O8850001", "'O'"),
        ("3510 01 17088500", "' '"),
        ("35.10.01.170885.0001", "'.'"),
        ("3510011708850٠01", "'٠'"),  # an Arabic-Indic zero: a digit to str.isdigit, not in a NIK
        ("３510011708850001", "'３'"),  # a full-width three
    ],
)
def test_non_digits_are_rejected_and_named(value, shown):
    result = parse(value)

    assert "not_digits" in codes(result)
    message = next(e.message for e in result.errors if e.code == "not_digits")
    assert shown in message
    assert not result.valid


def test_each_bad_character_is_named_once():
    message = parse("35AB0117088500AA").errors[0].message

    assert message.count("'A'") == 1 and message.count("'B'") == 1


def test_a_stray_character_leaves_the_region_before_it_checked_and_the_date_after_it_unread():
    result = parse("3510 01 17088500")

    assert codes(result) == ["not_digits"]
    assert (result.regency_code, result.district_code) == ("3510", None)
    assert (result.birth_date, result.sex) == (None, None)


def test_a_serial_of_0000_is_invalid():
    result = parse(nik("170885", serial="0000"))

    assert codes(result) == ["zero_serial"]
    assert result.birth_date == datetime.date(1985, 8, 17)


def test_every_problem_is_reported_at_once():
    result = parse("9910017213850000")

    assert codes(result) == ["unknown_province", "invalid_day", "invalid_month", "zero_serial"]
    assert not result.valid


def test_length_and_characters_and_region_and_date_are_reported_together():
    assert codes(parse("99100172x")) == ["length", "not_digits", "unknown_province"]
    assert codes(parse("9910017213850x")) == [
        "length",
        "not_digits",
        "unknown_province",
        "invalid_day",
        "invalid_month",
    ]
    assert codes(parse("991001721385000x")) == [
        "not_digits",
        "unknown_province",
        "invalid_day",
        "invalid_month",
    ]


# Messages and JSON


def test_as_json_has_exactly_the_documented_keys_in_order():
    data = parse(SITI).as_json()

    assert list(data) == NIK_KEYS
    assert data == {
        "nik": SITI,
        "valid": True,
        "errors": [],
        "province_code": "35",
        "regency_code": "3510",
        "district_code": "351001",
        "province": "Jawa Timur",
        "regency": "Kabupaten Banyuwangi",
        "district": "Pesanggaran",
        "birth_date": "1985-08-17",
        "sex": "female",
    }


def test_as_json_of_an_invalid_nik_lists_the_messages():
    data = parse("3510017213850000").as_json()

    assert list(data) == NIK_KEYS
    assert data["valid"] is False
    assert data["errors"] == [e.message for e in parse("3510017213850000").errors]
    assert all(isinstance(m, str) for m in data["errors"])
    assert (data["birth_date"], data["sex"]) == (None, None)


def test_the_result_is_immutable():
    with pytest.raises(dataclasses.FrozenInstanceError):
        parse(BUDI).valid = False  # type: ignore[misc]


def test_messages_are_indonesian_when_indonesian_is_active():
    with translation.override("id"):
        message = parse(BUDI[:-1]).errors[0].message

    assert message != "NIK must be exactly 16 digits, got 15."
    assert "15" in message and "16" in message


def test_every_error_code_has_an_indonesian_text_with_the_same_placeholders():
    assert MESSAGES.keys() == MESSAGES_ID.keys()
    for code, english in MESSAGES.items():
        assert re.findall(r"%\(\w+\)\w", english) == re.findall(r"%\(\w+\)\w", MESSAGES_ID[code]), code


# KK numbers


def test_valid_kk_number_is_decoded_with_its_region():
    result = parse_kk("3510010101100001")

    assert result.valid and result.errors == []
    assert (result.province_code, result.regency_code, result.district_code) == ("35", "3510", "351001")
    assert result.district == "Pesanggaran"


def test_the_middle_of_a_kk_number_is_not_read_as_a_date():
    assert parse_kk("3510019999990001").valid
    assert parse_kk("3510010000000001").valid


def test_kk_number_region_errors_are_those_of_a_nik():
    assert codes(parse_kk("9910010101100001")) == ["unknown_province"]
    assert codes(parse_kk("3599010101100001")) == ["unknown_regency"]
    assert codes(parse_kk("3510990101100001")) == ["unknown_district"]


def test_kk_number_shape_and_serial_errors_are_reported_together():
    result = parse_kk(" 35100101011000 ")

    assert result.kk == "35100101011000"
    assert codes(result) == ["length"]
    assert result.errors[0].message == "KK number must be exactly 16 digits, got 14."
    assert codes(parse_kk("351001010110000A")) == ["not_digits"]
    assert codes(parse_kk("9910010101100000")) == ["unknown_province", "zero_serial"]


def test_kk_as_json_has_exactly_the_documented_keys_in_order():
    data = parse_kk("3510990101100000").as_json()

    assert list(data) == KK_KEYS
    assert data["valid"] is False and len(data["errors"]) == 2
    assert (data["regency_code"], data["district_code"]) == ("3510", None)


# The helper for numbers already known to be valid


def test_sex_and_birth_date_of_a_valid_nik():
    assert nik_sex_and_birth_date(SITI, today=TODAY) == ("female", datetime.date(1985, 8, 17))
    assert nik_sex_and_birth_date(BUDI) == ("male", datetime.date(1985, 8, 17))


def test_sex_and_birth_date_are_none_where_the_digits_are_impossible():
    assert nik_sex_and_birth_date(nik("310485"), today=TODAY) == ("male", None)
    assert nik_sex_and_birth_date(nik("721385"), today=TODAY) == (None, None)
    assert nik_sex_and_birth_date("3510") == (None, None)
