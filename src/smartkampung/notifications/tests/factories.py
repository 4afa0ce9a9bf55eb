"""Notifications and the people who receive them, made through the services."""

from typing import Any

from django.db import transaction

from smartkampung.accounts.models import Role
from smartkampung.accounts.tests.factories import give_role
from smartkampung.notifications.models import Notification
from smartkampung.notifications.services import notify

HOME, HOME_DISTRICT = "3510151002", "351015"  # Kel. Bakungan, Kec. Glagah
AWAY, AWAY_DISTRICT = "3510012001", "351001"  # Desa Sarongan, Kec. Pesanggaran

TRAVELLER = {
    "name": "BUDI PENDATANG",
    "nik": "5171011708850003",
    "phone": "+6281234567890",
    "origin": "Kota Denpasar, Bali",
    "checkpoint": "Pos Pantau Pelabuhan Ketapang",
    "outcome": "odr",
    "destination_address": "Dusun Krajan RT 1",
    "url": "/checkpoints/arrivals/12/",
}

# name -> (role, kecamatan, village); Puskesmas staff get the Puskesmas serving the village.
PEOPLE = {
    "operator": (Role.VILLAGE_OPERATOR, None, HOME),
    "operator_away": (Role.VILLAGE_OPERATOR, None, AWAY),
    "oversight": (Role.VILLAGE_OVERSIGHT, None, HOME),
    "camat": (Role.DISTRICT_STAFF, HOME_DISTRICT, None),
    "camat_away": (Role.DISTRICT_STAFF, AWAY_DISTRICT, None),
    "puskesmas": (Role.PUSKESMAS_STAFF, None, HOME),
    "puskesmas_away": (Role.PUSKESMAS_STAFF, None, AWAY),
    "admin": (Role.REGENCY_ADMIN, None, None),
    "health_agency": (Role.HEALTH_AGENCY, None, None),
    "social_agency": (Role.SOCIAL_AGENCY, None, None),
    "checkpoint_officer": (Role.CHECKPOINT_OFFICER, None, None),
}


def make_person(django_user_model, name: str, *, email: str = ""):
    role, district, village = PEOPLE[name]
    user = django_user_model.objects.create_user(f"n.{name}", email=email)
    give_role(user, role, district=district, village=village)
    return user


def arrival(village: str = HOME, *, kind: str = "arrival", subject_id: int = 1, **summary: Any) -> Notification:
    """A notification as the checkpoint module writes it: inside its registration's transaction."""
    with transaction.atomic():
        return notify(
            kind=kind,
            village_code=village,
            subject_type="arrival",
            subject_id=subject_id,
            summary={**TRAVELLER, **summary},
        )
