"""The tourism API: certification (mounted by tourism/api.py). For the agency (/api/v1/tourism): the inspections,
scheduling one, a finding per item (multipart with a photo, or JSON with the photo in base64), the decision, the
checklist of a kind. For anyone (/api/v1/public/tourism): what a certificate's code says (valid, expired,
suspended, revoked). The same services as the pages, so the same refusals."""

from __future__ import annotations

import base64
import binascii
import datetime as dt
import io
import json

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.http.multipartparser import MultiPartParser, MultiPartParserError
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Router, Status
from ninja.errors import ValidationError
from pydantic import ValidationError as PydanticValidationError

from smartkampung.accounts.selectors import tourism_agency
from smartkampung.core.errors import Refused
from smartkampung.core.paging import window
from smartkampung.core.ratelimit import allow
from smartkampung.core.schemas import MULTILINE_FIELDS, Schema
from smartkampung.population.schemas import ErrorOut
from smartkampung.tourism import photos
from smartkampung.tourism.models import Certificate, ChecklistItem, Finding, Inspection, PlaceKind
from smartkampung.tourism.selectors import managed_places
from smartkampung.tourism.services import certification as service
from smartkampung.tourism.views_certification import VERIFY_LIMITS, week_end

router = Router(tags=["tourism"])
public_router = Router(tags=["public"])

ERRORS = {403: ErrorOut, 404: ErrorOut, 409: ErrorOut, 422: ErrorOut}


class TourismInspectionIn(Schema):
    place_id: int
    purpose: str = "initial"
    due_on: dt.date
    inspector_id: int | None = None


class TourismCertificateBrief(Schema):
    id: int
    number: str
    code: str
    valid_until: dt.date
    verify_url: str


class TourismInspectionOut(Schema):
    id: int
    place_id: int
    place: str
    kind: str
    village: str
    purpose: str
    status: str
    due_on: dt.date
    due_this_week: bool
    inspector: str | None
    score: float | None
    decision: str
    conditions: str
    conditions_deadline: dt.date | None
    reasons: str
    findings: int
    items: int
    certificate: TourismCertificateBrief | None = None


class TourismInspectionList(Schema):
    count: int
    items: list[TourismInspectionOut]


class TourismFindingOut(Schema):
    inspection_id: int
    item_id: int
    code: str
    result: str
    note: str
    photo: bool
    recorded_at: dt.datetime
    score: float | None


class TourismDecisionIn(Schema):
    multiline_fields = MULTILINE_FIELDS | {"conditions", "reasons"}

    decision: str
    conditions: str = ""
    deadline: dt.date | None = None
    reasons: str = ""
    passphrase: str = ""


class TourismChecklistItemOut(Schema):
    id: int
    code: str
    dimension: str
    text: str
    text_en: str
    weight: int
    mandatory: bool
    order: int
    active: bool


class TourismCertificateStateOut(Schema):
    number: str
    code: str
    state: str
    place: str
    kind: str
    kind_label: str
    village: str
    district: str
    issued_on: dt.date
    valid_until: dt.date
    conditional: bool
    reason: str


def _agency(request: HttpRequest) -> None:
    # STAFF_AUTH sets request.user for a bearer token as for a session.
    if tourism_agency(request.user).nothing:
        raise PermissionDenied(_("Only the tourism agency works on inspections and checklists."))


def _user(request: HttpRequest):
    return request.user


def _inspection_dict(inspection: Inspection, *, today: dt.date) -> dict:
    certificate = Certificate.objects.filter(inspection=inspection).defer("pdf").first()
    score = service.score_of(inspection)
    return {
        "id": inspection.pk,
        "place_id": inspection.place_id,
        "place": inspection.place.name,
        "kind": inspection.place.kind,
        "village": inspection.place.village_id,
        "purpose": inspection.purpose,
        "status": inspection.status,
        "due_on": inspection.due_on,
        "due_this_week": inspection.status == Inspection.Status.SCHEDULED and inspection.due_on <= week_end(today),
        "inspector": inspection.inspector.get_username() if inspection.inspector_id else None,
        "score": float(score) if score is not None else None,
        "decision": inspection.decision,
        "conditions": inspection.conditions,
        "conditions_deadline": inspection.conditions_deadline,
        "reasons": inspection.reasons,
        "findings": inspection.findings.count(),
        "items": service.checklist_of(inspection).count(),
        "certificate": {
            "id": certificate.pk,
            "number": certificate.number,
            "code": certificate.code,
            "valid_until": certificate.valid_until,
            "verify_url": service.verify_url(certificate.code),
        }
        if certificate
        else None,
    }


@router.get(
    "/inspections",
    response={200: TourismInspectionList, 403: ErrorOut},
    summary="Inspections (scheduled by default, the earliest due first)",
)
def list_inspections(request: HttpRequest, status: str = "scheduled", offset: int = 0, limit: int = 50):
    _agency(request)
    found = (
        Inspection.objects.filter(place__in=managed_places(request.user))
        .select_related("place", "inspector")
        .order_by("due_on", "pk")
    )
    if status in Inspection.Status.values:
        found = found.filter(status=status)
    today = timezone.localdate()
    rows = list(found[window(offset, limit, most=200)])
    return Status(200, {"count": found.count(), "items": [_inspection_dict(i, today=today) for i in rows]})


@router.post(
    "/inspections",
    response={201: TourismInspectionOut, **ERRORS},
    summary="Schedule an inspection of a place (one open per place)",
)
def create_inspection(request: HttpRequest, payload: TourismInspectionIn):
    _agency(request)
    place = managed_places(request.user).filter(pk=payload.place_id).first()
    if place is None:
        raise Refused([("place_id", _("No such place."))], status=404)
    inspector = None
    if payload.inspector_id is not None:
        from django.contrib.auth import get_user_model

        inspector = get_user_model().objects.filter(pk=payload.inspector_id, is_active=True).first()
        if inspector is None:
            raise Refused([("inspector_id", _("No such account."))], status=422)
    inspection = service.schedule_inspection(
        place=place, purpose=payload.purpose, due_on=payload.due_on, inspector=inspector, by=_user(request)
    )
    return Status(201, _inspection_dict(inspection, today=timezone.localdate()))


class TourismFindingIn(Schema):
    """A finding's fields (the body is read by hand: multipart with a photo file, or JSON with photo_base64)."""

    result: str = ""
    note: str = ""
    photo_base64: str = ""


def _checked(values) -> TourismFindingIn:
    """The body's fields through the API's one schema check: a JSON object, known fields, no control characters."""
    try:
        return TourismFindingIn.model_validate(values, context={"request": None})
    except PydanticValidationError as error:
        raise ValidationError(
            [
                {**e, "loc": ("body", "payload", *e["loc"])}
                for e in error.errors(include_url=False, include_context=False)
            ]
        ) from None


def _finding_input(request: HttpRequest) -> tuple[str, str, bytes | None]:
    """(result, note, photo) from a multipart body (photo as a file) or a JSON one (photo_base64)."""
    try:
        length = max(0, int(request.META.get("CONTENT_LENGTH") or 0))
    except ValueError:
        length = 0
    if length > photos.max_bytes() * 4 // 3 + 64 * 1024:  # a photo in base64, and the rest
        raise Refused([("photo", photos.too_large())], status=413)
    content_type = request.content_type or ""
    if content_type.startswith("multipart/form-data"):
        try:
            data, files = MultiPartParser(
                request.META, io.BytesIO(request.body), request.upload_handlers, request.encoding
            ).parse()
        except (MultiPartParserError, ValueError) as error:
            raise Refused([("", _("The request is not a readable form."))]) from error
        upload = files.get("photo")
        fields = _checked({name: str(data.get(name, "")) for name in ("result", "note")})
        return fields.result, fields.note, upload.read() if upload else None
    try:
        payload = json.loads(request.body or b"{}")
    except (ValueError, UnicodeDecodeError) as error:
        raise Refused([("", _("The request is neither a form nor JSON."))]) from error
    fields = _checked(payload)
    photo = None
    if fields.photo_base64:
        try:
            photo = base64.b64decode(fields.photo_base64, validate=True)
        except (binascii.Error, ValueError) as error:
            raise Refused([("photo_base64", _("The photo is not valid base64."))]) from error
    return fields.result, fields.note, photo


FINDING_DOC = {
    "requestBody": {
        "content": {
            "multipart/form-data": {
                "schema": {
                    "type": "object",
                    "properties": {
                        "result": {"type": "string", "enum": Finding.Result.values},
                        "note": {"type": "string", "maxLength": 500},
                        "photo": {"type": "string", "format": "binary"},
                    },
                    "required": ["result"],
                }
            },
            "application/json": {
                "schema": {
                    "type": "object",
                    "properties": {
                        "result": {"type": "string", "enum": Finding.Result.values},
                        "note": {"type": "string", "maxLength": 500},
                        "photo_base64": {"type": "string"},
                    },
                    "required": ["result"],
                }
            },
        }
    }
}


@router.put(
    "/inspections/{inspection_id}/findings/{item_id}",
    response={200: TourismFindingOut, 413: ErrorOut, **ERRORS},
    summary="Record the finding on one checklist item (multipart with a photo, or JSON with photo_base64)",
    openapi_extra=FINDING_DOC,
)
def put_finding(request: HttpRequest, inspection_id: int, item_id: int):
    _agency(request)
    result, note, photo = _finding_input(request)  # the body first, as for every operation: then the rows
    inspection = get_object_or_404(
        Inspection.objects.filter(place__in=managed_places(request.user)).select_related("place"), pk=inspection_id
    )
    item = get_object_or_404(ChecklistItem, pk=item_id)
    finding = service.record_finding(
        inspection=inspection, item=item, result=result, note=note, photo=photo, by=_user(request)
    )
    score = service.score_of(inspection)
    return Status(
        200,
        {
            "inspection_id": inspection.pk,
            "item_id": item.pk,
            "code": item.code,
            "result": finding.result,
            "note": finding.note,
            "photo": bool(finding.photo_type),
            "recorded_at": finding.recorded_at,
            "score": float(score) if score is not None else None,
        },
    )


@router.post(
    "/inspections/{inspection_id}/decision",
    response={200: TourismInspectionOut, 502: ErrorOut, **ERRORS},
    summary="Decide: certified (signed certificate issued), certified with conditions, or rejected",
)
def post_decision(request: HttpRequest, inspection_id: int, payload: TourismDecisionIn):
    _agency(request)
    inspection = get_object_or_404(
        Inspection.objects.filter(place__in=managed_places(request.user)).select_related("place"), pk=inspection_id
    )
    decided = service.decide_inspection(inspection=inspection, **payload.dict(), by=_user(request))
    return Status(200, _inspection_dict(decided, today=timezone.localdate()))


@router.get(
    "/checklists/{kind}",
    response={200: list[TourismChecklistItemOut], 403: ErrorOut, 404: ErrorOut},
    summary="The checklist of a kind of place (retired items too, marked active=false)",
)
def get_checklist(request: HttpRequest, kind: str):
    _agency(request)
    if kind not in PlaceKind.values:
        raise Refused([("kind", _("Unknown kind of place."))], status=404)
    items = ChecklistItem.objects.filter(kind=kind).order_by("order", "pk")
    return Status(200, list(items.values(*TourismChecklistItemOut.model_fields)))


@public_router.get(
    "/certificates/{code}",
    response={200: TourismCertificateStateOut, 404: ErrorOut, 429: ErrorOut},
    summary="What a certificate's code says: valid, expired, suspended or revoked",
    auth=None,
)
def certificate_state(request: HttpRequest, code: str):
    counted = HttpResponse()
    if not allow(request, counted, scope="tourism-verify", limits=VERIFY_LIMITS):
        refusal = Refused([("", _("Too many requests from this address. Try again later."))], status=429)
        refusal.retry_after = counted["Retry-After"]
        raise refusal
    certificate = service.certificate_by_code(code)
    if certificate is None:
        raise Refused([("code", _("No certificate of this service has this code."))], status=404)
    return Status(200, service.certificate_facts(certificate))
