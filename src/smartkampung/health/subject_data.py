"""What the health module holds about one NIK: isolation and monitoring cases, each with its daily follow-ups."""

from django.db.models import Prefetch, Q
from django.utils.translation import gettext_lazy as _

from smartkampung.core.subject_data import fields, named, register
from smartkampung.health.models import FollowUp, MonitoringCase

CASE_FIELDS = (
    "source", "nik", "name", "sex", "phone", "address", "place", "start_date", "planned_end", "last_seen",
    "symptomatic", "outcome", "closed_on", "note", "created_at",
)  # fmt: skip
FOLLOW_UP_FIELDS = ("day", "status", "temperature", "symptoms", "note", "recorded_at")


def cases(nik: str) -> list[dict]:
    rows = (
        MonitoringCase.objects.filter(Q(nik=nik) | Q(resident__nik=nik))
        .select_related("village", "puskesmas", "house")
        .prefetch_related(Prefetch("follow_ups", queryset=FollowUp.objects.order_by("day")))
    )
    return [
        {
            **fields(case, CASE_FIELDS),
            "village": named(case.village),
            "puskesmas": named(case.puskesmas),
            "isolation_house": named(case.house),
            "follow_ups": [fields(follow_up, FOLLOW_UP_FIELDS) for follow_up in case.follow_ups.all()],
        }
        for case in rows.order_by("start_date", "id")
    ]


register("health_cases", _("Isolation and monitoring cases, with their follow-ups"), cases, order=30)
