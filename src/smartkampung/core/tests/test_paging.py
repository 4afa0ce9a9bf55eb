"""One paging helper (core/paging.py) for every list: whatever offset or page a client sends, an answer, never a
500 (an offset of 1e24 overflows the database's integer)."""

import pytest
from django.urls import reverse

from smartkampung.core.paging import MAX_OFFSET, page_number, window

HUGE = str(10**24)


@pytest.mark.parametrize(
    "url",
    [
        "/api/v1/arrivals",
        "/api/v1/households",
        "/api/v1/residents",
        "/api/v1/notifications",
        "/api/v1/health/cases",
        "/api/v1/aid/lists",
    ],
)
def test_an_api_list_answers_any_offset_and_limit(admin_api, regions, url):
    for offset, limit in ((HUGE, "10"), ("-5", HUGE), ("0", "-1")):
        response = admin_api.get(url, {"offset": offset, "limit": limit})

        assert response.status_code == 200, (url, offset, limit, response.content[:200])


@pytest.mark.parametrize("name", ["audit:audit_list", "population:import_list", "population:resident_list"])
def test_a_page_answers_any_page_number(admin_client, regions, name):
    for page in (HUGE, "-3", "abc", ""):
        assert admin_client.get(reverse(name), {"page": page}).status_code == 200, (name, page)


def test_page_numbers_and_windows_stay_within_what_the_database_takes():
    assert [page_number(value) for value in ("3", " 2 ", "0", "-4", "x", None, "")] == [3, 2, 1, 1, 1, 1, 1]
    assert (page_number(HUGE, per_page=25) - 1) * 25 <= MAX_OFFSET
    assert window(10**24, 10**9, most=100) == slice(MAX_OFFSET, MAX_OFFSET + 100)
    assert window(-3, 0) == slice(0, 1)
