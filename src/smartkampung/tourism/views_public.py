"""Pages for tourists, open to anyone: the listing of certified places (phone-first cards and a map), each
place's page with its certificate and live occupancy, and that occupancy as an htmx fragment polled by the page.

Only publicly listed places (active, certificate valid today: tourism.listing) are found here; any other is
a 404, so a revoked place disappears at once. The list works without script; the map loads Leaflet (served by
the app itself, as isolation's map) only when opened."""

from __future__ import annotations

from urllib.parse import urlencode

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.templatetags.static import static
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from smartkampung.core.http import is_htmx
from smartkampung.core.paging import Pager, page_number
from smartkampung.tourism import listing
from smartkampung.tourism.api_public import MAX_PER_PAGE
from smartkampung.tourism.models import Place, PlaceKind, PlacePhoto

# A phone's screenful of cards at a time.
PLACES_PER_PAGE = 20


def _filters(request: HttpRequest, districts: list[tuple[str, str]]) -> listing.Filters:
    """The listing's filters from the query; a value the form never offers filters nothing (as isolation's list)."""
    kind = request.GET.get("kind", "")
    district = request.GET.get("district", "")
    return listing.Filters(
        kind=kind if kind in PlaceKind.values else "",
        district=district if district in dict(districts) else "",
        has_room=request.GET.get("room") == "1",
        q=request.GET.get("q", "").strip()[:100],
    )


@require_GET
def explore(request: HttpRequest) -> HttpResponse:
    districts = listing.districts()
    filters = _filters(request, districts)
    found = listing.search(filters)
    pager = Pager(
        page=page_number(request.GET.get("page"), per_page=PLACES_PER_PAGE),
        per_page=PLACES_PER_PAGE,
        count=found.count(),
        capped=False,
        params={
            "kind": filters.kind,
            "district": filters.district,
            "room": "1" if filters.has_room else "",
            "q": filters.q,
            "map": "1" if request.GET.get("map") == "1" else "",
        },
    )
    places = list(found[pager.offset : pager.offset + PLACES_PER_PAGE])
    return render(
        request,
        "tourism/public/explore.html",
        {
            "places": places,
            "pager": pager,
            "filters": filters,
            "kinds": PlaceKind.choices,
            "districts": districts,
            "show_map": request.GET.get("map") == "1",
            "map_config": _map_config(filters),
        },
    )


def _map_config(filters: listing.Filters) -> dict:
    """What the map's script needs: Leaflet (served by the app) and the listed places from the public API,
    filtered as the list; fetched only when the tourist opens the map."""
    query = {
        "kind": filters.kind,
        "district": filters.district,
        "has_room": "true" if filters.has_room else "",
        "q": filters.q,
        "per_page": MAX_PER_PAGE,
    }
    return {
        "css": static("js_lib_leaflet/leaflet.css"),
        "js": static("js_lib_leaflet/leaflet.js"),
        "places": f"{reverse('api-v1:public_tourism_places')}?{urlencode({k: v for k, v in query.items() if v})}",
        "page": reverse("tourism:explore_place", kwargs={"place_id": 0}),
        "tiles": settings.MAP_TILE_URL,
        "attribution": settings.MAP_TILE_ATTRIBUTION,
        # The regency's middle, for a map with no place on it.
        "centre": [-8.35, 114.2],
        "text": {
            "inside": _("%(n)s / %(max)s inside"),
            "full": _("full"),
            "open": _("Open the place's page"),
            "failed": _("The map could not be loaded. The list below has the same places."),
            "show": _("Show on the map"),
            "hide": _("Hide the map"),
        },
    }


def _listed_or_404(place_id: int) -> Place:
    place = listing.listed_place(place_id)
    if place is None:
        raise Http404(_("No place open to tourists here."))
    return place


@require_GET
def explore_place(request: HttpRequest, place_id: int) -> HttpResponse:
    place = _listed_or_404(place_id)
    photos = [
        {"url": reverse("tourism:photo", args=[photo.pk]), "caption": photo.caption}
        for photo in PlacePhoto.objects.filter(place=place).only("pk", "caption").order_by("pk")[:12]
    ]
    return render(
        request,
        "tourism/public/place.html",
        {"place": place, "photos": photos, "verify_url": reverse("tourism:verify", args=[place.cert_code])},
    )


@require_GET
def explore_occupancy(request: HttpRequest, place_id: int) -> HttpResponse:
    """The live occupancy of a listed place: the fragment its page polls every 15 seconds. When the place is
    no longer listed (revoked, suspended, expired, closed) the page's poll gets a last fragment that says so and
    stops polling; anyone else gets the 404 of every unlisted place."""
    place = listing.listed_place(place_id)
    if place is None:
        if not is_htmx(request):
            raise Http404(_("No place open to tourists here."))
        response = render(request, "tourism/public/_gone.html", {"place_id": place_id})
    else:
        response = render(request, "tourism/public/_occupancy.html", {"place": place})
    # A count of people now: never from a cache.
    response["Cache-Control"] = "no-store"
    return response
