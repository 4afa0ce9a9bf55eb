"""Pages of the isolation houses: for citizens the nearest free beds and reserving one (phone first); for
staff their houses, guests, check-in and check-out."""

from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.templatetags.static import static
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from smartkampung.audit import services as audit
from smartkampung.core.errors import Refused
from smartkampung.core.paging import Pager, page_number
from smartkampung.isolation import selectors, services
from smartkampung.isolation.api import MAX_LISTED, allowed_to_reserve, cancelled_words, own_reservation_dict
from smartkampung.isolation.models import IsolationHouse
from smartkampung.population.forms import village_choices
from smartkampung.regions.selectors import served_village


def _float(value: str | None) -> float | None:
    try:
        number = float(value or "")
    except ValueError:
        return None
    return number if -180 <= number <= 180 else None


# A phone's screenful of cards at a time: about 300 houses are 15 pages by name, and the nearest come first.
PLACES_PER_PAGE = 20


@require_GET
def house_list(request: HttpRequest) -> HttpResponse:
    lat, lon = _float(request.GET.get("lat")), _float(request.GET.get("lon"))
    if lat is None or lon is None or not -90 <= lat <= 90:
        lat = lon = None
    village = served_village(request.GET.get("village", ""))
    if village is not None and village.latitude is not None:
        lat, lon = float(village.latitude), float(village.longitude)
    sex = request.GET.get("sex", "") if request.GET.get("sex") in ("male", "female") else ""
    found = selectors.places(latitude=lat, longitude=lon, sex=sex, limit=None)
    pager = Pager(
        page=page_number(request.GET.get("page"), per_page=PLACES_PER_PAGE),
        per_page=PLACES_PER_PAGE,
        count=len(found),
        capped=False,
        params={
            "village": village.code if village else "",
            # A position from the browser is kept as it came; a village's is found again from the village.
            "lat": f"{lat:.5f}" if lat is not None and village is None else "",
            "lon": f"{lon:.5f}" if lon is not None and village is None else "",
            "sex": sex,
            "map": "1" if request.GET.get("map") == "1" else "",
        },
    )
    return render(
        request,
        "isolation/house_list.html",
        {
            "places": found[pager.offset : pager.offset + PLACES_PER_PAGE],
            "pager": pager,
            "located": lat is not None,
            "village": village,
            "sex": sex,
            "villages": village_choices(),
            "show_map": request.GET.get("map") == "1",
            "map_config": _map_config(lat=lat, lon=lon, sex=sex, near=village.name if village else ""),
        },
    )


def _map_config(*, lat: float | None, lon: float | None, sex: str, near: str) -> dict:
    """What the map's script needs; the map itself (Leaflet and every house with a free bed, from the public
    API) loads only when the visitor opens it, so the page stays light on a phone."""
    query = {"sex": sex, "limit": MAX_LISTED}
    if lat is not None:
        query |= {"lat": f"{lat:.5f}", "lon": f"{lon:.5f}"}
    return {
        "css": static("js_lib_leaflet/leaflet.css"),
        "js": static("js_lib_leaflet/leaflet.js"),
        "houses": f"{reverse('api-v1:list_places')}?{urlencode(query)}",
        "reserve": reverse("isolation:reserve", kwargs={"pk": 0}),
        "tiles": settings.MAP_TILE_URL,
        "attribution": settings.MAP_TILE_ATTRIBUTION,
        "here": [lat, lon] if lat is not None else None,
        # The regency's middle, for a map with no house on it.
        "centre": [-8.35, 114.2],
        "text": {
            "here": near or _("You are here"),
            "beds": _("Free beds: %(n)s"),
            "beds_split": _("Free beds: %(m)s for men, %(f)s for women"),
            "reserve": _("Reserve a bed"),
            "central": _("the regency's central facility"),
            "km": _("%(km)s km away"),
            "failed": _("The map could not be loaded. The list below has the same houses."),
            "show": _("Show on the map"),
            "hide": _("Hide the map"),
        },
    }


@require_http_methods(["GET", "POST"])
def reserve(request: HttpRequest, pk: int) -> HttpResponse:
    house = IsolationHouse.objects.filter(pk=pk, status=IsolationHouse.Status.OPEN).select_related("village").first()
    if house is None:
        raise Http404(_("This isolation house is not taking guests."))
    errors, values, status, holding = [], {}, 200, False
    response = HttpResponse()
    if request.method == "POST":
        values = {k: request.POST.get(k, "") for k in ("nik", "kk_number", "phone", "expected_arrival")}
        if not allowed_to_reserve(request, response):
            errors, status = [_("Too many reservations from this address. Try again later.")], 429
        else:
            try:
                reservation = services.reserve_bed(house_id=house.pk, values=values)
            except services.AlreadyHolding as exc:
                errors, status, holding = [m for _f, m in exc.errors], exc.status, True
            except services.ReservationError as exc:
                errors, status = [m for _f, m in exc.errors], exc.status
            else:
                context = {"reservation": reservation, "map_url": selectors.map_link(house.latitude, house.longitude)}
                return render(request, "isolation/reserved.html", context, status=201)
    answer = render(
        request,
        "isolation/reserve.html",
        {
            "house": house,
            "errors": errors,
            "holding": holding,
            "values": values,
            "days": settings.ISOLATION_MAX_DAYS_AHEAD,
        },
        status=status,
    )
    return _with_retry_after(answer, response)


def _with_retry_after(answer: HttpResponse, counted: HttpResponse) -> HttpResponse:
    """A refusal for too many requests says when to try again (the rate limit set it on `counted`)."""
    if answer.status_code == 429 and counted.has_header("Retry-After"):
        answer["Retry-After"] = counted["Retry-After"]
    return answer


# ---------------------------------------------------------------- a citizen's own reservation

_OWN_FIELDS = ("code", "nik", "kk_number")


def _own_reservation_page(request: HttpRequest, *, cancel: bool) -> HttpResponse:
    """The look-up and the cancel page: the same form (code, NIK, KK number), counted against the limits of
    reserving, and one answer for an unknown code and a wrong NIK or KK number."""
    values = {"code": selectors.typed_code(request.GET.get("code", ""))[:12]}
    found, errors, status, detail = None, [], 200, ""
    counted = HttpResponse()
    if request.method == "POST":
        values = {k: request.POST.get(k, "").strip()[:40] for k in _OWN_FIELDS}
        if not allowed_to_reserve(request, counted):
            errors, status = [_("Too many requests from this address. Try again later.")], 429
        else:
            try:
                if cancel:
                    result = services.cancel_reservation(values=values)
                    found, detail = own_reservation_dict(result.reservation), cancelled_words(result)
                else:
                    found = own_reservation_dict(selectors.own_reservation(values))
            except Refused as exc:
                errors, status = [m for _f, m in exc.errors], exc.status
    context = {"cancel": cancel, "values": values, "errors": errors, "found": found, "detail": detail}
    return _with_retry_after(render(request, "isolation/own_reservation.html", context, status=status), counted)


@never_cache  # the answer holds the person's NIK and KK (for the one-click cancel): never kept by a cache
@require_http_methods(["GET", "POST"])
def reservation_lookup(request: HttpRequest) -> HttpResponse:
    return _own_reservation_page(request, cancel=False)


@never_cache
@require_http_methods(["GET", "POST"])
def reservation_cancel(request: HttpRequest) -> HttpResponse:
    return _own_reservation_page(request, cancel=True)


# ---------------------------------------------------------------- staff pages


def _house_or_404(request: HttpRequest, pk: int) -> IsolationHouse:
    house = selectors.houses_visible_to(request.user).filter(pk=pk).first()
    if house is None:
        raise Http404(_("No isolation house here."))
    return house


@login_required
@require_GET
def staff_house_list(request: HttpRequest) -> HttpResponse:
    houses = list(selectors.houses_visible_to(request.user).order_by("village__name", "name")[:400])
    taken = selectors.taken_beds(house_ids=[h.pk for h in houses])
    rows = [
        (
            h,
            sum(taken.get((h.pk, pool), 0) for pool in ("male", "female", "any")),
            h.beds_male + h.beds_female + h.beds_any,
        )
        for h in houses
    ]
    return render(request, "isolation/staff_house_list.html", {"rows": rows})


@login_required
@require_GET
def staff_house_detail(request: HttpRequest, pk: int) -> HttpResponse:
    house = _house_or_404(request, pk)
    guests = selectors.guests_of(house)
    if guests:
        audit.record(
            action="view", object_type="reservation", subject=str(house.pk), object_ids=[g.nik for g in guests]
        )
    return render(
        request,
        "isolation/staff_house_detail.html",
        {"house": house, "guests": guests, "may_manage": selectors.may_manage(request.user, house)},
    )


@login_required
@require_POST
def staff_change(request: HttpRequest, code: str, action: str) -> HttpResponse:
    reservation = selectors.visible_reservation(request.user, code)
    if reservation is None:
        raise Http404(_("No reservation with this code here."))
    change = services.check_in if action == "check-in" else services.check_out
    try:
        change(user=request.user, reservation=reservation)
    except services.ReservationError as exc:
        messages.error(request, " ".join(m for _f, m in exc.errors))
    return redirect("isolation:staff_house_detail", pk=reservation.house_id)
