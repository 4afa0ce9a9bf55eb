"""The tourism API: violations (mounted by tourism/api.py). Public: report a violation (multipart, rate-limited per
client address, counted before the body is parsed) and follow it by its code. Staff (the tourism agency): the
reports, one report, starting an investigation, the decision, and a certificate's status."""

import datetime as dt
import functools

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, JsonResponse
from django.utils.translation import gettext as _
from ninja import File, Form, Router, Status
from ninja.decorators import decorate_view
from ninja.files import UploadedFile

from smartkampung.accounts.selectors import tourism_agency
from smartkampung.audit import services as audit
from smartkampung.core.errors import Refused
from smartkampung.core.paging import window
from smartkampung.core.schemas import MULTILINE_FIELDS, Schema
from smartkampung.population.schemas import ErrorOut
from smartkampung.tourism.models import Certificate, Violation
from smartkampung.tourism.selectors import agency_certificates
from smartkampung.tourism.services import violations as services
from smartkampung.tourism.views_violations import STATUS_LIMITS, over_limit, report_refusal, upload_of

router = Router(tags=["tourism"])
public_router = Router(tags=["public"])


class ViolationReportedOut(Schema):
    code: str
    status: str


class ViolationPublicStatusOut(Schema):
    code: str
    place: str
    status: str
    status_label: str
    outcome: str
    reported_at: dt.datetime
    closed_at: dt.datetime | None = None


class ViolationOut(Schema):
    id: int
    code: str
    place_id: int
    place_name: str
    kecamatan: str
    what: str
    seen_at: dt.datetime | None = None
    has_photo: bool
    reporter_contact: str
    by_officer: bool
    status: str
    outcome: str
    created_at: dt.datetime
    closed_at: dt.datetime | None = None


class ViolationPageOut(Schema):
    count: int
    items: list[ViolationOut]


class ViolationDecisionIn(Schema):
    multiline_fields = MULTILINE_FIELDS | {"outcome"}

    decision: str
    outcome: str
    action: str = services.Action.NONE


class CertificateStatusChangeIn(Schema):
    status: str
    reason: str


class CertificateStatusOut(Schema):
    id: int
    number: str
    place_id: int
    status: str
    status_reason: str
    status_changed_at: dt.datetime | None = None
    valid_until: dt.date


ERRORS = {403: ErrorOut, 404: ErrorOut, 409: ErrorOut, 422: ErrorOut}


def _refused_first(run):
    """A client over its report limit (429) or sending more than a photo can be (413) is answered before the
    multipart body is parsed."""

    @functools.wraps(run)
    def counted(request: HttpRequest, *args, **kwargs):
        status, words, retry_after = report_refusal(request)
        if status:
            field = "photo" if status == 413 else ""
            response = JsonResponse({"detail": words, "errors": [{"field": field, "message": words}]}, status=status)
            if retry_after:
                response["Retry-After"] = retry_after
            return response
        return run(request, *args, **kwargs)

    return counted


# ---------------------------------------------------------------- public


@public_router.post(
    "/violations",
    response={201: ViolationReportedOut, 413: ErrorOut, 422: ErrorOut, 429: ErrorOut},
    summary="Report a health-protocol violation at a certified place (multipart: place_id, what, seen_at, contact, "
    "photo); rate-limited per client address",
    auth=None,
)
@decorate_view(_refused_first)
def report_violation(
    request: HttpRequest,
    place_id: Form[str],
    what: Form[str],
    seen_at: Form[str] = "",
    contact: Form[str] = "",
    photo: UploadedFile | None = File(None),  # noqa: B008 - documents the optional file; read from request.FILES
):
    upload = upload_of(request.FILES)
    violation = services.report_violation(
        place_id=place_id, what=what, seen_at=seen_at, contact=contact, photo=upload, by=request.user
    )
    return Status(201, {"code": violation.code, "status": violation.status})


@public_router.get(
    "/violations/{code}",
    response={200: ViolationPublicStatusOut, 404: ErrorOut, 429: ErrorOut},
    summary="Where my violation report stands (its status and, once decided, the outcome)",
    auth=None,
)
def tourism_report_status(request: HttpRequest, code: str):
    if retry_after := over_limit(request, "tourism-report-status", STATUS_LIMITS):
        refusal = Refused([("", _("Too many requests from this address. Try again later."))], status=429)
        refusal.retry_after = retry_after
        raise refusal
    violation = services.violation_by_code(code)
    if violation is None:
        raise Refused([("code", _("No report with this code. Check the code you received."))], status=404)
    return services.public_status(violation)


# ---------------------------------------------------------------- the agency


def _agency(request: HttpRequest) -> None:
    if tourism_agency(request.user).nothing:
        raise PermissionDenied(_("Only the tourism agency handles violations and certificates."))


def _violation(request: HttpRequest, violation_id: int) -> Violation:
    _agency(request)
    violation = services.agency_violations(request.user).filter(pk=violation_id).first()
    if violation is None:
        raise Refused([("violation_id", _("No such report."))], status=404)
    return violation


def violation_dict(violation: Violation) -> dict:
    """A report as the agency reads it (with the reporter's contact: the agency alone calls this)."""
    return {
        "id": violation.pk,
        "code": violation.code,
        "place_id": violation.place_id,
        "place_name": violation.place.name,
        "kecamatan": violation.place.village.district.name,
        "what": violation.what,
        "seen_at": violation.seen_at,
        "has_photo": bool(violation.photo_type),
        "reporter_contact": violation.reporter_contact,
        "by_officer": violation.reported_by_id is not None,
        "status": violation.status,
        "outcome": violation.outcome,
        "created_at": violation.created_at,
        "closed_at": violation.closed_at,
    }


@router.get("/violations", response={200: ViolationPageOut, 403: ErrorOut}, summary="Violation reports, open first")
def list_violations(
    request: HttpRequest,
    status: str = "",
    place_id: int | None = None,
    kecamatan: str = "",
    offset: int = 0,
    limit: int = 50,
):
    _agency(request)
    rows = services.agency_violations(request.user).defer("photo")
    if status:
        rows = rows.filter(status=status)
    if place_id is not None:
        rows = rows.filter(place_id=place_id)
    if kecamatan:
        rows = rows.filter(place__village__district_id=kecamatan)
    return {"count": rows.count(), "items": [violation_dict(v) for v in rows[window(offset, limit, most=200)]]}


@router.get("/violations/{violation_id}", response={200: ViolationOut, **ERRORS}, summary="One violation report")
def get_violation(request: HttpRequest, violation_id: int):
    violation = _violation(request, violation_id)
    if violation.reporter_contact:
        audit.record(
            action="view",
            object_type="tourism_violation",
            subject=violation.code,
            object_ids=[str(violation.pk)],
            detail={"reporter_contact": True},
            user=request.user,
        )
    return violation_dict(violation)


@router.post(
    "/violations/{violation_id}/investigation",
    response={200: ViolationOut, **ERRORS},
    summary="Start investigating a report",
)
def start_investigation(request: HttpRequest, violation_id: int):
    violation = _violation(request, violation_id)
    return violation_dict(services.start_investigation(violation=violation, by=request.user))


@router.post(
    "/violations/{violation_id}/decision",
    response={200: ViolationOut, **ERRORS},
    summary="Uphold (with none, suspend or revoke) or dismiss a report",
)
def decide_tourism_violation(request: HttpRequest, violation_id: int, payload: ViolationDecisionIn):
    violation = _violation(request, violation_id)
    if payload.decision == Violation.Status.DISMISSED:
        decided = services.dismiss_violation(violation=violation, outcome=payload.outcome, by=request.user)
    elif payload.decision == Violation.Status.UPHELD:
        decided = services.uphold_violation(
            violation=violation, outcome=payload.outcome, action=payload.action, by=request.user
        )
    else:
        raise Refused([("decision", _("Decide upheld or dismissed."))])
    return violation_dict(decided)


@router.post(
    "/certificates/{certificate_id}/status",
    response={200: CertificateStatusOut, **ERRORS},
    summary="Suspend, revoke or reinstate (valid) a certificate, with a reason",
)
def certificate_status(request: HttpRequest, certificate_id: int, payload: CertificateStatusChangeIn):
    _agency(request)
    certificate = agency_certificates(request.user).filter(pk=certificate_id).first()
    if certificate is None:
        raise Refused([("certificate_id", _("No such certificate."))], status=404)
    change = {
        Certificate.Status.SUSPENDED: services.suspend_certificate,
        Certificate.Status.REVOKED: services.revoke_certificate,
        Certificate.Status.VALID: services.reinstate_certificate,
    }.get(payload.status)
    if change is None:
        raise Refused([("status", _("Choose suspended, revoked or valid."))])
    changed = change(certificate=certificate, reason=payload.reason, by=request.user)
    return {
        "id": changed.pk,
        "number": changed.number,
        "place_id": changed.place_id,
        "status": changed.status,
        "status_reason": changed.status_reason,
        "status_changed_at": changed.status_changed_at,
        "valid_until": changed.valid_until,
    }
