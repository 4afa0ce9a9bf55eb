"""The tourism agency's dashboard: places by status and kecamatan, the inspections due this week (and the
certificates about to expire with no re-evaluation scheduled), the violations open, and the occupancy across
the regency now. For the agency (and the administrator) only: it reads every place's records of their regency
(`scope`: the province administrator's, every regency served).

Everything is counted by the database (a handful of grouped queries, whatever the number of places); the lists
are capped. Other parts' pages (an inspection, a violation, a place) are linked only once they exist."""

from __future__ import annotations

import datetime as dt

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Case, CharField, Count, Exists, F, FloatField, OuterRef, Subquery, Sum, Value, When
from django.db.models.functions import Cast, Coalesce
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET

from smartkampung.accounts.selectors import Scope, tourism_agency
from smartkampung.tourism.models import Certificate, Inspection, Place, Violation
from smartkampung.tourism.selectors import certified_q, open_visits

# The columns of "places by status", in the order of a place's life.
STATES = (
    ("applied", _("applied")),
    ("uncertified", _("registered, not certified")),
    ("certified", _("certified (listed)")),
    ("conditional", _("certified with conditions (listed)")),
    ("suspended", _("suspended")),
    ("revoked", _("revoked")),
    ("expired", _("expired")),
    ("closed", _("closed")),
)
LISTED_STATES = ("certified", "conditional")
EXPIRY_WARNING_DAYS = 30
SHOWN = 50  # rows of each list: the counts above them are exact


def places_by_state(*, day: dt.date, scope: Scope) -> tuple[list[dict], dict[str, int]]:
    """Rows per kecamatan {code, name, counts: {state: n}, total} and the regency's totals, from one grouped
    query. A place's state comes from its certificate in force (else its latest one) on `day`."""
    in_force_first = Case(
        When(status__in=[Certificate.Status.VALID, Certificate.Status.SUSPENDED], then=Value(0)), default=Value(1)
    )
    # The state its certificate gives a place, computed in one lookup per place (not one per column).
    certificate_state = (
        Certificate.objects.filter(place=OuterRef("pk"))
        .order_by(in_force_first, "-issued_at", "-pk")
        .annotate(
            state=Case(
                When(status=Certificate.Status.SUSPENDED, then=Value("suspended")),
                When(status=Certificate.Status.REVOKED, then=Value("revoked")),
                When(valid_until__lt=day, then=Value("expired")),
                When(conditional=True, then=Value("conditional")),
                default=Value("certified"),
                output_field=CharField(),
            )
        )
        .values("state")[:1]
    )
    state = Case(
        When(status=Place.Status.CLOSED, then=Value("closed")),
        When(status=Place.Status.APPLIED, then=Value("applied")),
        default=Coalesce(Subquery(certificate_state, output_field=CharField()), Value("uncertified")),
        output_field=CharField(),
    )
    grouped = (
        Place.objects.filter(scope.q("village"))
        .annotate(state=state)
        .order_by()
        .values("village__district_id", "village__district__name", "state")
        .annotate(n=Count("pk"))
    )
    rows: dict[str, dict] = {}
    totals = dict.fromkeys([code for code, _label in STATES], 0)
    for group in grouped:
        row = rows.setdefault(
            group["village__district_id"],
            {
                "code": group["village__district_id"],
                "name": group["village__district__name"],
                "counts": dict.fromkeys(totals, 0),
                "total": 0,
            },
        )
        row["counts"][group["state"]] += group["n"]
        row["total"] += group["n"]
        totals[group["state"]] += group["n"]
    ordered = sorted(rows.values(), key=lambda row: row["name"])
    for row in ordered:
        row["cells"] = [(label, row["counts"][code]) for code, label in STATES]
    return ordered, totals


def inspections_due(*, day: dt.date, scope: Scope) -> dict:
    """Scheduled inspections due by the end of this week (Sunday), overdue ones included, earliest first."""
    end_of_week = day + dt.timedelta(days=6 - day.weekday())
    due = Inspection.objects.filter(
        scope.q("place__village"), status=Inspection.Status.SCHEDULED, due_on__lte=end_of_week
    )
    items = [
        {"inspection": i, "overdue": i.due_on < day, "url": reverse("tourism:inspection", args=[i.pk])}
        for i in due.select_related("place__village").order_by("due_on", "pk")[:SHOWN]
    ]
    return {"count": due.count(), "items": items, "end": end_of_week}


def certificates_expiring(*, day: dt.date, scope: Scope) -> dict:
    """Valid certificates that expire within EXPIRY_WARNING_DAYS with no re-evaluation scheduled for the place."""
    reevaluation = Inspection.objects.filter(
        place=OuterRef("place"), status=Inspection.Status.SCHEDULED, purpose=Inspection.Purpose.REEVALUATION
    )
    expiring = Certificate.objects.filter(
        scope.q("place__village"),
        status=Certificate.Status.VALID,
        valid_until__gte=day,
        valid_until__lte=day + dt.timedelta(days=EXPIRY_WARNING_DAYS),
    ).exclude(Exists(reevaluation))
    soonest = expiring.select_related("place__village").order_by("valid_until", "pk")[:SHOWN]
    items = [{"certificate": c, "url": reverse("tourism:place_detail", args=[c.place_id])} for c in soonest]
    return {"count": expiring.count(), "items": items}


def violations_open(*, scope: Scope) -> dict:
    """Violations reported and not yet decided (open or under investigation), oldest first."""
    pending = Violation.objects.filter(
        scope.q("place__village"), status__in=[Violation.Status.OPEN, Violation.Status.INVESTIGATING]
    )
    oldest = pending.select_related("place").order_by("created_at", "pk")[:SHOWN]
    items = [{"violation": v, "url": reverse("tourism:violation_detail", args=[v.pk])} for v in oldest]
    return {"count": pending.count(), "items": items}


def occupancy_now(*, scope: Scope) -> dict:
    """People inside the listed places now, their total capacity, and the ten fullest of them.

    Counted from the open visits grouped by place (one scan of the open-visit index), not a subquery per place."""
    now = timezone.now()
    listed = Place.objects.filter(scope.q("village"), status=Place.Status.ACTIVE).filter(
        certified_q(day=timezone.localdate(now))
    )
    capacity = listed.aggregate(capacity=Sum("capacity"), places=Count("pk"))
    visits = open_visits(now=now).filter(place__in=listed.values("pk"))
    people = visits.aggregate(people=Sum("party"))["people"] or 0
    inside = (
        visits.order_by()
        .values("place")
        .annotate(people=Sum("party"), share=Cast(Sum("party"), FloatField()) / F("place__capacity"))
    )
    top = {row["place"]: row["people"] for row in inside.order_by("-share", "-people", "place")[:10]}
    places = {
        p.pk: p
        for p in Place.objects.filter(pk__in=top).select_related("village").only("name", "capacity", "village__name")
    }
    fullest = []
    for pk, occupancy in top.items():
        places[pk].occupancy = occupancy
        fullest.append(places[pk])
    total = capacity["capacity"] or 0
    return {
        "people": people,
        "capacity": total,
        "places": capacity["places"],
        "percent": round(100 * people / total) if total else 0,
        "fullest": fullest,
    }


@login_required
@require_GET
def dashboard(request: HttpRequest) -> HttpResponse:
    scope = tourism_agency(request.user)
    if scope.nothing:
        raise PermissionDenied
    today = timezone.localdate()
    rows, totals = places_by_state(day=today, scope=scope)
    return render(
        request,
        "tourism/dashboard/dashboard.html",
        {
            "states": STATES,
            "rows": rows,
            "totals": [(label, totals[code]) for code, label in STATES],
            "total": sum(totals.values()),
            "listed": sum(totals[code] for code in LISTED_STATES),
            "due": inspections_due(day=today, scope=scope),
            "expiring": certificates_expiring(day=today, scope=scope),
            "violations": violations_open(scope=scope),
            "occupancy": occupancy_now(scope=scope),
            "today": today,
        },
    )


__all__ = ["STATES", "certificates_expiring", "dashboard", "inspections_due", "occupancy_now", "places_by_state"]
