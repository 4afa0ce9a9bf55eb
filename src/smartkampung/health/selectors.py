"""Reads of the health module: the Puskesmas and whom they serve; isolation cases, scoped to who asks,
and a Puskesmas's work list for the day."""

import datetime as dt
from dataclasses import dataclass

from django.db.models import BooleanField, Case, Q, QuerySet, Value, When

from smartkampung.health.models import MonitoringCase, Puskesmas, ServiceArea


def puskesmas_serving(village_code: str) -> Puskesmas | None:
    """The Puskesmas that serves a village, or None where none is assigned."""
    area = ServiceArea.objects.select_related("puskesmas").filter(village_id=village_code).first()
    return area.puskesmas if area else None


def villages_served_by(puskesmas_ids) -> frozenset[str]:
    return frozenset(
        ServiceArea.objects.filter(puskesmas_id__in=list(puskesmas_ids)).values_list("village_id", flat=True)
    )


def puskesmas_choices(regency_code: str) -> list[tuple[int, str]]:
    return [
        (pk, f"{name} ({district})")
        for pk, name, district in Puskesmas.objects.filter(district__regency_id=regency_code, active=True)
        .order_by("name")
        .values_list("pk", "name", "district__name")
    ]


# ---------------------------------------------------------------- isolation cases


def puskesmas_for_village(village_code: str) -> tuple[str, int] | None:
    """(kecamatan code, Puskesmas id) for a village, or None where no Puskesmas serves it."""
    return (
        ServiceArea.objects.filter(village_id=village_code).values_list("village__district_id", "puskesmas_id").first()
    )


def _regency_wide(user) -> bool:
    from smartkampung.accounts.selectors import roles_of
    from smartkampung.checkpoints.selectors import REGENCY_WIDE

    return bool(roles_of(user) & REGENCY_WIDE)


def cases_visible_to(user) -> QuerySet[MonitoringCase]:
    """Cases in the user's villages (the three pillars and the camat read them), or watched by their
    Puskesmas; the health agency and the administrator see the regency's."""
    from smartkampung.accounts.selectors import puskesmas_of, read_scope

    cases = MonitoringCase.objects.select_related("village", "puskesmas", "house")
    if _regency_wide(user):
        return cases
    query = read_scope(user).q("village")
    mine = puskesmas_of(user)
    if mine:
        query |= Q(puskesmas_id__in=sorted(mine))
    return cases.filter(query)


def may_work_case(user, case: MonitoringCase) -> bool:
    """Record follow-ups and close: the case's Puskesmas, the health agency, the administrator."""
    from smartkampung.accounts.selectors import puskesmas_of

    return _regency_wide(user) or case.puskesmas_id in puskesmas_of(user)


def may_open_case(user, village_code: str) -> bool:
    from smartkampung.accounts.selectors import puskesmas_of, write_scope

    if _regency_wide(user) or write_scope(user).covers(village_code):
        return True
    served = puskesmas_for_village(village_code)
    return served is not None and served[1] in puskesmas_of(user)


def may_open_any_case(user) -> bool:
    from smartkampung.accounts.selectors import puskesmas_of, write_scope

    return _regency_wide(user) or not write_scope(user).nothing or bool(puskesmas_of(user))


def overdue_q(today: dt.date) -> Q:
    """Open cases with a day gone by without any follow-up recorded (yesterday or earlier)."""
    yesterday = today - dt.timedelta(days=1)
    return Q(outcome="", start_date__lt=today) & (Q(last_seen__isnull=True) | Q(last_seen__lt=yesterday))


def with_flags(cases: QuerySet[MonitoringCase], today: dt.date) -> QuerySet[MonitoringCase]:
    """Each case with `overdue` (a day missed), `seen_today`, `ends` (isolation ends today or has ended)."""
    return cases.annotate(
        overdue=Case(When(overdue_q(today), then=Value(True)), default=Value(False), output_field=BooleanField()),
        seen_today=Case(When(last_seen=today, then=Value(True)), default=Value(False), output_field=BooleanField()),
        ends=Case(
            When(outcome="", planned_end__lte=today, then=Value(True)),
            default=Value(False),
            output_field=BooleanField(),
        ),
    )


def shown_cases(cases: QuerySet[MonitoringCase], show: str, today: dt.date) -> QuerySet[MonitoringCase]:
    """A case list's filter: "open" (the default), "overdue", "closed", or anything else for all."""
    if show == "open":
        return cases.filter(outcome="")
    if show == "overdue":
        return cases.filter(overdue_q(today))
    if show == "closed":
        return cases.exclude(outcome="")
    return cases


@dataclass(frozen=True)
class WorkList:
    """A Puskesmas's day: whom to see, who was missed, whose isolation ends, who has been seen."""

    day: dt.date
    to_see: list[MonitoringCase]
    missed: list[MonitoringCase]
    ending: list[MonitoringCase]
    seen: list[MonitoringCase]

    @property
    def total(self) -> int:
        return len(self.to_see) + len(self.missed) + len(self.seen)


def work_list(*, puskesmas_ids, today: dt.date) -> WorkList:
    """Every open case of the Puskesmas that has started, in one query: missed ones (a day gone by
    without a follow-up) first, then today's, then those already seen; the isolation ending is flagged."""
    cases = list(
        with_flags(
            MonitoringCase.objects.filter(puskesmas_id__in=list(puskesmas_ids), outcome="", start_date__lte=today),
            today,
        )
        .select_related("village", "house")
        .order_by("village__name", "name", "pk")
    )
    return WorkList(
        day=today,
        to_see=[c for c in cases if not c.seen_today and not c.overdue],
        missed=[c for c in cases if c.overdue and not c.seen_today],
        ending=[c for c in cases if c.ends],
        seen=[c for c in cases if c.seen_today],
    )


def missed_days(case: MonitoringCase, *, today: dt.date) -> list[dt.date]:
    """The days of the case, up to yesterday, without any follow-up recorded."""
    last = min(today - dt.timedelta(days=1), case.closed_on or today, case.planned_end)
    recorded = set(case.follow_ups.values_list("day", flat=True))
    days, day = [], case.start_date
    while day <= last:
        if day not in recorded:
            days.append(day)
        day += dt.timedelta(days=1)
    return days


def case_scope(user):
    """The villages offered in case filters and forms: where the user reads, plus their Puskesmas's."""
    from smartkampung.accounts.selectors import Scope, puskesmas_of, read_scope

    if _regency_wide(user):
        return Scope(everything=True)
    scope = read_scope(user)
    served = villages_served_by(puskesmas_of(user))
    return Scope(everything=scope.everything, districts=scope.districts, villages=scope.villages | served)


# ---------------------------------------------------------------- daily reports


def puskesmas_worked_by(user) -> QuerySet[Puskesmas]:
    """The Puskesmas whose work list and report the user handles (the health agency: any)."""
    from smartkampung.accounts.selectors import puskesmas_of

    active = Puskesmas.objects.filter(active=True).select_related("district")
    if _regency_wide(user):
        return active
    return active.filter(pk__in=sorted(puskesmas_of(user)))


def sees_all_reports(user) -> bool:
    return _regency_wide(user)


def reports_visible_to(user) -> QuerySet:
    from smartkampung.health.models import DailyReport

    reports = DailyReport.objects.select_related("puskesmas", "submitted_by")
    if _regency_wide(user):
        return reports
    return reports.filter(puskesmas__in=puskesmas_worked_by(user))


def report_status(*, day: dt.date) -> list[tuple[Puskesmas, object]]:
    """Every active Puskesmas of the regency with its current report of the day (None: not reported)."""
    from django.conf import settings

    from smartkampung.health.models import DailyReport

    current = {
        r.puskesmas_id: r for r in DailyReport.objects.filter(day=day, is_current=True).select_related("submitted_by")
    }
    return [
        (p, current.get(p.pk))
        for p in Puskesmas.objects.filter(active=True, district__regency_id=settings.SMARTKAMPUNG_REGENCY)
        .select_related("district")
        .order_by("district__name", "name")
    ]
