from django.contrib.auth.decorators import login_required
from django.db import connection
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_safe

from smartkampung.core import health, metrics
from smartkampung.core.start import start_page_for


@login_required
@require_safe
def home(request: HttpRequest) -> HttpResponse:
    """Each role starts where its work is (the apps register their start pages: core.start); an account
    that no start page fits (no role yet) is told so, and whom to ask."""
    url_name = start_page_for(request.user)
    if url_name is None:
        return render(request, "core/no_role.html")
    return redirect(url_name)


def healthz(request: HttpRequest) -> JsonResponse:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return JsonResponse({"status": "ok", "database": connection.vendor})


@require_safe
def readyz(request: HttpRequest) -> JsonResponse:
    """Ready to serve (README "Watching it"): every registered check with its value and threshold; 503 when one
    fails. No sign-in (load balancers probe it) and no personal data: figures and names of checks only."""
    ok, checks = health.run_checks()
    answer = JsonResponse({"status": "ok" if ok else "failing", "checks": checks}, status=200 if ok else 503)
    answer["Cache-Control"] = "no-store"
    return answer


@require_safe
def prometheus_metrics(request: HttpRequest) -> HttpResponse:
    """The Prometheus text format, for the deployment's token only: without it (or with another) this page does
    not exist (404), so a scanner learns nothing."""
    if not metrics.authorized(request):
        raise Http404
    answer = HttpResponse(metrics.exposition(), content_type=metrics.CONTENT_TYPE)
    answer["Cache-Control"] = "no-store"
    return answer
