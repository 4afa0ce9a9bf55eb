"""Cancelling against a real database with real concurrent requests: a bed is freed once, and a cancel racing a
reservation of the last bed never leaves more guests than beds."""

import json
import threading

import pytest
from django.db import connection
from django.test import Client

from smartkampung.audit.models import AuditEntry
from smartkampung.isolation.models import Reservation
from smartkampung.isolation.selectors import taken_beds
from smartkampung.isolation.tests.fixtures import KK, house, reserve, residents
from smartkampung.notifications.models import Notification

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.postgres_only,
    pytest.mark.usefixtures("regions"),
]


def at_once(*requests) -> list[int]:
    """Run the requests (each a function of a client) at the same moment, each from its own address."""
    barrier = threading.Barrier(len(requests), timeout=60)
    statuses: dict[int, int] = {}

    def one(i: int, request) -> None:
        client = Client(REMOTE_ADDR=f"10.30.0.{i + 1}")
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


def cancel(code: str, nik: str):
    body = json.dumps({"code": code, "nik": nik, "kk_number": KK})
    return lambda client: client.post(
        "/api/v1/public/isolation-reservations/cancel", body, content_type="application/json"
    )


@pytest.fixture(autouse=True)
def on_postgres():
    if connection.vendor != "postgresql":
        pytest.skip("SQLite serialises writers; the race is real on PostgreSQL")


def test_simultaneous_cancels_free_the_bed_once():
    nik = residents(1)[0]
    place = house(beds=1)
    code = reserve(Client(REMOTE_ADDR="10.30.1.1"), place.pk, nik).json()["code"]

    statuses = at_once(*[cancel(code, nik)] * 6)

    assert statuses == [200] * 6
    assert Reservation.objects.get().status == "cancelled"
    assert AuditEntry.objects.filter(object_type="reservation", action="update").count() == 1
    assert Notification.objects.filter(kind="bed_cancelled").count() == 1
    assert taken_beds(house_ids=[place.pk]) == {}


def test_a_cancel_racing_reservations_of_the_last_bed_never_overfills_it():
    holder, *others = residents(6)
    place = house(beds=1)
    code = reserve(Client(REMOTE_ADDR="10.30.1.1"), place.pk, holder).json()["code"]

    reserving = [lambda client, nik=nik: reserve(client, place.pk, nik) for nik in others]
    statuses = at_once(cancel(code, holder), *reserving)

    assert statuses[0] == 200
    assert sorted(statuses[1:]) in ([409] * 5, [201] + [409] * 4)
    held = Reservation.objects.filter(house=place, status="held")
    assert held.count() == statuses[1:].count(201) <= 1
    assert taken_beds(house_ids=[place.pk]).get((place.pk, "any"), 0) == held.count()
    assert Reservation.objects.get(code=code).status == "cancelled"


def test_a_cancel_and_a_check_in_at_once_never_deadlock():
    """Cancelling locks the house, then the reservation (the order reserving uses); checking in must not lock the
    house after the reservation, or the two wait for each other and the database kills one (a 500)."""
    import time

    from django.contrib.auth import get_user_model
    from django.db import transaction

    from smartkampung.accounts.services import assign_role
    from smartkampung.isolation.models import IsolationHouse
    from smartkampung.isolation.tests.fixtures import BAKUNGAN

    nik = residents(1)[0]
    place = house(beds=1)
    code = reserve(Client(REMOTE_ADDR="10.30.1.1"), place.pk, nik).json()["code"]
    operator = get_user_model().objects.create_user("op.race")
    assign_role(user=operator, role="village_operator", village_code=BAKUNGAN)
    held, statuses = threading.Event(), {}

    def hold_the_house() -> None:  # a reservation of another bed in this house, say, still counting
        try:
            with transaction.atomic():
                IsolationHouse.objects.select_for_update().get(pk=place.pk)
                held.set()
                time.sleep(1.0)
        finally:
            connection.close()

    def cancelling() -> None:
        try:
            statuses["cancel"] = cancel(code, nik)(Client(REMOTE_ADDR="10.30.2.1", raise_request_exception=False))
        finally:
            connection.close()

    def checking_in() -> None:
        staff = Client(raise_request_exception=False)
        staff.force_login(operator)
        try:
            statuses["check_in"] = staff.post(f"/api/v1/isolation/reservations/{code}/check-in")
        finally:
            connection.close()

    holder = threading.Thread(target=hold_the_house)
    holder.start()
    held.wait(5)
    threads = [threading.Thread(target=cancelling), threading.Thread(target=checking_in)]
    threads[0].start()  # waits for the house
    time.sleep(0.3)
    threads[1].start()  # takes the reservation while the cancel waits for the house
    for thread in [holder, *threads]:
        thread.join()

    answers = sorted([statuses["cancel"].status_code, statuses["check_in"].status_code])
    assert answers == [200, 409], {k: v.content[:300] for k, v in statuses.items()}
    assert Reservation.objects.get(code=code).status in ("cancelled", "checked_in")
