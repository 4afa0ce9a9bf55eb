from django.contrib.auth.decorators import login_required
from django.db import connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect


@login_required
def home(request: HttpRequest) -> HttpResponse:
    """Each role starts where its work is: the checkpoint desk, the Puskesmas's work list, the dashboard,
    or the register."""
    from smartkampung.accounts.selectors import checkpoints_of, puskesmas_of
    from smartkampung.checkpoints.context_processors import checkpoint_menu

    if checkpoints_of(request.user):  # an officer at a checkpoint (the administrator may visit all)
        return redirect("checkpoints:home")
    if puskesmas_of(request.user):  # a Puskesmas nurse: today's follow-ups
        return redirect("health:today")
    menu = checkpoint_menu(request)
    if menu.get("may_see_dashboard"):
        return redirect("dashboards:dashboard")
    return redirect("population:resident_list")


def healthz(request: HttpRequest) -> JsonResponse:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return JsonResponse({"status": "ok", "database": connection.vendor})
