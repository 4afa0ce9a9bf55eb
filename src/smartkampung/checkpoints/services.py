"""Writes of the checkpoint module. Each owns its transaction, its audit entry and its notification
(written in the same transaction: the notification outbox). An arrival the rules put under monitoring
opens its isolation case in the same transaction."""

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, connection, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from smartkampung.accounts.selectors import Scope, may_look_up_nik_at, read_scope, write_scope
from smartkampung.audit import services as audit
from smartkampung.checkpoints import rules, selectors
from smartkampung.checkpoints.models import MONITORED, Arrival, Checkpoint, Outcome, PreRegistration
from smartkampung.checkpoints.notification_kinds import ARRIVAL, PREREGISTRATION, REFUSAL, WANDERING
from smartkampung.checkpoints.validation import Checked, check_arrival, check_found, check_preregistration
from smartkampung.core import ratelimit
from smartkampung.core.codes import draw_code
from smartkampung.core.db import fetch_one
from smartkampung.core.errors import Refused
from smartkampung.core.ratelimit import Limit
from smartkampung.health.models import DEFAULT_REFERRAL_SYMPTOMS, EntryRule, IsolationPlace, Symptom
from smartkampung.health.selectors import current_rule, rule_in_force, upcoming_rules
from smartkampung.health.services import open_case_for_arrival
from smartkampung.notifications.services import notify
from smartkampung.population.models import Resident
from smartkampung.regions.codes import code_lists


class CheckpointError(Refused):
    """Input was refused; `errors` are (field name, message) pairs in the user's language."""


class RepeatedArrival(Exception):
    """The NIK was registered at this checkpoint a short while ago: the officer must see it first."""

    def __init__(self, earlier: Arrival):
        super().__init__(f"already registered as arrival {earlier.pk}")
        self.earlier = earlier


# Built in when a regency's health officers have written no rule yet: the 2020 practice.
def _default_rule(regency: str) -> EntryRule:
    upcoming_rules(regency).clear_on_commit()
    return EntryRule.objects.create(
        regency_id=regency,
        effective_from=dt.datetime(2020, 1, 1, tzinfo=dt.UTC),
        referral_symptoms=list(DEFAULT_REFERRAL_SYMPTOMS),
        note="default",
    )


def _rule_for(regency: str, at: dt.datetime) -> EntryRule:
    """The rule of the regency (the checkpoint's, or the found newcomer's village's) in force at `at`."""
    return current_rule(regency, at) or _default_rule(regency)


# ---------------------------------------------------------------- entry rules


def _region_codes(raw: Any, field: str, errors: list) -> list[str]:
    if isinstance(raw, str):
        raw = raw.replace(",", " ").split()
    codes, lists = [], code_lists()
    for code in raw or []:
        code = str(code).strip()
        if code in lists.provinces or code in lists.regencies:
            codes.append(code)
        else:
            errors.append((field, _("%(code)s is not a province or regency code.") % {"code": code[:12]}))
    return sorted(set(codes))


def _given(values: dict[str, Any], name: str, default):
    value = values.get(name)
    return default if value is None or value == "" else value


@transaction.atomic
def create_entry_rule(*, user, values: dict[str, Any]) -> EntryRule:
    """A new rule of a regency (`values["regency"]`, else the one regency whose rules the user sets), in force from
    now (or a later time): registrations already made keep theirs."""
    regency = selectors.rule_regency(user, values.get("regency"), setting=True)
    if regency is None or not selectors.may_edit_rules(user, regency):
        raise PermissionDenied(_("Only the health agency of the regency sets its entry rules."))
    errors: list[tuple[str, str]] = []
    banned = _region_codes(values.get("banned_origins"), "banned_origins", errors)
    high_risk = _region_codes(values.get("high_risk_origins"), "high_risk_origins", errors)
    symptoms = values.get("referral_symptoms") or []
    if isinstance(symptoms, str):
        symptoms = symptoms.replace(",", " ").split()
    if any(s not in Symptom.values for s in symptoms):
        errors.append(("referral_symptoms", _("Choose symptoms from the list.")))
    now = timezone.now()
    effective = values.get("effective_from") or now
    if isinstance(effective, dt.datetime) and effective < now - dt.timedelta(minutes=1):
        errors.append(("effective_from", _("A rule cannot start in the past: it applies to new registrations.")))
    try:
        threshold = round(float(_given(values, "temperature_threshold", 37.5)), 1)
        days = int(_given(values, "isolation_days", 14))
    except (TypeError, ValueError):
        errors.append(("temperature_threshold", _("Enter numbers for the temperature and the days.")))
        threshold, days = 37.5, 14
    if not 35 <= threshold <= 42:
        errors.append(("temperature_threshold", _("The temperature limit must be between 35 and 42 °C.")))
    if not 1 <= days <= 60:
        errors.append(("isolation_days", _("The isolation length must be between 1 and 60 days.")))
    if errors:
        raise CheckpointError(errors)
    previous = rule_in_force(regency, effective)
    upcoming_rules(regency).clear_on_commit()
    rule = EntryRule.objects.create(
        regency_id=regency,
        effective_from=effective,
        banned_origins=banned,
        high_risk_origins=high_risk,
        temperature_threshold=threshold,
        referral_symptoms=sorted(set(symptoms)),
        isolation_days=days,
        note=str(values.get("note") or "")[:300],
        created_by=user,
    )
    fields = ["banned_origins", "high_risk_origins", "temperature_threshold", "referral_symptoms", "isolation_days"]
    audit.record(
        action="create",
        object_type="entry_rule",
        subject=str(rule.pk),
        object_ids=[str(rule.pk)],
        changes={
            f: [str(getattr(previous, f)) if previous else None, str(getattr(rule, f))]
            for f in fields
            if previous is None or getattr(previous, f) != getattr(rule, f)
        },
        detail={"effective_from": rule.effective_from.isoformat(), "note": rule.note},
        user=user,
    )
    return rule


# ---------------------------------------------------------------- arrivals


@dataclass(frozen=True)
class Registration:
    arrival: Arrival
    decision: rules.Decision


def _resident_id(nik: str, *, within: Scope) -> int | None:
    if not nik:
        return None
    found = Resident.objects.filter(nik=nik).filter(within.q("village"))
    return next(iter(found.order_by().values_list("pk", flat=True)[:1]), None)


def _resident_and_earlier(nik: str, *, checkpoint: Checkpoint, at: dt.datetime) -> tuple[int | None, int | None]:
    """The registered resident with this NIK, and its latest registration at this checkpoint within the repeat
    window (as selectors.earlier_arrivals): every traveller at a desk asks both, so one statement, by hand."""
    if not nik:
        return None, None
    since = at - dt.timedelta(hours=settings.CHECKPOINT_REPEAT_WINDOW_HOURS)
    row = fetch_one(
        f"SELECT (SELECT id FROM {Resident._meta.db_table} WHERE nik = %s),"
        f" (SELECT id FROM {Arrival._meta.db_table} WHERE checkpoint_id = %s AND nik = %s AND registered_at >= %s"
        " ORDER BY registered_at DESC LIMIT 1)",
        [nik, checkpoint.pk, nik, connection.ops.adapt_datetimefield_value(since)],
    )
    return row[0], row[1]


def _summary(arrival: Arrival) -> dict[str, Any]:
    from smartkampung.checkpoints.present import origin_name

    origin = origin_name(arrival.origin_regency_id)
    return {
        "name": arrival.name or arrival.description,
        "nik": arrival.nik,
        "phone": arrival.phone,
        "origin": origin,
        "checkpoint": arrival.checkpoint.name if arrival.checkpoint_id else "",
        "outcome": arrival.outcome,
        "destination_address": arrival.destination_address or arrival.found_at,
        "monitoring_until": arrival.monitoring_until.isoformat() if arrival.monitoring_until else "",
        "url": f"/checkpoints/arrivals/{arrival.pk}/",
    }


def _require_checkpoint(user, checkpoint: Checkpoint) -> None:
    if not may_look_up_nik_at(user, checkpoint.pk, village_code=checkpoint.village_id):
        raise PermissionDenied(_("You are not an officer of this checkpoint."))


def _raise_if_invalid(checked: Checked) -> None:
    if not checked.ok:
        raise CheckpointError(checked.errors)


@transaction.atomic
def register_arrival(
    *, user, checkpoint: Checkpoint, values: dict[str, Any], repeat_confirmed: bool = False
) -> Registration:
    """Register a traveller at a checkpoint, decide by the rules in force, and tell the destination
    village, its kecamatan and Puskesmas (in the same transaction, so nothing is lost)."""
    _require_checkpoint(user, checkpoint)
    checked = check_arrival(values)
    _raise_if_invalid(checked)
    data = checked.values
    now = timezone.now()
    resident_id, earlier_id = _resident_and_earlier(data["nik"], checkpoint=checkpoint, at=now)
    if earlier_id is not None and not repeat_confirmed:
        raise RepeatedArrival(Arrival.objects.get(pk=earlier_id))
    prereg = None
    if data["preregistration_code"]:
        prereg = (
            PreRegistration.objects.select_for_update()
            .filter(code=data["preregistration_code"], status=PreRegistration.Status.PENDING)
            .first()
        )
        if prereg is None:
            raise CheckpointError(
                [("preregistration_code", _("No expected traveller has this code (or they have arrived)."))]
            )
    rule = _rule_for(checkpoint.village_id[:4], now)
    decision = rules.decide(
        rule,
        rules.Traveller(
            origin_regency=data["origin_regency"],
            is_resident=resident_id is not None,
            temperature=data["temperature"],
            symptoms=tuple(data["symptoms"]),
            contact_with_case=data["contact_with_case"],
        ),
    )
    arrival = Arrival.objects.create(
        source=Arrival.Source.CHECKPOINT,
        checkpoint=checkpoint,
        registered_at=now,
        registered_by=user,
        resident_id=resident_id,
        preregistration=prereg,
        outcome=decision.outcome,
        reasons=decision.reasons,
        monitoring_until=decision.monitoring_until(timezone.localdate(now)),
        rule=rule,
        **_fk_ids({k: data[k] for k in _ARRIVAL_FIELDS}),
    )
    if prereg is not None:
        prereg.status = PreRegistration.Status.ARRIVED
        prereg.save(update_fields=["status"])
    kind = REFUSAL if decision.outcome == Outcome.REFUSED else ARRIVAL
    _record_and_notify(arrival, kind=kind, user=user, detail={"checkpoint": checkpoint.code}, found=False)
    return Registration(arrival, decision)


def _record_and_notify(arrival: Arrival, *, kind: str, user, detail: dict[str, Any], found: bool) -> None:
    """The monitoring case a monitored arrival opens, then the audit entries (the arrival's, the case's) and
    the outbox row, written in one round trip, all in the caller's transaction."""
    entries = [
        audit.entry(
            action="create",
            object_type="arrival",
            subject=arrival.nik,
            object_ids=[arrival.nik] if arrival.nik else [],
            detail={"arrival": arrival.pk, "outcome": arrival.outcome, **detail},
            user=user,
        )
    ]
    if arrival.outcome in MONITORED:
        open_case_for_arrival(arrival=arrival, user=user, found=found, audit_entries=entries)
    notify(
        kind=kind,
        village_code=arrival.destination_village_id,
        subject_type="arrival",
        subject_id=arrival.pk,
        summary=_summary(arrival),
        actor=user,
        also=entries,
    )


_ARRIVAL_FIELDS = (
    "nik", "name", "sex", "birth_date", "origin_regency", "origin_address", "phone", "destination_village",
    "destination_address", "host_name", "purpose", "travel_mode", "vehicle_plate", "temperature", "symptoms",
    "contact_with_case", "isolation_place",
)  # fmt: skip


def _fk_ids(data: dict[str, Any]) -> dict[str, Any]:
    """Region codes as foreign-key ids (Arrival.origin_regency_id …)."""
    out = dict(data)
    for name in ("origin_regency", "destination_village"):
        if name in out:
            out[f"{name}_id"] = out.pop(name) or None
    return out


@transaction.atomic
def report_found(*, user, values: dict[str, Any]) -> Registration:
    """A village operator reports a newcomer who passed no checkpoint: into isolation, and the same
    notifications as an arrival."""
    checked = check_found(values)
    _raise_if_invalid(checked)
    data = checked.values
    if not write_scope(user).covers(data["destination_village"]):
        raise PermissionDenied(_("You may report newcomers only in your own village."))
    now = timezone.now()
    rule = _rule_for(data["destination_village"][:4], now)
    decision = rules.decide(rule, rules.Traveller(found_wandering=True))
    # Linked to the register only within the operator's own reach: an outside NIK reads as an unknown one.
    resident_id = _resident_id(data["nik"], within=read_scope(user))
    fields = ("nik", "name", "description", "phone", "origin_regency", "destination_village", "destination_address")
    arrival = Arrival.objects.create(
        source=Arrival.Source.FOUND,
        registered_at=now,
        registered_by=user,
        resident_id=resident_id,
        sex=data.get("nik_sex") or "",
        birth_date=data.get("nik_birth"),
        found_at=data["found_at"],
        isolation_place=IsolationPlace.HOUSE,
        outcome=decision.outcome,
        reasons=decision.reasons,
        monitoring_until=decision.monitoring_until(timezone.localdate(now)),
        rule=rule,
        **_fk_ids({k: data[k] for k in fields}),
    )
    _record_and_notify(arrival, kind=WANDERING, user=user, detail={"source": "found"}, found=True)
    return Registration(arrival, decision)


# ---------------------------------------------------------------- pre-registration


def preregister(*, values: dict[str, Any]) -> PreRegistration:
    """A citizen announces a trip: a code for the checkpoint, and the destination village is told."""
    checked = check_preregistration(values, today=timezone.localdate())
    _raise_if_invalid(checked)
    data = checked.values
    fields = ("nik", "name", "phone", "origin_regency", "destination_village", "destination_address")
    for _attempt in range(5):
        try:
            with transaction.atomic():
                prereg = PreRegistration.objects.create(
                    code=draw_code(), expected_arrival=data["expected_arrival"], **_fk_ids({k: data[k] for k in fields})
                )
                audit.record(
                    action="create",
                    object_type="preregistration",
                    subject=prereg.nik,
                    object_ids=[prereg.nik],
                    detail={"code": prereg.code, "public": True},
                )
                notify(
                    kind=PREREGISTRATION,
                    village_code=prereg.destination_village_id,
                    subject_type="preregistration",
                    subject_id=prereg.pk,
                    summary={
                        "name": prereg.name,
                        "nik": prereg.nik,
                        "phone": prereg.phone,
                        "origin": prereg.origin_regency.name if prereg.origin_regency_id else "",
                        "destination_address": prereg.destination_address,
                        "expected_arrival": prereg.expected_arrival.isoformat(),
                        "expected_day": prereg.expected_arrival.strftime("%d-%m-%Y"),
                        "code": prereg.code,
                        "url": reverse("checkpoints:preregistration_detail", kwargs={"pk": prereg.pk}),
                    },
                )
                return prereg
        except IntegrityError:
            continue  # the code was taken a moment ago: draw another
    raise RuntimeError("could not draw a free pre-registration code")


# ---------------------------------------------------------------- demonstration

# Banyuwangi's entry points of 2020. Coordinates are of the facilities (OpenStreetMap, approximate).
DEMO_CHECKPOINTS = [
    (
        "ketapang",
        "Pos Pantau Pelabuhan Ketapang",
        Checkpoint.Kind.PORT,
        "3510212003",
        "Jl. Gatot Subroto, Ketapang, Kalipuro",
        "-8.142800",
        "114.397700",
    ),
    (
        "bajulmati",
        "Pos Pantau Bajulmati (jalur pantura dari Situbondo)",
        Checkpoint.Kind.ROAD,
        "3510182007",
        "Jl. Raya Situbondo, Bajulmati, Wongsorejo",
        "-7.935700",
        "114.389900",
    ),
    (
        "kalibaru",
        "Pos Pantau Kalibaru (jalur dari Jember)",
        Checkpoint.Kind.ROAD,
        "3510112001",
        "Jl. Raya Jember, Kalibarukulon, Kalibaru",
        "-8.289100",
        "113.973400",
    ),
    (
        "bandara",
        "Pos Pantau Bandara Banyuwangi",
        Checkpoint.Kind.AIRPORT,
        "3510252001",
        "Jl. Agus Salim, Blimbingsari",
        "-8.310400",
        "114.340300",
    ),
]


@transaction.atomic
def seed_demo_checkpoints() -> list[Checkpoint]:
    """The four checkpoints of the demonstration (created once; later edits are kept)."""
    selectors.active_checkpoints.clear_on_commit()
    return [
        Checkpoint.objects.get_or_create(
            code=code,
            defaults={
                "name": name,
                "kind": kind,
                "village_id": village,
                "address": address,
                "latitude": lat,
                "longitude": lon,
            },
        )[0]
        for code, name, kind, village, address, lat, lon in DEMO_CHECKPOINTS
    ]


# ---------------------------------------------------------------- the desk's NIK look-up


class LookupThrottled(Refused):
    """One officer looked up too many NIKs: refused for `retry_after` seconds (HTTP 429)."""

    def __init__(self, retry_after: int):
        message = _("Too many NIK look-ups from your account. Try again in %(minutes)s min.") % {
            "minutes": max(1, -(-retry_after // 60))
        }
        super().__init__([("nik", message)], 429)
        self.retry_after = retry_after


def _lookup_limits() -> tuple[Limit, ...]:
    return (Limit(settings.CHECKPOINT_LOOKUP_PER_MINUTE, 60), Limit(settings.CHECKPOINT_LOOKUP_PER_DAY, 86400))


def _count_lookup(user) -> None:
    """One NIK look-up of the officer's, counted per officer; LookupThrottled beyond the limits."""
    verdict = ratelimit.hit(scope="checkpoint-lookup", client=f"user:{user.pk}", limits=_lookup_limits())
    if not verdict.allowed:
        raise LookupThrottled(verdict.retry_after)


def look_up_nik(*, user, checkpoint: Checkpoint, nik: str):
    """What the desk pre-fills for a NIK (`present.Lookup`): the register's record, earlier passes, an
    announced trip. Counted per officer, not per address (CHECKPOINT_LOOKUP_PER_MINUTE, _PER_DAY: beyond
    them LookupThrottled); each look-up of a valid NIK is audited, and an officer looking up more than
    CHECKPOINT_LOOKUP_FLAG_PER_HOUR in the last hour is flagged for the administrator (an audit entry of
    record type "lookup_volume_flag", at most one an hour)."""
    from smartkampung.checkpoints import present

    if not may_look_up_nik_at(user, checkpoint.pk, village_code=checkpoint.village_id):
        raise PermissionDenied(_("You are not an officer of this checkpoint."))
    _count_lookup(user)
    found = present.lookup(checkpoint=checkpoint, nik=nik)
    if found.valid:
        audit.record(action="view", object_type="arrival_lookup", subject=found.nik, object_ids=[found.nik], user=user)
        _flag_unusual_volume(user=user, checkpoint=checkpoint)
    return found


def find_preregistrations(*, user, code: str = "", nik: str = "") -> list:
    """Pending pre-registrations by code or NIK (whichever regency they are bound for: a traveller may land at
    another regency's port), for a checkpoint officer (the caller checks). A search by NIK counts against the
    officer's look-up throttle, as the desk's NIK look-up does: else NIKs could be probed without limit. Audited."""
    if nik and not code:
        _count_lookup(user)
    found = list(selectors.pending_preregistrations(code=code, nik=nik)[:20])
    if found:
        audit.record(
            action="search", object_type="preregistration", subject=code or nik, object_ids=[p.nik for p in found]
        )
    return found


def _flag_unusual_volume(*, user, checkpoint: Checkpoint) -> None:
    from smartkampung.audit.models import AuditEntry

    since = timezone.now() - dt.timedelta(hours=1)
    mine = AuditEntry.objects.filter(actor_username=user.get_username(), at__gte=since)
    # A KTP scan compares the card with the register as a typed look-up does: both count.
    count = mine.filter(object_type__in=("arrival_lookup", "ktp_scan")).count()
    if count <= settings.CHECKPOINT_LOOKUP_FLAG_PER_HOUR or mine.filter(object_type="lookup_volume_flag").exists():
        return
    audit.record(
        action="search",
        object_type="lookup_volume_flag",
        subject=user.get_username(),
        detail={
            "lookups_last_hour": count,
            "threshold": settings.CHECKPOINT_LOOKUP_FLAG_PER_HOUR,
            "checkpoint": checkpoint.code,
        },
        user=user,
    )
