"""People of the monitoring tests: the nurse of the Puskesmas serving Bakungan, a nurse elsewhere, the
Bakungan Babinsa (one of the three pillars), and cases opened through the services."""

import datetime as dt

import pytest
from django.utils import timezone

from smartkampung.accounts.models import Role
from smartkampung.accounts.tests.factories import give_role
from smartkampung.checkpoints.tests.fixtures import BAKUNGAN, SARONGAN
from smartkampung.health import services


@pytest.fixture
def nurse(regions, django_user_model):
    user = django_user_model.objects.create_user("perawat.bakungan")
    give_role(user, Role.PUSKESMAS_STAFF, village=BAKUNGAN)
    return user


@pytest.fixture
def nurse_elsewhere(regions, django_user_model):
    user = django_user_model.objects.create_user("perawat.sarongan")
    give_role(user, Role.PUSKESMAS_STAFF, village=SARONGAN)
    return user


@pytest.fixture
def babinsa(regions, django_user_model):
    user = django_user_model.objects.create_user("babinsa.bakungan")
    give_role(user, Role.VILLAGE_OVERSIGHT, village=BAKUNGAN)
    return user


def open_case(user, *, days_ago: int = 0, name: str = "Sutrisno", village: str = BAKUNGAN, **extra):
    values = {
        "name": name,
        "village": village,
        "address": "Jl. Kopi 3",
        "start_date": (timezone.localdate() - dt.timedelta(days=days_ago)).isoformat(),
    } | extra
    return services.open_case(user=user, values=values)
