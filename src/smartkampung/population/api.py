"""JSON API of the population registry (/api/v1/residents, /households, /imports)."""

from typing import Literal

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import File, Form, Query, Router, Status
from ninja.files import UploadedFile

from smartkampung.audit import services as audit
from smartkampung.core.paging import window
from smartkampung.core.schemas import Schema
from smartkampung.population import moves, schemas, selectors, services
from smartkampung.population.importer import ImportFileError
from smartkampung.regions.models import Village

router = Router(tags=["population"])


def _not_found() -> dict:
    return {"detail": _("Not found.")}


class ResidentFilters(Schema):
    q: str = ""
    village: str = ""
    district: str = ""
    status: str = ""
    limit: int = 25
    offset: int = 0


@router.get("/residents", response=schemas.ResidentPage, summary="Search residents")
def list_residents(request: HttpRequest, filters: Query[ResidentFilters]):
    """Search by NIK (whole or its first digits) or any parts of the name; filter by village/kecamatan/status.

    `count` stops at 1,000 (`count_capped` is then true): a name search lists the first 1,000
    matches only, so add words or a village to narrow it."""
    found = window(min(filters.offset, selectors.COUNT_CAP), filters.limit, most=100)
    offset, limit = found.start, found.stop - found.start
    page = selectors.find_residents(
        user=request.user,
        query=filters.q,
        village_code=filters.village,
        district_code=filters.district,
        status=filters.status,
        offset=offset,
        limit=limit,
    )
    if page.items:
        audit.record(
            action="search",
            object_type="resident",
            object_ids=[r.nik for r in page.items],
            detail=filters.dict(exclude_defaults=True) | {"count": page.count},
        )
    return {"count": page.count, "count_capped": page.capped, "limit": limit, "offset": offset, "items": page.items}


@router.post(
    "/residents",
    response={201: schemas.ResidentOut, 403: schemas.ErrorOut, 422: schemas.ErrorOut},
    summary="Register a resident",
)
def create_resident(request: HttpRequest, payload: schemas.ResidentIn):
    if not selectors.may_register(request.user):
        return Status(403, {"detail": _("You may not change the register.")})
    resident = services.create_resident(user=request.user, values=payload.dict())
    return Status(201, selectors.resident_by_nik(user=request.user, nik=resident.nik))


@router.get("/residents/{nik}", response={200: schemas.ResidentOut, 404: schemas.ErrorOut}, summary="A resident")
def get_resident(request: HttpRequest, nik: str):
    resident = selectors.open_resident(user=request.user, nik=nik)
    return Status(200, resident) if resident else Status(404, _not_found())


@router.patch(
    "/residents/{nik}",
    response={200: schemas.ResidentOut, 403: schemas.ErrorOut, 404: schemas.ErrorOut, 422: schemas.ErrorOut},
    summary="Change a resident",
)
def update_resident(request: HttpRequest, nik: str, payload: schemas.ResidentPatch):
    resident = selectors.resident_by_nik(user=request.user, nik=nik)
    if resident is None:
        return Status(404, _not_found())
    services.update_resident(user=request.user, resident=resident, values=payload.dict(exclude_unset=True))
    return Status(200, selectors.resident_by_nik(user=request.user, nik=nik))


class HouseholdFilters(Schema):
    village: str = ""
    limit: int = 25
    offset: int = 0


class HouseholdPage(Schema):
    count: int
    limit: int
    offset: int
    items: list[schemas.HouseholdOut]


@router.get("/households", response=HouseholdPage, summary="List households")
def list_households(request: HttpRequest, filters: Query[HouseholdFilters]):
    found = window(filters.offset, filters.limit, most=100)
    offset, limit = found.start, found.stop - found.start
    qs = selectors.households_visible_to(request.user).select_related("village", "village__district")
    if filters.village:
        qs = qs.filter(village_id=filters.village)
    count, _capped = selectors.capped_count(qs)
    items = list(qs[found])
    if items:
        audit.record(
            action="search",
            object_type="household",
            object_ids=[h.kk_number for h in items],
            detail=filters.dict(exclude_defaults=True) | {"count": count},
        )
    return {"count": count, "limit": limit, "offset": offset, "items": items}


@router.post(
    "/households",
    response={201: schemas.HouseholdOut, 403: schemas.ErrorOut, 422: schemas.ErrorOut},
    summary="Register a household",
)
def create_household(request: HttpRequest, payload: schemas.HouseholdIn):
    if not selectors.may_register(request.user):
        return Status(403, {"detail": _("You may not change the register.")})
    household = services.create_household(user=request.user, values=payload.dict())
    return Status(201, selectors.household_by_kk(user=request.user, kk_number=household.kk_number))


@router.get("/households/{kk}", response={200: schemas.HouseholdOut, 404: schemas.ErrorOut}, summary="A household")
def get_household(request: HttpRequest, kk: str):
    household, _members = selectors.open_household(user=request.user, kk_number=kk)
    return Status(200, household) if household else Status(404, _not_found())


@router.patch(
    "/households/{kk}",
    response={200: schemas.HouseholdOut, 403: schemas.ErrorOut, 404: schemas.ErrorOut, 422: schemas.ErrorOut},
    summary="Change a household",
)
def update_household(request: HttpRequest, kk: str, payload: schemas.HouseholdPatch):
    household = selectors.household_by_kk(user=request.user, kk_number=kk)
    if household is None:
        return Status(404, _not_found())
    services.update_household(user=request.user, household=household, values=payload.dict(exclude_unset=True))
    return Status(200, selectors.household_by_kk(user=request.user, kk_number=kk))


@router.get(
    "/households/{kk}/members",
    response={200: list[schemas.ResidentListItem], 404: schemas.ErrorOut},
    summary="Members of a household",
)
def household_members(request: HttpRequest, kk: str):
    household, members = selectors.open_household(user=request.user, kk_number=kk, with_members=True)
    return Status(200, members) if household else Status(404, _not_found())


@router.post(
    "/imports",
    response={202: schemas.ImportJobOut, 403: schemas.ErrorOut, 422: schemas.ErrorOut},
    summary="Import a registry file (CSV or XLSX)",
)
def create_import(request: HttpRequest, file: File[UploadedFile], village_code: Form[str] = ""):
    """Queues an import; poll GET /imports/{id} for progress and /imports/{id}/issues for the row report."""
    if not selectors.may_import(request.user):
        return Status(403, {"detail": _("You may not import registry files.")})
    village = None
    if village_code:
        village = Village.objects.filter(code=village_code).first()
        if village is None:
            return Status(422, {"detail": _("Unknown village code."), "errors": []})
    try:
        job = services.start_import_upload(user=request.user, upload=file, default_village=village)
    except ImportFileError as exc:
        return Status(422, {"detail": str(exc), "errors": []})
    return Status(202, job)


@router.get("/imports/{job_id}", response={200: schemas.ImportJobOut, 404: schemas.ErrorOut}, summary="An import")
def get_import(request: HttpRequest, job_id: int):
    job = selectors.import_jobs_visible_to(request.user).filter(pk=job_id).first()
    return Status(200, job) if job else Status(404, _not_found())


@router.get(
    "/imports/{job_id}/issues",
    response={200: list[schemas.ImportRowIssueOut], 404: schemas.ErrorOut},
    summary="Rejected and flagged rows of an import",
)
def get_import_issues(request: HttpRequest, job_id: int, limit: int = 500, offset: int = 0):
    job = selectors.import_jobs_visible_to(request.user).filter(pk=job_id).first()
    if job is None:
        return Status(404, _not_found())
    rows = list(job.row_issues.all()[window(offset, limit, most=5000)])
    if rows:
        audit.record(action="view", object_type="import", subject=str(job.pk), object_ids=[r.nik for r in rows])
    return Status(200, rows)


# ---------------------------------------------------------------- moves between villages


class MoveFilters(Schema):
    direction: Literal["in", "out", ""] = ""
    limit: int = 25
    offset: int = 0


@router.get("/moves", response=schemas.MovePage, summary="Moves into and out of your villages")
def list_moves(request: HttpRequest, filters: Query[MoveFilters]):
    """`direction=in`: pindah datang (into your villages), `out`: pindah keluar; empty: both."""
    found = window(min(filters.offset, selectors.COUNT_CAP), filters.limit, most=100)
    offset, limit = found.start, found.stop - found.start
    qs = {
        "in": selectors.moves_into,
        "out": selectors.moves_out_of,
        "": selectors.moves_visible_to,
    }[filters.direction](request.user)
    items, count, capped = selectors.move_page(qs, user=request.user, offset=offset, limit=limit)
    return {"count": count, "count_capped": capped, "limit": limit, "offset": offset, "items": items}


@router.post(
    "/moves",
    response={201: schemas.MoveOut, 403: schemas.ErrorOut, 422: schemas.ErrorOut, 429: schemas.ErrorOut},
    summary="Request a move into your village (pindah datang)",
)
def request_move(request: HttpRequest, payload: schemas.MoveIn):
    """The village of origin (or the regency) then releases or refuses it; until the release the person is
    shown masked. Counted per account, refused requests included (MOVE_REQUESTS_PER_HOUR, _PER_DAY): beyond
    them a 429 with Retry-After."""
    move = moves.request_move(
        user=request.user,
        nik=payload.nik,
        to_kk_number=payload.to_kk_number,
        kk_number=payload.kk_number,
        to_village_code=payload.to_village,
        reason=payload.reason,
    )
    return Status(201, selectors.open_move(user=request.user, move_id=move.pk))


@router.get("/moves/{move_id}", response={200: schemas.MoveOut, 404: schemas.ErrorOut}, summary="A move")
def get_move(request: HttpRequest, move_id: int):
    view = selectors.open_move(user=request.user, move_id=move_id)
    return Status(200, view) if view else Status(404, _not_found())


def _decide(request: HttpRequest, move_id: int, decide):
    if selectors.move_for(user=request.user, move_id=move_id) is None:
        return Status(404, _not_found())
    decide()
    return Status(200, selectors.open_move(user=request.user, move_id=move_id))


DECISION_RESPONSES = {
    200: schemas.MoveOut,
    403: schemas.ErrorOut,
    404: schemas.ErrorOut,
    409: schemas.ErrorOut,
    422: schemas.ErrorOut,
}


@router.post("/moves/{move_id}/release", response=DECISION_RESPONSES, summary="Release a move (pindah keluar)")
def release_move(request: HttpRequest, move_id: int, payload: schemas.MoveDecisionIn):
    """The village of origin or the regency lets the person or household go: the register changes now."""
    return _decide(
        request, move_id, lambda: moves.release_move(user=request.user, move_id=move_id, note=payload.reason)
    )


@router.post("/moves/{move_id}/refuse", response=DECISION_RESPONSES, summary="Refuse a move")
def refuse_move(request: HttpRequest, move_id: int, payload: schemas.MoveDecisionIn):
    """The village of origin or the regency refuses, saying why (`reason` is required)."""
    return _decide(
        request, move_id, lambda: moves.refuse_move(user=request.user, move_id=move_id, reason=payload.reason)
    )


@router.post("/moves/{move_id}/cancel", response=DECISION_RESPONSES, summary="Cancel your request for a move")
def cancel_move(request: HttpRequest, move_id: int):
    return _decide(request, move_id, lambda: moves.cancel_move(user=request.user, move_id=move_id))
