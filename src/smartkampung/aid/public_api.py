"""Citizens' aid endpoints: no sign-in, so the population check's pattern (NIK with the KK number as second
factor, one answer for both failures, masked names, a per-client rate limit held in the database)."""

import datetime as dt

from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from ninja import Field, Router, Status

from smartkampung.aid import selectors, services
from smartkampung.aid.models import AidReport, Situation
from smartkampung.core.errors import Refused
from smartkampung.core.paging import window
from smartkampung.core.ratelimit import allow
from smartkampung.core.schemas import Schema
from smartkampung.population.public_api import CHECK_LIMITS, CheckIn, Message, mask_name
from smartkampung.population.schemas import ErrorOut
from smartkampung.regions.nik import parse_kk, parse_nik
from smartkampung.regions.selectors import served_village

router = Router(tags=["public"])


class ListingOut(Schema):
    program: str
    program_name: str
    level: str
    period: str
    listed: str = Field(..., description="Masked name of the household member the list names")
    is_you: bool


class AidCheckOut(Schema):
    name: str = Field(..., description="Masked")
    village: str
    listings: list[ListingOut]


class VillageListingOut(Schema):
    program: str
    name: str = Field(..., description="Masked")


class CheckRefused(Refused):
    """A citizen's check refused (429, 422 or 404), the answer in words."""


def check(request: HttpRequest, response: HttpResponse, *, nik: str, kk_number: str) -> dict:
    """The check behind the page and the API; raises CheckRefused (429, 422 or 404) with the answer in words."""
    if not allow(request, response, scope="aid-check", limits=CHECK_LIMITS):
        raise CheckRefused([("", _("Too many checks from this address. Try again later."))], 429)
    parsed_nik, parsed_kk = parse_nik(nik), parse_kk(kk_number)
    if not parsed_nik.valid or not parsed_kk.valid:
        raise CheckRefused(
            [("nik", e.message) for e in parsed_nik.errors] + [("kk_number", e.message) for e in parsed_kk.errors]
        )
    resident, listed = selectors.aid_listings_for(nik=parsed_nik.nik, kk_number=parsed_kk.kk)
    if resident is None:
        raise CheckRefused(
            [("", _("No record matches this NIK and KK number. Check both numbers, or ask your village office."))], 404
        )
    return {
        "name": mask_name(resident.name),
        "village": resident.village.name,
        "listings": [
            {"program": program.code, "program_name": program.name, "level": program.get_level_display(),
             "period": period, "listed": mask_name(member.name), "is_you": is_you}
            for program, period, member, is_you in listed
        ],
    }  # fmt: skip


@router.post(
    "/aid/check",
    response={200: AidCheckOut, 404: Message, 422: Message, 429: Message},
    summary="Which aid programs list me or my household? (NIK + KK number; masked answer)",
    auth=None,
)
def aid_check(request: HttpRequest, payload: CheckIn, response: HttpResponse):
    return Status(200, check(request, response, nik=payload.nik, kk_number=payload.kk_number))


@router.get(
    "/aid/villages/{code}/recipients",
    response={200: list[VillageListingOut], 404: Message},
    summary="A village's aid recipients now (program and masked name; no NIK, no address)",
    auth=None,
)
def village_recipients(request: HttpRequest, code: str, offset: int = 0, limit: int = 200):
    if served_village(code) is None:
        return Status(404, {"detail": _("No such village in this regency.")})
    rows = selectors.public_village_recipients(code)[window(offset, limit)]
    return Status(200, [{"program": r.program.code, "name": mask_name(r.resident.name)} for r in rows])


# ---------------------------------------------------------------- "I received no aid"

# The registry check's limits, counted under the report's own names ("aid-report", "aid-report-status").
REPORT_LIMITS = CHECK_LIMITS


class NoAidReportIn(CheckIn):
    phone: str = Field(..., max_length=30, description="A number the village can call", examples=["081234567890"])
    situation: str = Field(..., description="One of: " + ", ".join(Situation.values), examples=["lost_job"])
    description: str = Field("", max_length=1000, description="What happened, in the citizen's words")


class NoAidReportOut(Schema):
    code: str = Field(..., description="Keep it to follow the report")
    status: str = Field(..., description="pending, approved or rejected")
    status_label: str
    name: str = Field(..., description="Masked")
    village: str
    situation: str
    reported_at: dt.datetime
    decided_at: dt.datetime | None = None
    reason: str = Field("", description="The village's reason, once decided")
    program: str = Field("", description="The program the household was enrolled in, when approved")


def report_out(report: AidReport) -> dict:
    return {
        "code": report.code, "status": report.status, "status_label": report.get_status_display(),
        "name": mask_name(report.resident.name), "village": report.village.name,
        "situation": report.get_situation_display(), "reported_at": report.created_at, "decided_at": report.decided_at,
        "reason": report.decision_reason, "program": report.program.name if report.program else "",
    }  # fmt: skip


@router.post(
    "/aid/reports",
    response={201: NoAidReportOut, 404: ErrorOut, 409: ErrorOut, 422: ErrorOut, 429: ErrorOut},
    summary="Report that my household receives no aid (NIK + KK number); answers with a code to follow it",
    auth=None,
)
def report_no_aid(request: HttpRequest, payload: NoAidReportIn, response: HttpResponse):
    if not allow(request, response, scope="aid-report", limits=REPORT_LIMITS):
        return Status(429, {"detail": _("Too many reports from this address. Try again later.")})
    report = services.submit_report(values=payload.dict())
    return Status(201, report_out(selectors.report_by_code(report.code)))


@router.get(
    "/aid/reports/{code}",
    response={200: NoAidReportOut, 404: Message, 429: Message},
    summary="Where my report stands (by its code)",
    auth=None,
)
def report_status(request: HttpRequest, code: str, response: HttpResponse):
    # Counted like a check: codes must not be guessed by trying many.
    if not allow(request, response, scope="aid-report-status", limits=CHECK_LIMITS):
        return Status(429, {"detail": _("Too many checks from this address. Try again later.")})
    report = selectors.report_by_code(code)
    if report is None:
        return Status(404, {"detail": _("No report has this code. Check it and try again.")})
    return Status(200, report_out(report))
