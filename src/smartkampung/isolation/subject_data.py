"""What the isolation houses hold about one NIK: the beds reserved for them."""

from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from smartkampung.core.subject_data import fields, named, register
from smartkampung.isolation.models import Reservation

RESERVATION_FIELDS = (
    "code", "nik", "sex", "pool", "phone", "expected_arrival", "hold_until", "status", "created_at", "checked_out_at",
)  # fmt: skip


def reservations(nik: str) -> list[dict]:
    rows = Reservation.objects.filter(Q(nik=nik) | Q(resident__nik=nik)).select_related("house")
    return [
        {**fields(row, RESERVATION_FIELDS), "isolation_house": named(row.house)}
        for row in rows.order_by("created_at", "id")
    ]


register("reservations", _("Bed reservations in isolation houses"), reservations, order=40)
