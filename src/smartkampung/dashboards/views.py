"""The dashboard: one page whose figures follow the viewer's jurisdiction (a village, a kecamatan,
the regency) with the live notifications of that jurisdiction."""

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from smartkampung.accounts.selectors import may_edit_entry_rules, read_scope
from smartkampung.audit import services as audit
from smartkampung.dashboards import selectors
from smartkampung.notifications.context import live_context


@login_required
@require_GET
def dashboard(request: HttpRequest) -> HttpResponse:
    scope = read_scope(request.user)
    if scope.nothing and not may_edit_entry_rules(request.user):
        raise PermissionDenied(_("Your role has no dashboard."))
    monitored = selectors.under_monitoring(request.user)
    if monitored:
        audit.record(
            action="view",
            object_type="arrival",
            subject="dashboard",
            object_ids=sorted({a.nik for a in monitored if a.nik}),
        )
    wide = scope.everything or bool(scope.districts) or may_edit_entry_rules(request.user)
    context = {
        "figures": selectors.arrival_figures(request.user),
        "isolation": selectors.isolation_figures(request.user),
        "monitored": monitored,
        "wide": wide,
        # The newest few (the live list grows as they come); the full list is one link away.
        **live_context(request, limit=8),
    }
    return render(request, "dashboards/dashboard.html", context)
