"""What the checkpoints hold about one NIK: the arrivals registered with it (at a checkpoint or found in a village)
and the trips announced with it."""

from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from smartkampung.checkpoints.models import Arrival, PreRegistration
from smartkampung.core.subject_data import fields, named, register

ARRIVAL_FIELDS = (
    "source", "registered_at", "nik", "name", "description", "sex", "birth_date", "origin_address", "phone",
    "destination_address", "host_name", "purpose", "travel_mode", "vehicle_plate", "temperature", "symptoms",
    "contact_with_case", "isolation_place", "found_at", "outcome", "reasons", "monitoring_until",
)  # fmt: skip
PREREGISTRATION_FIELDS = (
    "code", "nik", "name", "phone", "destination_address", "expected_arrival", "status", "created_at",
)  # fmt: skip


def arrivals(nik: str) -> list[dict]:
    rows = Arrival.objects.filter(Q(nik=nik) | Q(resident__nik=nik)).select_related(
        "checkpoint", "origin_regency", "destination_village", "preregistration"
    )
    return [
        {
            **fields(arrival, ARRIVAL_FIELDS),
            "checkpoint": named(arrival.checkpoint),
            "origin_regency": named(arrival.origin_regency),
            "destination_village": named(arrival.destination_village),
            "preregistration": arrival.preregistration.code if arrival.preregistration else "",
        }
        for arrival in rows.order_by("registered_at", "id")
    ]


def preregistrations(nik: str) -> list[dict]:
    rows = PreRegistration.objects.filter(nik=nik).select_related("origin_regency", "destination_village")
    return [
        {
            **fields(row, PREREGISTRATION_FIELDS),
            "origin_regency": named(row.origin_regency),
            "destination_village": named(row.destination_village),
        }
        for row in rows.order_by("created_at", "id")
    ]


register("arrivals", _("Arrivals at checkpoints"), arrivals, order=20)
register("preregistrations", _("Announced trips"), preregistrations, order=21)
