"""JSON API of the checkpoints: /api/v1/arrivals, /preregistrations, /entry-rules (staff) and
/api/v1/public/preregistrations (citizens)."""

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from ninja import Query, Router, Status

from smartkampung.audit import services as audit
from smartkampung.checkpoints import present, schemas, selectors, services
from smartkampung.core.paging import window
from smartkampung.core.ratelimit import Limit, allow
from smartkampung.core.schemas import Schema
from smartkampung.health.models import EntryRule

router = Router(tags=["checkpoints"])
public_router = Router(tags=["public"])


@router.post(
    "/arrivals",
    response={201: schemas.ArrivalOut, 403: schemas.ErrorsOut, 409: schemas.RepeatOut, 422: schemas.ErrorsOut},
    summary="Register a traveller at a checkpoint (the outcome is decided by the rules in force)",
)
def register_arrival(request: HttpRequest, payload: schemas.ArrivalIn):
    """Answers 409 with the earlier entry when the NIK passed this checkpoint within the repeat window;
    send again with `repeat_confirmed: true` to register anyway."""
    checkpoint = selectors.officer_checkpoint(request.user, payload.checkpoint)
    values = payload.dict(exclude={"checkpoint", "repeat_confirmed"})
    try:
        registration = services.register_arrival(
            user=request.user, checkpoint=checkpoint, values=values, repeat_confirmed=payload.repeat_confirmed
        )
    except services.RepeatedArrival as exc:
        return Status(
            409,
            {
                "detail": _("This NIK was registered here at %(time)s. Check it, then confirm to register again.")
                % {"time": exc.earlier.registered_at.astimezone().strftime("%d-%m-%Y %H:%M")},
                "earlier": present.arrival_dict(exc.earlier),
            },
        )
    return Status(201, present.arrival_dict(registration.arrival))


class ArrivalFilters(Schema):
    checkpoint: str = ""
    village: str = ""
    nik: str = ""
    outcome: str = ""
    limit: int = 50
    offset: int = 0


@router.get("/arrivals", response=schemas.ArrivalPage, summary="Arrivals in the caller's jurisdiction")
def list_arrivals(request: HttpRequest, filters: Query[ArrivalFilters]):
    arrivals = selectors.arrivals_visible_to(request.user)
    if filters.checkpoint:
        arrivals = arrivals.filter(checkpoint__code=filters.checkpoint)
    if filters.village:
        arrivals = arrivals.filter(destination_village_id=filters.village)
    if filters.nik:
        arrivals = arrivals.filter(nik=filters.nik.strip())
    if filters.outcome:
        arrivals = arrivals.filter(outcome=filters.outcome)
    page = list(arrivals.select_related("preregistration")[window(filters.offset, filters.limit, most=200)])
    if page:
        audit.record(
            action="search",
            object_type="arrival",
            subject=filters.nik or filters.village or filters.checkpoint,
            object_ids=sorted({a.nik for a in page if a.nik}),
        )
    return {"count": arrivals.count(), "items": [present.arrival_dict(a) for a in page]}


@router.get(
    "/arrivals/lookup",
    response={200: schemas.LookupOut, 403: schemas.ErrorsOut, 429: schemas.ErrorsOut},
    summary="What to pre-fill for a NIK at a checkpoint (registry record, earlier passes, pre-registration)",
)
def lookup_traveller(request: HttpRequest, checkpoint: str, nik: str):
    """Counted per officer: beyond CHECKPOINT_LOOKUP_PER_MINUTE (or _PER_DAY) look-ups a 429 with Retry-After."""
    post = selectors.officer_checkpoint(request.user, checkpoint)
    # A LookupThrottled (429, Retry-After) is answered by the API's one refusal handler.
    return services.look_up_nik(user=request.user, checkpoint=post, nik=nik).as_json()


@router.get("/arrivals/{arrival_id}", response={200: schemas.ArrivalOut, 404: schemas.ErrorsOut})
def get_arrival(request: HttpRequest, arrival_id: int):
    arrival = get_object_or_404(selectors.arrivals_visible_to(request.user), pk=arrival_id)
    audit.record(action="view", object_type="arrival", subject=arrival.nik, object_ids=[arrival.nik])
    return present.arrival_dict(arrival)


@router.get(
    "/preregistrations",
    response={200: list[schemas.PreRegistrationOut], 403: schemas.ErrorsOut, 429: schemas.ErrorsOut},
    summary="Expected travellers by code or NIK (checkpoint officers; a NIK search counts as a desk look-up)",
)
def find_preregistrations(request: HttpRequest, code: str = "", nik: str = ""):
    if not selectors.checkpoints_for_officer(request.user).exists():
        raise PermissionDenied(_("Only checkpoint officers look up pre-registrations."))
    found = services.find_preregistrations(user=request.user, code=code, nik=nik)
    return [present.preregistration_dict(p) for p in found]


@router.get("/entry-rules", response=list[schemas.EntryRuleOut], summary="Entry rules, newest first")
def list_entry_rules(request: HttpRequest):
    # No personal data: every officer may read the rules they apply.
    return list(EntryRule.objects.all()[:100])


@router.post(
    "/entry-rules",
    response={201: schemas.EntryRuleOut, 403: schemas.ErrorsOut, 422: schemas.ErrorsOut},
    summary="Set new entry rules (health agency); they apply to registrations from `effective_from` on",
)
def create_entry_rule(request: HttpRequest, payload: schemas.EntryRuleIn):
    rule = services.create_entry_rule(user=request.user, values=payload.dict())
    return Status(201, rule)


PREREGISTRATION_LIMITS = (
    Limit(settings.PREREGISTRATION_PER_MINUTE, 60),
    Limit(settings.PREREGISTRATION_PER_DAY, 86400),
)


def allowed_to_preregister(request: HttpRequest, response: HttpResponse) -> bool:
    return allow(request, response, scope="preregister", limits=PREREGISTRATION_LIMITS)


@public_router.post(
    "/preregistrations",
    response={201: schemas.PreRegistrationReceipt, 422: schemas.ErrorsOut, 429: schemas.ErrorsOut},
    summary="Announce a trip before it starts: a code (and QR image) to show at the checkpoint",
    auth=None,
)
def preregister(request: HttpRequest, payload: schemas.PreRegistrationIn, response: HttpResponse):
    if not allowed_to_preregister(request, response):
        return Status(429, {"detail": _("Too many pre-registrations from this address. Try again later.")})
    prereg = services.preregister(values=payload.dict())
    return Status(
        201,
        {
            "code": prereg.code,
            "expected_arrival": prereg.expected_arrival,
            "destination_village_name": prereg.destination_village.name,
            "qr_svg": present.qr_svg(prereg.code),
        },
    )
