"""The dashboard: one page whose figures follow the viewer's jurisdiction (a village, a kecamatan,
the regency) with the live notifications of that jurisdiction; its tiles and aid alarm are re-read by the
page (a fragment) whenever a notification arrives or is followed up. The tourism agency's dashboard is
the regency's arrival figures, counted, without anyone's record."""

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from smartkampung.accounts.selectors import may_edit_entry_rules, may_see_visitor_figures, read_scope
from smartkampung.audit import services as audit
from smartkampung.dashboards import selectors
from smartkampung.notifications.context import live_context
from smartkampung.notifications.selectors import open_count


def _has_jurisdiction_dashboard(user) -> bool:
    """A jurisdiction to read, or the entry rules to set (the health agency watches the regency)."""
    return may_edit_entry_rules(user) or not read_scope(user).nothing


def _tiles_context(user, *, totals: dict | None = None) -> dict:
    """What the tiles and the aid alarm show (`dashboards/_tiles.html`): counts only, within the user's
    jurisdiction (`totals`: the arrival tiles when the page has counted them already)."""
    return {
        "totals": selectors.arrival_totals(user) if totals is None else totals,
        "arrivals_scope": selectors.arrivals_scope(user),
        "notifications_open": open_count(user),
        "aid": selectors.aid_alarm(user),
        "letters_queue": selectors.letters_queue(user),
    }


@login_required
@require_GET
def dashboard(request: HttpRequest) -> HttpResponse:
    user = request.user
    if not _has_jurisdiction_dashboard(user):
        if may_see_visitor_figures(user):
            return visitors(request)
        raise PermissionDenied(_("Your role has no dashboard."))
    monitored = selectors.under_monitoring(user)
    if monitored:
        audit.record(
            action="view",
            object_type="arrival",
            subject="dashboard",
            object_ids=sorted({a.nik for a in monitored if a.nik}),
        )
    scope = read_scope(user)
    wide = scope.everything or bool(scope.regencies or scope.districts) or may_edit_entry_rules(user)
    figures = selectors.arrival_figures(user)
    isolation = selectors.isolation_figures(user)
    tiles = _tiles_context(user, totals=figures["totals"])
    context = {
        "figures": figures,
        "isolation": isolation,
        # Tallies are kept per kecamatan: a village's dashboard says so next to the charts.
        "isolation_wider": isolation["scope"] != tiles["arrivals_scope"],
        "monitored": monitored,
        "wide": wide,
        "letter_figures": selectors.letter_figures(user, period=request.GET.get("letters")),
        "province": selectors.province_overview(user),
        # The newest few (the live list grows as they come); the full list is one link away.
        **live_context(request, limit=8),
        **tiles,
    }
    return render(request, "dashboards/dashboard.html", context)


@login_required
@require_GET
def tiles(request: HttpRequest) -> HttpResponse:
    """The tiles and the aid alarm alone: the dashboard fetches them again as notifications come."""
    if not _has_jurisdiction_dashboard(request.user):
        raise PermissionDenied(_("Your role has no dashboard."))
    response = render(request, "dashboards/_tiles.html", _tiles_context(request.user))
    response["Cache-Control"] = "no-store"
    return response


@login_required
@require_GET
def letters(request: HttpRequest) -> HttpResponse:
    """The letters finished in a period (`?period=today|7d|30d`) alone: the dashboard fetches it when the
    viewer picks another period."""
    if not _has_jurisdiction_dashboard(request.user):
        raise PermissionDenied(_("Your role has no dashboard."))
    figures = selectors.letter_figures(request.user, period=request.GET.get("period"))
    if figures is None:
        raise PermissionDenied(_("You read no village's letters."))
    response = render(request, "dashboards/_letters.html", {"letter_figures": figures})
    response["Cache-Control"] = "no-store"
    return response


def visitors(request: HttpRequest) -> HttpResponse:
    """Visitor figures of the regency (the tourism agency): counts per day, checkpoint and origin."""
    figures = selectors.visitor_figures(request.user)
    return render(request, "dashboards/visitors.html", {"figures": figures, "regency": selectors.regency_name()})
