"""The rotating check-in code: valid in its window and the next, refused when older (a photo of last week's code),
and never valid for another place, nor when forged or mistyped."""

import base64
import datetime as dt

import pytest
from django.utils import timezone

from smartkampung.tourism import codes
from smartkampung.tourism.tests import factories as f
from smartkampung.tourism.tests.test_capacity_fixtures import windows_ago

pytestmark = pytest.mark.usefixtures("regions")

NOW = dt.datetime(2026, 12, 4, 10, 2, 30, tzinfo=dt.UTC)


def test_the_code_changes_every_window_and_stays_the_same_within_one(db):
    place = f.place()
    start = codes.window_ends(codes.window_at(NOW) - 1)  # the first moment of NOW's window

    assert codes.current_code(place, now=start) == codes.current_code(place, now=start + dt.timedelta(seconds=299))
    assert codes.current_code(place, now=start) != codes.current_code(place, now=start + dt.timedelta(seconds=300))


def test_the_code_is_short_letters_and_digits_with_eighty_bits_or_more(db):
    code = codes.current_code(f.place(), now=NOW)

    assert len(code) == 24 and code.isalnum() and code.upper() == code
    assert codes.MAC_BYTES * 8 >= 80


def test_the_current_and_the_previous_code_are_accepted(db):
    place = f.place()

    assert codes.check(place, codes.current_code(place, now=NOW), now=NOW).ok
    assert codes.check(place, codes.current_code(place, now=windows_ago(1, now=NOW)), now=NOW).ok


def test_a_code_two_windows_old_or_last_weeks_has_expired(db):
    place = f.place()

    assert codes.check(place, codes.current_code(place, now=windows_ago(2, now=NOW)), now=NOW) == codes.Verdict(
        False, "expired"
    )
    last_week = NOW - dt.timedelta(days=7)
    assert codes.check(place, codes.current_code(place, now=last_week), now=NOW).reason == "expired"


def test_a_code_of_another_place_is_not_valid(db):
    here, there = f.place(name="Here"), f.place(name="There")

    assert codes.check(here, codes.current_code(there, now=NOW), now=NOW) == codes.Verdict(False, "invalid")


def test_a_new_secret_makes_the_places_codes_worthless(db):
    place = f.place()
    code = codes.current_code(place, now=NOW)
    place.code_secret = "another secret"

    assert codes.check(place, code, now=NOW).reason == "invalid"


def test_a_code_signed_with_another_secret_key_is_not_valid(db, settings):
    place = f.place()
    code = codes.current_code(place, now=NOW)
    settings.SECRET_KEY = "someone else's key"

    assert codes.check(place, code, now=NOW).reason == "invalid"


@pytest.mark.parametrize("code", ["", "X", "A" * 24, "1" * 24, "a" * 500, "AAAA AAAA"])
def test_garbage_is_not_valid(db, code):
    assert codes.check(f.place(), code, now=NOW).reason == "invalid"


def test_a_forged_code_with_a_current_window_and_a_wrong_mac_is_not_valid(db):
    place = f.place()
    raw = codes.window_at(NOW).to_bytes(4, "big") + b"\x00" * codes.MAC_BYTES

    assert codes.check(place, base64.b32encode(raw).decode(), now=NOW).reason == "invalid"


def test_a_code_made_for_a_later_window_is_not_valid(db):
    place = f.place()
    later = codes.current_code(place, now=NOW + dt.timedelta(seconds=2 * codes.rotation_seconds()))

    assert codes.check(place, later, now=NOW).reason == "invalid"


def test_a_code_typed_in_small_letters_is_accepted(db):
    place = f.place()

    assert codes.check(place, codes.current_code(place).lower()).ok


def test_the_rotation_follows_the_setting(db, settings):
    settings.TOURISM_CODE_ROTATION_SECONDS = 60
    place = f.place()
    now = timezone.now()

    assert codes.rotation_seconds() == 60
    assert codes.check(place, codes.current_code(place, now=now - dt.timedelta(seconds=130)), now=now).reason == (
        "expired"
    )
