"""Daily tallies per kecamatan: people under monitoring, new and closed cases, arrivals, isolation beds.
Written by the background worker every few minutes (today's row) and once more after the day ends, so
the dashboards chart a few hundred rows however many cases there are."""

import datetime as dt
from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from django.conf import settings
from django.db import transaction
from django.db.models import Count, Min, Q, Sum
from django.utils import timezone

from smartkampung.health.models import CaseOutcome, DailyReport, DailyTally, MonitoringCase
from smartkampung.regions.models import District, Puskesmas

FIELDS = ("under_monitoring", "new_cases", "completed", "closed_other", "arrivals", "beds", "beds_taken")


def _start(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time.min))


def _grouped(queryset, field: str) -> dict[str, int]:
    return dict(queryset.order_by().values_list(field).annotate(n=Count("id")))


# Arrivals are counted by the checkpoint module, which builds on health: it hands its counter over at
# start-up (CheckpointsConfig.ready), so health never imports it. A counter takes [start, end) and gives
# {kecamatan code: arrivals bound there}.
ArrivalCounter = Callable[[dt.datetime, dt.datetime], dict[str, int]]
_arrival_counters: list[ArrivalCounter] = []


def count_arrivals_with(counter: ArrivalCounter) -> None:
    """Add a source of the daily `arrivals` figure (called once per source, from an AppConfig.ready)."""
    if counter not in _arrival_counters:
        _arrival_counters.append(counter)


def tally_day(day: dt.date, *, now: dt.datetime | None = None) -> int:
    """(Re)compute every kecamatan's row of `day` in a few grouped queries; returns the rows written.
    Bed occupancy is what it is now: it is kept from the last computation made while the day lasted."""
    from smartkampung.isolation.models import IsolationHouse
    from smartkampung.isolation.selectors import taken_beds

    now = now or timezone.now()
    is_today = day == timezone.localdate(now)
    cases = MonitoringCase.objects.all()
    rows: dict[str, dict[str, int]] = defaultdict(lambda: dict.fromkeys(FIELDS, 0))
    for district, n in _grouped(
        cases.filter(start_date__lte=day).filter(Q(closed_on__isnull=True) | Q(closed_on__gt=day)), "district_id"
    ).items():
        rows[district]["under_monitoring"] = n
    for district, n in _grouped(cases.filter(start_date=day), "district_id").items():
        rows[district]["new_cases"] = n
    for district, outcome, n in (
        cases.filter(closed_on=day).order_by().values_list("district_id", "outcome").annotate(n=Count("id"))
    ):
        rows[district]["completed" if outcome == CaseOutcome.COMPLETED else "closed_other"] += n
    for counter in _arrival_counters:
        for district, n in counter(_start(day), _start(day + dt.timedelta(1))).items():
            rows[district]["arrivals"] += n
    if is_today:
        houses = IsolationHouse.objects.filter(status=IsolationHouse.Status.OPEN, village__isnull=False)
        district_of = dict(houses.values_list("pk", "village__district_id"))
        for district, beds in (
            houses.order_by()
            .values_list("village__district_id")
            .annotate(b=Sum("beds_male") + Sum("beds_female") + Sum("beds_any"))
        ):
            rows[district]["beds"] = beds
        for (house, _pool), n in taken_beds(house_ids=list(district_of), now=now).items():
            rows[district_of[house]]["beds_taken"] += n
    districts = District.objects.filter(regency_id__in=settings.SMARTKAMPUNG_REGENCIES).values_list("code", flat=True)
    with transaction.atomic():
        existing = {t.district_id: t for t in DailyTally.objects.select_for_update().filter(day=day)}
        for code in districts:
            values = rows[code]
            tally = existing.get(code) or DailyTally(day=day, district_id=code)
            if not is_today and tally.pk:
                values["beds"], values["beds_taken"] = tally.beds, tally.beds_taken
            for field in FIELDS:
                setattr(tally, field, values[field])
            tally.computed_at = now
            if tally.pk:
                tally.save(update_fields=[*FIELDS, "computed_at"])
            else:
                tally.save()
    return len(districts)


def refresh_tallies(*, days: int = 30, now: dt.datetime | None = None) -> int:
    """Today's rows, and every earlier day's (back `days`) that is missing or was computed before the day
    ended. Returns the days computed."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    since = today - dt.timedelta(days=days - 1)
    final = {
        d
        for d, computed in DailyTally.objects.filter(day__gte=since, day__lt=today)
        .values_list("day")
        .annotate(first=Min("computed_at"))
        if computed >= _start(d + dt.timedelta(days=1))
    }
    done = 0
    for i in range(days):
        day = since + dt.timedelta(days=i)
        if day == today or day not in final:
            tally_day(day, now=now)
            done += 1
    return done


# ---------------------------------------------------------------- reads for the dashboards


@dataclass(frozen=True)
class Point:
    day: dt.date
    values: dict[str, int]


def series(*, districts: list[str] | None, days: int = 30, today: dt.date | None = None) -> list[Point]:
    """Per day, the sums over the given kecamatan (None: the regency). Computes today's rows when no
    worker has yet (a fresh install)."""
    today = today or timezone.localdate()
    since = today - dt.timedelta(days=days - 1)
    tallies = DailyTally.objects.filter(day__gte=since)
    if districts is not None:
        tallies = tallies.filter(district_id__in=districts)
    if not DailyTally.objects.filter(day=today).exists():
        refresh_tallies(days=days)
    sums = {row["day"]: row for row in tallies.order_by().values("day").annotate(**{f: Sum(f) for f in FIELDS})}
    return [
        Point(
            since + dt.timedelta(days=i),
            {f: (sums.get(since + dt.timedelta(days=i)) or {}).get(f) or 0 for f in FIELDS},
        )
        for i in range(days)
    ]


def occupancy_by_district(*, districts: list[str] | None, day: dt.date | None = None) -> list[tuple[str, int, int]]:
    """(kecamatan, beds taken, beds) from the day's tallies, fullest first."""
    rows = DailyTally.objects.filter(day=day or timezone.localdate(), beds__gt=0).select_related("district")
    if districts is not None:
        rows = rows.filter(district_id__in=districts)
    found = [(t.district.name, t.beds_taken, t.beds) for t in rows]
    return sorted(found, key=lambda r: (-r[1] / r[2], r[0]))


def reports_missing(
    *, regencies: Sequence[str] | None = None, days: int = 14, today: dt.date | None = None
) -> list[tuple[dt.date, int]]:
    """Per day, how many active Puskesmas of the given regencies (by default every one served) sent no report."""
    today = today or timezone.localdate()
    since = today - dt.timedelta(days=days - 1)
    regencies = list(settings.SMARTKAMPUNG_REGENCIES if regencies is None else regencies)
    active = Puskesmas.objects.filter(active=True, district__regency_id__in=regencies).count()
    sent = dict(
        DailyReport.objects.filter(
            day__gte=since, is_current=True, puskesmas__active=True, puskesmas__district__regency_id__in=regencies
        )
        .order_by()
        .values_list("day")
        .annotate(n=Count("id"))
    )
    return [(since + dt.timedelta(days=i), active - sent.get(since + dt.timedelta(days=i), 0)) for i in range(days)]
