"""Public endpoints for citizens: no sign-in, so nothing that enumerates or reveals the register.

The pattern later public modules follow: a second factor (the KK number), identical answers for
"no such NIK" and "wrong KK", masked data only, and a per-client rate limit held in the database.
"""

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from ninja import Field, Router, Status

from smartkampung.core.errors import sentences
from smartkampung.core.ratelimit import Limit, allow
from smartkampung.core.schemas import Schema
from smartkampung.population.models import Resident
from smartkampung.population.normalize import mask_name  # aid imports it from here too
from smartkampung.regions.nik import parse_kk, parse_nik

router = Router(tags=["public"])

CHECK_LIMITS = (
    Limit(requests=settings.PUBLIC_CHECK_PER_MINUTE, seconds=60),
    Limit(requests=settings.PUBLIC_CHECK_PER_DAY, seconds=86400),
)


class CheckIn(Schema):
    nik: str = Field(..., max_length=40, examples=["3510011708850001"])
    kk_number: str = Field(..., max_length=40, examples=["3510010101100001"])


class CheckOut(Schema):
    name: str = Field(..., description="Masked: the first two letters of each word")
    village: str
    district: str
    status: str


class Message(Schema):
    detail: str


@router.post(
    "/check-my-data",
    response={200: CheckOut, 404: Message, 422: Message, 429: Message},
    summary="Is my record in the register? (NIK + KK number; masked answer)",
    auth=None,
)
def check_my_data(request: HttpRequest, payload: CheckIn, response: HttpResponse):
    if not allow(request, response, scope="check-my-data", limits=CHECK_LIMITS):
        return Status(429, {"detail": _("Too many checks from this address. Try again later.")})
    nik, kk = parse_nik(payload.nik), parse_kk(payload.kk_number)
    if not nik.valid or not kk.valid:
        # Only the numbers' own form is told: it says nothing about who is registered.
        return Status(422, {"detail": sentences(e.message for e in (*nik.errors, *kk.errors))})
    # One query for both failures, so "unknown NIK" and "wrong KK" take the same path and give one answer.
    resident = (
        Resident.objects.select_related("village", "village__district")
        .filter(nik=nik.nik, household__kk_number=kk.kk)
        .first()
    )
    if resident is None:
        return Status(
            404,
            {"detail": _("No record matches this NIK and KK number. Check both numbers, or ask your village office.")},
        )
    return Status(
        200,
        {
            "name": mask_name(resident.name),
            "village": resident.village.name,
            "district": resident.village.district.name,
            "status": resident.get_status_display(),
        },
    )
