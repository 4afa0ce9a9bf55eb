"""Places, owners and agency staff for the tourism tests. Rows are written directly only where no service exists
yet for them; tests of a service call the service."""

from __future__ import annotations

import secrets
from decimal import Decimal

from django.contrib.auth import get_user_model

from smartkampung.accounts.models import Role
from smartkampung.accounts.tests.factories import give_role
from smartkampung.tourism.models import Place, PlaceKind

# Two villages in two kecamatan, as the authorization matrix: HOME (Bakungan, Kec. Glagah) and AWAY (Sarongan,
# Kec. Pesanggaran).
HOME, HOME_DISTRICT, AWAY, AWAY_DISTRICT = "3510151002", "351015", "3510012001", "351001"


def user(username: str, role: str | None = None, *, district: str | None = None, village: str | None = None):
    """An account (password `pw-<username>`), with `role` bound as given."""
    account, _created = get_user_model().objects.get_or_create(username=username)
    account.set_password(f"pw-{username}")
    account.save()
    if role:
        give_role(account, role, district=district, village=village)
    return account


def agency(username: str = "dinas.pariwisata"):
    return user(username, Role.TOURISM_AGENCY)


def owner(username: str = "pemilik.kopi"):
    """An owner's account: no role, only the places it owns."""
    return user(username)


def place(
    *,
    name: str = "Kedai Kopi Osing",
    kind: str = PlaceKind.CAFE,
    village: str = HOME,
    owner=None,
    capacity: int = 20,
    usual_stay_minutes: int = 90,
    status: str = Place.Status.ACTIVE,
    latitude: str = "-8.2050",
    longitude: str = "114.3700",
) -> Place:
    return Place.objects.create(
        kind=kind,
        name=name,
        owner=owner,
        owner_name="Bu Sri",
        contact_phone="+6281234567890",
        village_id=village,
        address="Jl. Kopi 1",
        latitude=Decimal(latitude),
        longitude=Decimal(longitude),
        opening_hours="08.00-22.00",
        capacity=capacity,
        usual_stay_minutes=usual_stay_minutes,
        status=status,
        code_secret=secrets.token_hex(32),
    )
