"""Figures of the dashboards, within the viewer's jurisdiction (through the module selectors), and the
names of the places each group of figures counts (its scope, said in its heading)."""

import datetime as dt
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db.models import Count, Q
from django.db.models.functions import TruncDate
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from smartkampung.checkpoints.models import MONITORED, Arrival, Checkpoint, Outcome
from smartkampung.checkpoints.present import origin_name
from smartkampung.checkpoints.selectors import arrivals_visible_to
from smartkampung.letters.selectors import Timing
from smartkampung.regions.models import District, Puskesmas, Village
from smartkampung.regions.selectors import regency_choices, served_name, villages_served_by


@dataclass(frozen=True)
class Bar:
    label: str
    value: int
    height: float  # share of the tallest bar, 0..1


def _start_of(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time.min))


def _totals(arrivals, today: dt.date) -> dict[str, int]:
    """The tiles: arrivals today and this week (by outcome), under monitoring now; one aggregate query."""
    week_start = today - dt.timedelta(days=today.weekday())
    return arrivals.order_by().aggregate(
        today=Count("id", filter=Q(registered_at__gte=_start_of(today))),
        week=Count("id", filter=Q(registered_at__gte=_start_of(week_start))),
        refused_today=Count("id", filter=Q(registered_at__gte=_start_of(today), outcome=Outcome.REFUSED)),
        monitored_today=Count("id", filter=Q(registered_at__gte=_start_of(today), outcome__in=list(MONITORED))),
        under_monitoring=Count("id", filter=Q(monitoring_until__gte=today)),
    )


def arrival_totals(user, *, today: dt.date | None = None) -> dict[str, int]:
    """The tiles of the user's dashboard (the arrivals they see), for the live fragment."""
    return _totals(arrivals_visible_to(user), today or timezone.localdate())


def arrival_figures(user, *, today: dt.date | None = None, days: int = 14) -> dict:
    """Arrivals today and this week (by outcome), under monitoring now, per day, per checkpoint and
    per origin over the last `days` days. One grouped query each, on indexed columns."""
    return _figures(arrivals_visible_to(user), today=today or timezone.localdate(), days=days)


def visitor_figures(user, *, today: dt.date | None = None, days: int = 14) -> dict:
    """The tourism agency's figures: its regency's arrivals counted per day, checkpoint and origin. Counts
    only (grouped in the database, no row leaves it), for whom `may_see_visitor_figures` allows."""
    from smartkampung.accounts.selectors import may_see_visitor_figures, tourism_agency

    if not may_see_visitor_figures(user):
        raise PermissionDenied
    arrivals = Arrival.objects.filter(tourism_agency(user).q("destination_village"))
    return _figures(arrivals, today=today or timezone.localdate(), days=days)


def _figures(arrivals, *, today: dt.date, days: int) -> dict:
    since = today - dt.timedelta(days=days - 1)
    totals = _totals(arrivals, today)
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
        "period_total": sum(n for _d, n in series),
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
    """The kecamatan whose figures the user's charts add up (None: the whole deployment)."""
    from smartkampung.accounts.selectors import health_read_scope

    scope = health_read_scope(user)
    if scope.everything:
        return None
    whole = District.objects.filter(regency_id__in=sorted(scope.regencies)).values_list("code", flat=True)
    return sorted(scope.districts | {code[:6] for code in scope.villages} | set(whole))


def isolation_figures(user, *, today: dt.date | None = None, days: int = 30) -> dict:
    """Charts of isolation over the last `days` days, summed from the daily tallies of the user's kecamatan."""
    from smartkampung.accounts.selectors import entry_rule_regencies, may_edit_entry_rules
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
        "scope": isolation_scope(user),
    }
    if may_edit_entry_rules(user):
        # The health agency's own regencies' Puskesmas (the province administrator's: every one served).
        regencies = entry_rule_regencies(user).whole_regencies()
        missing = tallies.reports_missing(regencies=regencies, days=14, today=today)
        top = max([n for _d, n in missing] + [1])
        figures["missing"] = [Bar(d.strftime("%d-%m"), n, n / top) for d, n in missing]
        figures["missing_today"] = missing[-1][1]
        figures["missing_scope"] = ", ".join(name for _code, name in regency_choices(regencies))
    return figures


# ---------------------------------------------------------------- scopes: the places a group of figures counts


def regency_name() -> str:
    """The served regency as it is called ("Kabupaten Banyuwangi"; several: regions.selectors.served_name)."""
    return served_name()


def _village_label(village: Village) -> str:
    return f"{'Kelurahan' if village.kind == Village.Kind.KELURAHAN else 'Desa'} {village.name}"


def _joined(parts: list[str], *, most: int = 3) -> str:
    if len(parts) > most + 1:
        parts = [*parts[:most], _("and %(n)s more") % {"n": len(parts) - most}]
    return ", ".join(parts)


def place_label(
    *, everything: bool = False, regencies=(), districts=(), villages=(), puskesmas=(), checkpoints=()
) -> str:
    """The places a figure counts, in words: "Kabupaten Banyuwangi", "Kecamatan Glagah", "Kelurahan Bakungan",
    "Puskesmas Paspan area", a checkpoint's name, or a few of them."""
    if everything:
        return regency_name()
    regencies = sorted(set(regencies))
    districts = sorted(code for code in set(districts) if code[:4] not in regencies)
    villages = {code for code in villages if code[:4] not in regencies}
    served = {}
    if puskesmas:
        served = {p.name: villages_served_by([p.pk]) for p in Puskesmas.objects.filter(pk__in=list(puskesmas))}
    covered = set().union(*served.values()) if served else set()
    own = sorted(code for code in set(villages) - covered if code[:6] not in districts)
    parts = [name for _code, name in regency_choices(regencies)] if regencies else []
    parts += [
        f"Kecamatan {name}" for name in District.objects.filter(code__in=districts).values_list("name", flat=True)
    ]
    parts += [_village_label(v) for v in Village.objects.filter(code__in=own).order_by("name")]
    parts += [_("%(name)s area") % {"name": name} for name in sorted(served)]
    parts += list(Checkpoint.objects.filter(pk__in=list(checkpoints)).order_by("name").values_list("name", flat=True))
    return _joined(parts) or "—"


def arrivals_scope(user) -> str:
    """Where the arrivals the user sees are bound (or registered): the scope of the tiles and arrival charts
    (as checkpoints.selectors.arrivals_visible_to filters them)."""
    from smartkampung.accounts.selectors import checkpoints_of, puskesmas_of, read_scope, regency_wide

    wide, scope = regency_wide(user, "health"), read_scope(user)
    return place_label(
        everything=wide.everything or scope.everything,
        regencies=wide.regencies | scope.regencies,
        districts=scope.districts,
        villages=scope.villages,
        puskesmas=puskesmas_of(user),
        checkpoints=checkpoints_of(user),
    )


def isolation_scope(user) -> str:
    """The kecamatan whose daily tallies the isolation charts add up (tallies are kept per kecamatan)."""
    districts = _districts_of(user)
    return place_label(everything=districts is None, districts=districts or ())


# ---------------------------------------------------------------- the province: one line a regency


@dataclass(frozen=True)
class RegencyLine:
    """A served regency's figures on the province overview: counts only."""

    code: str
    name: str
    residents: int
    arrivals_today: int
    open_cases: int
    open_conflicts: int


def province_overview(user, *, today: dt.date | None = None) -> list[RegencyLine] | None:
    """For the administrator of a deployment serving several regencies (the province administrator): each
    regency's residents, arrivals today, open isolation cases and open aid conflicts, one grouped query each.
    None for anyone else, or where the deployment serves one regency."""
    from django.db.models.functions import Substr

    from smartkampung.accounts.selectors import administers_deployment
    from smartkampung.aid.models import Conflict
    from smartkampung.health.models import MonitoringCase
    from smartkampung.population.models import Resident

    if len(settings.SMARTKAMPUNG_REGENCIES) < 2 or not administers_deployment(user):
        return None

    def per_regency(rows, field: str) -> dict[str, int]:
        grouped = rows.order_by().annotate(regency=Substr(field, 1, 4)).values_list("regency").annotate(n=Count("id"))
        return dict(grouped.values_list("regency", "n"))

    residents = per_regency(Resident.objects.all(), "village_id")
    arrivals = per_regency(
        Arrival.objects.filter(registered_at__gte=_start_of(today or timezone.localdate())), "destination_village_id"
    )
    cases = per_regency(MonitoringCase.objects.filter(outcome=""), "village_id")
    conflicts = per_regency(Conflict.objects.filter(status=Conflict.Status.OPEN), "village_id")
    return [
        RegencyLine(
            code, name, residents.get(code, 0), arrivals.get(code, 0), cases.get(code, 0), conflicts.get(code, 0)
        )
        for code, name in regency_choices()
    ]


# ---------------------------------------------------------------- the aid alarm


def aid_alarm(user) -> dict | None:
    """The aid panel of the dashboard: open conflicts in the lists of the user's area, and where they are;
    None for whoever sees no aid lists."""
    from smartkampung.accounts.selectors import aid_read_scope, aid_write_scope
    from smartkampung.aid.links import conflicts_url
    from smartkampung.aid.models import Conflict
    from smartkampung.aid.selectors import conflicts_visible_to, sees_aid

    if not sees_aid(user):
        return None
    scope = aid_read_scope(user)
    open_ = conflicts_visible_to(user).filter(status=Conflict.Status.OPEN).order_by()
    counted = open_.aggregate(n=Count("id"), villages=Count("village", distinct=True))
    return {
        "open": counted["n"],
        "villages": counted["villages"],
        "may_resolve": not aid_write_scope(user).nothing,
        "url": conflicts_url(),
        "scope": scope_label(scope),
    }


def scope_label(scope) -> str:
    """An accounts.selectors.Scope in words (place_label)."""
    return place_label(
        everything=scope.everything, regencies=scope.regencies, districts=scope.districts, villages=scope.villages
    )


# ---------------------------------------------------------------- letters: the official's queue and the clock

# The periods the letters figures count, by the key a link asks for (`?letters=7d`); the default is the last.
LETTER_PERIODS = {
    "today": (1, gettext_lazy("Today")),
    "7d": (7, gettext_lazy("Last 7 days")),
    "30d": (30, gettext_lazy("Last 30 days")),
}
DEFAULT_LETTER_PERIOD = "30d"


def letter_period(value) -> str:
    """The period a link asks for, or the default for anything else (a stale or mistyped link)."""
    return value if value in LETTER_PERIODS else DEFAULT_LETTER_PERIOD


def letters_queue(user) -> int | None:
    """How many letters wait for the user's step (their own queue); None for whoever signs no letters."""
    from smartkampung.accounts.selectors import signs_letters
    from smartkampung.letters.selectors import queue_count

    return queue_count(user) if signs_letters(user) else None


@dataclass(frozen=True)
class VillageLetters:
    """A village's line of the letters figures: its name as it is called ("Kelurahan Bakungan") and its
    kecamatan (said where the figures count more than one)."""

    timing: Timing
    name: str
    district: str


def _village_rows(timings: list[Timing], *, with_district: bool) -> list[VillageLetters]:
    """Each village's timing with its full name, by kecamatan then village where there are several kecamatan."""
    places = {v.code: v for v in Village.objects.filter(code__in=[t.key for t in timings]).select_related("district")}
    rows = [
        VillageLetters(
            timing=t,
            name=_village_label(places[t.key]) if t.key in places else t.label,
            district=places[t.key].district.name if t.key in places else "",
        )
        for t in timings
    ]
    return sorted(rows, key=lambda row: (row.district, row.timing.label)) if with_district else rows


def letter_figures(user, *, period: str | None = DEFAULT_LETTER_PERIOD, today: dt.date | None = None) -> dict | None:
    """Letters finally signed in the period, in the villages whose letters the user reads (`letters_read_scope`):
    the whole (request to final signature: how many, how many within an hour, the median minutes), one row a
    village and one row an official (their own step). None for whoever reads no letters."""
    from smartkampung.accounts.selectors import letters_read_scope
    from smartkampung.letters.selectors import timing_by_official, timing_by_village

    scope = letters_read_scope(user)
    if scope.nothing:
        return None
    period = letter_period(period)
    days, _label = LETTER_PERIODS[period]
    since = _start_of((today or timezone.localdate()) - dt.timedelta(days=days - 1))
    overall, villages = timing_by_village(scope_q=scope.q("village"), since=since)
    several_districts = (
        scope.everything or bool(scope.regencies) or len(scope.districts | {code[:6] for code in scope.villages}) > 1
    )
    return {
        "period": period,
        "periods": [(key, name) for key, (_days, name) in LETTER_PERIODS.items()],
        "since": since,
        "overall": overall,
        # A village's own staff see their village's line as the whole; a kecamatan or the regency, each village.
        "per_village": scope.everything or bool(scope.regencies or scope.districts) or len(scope.villages) > 1,
        "villages": _village_rows(villages, with_district=several_districts),
        "with_district": several_districts,
        "officials": timing_by_official(scope_q=scope.q("village"), since=since),
        "scope": scope_label(scope),
    }
