"""Retention (core.retention) of isolation bed reservations: deleted RETENTION_DAYS["reservations"] days after their
hold ended, never while the guest is checked in; the house's page still answers."""

import datetime as dt

import pytest
from django.test import Client
from django.utils import timezone

from smartkampung.accounts.models import Role
from smartkampung.accounts.tests.factories import give_role
from smartkampung.audit.models import AuditEntry
from smartkampung.core import retention
from smartkampung.isolation.models import Reservation
from smartkampung.isolation.tests.fixtures import BAKUNGAN, house, reserve, residents

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("regions")]


def test_ended_reservations_are_deleted_after_the_period_and_a_guest_inside_is_kept(django_user_model):
    place = house(beds=4)
    niks = residents(4)
    codes = [reserve(Client(REMOTE_ADDR=f"10.30.0.{i}"), place.pk, nik).json()["code"] for i, nik in enumerate(niks)]
    lapsed, cancelled, inside, recent = (Reservation.objects.get(code=code) for code in codes)
    long_ago = timezone.now() - dt.timedelta(days=31)
    Reservation.objects.filter(pk=lapsed.pk).update(hold_until=long_ago)  # held past its hold: lapsed in fact
    Reservation.objects.filter(pk=cancelled.pk).update(status="cancelled", hold_until=long_ago)
    Reservation.objects.filter(pk=inside.pk).update(status="checked_in", hold_until=long_ago)
    Reservation.objects.filter(pk=recent.pk).update(status="cancelled")

    assert retention.plan(only="reservations")[0].due == 2 and Reservation.objects.count() == 4
    [step] = retention.run(only="reservations")

    assert step.done == 2
    assert set(Reservation.objects.values_list("code", flat=True)) == {inside.code, recent.code}
    assert AuditEntry.objects.get(object_type="retention", subject="reservations").detail["done"] == 2
    assert retention.run(only="reservations")[0].done == 0
    operator = django_user_model.objects.create_user("operator.bakungan")
    give_role(operator, Role.VILLAGE_OPERATOR, village=BAKUNGAN)
    client = Client()
    client.force_login(operator)
    assert client.get(f"/isolation/houses/{place.pk}/").status_code == 200
    assert client.get("/notifications/").status_code == 200


def test_zero_days_keeps_every_reservation(settings):
    place = house(beds=1)
    code = reserve(Client(), place.pk, residents(1)[0]).json()["code"]
    Reservation.objects.filter(code=code).update(status="cancelled", hold_until=timezone.now() - dt.timedelta(days=999))
    settings.RETENTION_DAYS = {**settings.RETENTION_DAYS, "reservations": 0}

    assert retention.run(only="reservations")[0].done == 0 and Reservation.objects.count() == 1


def test_a_long_stay_is_kept_for_the_period_after_the_guest_checked_out(django_user_model):
    place = house(beds=1)
    code = reserve(Client(), place.pk, residents(1)[0]).json()["code"]
    operator = django_user_model.objects.create_user("operator.bakungan")
    give_role(operator, Role.VILLAGE_OPERATOR, village=BAKUNGAN)
    staff = Client()
    staff.force_login(operator)
    assert staff.post(f"/api/v1/isolation/reservations/{code}/check-in").status_code == 200
    # Forty days inside (a long isolation): the hold ended long before the guest left.
    Reservation.objects.filter(code=code).update(hold_until=timezone.now() - dt.timedelta(days=40))
    assert staff.post(f"/api/v1/isolation/reservations/{code}/check-out").status_code == 200

    assert retention.plan(only="reservations")[0].due == 0
    assert retention.run(only="reservations")[0].done == 0 and Reservation.objects.filter(code=code).exists()
    later = timezone.now() + dt.timedelta(days=31)
    assert retention.run(later, only="reservations")[0].done == 1 and not Reservation.objects.exists()
