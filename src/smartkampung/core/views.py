from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db import connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _

from smartkampung.core.start import start_page_for


@login_required
def home(request: HttpRequest) -> HttpResponse:
    """Each role starts where its work is (the apps register their start pages: core.start)."""
    url_name = start_page_for(request.user)
    if url_name is None:
        raise PermissionDenied(_("Your account has no role yet: ask the administrator for one."))
    return redirect(url_name)


def healthz(request: HttpRequest) -> JsonResponse:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return JsonResponse({"status": "ok", "database": connection.vendor})
