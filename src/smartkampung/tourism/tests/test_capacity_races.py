"""Check-ins at the same moment, against PostgreSQL with real concurrent requests (each thread its own database
connection, through the API): a place never holds more people than its capacity, however many arrive at once."""

import json
import threading

import pytest
from django.db import connection
from django.test import Client

from smartkampung.tourism.models import Visit
from smartkampung.tourism.selectors import occupancy_of
from smartkampung.tourism.tests.test_capacity_fixtures import listed_place, scanned

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.postgres_only,
    pytest.mark.usefixtures("regions"),
]


@pytest.fixture(autouse=True)
def on_postgres():
    if connection.vendor != "postgresql":
        pytest.skip("SQLite serialises writers; the race is real on PostgreSQL")


def at_once(requests) -> list[int]:
    """Run the requests (each a function of a client) at the same moment, each from its own address."""
    barrier = threading.Barrier(len(requests), timeout=60)
    statuses: dict[int, int] = {}

    def one(i: int, request) -> None:
        client = Client(REMOTE_ADDR=f"10.50.{i // 250}.{i % 250 + 1}")
        barrier.wait()
        try:
            statuses[i] = request(client).status_code
        finally:
            connection.close()

    threads = [threading.Thread(target=one, args=(i, r)) for i, r in enumerate(requests)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return [statuses.get(i, 0) for i in range(len(requests))]


def checkin(place, party=1):
    body = json.dumps({"place_id": place.pk, "code": scanned(place), "party": party})
    return lambda client: client.post("/api/v1/public/tourism/checkins", body, content_type="application/json")


def door(place, user):
    body = json.dumps({"direction": "in", "party": 1})

    def request(client):
        client.force_login(user)
        return client.post(f"/api/v1/tourism/places/{place.pk}/door", body, content_type="application/json")

    return request


def test_forty_check_ins_at_once_at_a_place_for_ten_admit_exactly_ten():
    place = listed_place(capacity=10)

    statuses = at_once([checkin(place)] * 40)

    assert sorted(statuses) == [201] * 10 + [409] * 30
    assert occupancy_of(place) == 10
    assert Visit.objects.filter(place=place).count() == 10


def test_parties_of_different_sizes_at_once_never_pass_capacity():
    place = listed_place(capacity=10)
    parties = [1, 2, 3, 4, 5] * 6

    statuses = at_once([checkin(place, party) for party in parties])

    admitted = sum(party for party, status in zip(parties, statuses, strict=True) if status == 201)
    assert set(statuses) <= {201, 409}
    assert admitted == occupancy_of(place) <= 10
    assert admitted >= 6  # the smallest refused party (of at most 5) did not fit: at least 10 - 5 + 1 inside


def test_scans_and_door_counts_at_once_share_the_capacity():
    from smartkampung.tourism.tests import factories as f

    owner = f.owner("pemilik.balap")
    place = listed_place(capacity=8, owner=owner)

    statuses = at_once([checkin(place)] * 10 + [door(place, owner)] * 10)

    assert statuses.count(201) + statuses.count(200) == 8
    assert set(statuses) <= {200, 201, 409}
    assert occupancy_of(place) == 8


def test_check_ins_at_two_places_at_once_each_keep_their_own_capacity():
    first, second = listed_place(name="Satu", capacity=5), listed_place(name="Dua", capacity=7)

    statuses = at_once([checkin(first)] * 12 + [checkin(second)] * 12)

    assert statuses[:12].count(201) == 5 and statuses[12:].count(201) == 7
    assert (occupancy_of(first), occupancy_of(second)) == (5, 7)
