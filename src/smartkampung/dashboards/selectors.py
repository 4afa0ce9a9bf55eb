"""Figures of the dashboards, within the viewer's jurisdiction (through the module selectors)."""

import datetime as dt
from dataclasses import dataclass

from django.db.models import Count, Q
from django.db.models.functions import TruncDate
from django.utils import timezone

from smartkampung.checkpoints.models import MONITORED, Arrival, Outcome
from smartkampung.checkpoints.present import origin_name
from smartkampung.checkpoints.selectors import arrivals_visible_to


@dataclass(frozen=True)
class Bar:
    label: str
    value: int
    height: float  # share of the tallest bar, 0..1


def _start_of(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time.min))


def arrival_figures(user, *, today: dt.date | None = None, days: int = 14) -> dict:
    """Arrivals today and this week (by outcome), under monitoring now, per day, per checkpoint and
    per origin over the last `days` days. One grouped query each, on indexed columns."""
    today = today or timezone.localdate()
    arrivals = arrivals_visible_to(user)
    week_start = today - dt.timedelta(days=today.weekday())
    since = today - dt.timedelta(days=days - 1)
    totals = arrivals.aggregate(
        today=Count("id", filter=Q(registered_at__gte=_start_of(today))),
        week=Count("id", filter=Q(registered_at__gte=_start_of(week_start))),
        refused_today=Count("id", filter=Q(registered_at__gte=_start_of(today), outcome=Outcome.REFUSED)),
        monitored_today=Count("id", filter=Q(registered_at__gte=_start_of(today), outcome__in=list(MONITORED))),
        under_monitoring=Count("id", filter=Q(monitoring_until__gte=today)),
    )
    recent = arrivals.filter(registered_at__gte=_start_of(since)).order_by()
    per_day = dict(
        recent.annotate(day=TruncDate("registered_at", tzinfo=timezone.get_current_timezone()))
        .values_list("day")
        .annotate(n=Count("id"))
        .values_list("day", "n")
        .order_by()  # the model's ordering would split the groups
    )
    series = [(since + dt.timedelta(days=i), per_day.get(since + dt.timedelta(days=i), 0)) for i in range(days)]
    top = max([n for _d, n in series] + [1])
    day_list = [d for d, _n in series]
    per_checkpoint = _over_time(recent, "checkpoint__name", day_list, limit=10, label=lambda name: name)
    per_origin = _over_time(recent, "origin_regency", day_list, limit=8, label=lambda code: origin_name(code) or "—")
    return {
        "totals": totals,
        "days": [Bar(d.strftime("%d-%m"), n, n / top) for d, n in series],
        "day_labels": [d.strftime("%d") for d in day_list],
        "per_checkpoint": per_checkpoint,
        "per_origin": per_origin,
        "since": since,
    }


@dataclass(frozen=True)
class Row:
    """One line of a chart over time: a checkpoint or an origin, its total and its count per day."""

    label: str
    total: int
    cells: list[Bar]


def _over_time(recent, field: str, days: list[dt.date], *, limit: int, label) -> list[Row]:
    """Counts per (field, day) in one grouped query, as rows of the busiest `limit` values."""
    counts: dict = {}
    day_of = TruncDate("registered_at", tzinfo=timezone.get_current_timezone())
    for key, day, n in recent.annotate(day=day_of).values_list(field, "day").annotate(n=Count("id")).order_by():
        counts.setdefault(key, {})[day] = n
    busiest = sorted(counts.items(), key=lambda item: -sum(item[1].values()))[:limit]
    top = max([n for _k, per_day in busiest for n in per_day.values()] + [1])
    return [
        Row(
            label(key),
            sum(per_day.values()),
            [Bar(d.strftime("%d-%m"), per_day.get(d, 0), per_day.get(d, 0) / top) for d in days],
        )
        for key, per_day in busiest
    ]


def under_monitoring(user, *, today: dt.date | None = None, limit: int = 50) -> list[Arrival]:
    """Who is in isolation and until when, soonest end first."""
    today = today or timezone.localdate()
    return list(
        arrivals_visible_to(user)
        .filter(monitoring_until__gte=today)
        .select_related("destination_village")
        .order_by("monitoring_until", "name")[:limit]
    )


# ---------------------------------------------------------------- isolation, from the daily tallies


def _districts_of(user) -> list[str] | None:
    """The kecamatan whose figures the user's charts add up (None: the whole regency)."""
    from smartkampung.accounts.selectors import health_read_scope

    scope = health_read_scope(user)
    if scope.everything:
        return None
    return sorted(scope.districts | {code[:6] for code in scope.villages})


def isolation_figures(user, *, today: dt.date | None = None, days: int = 30) -> dict:
    """Charts of isolation over the last `days` days, summed from the daily tallies of the user's kecamatan."""
    from smartkampung.accounts.selectors import may_edit_entry_rules
    from smartkampung.health import tallies

    today = today or timezone.localdate()
    districts = _districts_of(user)
    points = tallies.series(districts=districts, days=days, today=today)
    top_monitoring = max([p.values["under_monitoring"] for p in points] + [1])
    top_flow = max([max(p.values["arrivals"], p.values["completed"]) for p in points] + [1])
    now = points[-1].values
    figures = {
        "now": now,
        "monitoring": [
            Bar(p.day.strftime("%d-%m"), p.values["under_monitoring"], p.values["under_monitoring"] / top_monitoring)
            for p in points
        ],
        "flow": [
            (
                Bar(p.day.strftime("%d-%m"), p.values["arrivals"], p.values["arrivals"] / top_flow),
                Bar(p.day.strftime("%d-%m"), p.values["completed"], p.values["completed"] / top_flow),
            )
            for p in points
        ],
        "occupancy": [
            (name, taken, beds, taken / beds)
            for name, taken, beds in tallies.occupancy_by_district(districts=districts)
        ],
        "since": points[0].day,
        "missing": None,
    }
    if may_edit_entry_rules(user):
        missing = tallies.reports_missing(days=14, today=today)
        top = max([n for _d, n in missing] + [1])
        figures["missing"] = [Bar(d.strftime("%d-%m"), n, n / top) for d, n in missing]
        figures["missing_today"] = missing[-1][1]
    return figures
