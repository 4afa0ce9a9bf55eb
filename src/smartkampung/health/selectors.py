"""Reads of the health module: the entry rule in force; isolation cases, scoped to who asks, and a
Puskesmas's work list for the day. (Which Puskesmas serves which village: `regions.selectors`.)"""

import datetime as dt
import threading
from dataclasses import dataclass
from decimal import Decimal
from functools import partial
from typing import Any

from django.db.models import BooleanField, Case, Q, QuerySet, Value, When
from django.utils import timezone

from smartkampung.core.refcache import Cached
from smartkampung.health.models import DEFAULT_REFERRAL_SYMPTOMS, EntryRule, FollowUpStatus, MonitoringCase
from smartkampung.regions.models import Puskesmas
from smartkampung.regions.selectors import puskesmas_for_village


def rule_in_force(regency: str, at: dt.datetime | None = None) -> EntryRule | None:
    """The regency's entry rule in force at that moment (now by default), or None before it wrote any."""
    rules = EntryRule.objects.filter(regency_id=regency, effective_from__lte=at or timezone.now())
    return rules.order_by("-effective_from", "-id").first()


def _rules_from_now(regency: str) -> tuple[dt.datetime, list[EntryRule]]:
    # From a few minutes back: a registration that began just before the load asks about its own start.
    since = timezone.now() - dt.timedelta(minutes=5)
    current = rule_in_force(regency, since)
    later = list(
        EntryRule.objects.filter(regency_id=regency, effective_from__gt=since).order_by("-effective_from", "-id")
    )
    return since, later + ([current] if current else [])


# Per regency, the rule in force and those written to start later: read by every registration at a checkpoint
# desk of that regency (one cached read per regency; at most as many entries as regencies served).
_upcoming: dict[str, Cached[tuple[dt.datetime, list[EntryRule]]]] = {}
_upcoming_lock = threading.Lock()


def upcoming_rules(regency: str) -> Cached[tuple[dt.datetime, list[EntryRule]]]:
    """The process's cache of a regency's rules (made on first use)."""
    cached = _upcoming.get(regency)
    if cached is None:
        with _upcoming_lock:
            cached = _upcoming.get(regency) or _upcoming.setdefault(regency, Cached(partial(_rules_from_now, regency)))
    return cached


def current_rule(regency: str, at: dt.datetime) -> EntryRule | None:
    """rule_in_force(regency, at) for a moment from now on, from the process's cache (a rule written in another
    process counts here within REFERENCE_CACHE_SECONDS; `create_entry_rule` clears this process's at once)."""
    loaded_at, rules = upcoming_rules(regency).get()
    if at < loaded_at:
        return rule_in_force(regency, at)
    return next((rule for rule in rules if rule.effective_from <= at), None)


def rule_on(regency: str, day: dt.date) -> EntryRule:
    """The regency's rule in force on that day; before it wrote any, the built-in practice of 2020."""
    at = timezone.make_aware(dt.datetime.combine(day, dt.time(23, 59)))
    return rule_in_force(regency, at) or EntryRule(
        regency_id=regency, referral_symptoms=list(DEFAULT_REFERRAL_SYMPTOMS)
    )


def is_symptomatic(rule: EntryRule, data: dict[str, Any]) -> bool:
    """A follow-up (status, temperature, symptoms) that the rule counts as symptomatic."""
    temperature: Decimal | None = data["temperature"]
    return (
        data["status"] == FollowUpStatus.UNWELL
        or (temperature is not None and temperature >= rule.temperature_threshold)
        or any(s in rule.referral_symptoms for s in data["symptoms"])
    )


# ---------------------------------------------------------------- isolation cases


def cases_visible_to(user) -> QuerySet[MonitoringCase]:
    """Cases in the user's villages (the three pillars and the camat read them), or watched by their
    Puskesmas; the health agency and the administrator see the regency's (the rule: accounts.selectors)."""
    from smartkampung.accounts.selectors import health_records_q

    return MonitoringCase.objects.select_related("village", "puskesmas", "house").filter(health_records_q(user))


def may_work_case(user, case: MonitoringCase) -> bool:
    """Record follow-ups and close: the case's Puskesmas, the health agency, the administrator."""
    from smartkampung.accounts.selectors import may_work_for_puskesmas

    return may_work_for_puskesmas(user, case.puskesmas_id, village_code=case.village_id)


def may_work_for(user, puskesmas_id: int) -> bool:
    """Work for this Puskesmas (its list, its reports): its staff, the health agency of its regency."""
    from smartkampung.accounts.selectors import may_work_for_puskesmas

    return may_work_for_puskesmas(user, puskesmas_id)


def may_open_case(user, village_code: str) -> bool:
    """The village's operator, the Puskesmas serving it, the health agency."""
    from smartkampung.accounts.selectors import may_write_health_at

    served = puskesmas_for_village(village_code)
    return may_write_health_at(user, village_code=village_code, puskesmas_id=served[1] if served else None)


def may_open_any_case(user) -> bool:
    from smartkampung.accounts.selectors import health_writer

    return health_writer(user)


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
    from smartkampung.accounts.selectors import health_read_scope

    return health_read_scope(user)


# ---------------------------------------------------------------- daily reports


def puskesmas_worked_by(user) -> QuerySet[Puskesmas]:
    """The Puskesmas whose work list and report the user handles (the health agency: any of its regency)."""
    from smartkampung.accounts.selectors import puskesmas_worked_by_ids

    active = Puskesmas.objects.filter(active=True).select_related("district")
    mine = puskesmas_worked_by_ids(user)
    return active if mine is None else active.filter(pk__in=sorted(mine))


def sees_all_reports(user) -> bool:
    """Does the user read the reports of whole regencies (the health agency, the administrators)?"""
    from smartkampung.accounts.selectors import regency_wide

    return not regency_wide(user, "health").nothing


def reports_visible_to(user) -> QuerySet:
    """Daily reports of the Puskesmas the user works for (the health agency: every one of its regency)."""
    from smartkampung.accounts.selectors import puskesmas_worked_by_ids
    from smartkampung.health.models import DailyReport

    reports = DailyReport.objects.select_related("puskesmas", "submitted_by")
    mine = puskesmas_worked_by_ids(user)
    return reports if mine is None else reports.filter(puskesmas_id__in=sorted(mine))


def report_versions(*, puskesmas: Puskesmas, day: dt.date) -> list:
    """Every version of a Puskesmas's report of a day (the caller has checked the user works for it)."""
    from smartkampung.health.models import DailyReport

    return list(
        DailyReport.objects.filter(puskesmas=puskesmas, day=day)
        .select_related("submitted_by")
        .prefetch_related("pushes")
    )


def report_status(*, user, day: dt.date) -> list[tuple[Puskesmas, object]]:
    """Every active Puskesmas the user oversees (the health agency: its regency's) with its current report of
    the day (None: not reported)."""
    from django.conf import settings

    from smartkampung.health.models import DailyReport

    current = {
        r.puskesmas_id: r for r in DailyReport.objects.filter(day=day, is_current=True).select_related("submitted_by")
    }
    return [
        (p, current.get(p.pk))
        for p in puskesmas_worked_by(user)
        .filter(district__regency_id__in=settings.SMARTKAMPUNG_REGENCIES)
        .order_by("district__name", "name")
    ]
