"""Pages of tourism: capacity. The door display of a place for its managers (the rotating QR code, occupancy,
counting people in and out at the door) and, for visitors on their phones, checking in by the scanned code and
out again. The visitor's browser keeps its check-in token in a cookie scoped to the place's check-in path."""

from __future__ import annotations

import segno
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from smartkampung.core.errors import Refused
from smartkampung.core.http import is_htmx
from smartkampung.tourism import codes, selectors
from smartkampung.tourism.api_capacity import (
    allowed_to_check_in,
    allowed_to_check_out,
    managed_place_or_404,
    too_many,
)
from smartkampung.tourism.models import Place, Visit
from smartkampung.tourism.services import capacity

COOKIE = "tourism_visit"


def _cookie_path(place_id: int) -> str:
    # Only the place's own check-in pages see the token: no other page of the site receives it.
    return f"/tourism/in/{place_id}/"


def _with_retry_after(answer: HttpResponse, counted: HttpResponse) -> HttpResponse:
    if answer.status_code == 429 and counted.has_header("Retry-After"):
        answer["Retry-After"] = counted["Retry-After"]
    return answer


# ---------------------------------------------------------------- the door display (managers)


def _door_context(request: HttpRequest, place: Place) -> dict:
    window = codes.window_at()
    code = codes.code_for(place, window=window)
    url = request.build_absolute_uri(codes.checkin_path(place, code))
    rotation = codes.rotation_seconds()
    return {
        "place": place,
        "url": url,
        "qr": segno.make(url, error="m").svg_inline(scale=8, omitsize=True, dark="#0b3d2e", light="#ffffff"),
        "occupancy": selectors.occupancy_of(place),
        # Fetch the next code well before this one is replaced (the previous window's code is still accepted).
        "poll_seconds": max(5, min(30, rotation // 10)),
        "valid_until": codes.window_ends(window),
        "max_party": capacity.MAX_DOOR_PARTY,
    }


@never_cache
@login_required
@require_GET
def door(request: HttpRequest, place_id: int) -> HttpResponse:
    """The entrance display: the current QR code (refreshed by htmx before it changes), occupancy, door counts."""
    place = managed_place_or_404(request, place_id)
    context = _door_context(request, place)
    if is_htmx(request):
        return render(request, "tourism/capacity/_door_panel.html", context)
    return render(request, "tourism/capacity/door.html", context)


@login_required
@require_POST
def door_count(request: HttpRequest, place_id: int) -> HttpResponse:
    """Staff count people in or out at the door ("+1 in", "−1 out", or a party)."""
    place = managed_place_or_404(request, place_id)
    error, said = "", ""
    try:
        counted = capacity.count_at_door(
            place=place, direction=request.POST.get("direction", ""), party=request.POST.get("party", "1"),
            user=request.user,
        )  # fmt: skip
    except Refused as exc:
        error = exc.detail
    else:
        said = (_("%(n)s in.") if counted.direction == "in" else _("%(n)s out.")) % {"n": counted.people}
    if is_htmx(request):
        # A refusal is shown in the panel too (htmx swaps 2xx and 422 only): answered 200 with the words.
        context = {**_door_context(request, place), "error": error, "said": said}
        return render(request, "tourism/capacity/_door_panel.html", context)
    if error:
        messages.error(request, error)
    else:
        messages.success(request, said)
    return redirect("tourism:door", place_id=place.pk)


# ---------------------------------------------------------------- visitors: check in and out


def _open_visit_from_cookie(request: HttpRequest, place: Place) -> Visit | None:
    token = request.COOKIES.get(COOKIE, "")
    if not token:
        return None
    return selectors.open_visits().filter(place=place, token=token[:43]).first()


@never_cache
@require_http_methods(["GET", "POST"])
def checkin(request: HttpRequest, place_id: int, code: str) -> HttpResponse:
    """The page the entrance's QR code opens: the place, its occupancy, and "Check in" for a party."""
    place = Place.objects.filter(pk=place_id).select_related("village__district").first()
    if place is None:
        raise Http404(_("This place is not known."))
    errors, status, party = [], 200, "1"
    counted = HttpResponse()
    if request.method == "POST":
        party = request.POST.get("party", "1")[:4]
        if not allowed_to_check_in(request, counted):
            errors, status = [too_many()["detail"]], 429
        else:
            try:
                done = capacity.check_in_visitor(place=place, code=code, party=party)
            except Refused as exc:
                errors, status = [m for _f, m in exc.errors], exc.status
            else:
                answer = redirect("tourism:checkout", token=done.visit.token)
                seconds = int((done.visit.counts_until - timezone.now()).total_seconds())
                answer.set_cookie(
                    COOKIE, done.visit.token, max_age=max(60, seconds), path=_cookie_path(place.pk),
                    secure=request.is_secure(), httponly=True, samesite="Lax",
                )  # fmt: skip
                return answer
    verdict, accepting = codes.check(place, code), capacity.accepts_checkins(place)
    if verdict.reason == "invalid" and not accepting:
        # A place that is not listed shows itself only to whoever holds a real code of it (from its entrance).
        raise Http404(_("This place is not known."))
    if request.method == "GET" and not verdict.ok:
        errors, status = [m for _f, m in capacity.code_refusal(place, verdict).errors], 422
    elif request.method == "GET" and not accepting:
        errors, status = [capacity.not_accepting_words(place)], 409
    inside = selectors.occupancy_of(place)
    context = {
        "place": place,
        "code": code,
        "errors": errors,
        "party": party,
        "max_party": capacity.MAX_PARTY,
        "occupancy": inside,
        "has_room": inside < place.capacity,
        "visit": _open_visit_from_cookie(request, place),
        # A visitor with an old or wrong code, or at a place not taking check-ins, gets no form to fill in vain.
        "show_form": verdict.ok and accepting,
    }
    answer = render(request, "tourism/capacity/checkin.html", context, status=status)
    return _with_retry_after(answer, counted)


@never_cache
@require_http_methods(["GET", "POST"])
def checkout(request: HttpRequest, token: str) -> HttpResponse:
    """The visitor's own visit: "You are checked in at X — Check out", and checking out."""
    visit = Visit.objects.filter(token=token[:43]).select_related("place").first()
    if visit is None:
        raise Http404(_("This check-in is not known (visits are deleted after 14 days)."))
    error, status, counted = "", 200, HttpResponse()
    if request.method == "POST":
        if not allowed_to_check_out(request, counted):
            error, status = _("Too many requests from this address. Try again later."), 429
        else:
            visit = capacity.check_out_visitor(token=visit.token)
    now = timezone.now()
    context = {
        "visit": visit,
        "place": visit.place,
        "error": error,
        "checked_out": visit.checked_out_at is not None,
        "counting": visit.checked_out_at is None and visit.counts_until > now,
        "occupancy": selectors.occupancy_of(visit.place),
    }
    answer = render(request, "tourism/capacity/checkout.html", context, status=status)
    if visit.checked_out_at is not None:
        answer.delete_cookie(COOKIE, path=_cookie_path(visit.place_id), samesite="Lax")
    return _with_retry_after(answer, counted)
