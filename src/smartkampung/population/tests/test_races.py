"""Concurrent writers against a real database: the register never holds one NIK or KK twice."""

import json
import threading

import pytest
from django.db import connection
from django.test import Client

from smartkampung.population.models import Household, Resident
from smartkampung.population.tests.factories import SARONGAN, make_household

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("regions")]


def race(admin, url: str, payload: dict, clients: int = 6) -> list[int]:
    barrier = threading.Barrier(clients, timeout=60)  # a thread that fails before it fails the test, never hangs it
    statuses: list[int] = []

    def one() -> None:
        client = Client()
        client.force_login(admin)
        barrier.wait()
        try:
            statuses.append(client.post(url, json.dumps(payload), content_type="application/json").status_code)
        finally:
            connection.close()

    threads = [threading.Thread(target=one) for _ in range(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return sorted(statuses)


def test_simultaneous_registrations_of_one_nik_create_exactly_one_resident(admin):
    if connection.vendor != "postgresql":
        pytest.skip("SQLite serialises writers; the race is real on PostgreSQL")
    make_household(user=admin)
    statuses = race(
        admin,
        "/api/v1/residents",
        {
            "nik": "3510011708850001",
            "kk_number": "3510010101100001",
            "name": "Budi Santoso",
            "birth_date": "1985-08-17",
            "sex": "male",
        },
    )

    assert statuses == [201] + [422] * 5
    assert Resident.objects.filter(nik="3510011708850001").count() == 1


def test_simultaneous_registrations_of_one_kk_create_exactly_one_household(admin):
    if connection.vendor != "postgresql":
        pytest.skip("SQLite serialises writers; the race is real on PostgreSQL")
    statuses = race(admin, "/api/v1/households", {"kk_number": "3510010101100001", "village_code": SARONGAN})

    assert statuses == [201] + [422] * 5
    assert Household.objects.filter(kk_number="3510010101100001").count() == 1


def test_simultaneous_decisions_on_one_move_apply_exactly_one(admin, django_user_model):
    if connection.vendor != "postgresql":
        pytest.skip("SQLite serialises writers; the race is real on PostgreSQL")
    from smartkampung.accounts.models import Role
    from smartkampung.accounts.services import assign_role
    from smartkampung.audit.models import AuditEntry
    from smartkampung.population.models import Move
    from smartkampung.population.moves import request_move
    from smartkampung.population.tests.factories import BAKUNGAN, make_resident

    make_household(user=admin)
    make_resident(user=admin)
    make_household(user=admin, kk_number="3510150101100002", village_code=BAKUNGAN)
    operator = django_user_model.objects.create_user("op.bakungan")
    assign_role(user=operator, role=Role.VILLAGE_OPERATOR, village_code=BAKUNGAN)
    move = request_move(user=operator, nik="3510011708850001", to_kk_number="3510150101100002", reason="Ikut")

    statuses = race(admin, f"/api/v1/moves/{move.pk}/release", {"reason": "ok"})

    assert statuses == [200] + [409] * 5
    assert Move.objects.get().status == "released"
    assert Resident.objects.get(nik="3510011708850001").village_id == BAKUNGAN
    assert AuditEntry.objects.filter(object_type="resident", action="update").count() == 1
