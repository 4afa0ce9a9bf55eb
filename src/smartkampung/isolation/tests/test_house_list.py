"""The public list of isolation houses on a phone: a page of houses at a time (by name without a location, nearest
first with one), and page links that keep what the visitor asked."""

import re
from html import unescape
from urllib.parse import parse_qs, urlsplit

import pytest

from smartkampung.isolation.demo import seed_demo_houses
from smartkampung.isolation.tests.fixtures import BAKUNGAN, house
from smartkampung.isolation.views import PLACES_PER_PAGE

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("regions")]


@pytest.fixture
def houses():
    return seed_demo_houses(regency_code="3510")


def listed(page) -> list[int]:
    return [int(pk) for pk in re.findall(r'<li class="card" data-house="(\d+)"', page.content.decode())]


def link(page, rel: str) -> str | None:
    found = re.search(rf'<a rel="{rel}" href="([^"]*)"', page.content.decode())
    return unescape(found.group(1)) if found else None


def test_without_a_location_the_houses_come_a_page_at_a_time_by_name(client, houses):
    first = client.get("/isolation/")
    seen, page, pages = [], first, 0
    while page is not None:
        assert page.status_code == 200
        seen += listed(page)
        pages += 1
        following = link(page, "next")
        page = client.get(f"/isolation/{following}") if following else None

    assert 0 < len(listed(first)) == PLACES_PER_PAGE <= 25
    assert first.context["pager"].count == houses == len(seen) == len(set(seen))
    assert pages == -(-houses // PLACES_PER_PAGE)
    names = [p.house.name for p in first.context["places"]]
    assert names == sorted(names)
    assert 'id="places-count"' in first.content.decode() and link(first, "prev") is None


def test_with_a_village_the_nearest_come_first_with_their_distance_across_pages(client, houses):
    first = client.get(f"/isolation/?village={BAKUNGAN}&sex=female&map=1")
    second = client.get(f"/isolation/{link(first, 'next')}")

    assert parse_qs(urlsplit(link(first, "next")).query) == {
        "village": [BAKUNGAN],
        "sex": ["female"],
        "map": ["1"],
        "page": ["2"],
    }
    distances = [p.distance_km for page in (first, second) for p in page.context["places"]]
    assert len(distances) == 2 * PLACES_PER_PAGE and distances == sorted(distances) and distances[0] < 1.5
    assert "km</strong>" in first.content.decode()
    assert link(second, "prev") is not None and "page" not in parse_qs(urlsplit(link(second, "prev")).query)
    assert second.context["show_map"] and second.context["sex"] == "female"


def test_a_position_from_the_browser_is_kept_in_the_page_links(client, houses):
    first = client.get("/isolation/?lat=-8.2213&lon=114.3448&village=")

    query = parse_qs(urlsplit(link(first, "next")).query)
    second = client.get(f"/isolation/{link(first, 'next')}")

    assert query == {"lat": ["-8.22130"], "lon": ["114.34480"], "page": ["2"]}
    assert second.context["located"] and second.context["places"][0].distance_km >= (
        first.context["places"][-1].distance_km
    )


@pytest.mark.parametrize("asked", ["abc", "-3", "0", "1e9", "99999999999999999999"])
def test_any_page_number_gives_a_page_never_an_error(client, houses, asked):
    page = client.get(f"/isolation/?page={asked}&lat=x&lon=999")

    assert page.status_code == 200 and listed(page)
    assert page.context["pager"].number in (1, page.context["pager"].max_page)


def test_a_few_houses_need_no_page_links(client):
    house(beds=2)
    page = client.get("/isolation/")

    assert len(listed(page)) == 1 and 'class="pager"' not in page.content.decode()
