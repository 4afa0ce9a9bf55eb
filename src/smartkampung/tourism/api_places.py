"""The tourism API: places (mounted by tourism/api.py under /api/v1/tourism, staff auth). Readers list and read
the places in their scope; the agency registers places for owners and anyone signed in applies for a place of
their own; managers change a place. Photos go through the pages (multipart), not this API."""

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.translation import gettext as _
from ninja import Query, Router, Status

from smartkampung.accounts.selectors import tourism_agency
from smartkampung.audit import services as audit
from smartkampung.core.paging import window
from smartkampung.core.schemas import Schema
from smartkampung.tourism import schemas_places as schemas
from smartkampung.tourism import selectors
from smartkampung.tourism.models import Place
from smartkampung.tourism.services import places as services

router = Router(tags=["tourism"])
public_router = Router(tags=["public"])


def place_dict(place: Place) -> dict:
    """A place as the API answers it (its owner's contacts included: only readers get here)."""
    return {
        "id": place.pk,
        "kind": place.kind,
        "kind_label": str(place.get_kind_display()),
        "name": place.name,
        "description": place.description,
        "status": place.status,
        "status_label": str(place.get_status_display()),
        "owner_name": place.owner_name,
        "owner_username": place.owner.get_username() if place.owner_id else None,
        "contact_phone": place.contact_phone,
        "contact_email": place.contact_email,
        "village": place.village_id,
        "village_name": place.village.name,
        "district": place.village.district_id,
        "district_name": place.village.district.name,
        "address": place.address,
        "latitude": float(place.latitude),
        "longitude": float(place.longitude),
        "opening_hours": place.opening_hours,
        "capacity": place.capacity,
        "usual_stay_minutes": place.usual_stay_minutes,
        "photos": [
            reverse("tourism:photo", kwargs={"photo_id": pk}) for pk in place.photos.values_list("pk", flat=True)
        ],
        "created_at": place.created_at,
        "updated_at": place.updated_at,
    }


def _readable(request: HttpRequest):
    return selectors.readable_places(request.user).select_related("village__district", "owner")


class TourismPlaceFilters(Schema):
    kind: str = ""
    district: str = ""
    status: str = ""
    q: str = ""
    limit: int = 50
    offset: int = 0


@router.get("/places", response=schemas.TourismPlacePage, summary="The places the caller reads, by name")
def list_tourism_places(request: HttpRequest, filters: Query[TourismPlaceFilters]):
    places = _readable(request)
    if filters.kind:
        places = places.filter(kind=filters.kind)
    if filters.district:
        places = places.filter(village__district_id=filters.district)
    if filters.status:
        places = places.filter(status=filters.status)
    if filters.q:
        places = places.filter(name__icontains=filters.q.strip())
    places = places.order_by("name", "pk")
    page = list(places[window(filters.offset, filters.limit, most=200)])
    if page:
        audit.record(
            action="search", object_type="tourism_place", subject=filters.q or filters.district or filters.kind,
            object_ids=[str(p.pk) for p in page],
        )  # fmt: skip
    return {"count": places.count(), "items": [place_dict(p) for p in page]}


@router.get("/places/{place_id}", response={200: schemas.TourismPlaceOut, 404: schemas.ErrorsOut}, summary="One place")
def get_place(request: HttpRequest, place_id: int):
    place = get_object_or_404(_readable(request), pk=place_id)
    if place.owner_id != request.user.pk:
        audit.record(action="view", object_type="tourism_place", subject=str(place.pk), object_ids=[str(place.pk)])
    return place_dict(place)


@router.post(
    "/places",
    response={201: schemas.TourismPlaceCreated, 403: schemas.ErrorsOut, 422: schemas.ErrorsOut},
    summary="The tourism agency registers a place for its owner; anyone else applies for a place of their own",
)
def create_place(request: HttpRequest, payload: schemas.TourismPlaceIn):
    """Either way the place starts as applied: it waits for its inspection."""
    values = payload.dict(exclude={"owner_username"})
    if not tourism_agency(request.user).nothing:
        place, owner, password = services.register_place(
            by=request.user, values=values, photos=[], owner_username=payload.owner_username.strip()
        )
    else:
        if payload.owner_username:
            raise PermissionDenied(_("Only the tourism agency makes accounts for owners."))
        place, owner, password = services.apply_for_place(by=request.user, values=values, photos=[]), None, ""
    place = _readable(request).get(pk=place.pk)
    return Status(
        201,
        {
            "place": place_dict(place),
            "owner_username": owner.get_username() if owner else "",
            "one_time_password": password,
        },
    )


@router.patch(
    "/places/{place_id}",
    response={200: schemas.TourismPlaceOut, 403: schemas.ErrorsOut, 404: schemas.ErrorsOut, 422: schemas.ErrorsOut},
    summary="Change a place (its owner or the tourism agency); only the fields sent change",
)
def patch_place(request: HttpRequest, place_id: int, payload: schemas.TourismPlacePatch):
    place = get_object_or_404(_readable(request), pk=place_id)
    if not selectors.managed_places(request.user).filter(pk=place.pk).exists():
        raise PermissionDenied(_("Only the owner and the tourism agency change a place."))
    changes = {key: value for key, value in payload.dict(exclude_unset=True).items() if value is not None}
    services.update_place(place=place, by=request.user, changes=changes)
    return place_dict(_readable(request).get(pk=place.pk))
