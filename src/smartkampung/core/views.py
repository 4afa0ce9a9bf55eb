from django.contrib.auth.decorators import login_required
from django.db import connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_safe

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
