"""Writes (and the scoped reads) of violations: a tourist's or an officer's report against a place, the agency's
investigation and decision, and the suspension, revocation and reinstatement of certificates.

Every write owns its transaction, its audit entry and its notification. A certificate's status is changed in the
same transaction as the violation that caused it, so the public listing (which filters on the certificate's status
when it is read, selectors.certified_q) drops a revoked or suspended place the moment the decision commits."""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Case, IntegerField, QuerySet, Value, When
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from smartkampung.accounts.selectors import reports_as_officer, tourism_agency, tourism_read_q
from smartkampung.audit import services as audit
from smartkampung.core.codes import draw_code
from smartkampung.core.errors import Refused
from smartkampung.core.ratelimit import Limit
from smartkampung.core.validators import control_character_message
from smartkampung.notifications.services import notify
from smartkampung.population.normalize import PhoneError, normalize_phone
from smartkampung.tourism import notification_kinds_violations as kinds
from smartkampung.tourism import photos
from smartkampung.tourism.models import Certificate, Place, Violation
from smartkampung.tourism.selectors import certified_q, in_force_certificate

CODE_LENGTH = 10
WHAT_MAX = 2000
OUTCOME_MAX = 2000
REASON_MAX = 2000
# A phone's clock a little ahead of the server's is not a report from the future.
CLOCK_SLACK = dt.timedelta(minutes=5)
SEEN_FORMATS = ("%d-%m-%Y %H:%M", "%Y-%m-%dT%H:%M", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%d %H:%M")


class Action:
    """What upholding a violation does to the place's certificate."""

    NONE = "none"
    SUSPEND = "suspend"
    REVOKE = "revoke"
    ALL = ("none", "suspend", "revoke")


@dataclass(frozen=True)
class Upload:
    """A photo as a form or the API hands it over."""

    name: str
    data: bytes


photo_max_bytes = photos.max_bytes


def report_limits() -> tuple[Limit, ...]:
    """Public reports per client address: a tourist reports a few, a flood is refused."""
    return (
        Limit(settings.TOURISM_REPORTS_PER_HOUR, 3600),
        Limit(settings.TOURISM_REPORTS_PER_DAY, 86400),
    )


def is_officer(user) -> bool:
    """A signed-in account holding any role: reports as an officer (named, not rate-limited)."""
    return reports_as_officer(user)


# ---------------------------------------------------------------- reads (scope decided in accounts.selectors)


def reportable_places(*, search: str = "") -> QuerySet[Place]:
    """The places a violation may be reported against: those the public listing shows (registered, with a
    certificate valid today)."""
    places = Place.objects.filter(certified_q(), status=Place.Status.ACTIVE).select_related("village")
    if search.strip():
        places = places.filter(name__icontains=search.strip()[:60])
    return places.order_by("name", "pk")


def agency_violations(user) -> QuerySet[Violation]:
    """Every violation of the agency's regency, open ones first (then the newest): the agency's work. Nobody
    else's."""
    agency = tourism_agency(user)
    if agency.nothing:
        return Violation.objects.none()
    order = Case(
        When(status=Violation.Status.OPEN, then=Value(0)),
        When(status=Violation.Status.INVESTIGATING, then=Value(1)),
        default=Value(2),
        output_field=IntegerField(),
    )
    return (
        Violation.objects.filter(agency.q("place__village"))
        .select_related("place", "place__village", "place__village__district")
        .annotate(open_order=order)
        .order_by("open_order", "-created_at", "-pk")
    )


def upheld_violations_of(user, place_id: int) -> tuple[Place, QuerySet[Violation]] | None:
    """The place (if the user reads its records: tourism_read_q) and the violations upheld against it. Open and
    dismissed reports are not shown there: an unproven or unfounded allegation is not the owner's record."""
    place = Place.objects.filter(tourism_read_q(user), pk=place_id).select_related("village").first()
    if place is None:
        return None
    return place, place.violations.filter(status=Violation.Status.UPHELD).order_by("-closed_at", "-pk")


def violation_by_code(code: str) -> Violation | None:
    """A report as its reporter follows it by its code (spaces and case forgiven)."""
    code = "".join((code or "").split()).upper()
    if len(code) != CODE_LENGTH:
        return None
    return Violation.objects.filter(code=code).first()


def public_status(violation: Violation) -> dict:
    """What the reporter is told: the status and, once decided, the outcome in words. Never the reporter's
    contact, the officer or anything about the place beyond its name."""
    closed = violation.status in (Violation.Status.UPHELD, Violation.Status.DISMISSED)
    return {
        "code": violation.code,
        "place": violation.place.name,
        "status": violation.status,
        "status_label": str(Violation.Status(violation.status).label),
        "outcome": violation.outcome if closed else "",
        "reported_at": violation.created_at,
        "closed_at": violation.closed_at,
    }


# ---------------------------------------------------------------- checking a report


def check_photo(upload: Upload | None) -> tuple[str, bytes, str]:
    """(content type, bytes, problem in words) of a report's photo (tourism.photos.check_photo); none is fine."""
    if upload is None or not upload.data:
        return "", b"", ""
    content_type, problem = photos.check_photo(upload.data)
    return (content_type or "", upload.data if content_type and not problem else b"", problem)


def parse_seen_at(value, *, now: dt.datetime) -> tuple[dt.datetime | None, str]:
    """(aware datetime or None, problem in words). Text is read in WIB as DD-MM-YYYY HH:MM or a datetime-local
    value (YYYY-MM-DDTHH:MM)."""
    if value in (None, ""):
        return None, ""
    if isinstance(value, dt.datetime):
        seen = value if timezone.is_aware(value) else timezone.make_aware(value)
    else:
        seen = None
        for layout in SEEN_FORMATS:
            try:
                seen = timezone.make_aware(dt.datetime.strptime(str(value).strip(), layout))  # noqa: DTZ007
                break
            except ValueError:
                continue
        if seen is None:
            return None, _("Write when you saw it as DD-MM-YYYY HH:MM, for example 17-08-2026 14:30.")
    if seen > now + CLOCK_SLACK:
        return None, _("The time you saw it cannot be in the future.")
    return seen, ""


def normalize_contact(value: str) -> tuple[str, str]:
    """(a phone in E.164 or an e-mail in lower case, problem in words); "" when none was given."""
    value = (value or "").strip()
    if not value:
        return "", ""
    if problem := control_character_message(value):
        return "", problem
    if "@" in value:
        from django.core.exceptions import ValidationError
        from django.core.validators import validate_email

        try:
            validate_email(value)
        except ValidationError:
            return "", _("This is not an e-mail address we can write to.")
        return value.lower()[:120], ""
    try:
        return normalize_phone(value), ""
    except PhoneError:
        return "", _("Give a phone number (for example 0812 3456 7890) or an e-mail address, or leave it empty.")


# ---------------------------------------------------------------- reporting


def report_violation(
    *,
    place_id,
    what: str,
    seen_at=None,
    contact: str = "",
    photo: Upload | None = None,
    by=None,
    now: dt.datetime | None = None,
) -> Violation:
    """A tourist (or an officer, `by`) reports that a listed place breaks the health protocol. Everything is
    checked before anything is written; the agency is notified in the same transaction."""
    now = now or timezone.now()
    errors: list[tuple[str, str]] = []
    try:
        place = reportable_places().filter(pk=int(place_id)).first()
    except (TypeError, ValueError):
        place = None
    if place is None:
        errors.append(("place_id", _("Choose a place from the list of certified places.")))
    what = (what or "").strip()
    if not what:
        errors.append(("what", _("Say what happened.")))
    elif problem := control_character_message(what, multiline=True):
        errors.append(("what", problem))
    elif len(what) > WHAT_MAX:
        errors.append(("what", _("Say what happened in at most %(n)s characters.") % {"n": WHAT_MAX}))
    seen, problem = parse_seen_at(seen_at, now=now)
    if problem:
        errors.append(("seen_at", problem))
    contact, problem = normalize_contact(contact)
    if problem:
        errors.append(("contact", problem))
    photo_type, photo_data, problem = check_photo(photo)
    if problem:
        errors.append(("photo", problem))
    if errors:
        raise Refused(errors)
    officer = by if is_officer(by) else None
    with transaction.atomic():
        violation = _create_with_code(
            place=place,
            what=what,
            seen_at=seen,
            photo=photo_data or None,
            photo_type=photo_type,
            reporter_contact=contact,
            reported_by=officer,
            created_at=now,
        )
        audit.record(
            action="create",
            object_type="tourism_violation",
            subject=violation.code,
            object_ids=[str(violation.pk)],
            detail={
                "place": place.pk,
                "by_officer": officer is not None,
                "with_photo": bool(photo_data),
                "photo_sha256": hashlib.sha256(photo_data).hexdigest() if photo_data else "",
                "with_contact": bool(contact),
            },
            user=officer,
        )
        # No reporter's contact in the summary: a village's notifications reach its operators and kecamatan too.
        notify(
            kind=kinds.REPORTED,
            village_code=place.village_id,
            subject_type="tourism_violation",
            subject_id=violation.pk,
            summary={
                "place": place.name,
                "code": violation.code,
                "url": reverse("tourism:violation_detail", kwargs={"violation_id": violation.pk}),
            },
            actor=officer,
        )
    return violation


def _create_with_code(**fields) -> Violation:
    for _attempt in range(5):
        try:
            with transaction.atomic():  # a savepoint: a code already taken is drawn again
                return Violation.objects.create(code=draw_code(CODE_LENGTH), **fields)
        except IntegrityError:
            continue
    raise RuntimeError("could not draw a free violation code")


# ---------------------------------------------------------------- the agency's work


def _agency_only(by, place=None) -> None:
    """The tourism agency (of the place's regency, for a place's violation or certificate) or refused."""
    agency = tourism_agency(by)
    if agency.nothing or (place is not None and not agency.covers(place.village_id)):
        raise Refused([("", _("Only the tourism agency handles violations and certificates."))], status=403)


def _locked_violation(violation: Violation) -> Violation:
    return Violation.objects.select_for_update().select_related("place").get(pk=violation.pk)


def _text(value: str, field: str, missing: str, most: int) -> str:
    value = (value or "").strip()
    if not value:
        raise Refused([(field, missing)])
    if problem := control_character_message(value, multiline=True):
        raise Refused([(field, problem)])
    if len(value) > most:
        raise Refused([(field, _("Write at most %(n)s characters.") % {"n": most})])
    return value


def _still_open(violation: Violation) -> None:
    if violation.status in (Violation.Status.UPHELD, Violation.Status.DISMISSED):
        raise Refused(
            [
                (
                    "status",
                    _("This report is already decided (%(status)s).") % {"status": violation.get_status_display()},
                )
            ],
            status=409,
        )


def start_investigation(*, violation: Violation, by) -> Violation:
    """The agency takes an open report up: it is under investigation, handled by `by`."""
    _agency_only(by, violation.place)
    with transaction.atomic():
        violation = _locked_violation(violation)
        _still_open(violation)
        if violation.status == Violation.Status.INVESTIGATING:
            raise Refused([("status", _("This report is already under investigation."))], status=409)
        violation.status, violation.handled_by = Violation.Status.INVESTIGATING, by
        violation.save(update_fields=["status", "handled_by"])
        audit.record(
            action="update",
            object_type="tourism_violation",
            subject=violation.code,
            object_ids=[str(violation.pk)],
            changes={"status": [Violation.Status.OPEN, Violation.Status.INVESTIGATING]},
            detail={"place": violation.place_id},
            user=by,
        )
    return violation


def dismiss_violation(*, violation: Violation, outcome: str, by, now: dt.datetime | None = None) -> Violation:
    """The agency finds the report unfounded: closed as dismissed with the outcome in words."""
    _agency_only(by, violation.place)
    outcome = _text(outcome, "outcome", _("Say why the report is dismissed."), OUTCOME_MAX)
    with transaction.atomic():
        violation = _locked_violation(violation)
        _still_open(violation)
        return _close(violation, Violation.Status.DISMISSED, outcome, by, now or timezone.now(), action="")


def uphold_violation(
    *, violation: Violation, outcome: str, action: str, by, now: dt.datetime | None = None
) -> Violation:
    """The agency upholds the report; `action` (none, suspend, revoke) is applied to the place's certificate in
    force in the same transaction, so the listing and the verification page say so at once."""
    _agency_only(by, violation.place)
    outcome = _text(outcome, "outcome", _("Say what was found and what follows."), OUTCOME_MAX)
    if action not in Action.ALL:
        raise Refused([("action", _("Choose what happens to the certificate: nothing, suspend or revoke."))])
    now = now or timezone.now()
    with transaction.atomic():
        violation = _locked_violation(violation)
        _still_open(violation)
        if action != Action.NONE:
            certificate = in_force_certificate(violation.place)
            if certificate is None:
                raise Refused([("action", _("The place has no certificate in force to suspend or revoke."))], 409)
            # The reason is public (the certificate's QR page): the report's code is the reporter's key, so not in it.
            reason = _("A health-protocol violation was upheld: %(outcome)s") % {"outcome": outcome}
            target = Certificate.Status.SUSPENDED if action == Action.SUSPEND else Certificate.Status.REVOKED
            _change_certificate(certificate, target, reason[:REASON_MAX], by, now, violation=violation)
        return _close(violation, Violation.Status.UPHELD, outcome, by, now, action=action)


def _close(violation: Violation, status: str, outcome: str, by, now: dt.datetime, *, action: str) -> Violation:
    before = violation.status
    violation.status, violation.outcome, violation.handled_by, violation.closed_at = status, outcome, by, now
    violation.save(update_fields=["status", "outcome", "handled_by", "closed_at"])
    audit.record(
        action="update",
        object_type="tourism_violation",
        subject=violation.code,
        object_ids=[str(violation.pk)],
        changes={"status": [before, status]},
        detail={"place": violation.place_id, "outcome": outcome, "certificate_action": action},
        user=by,
    )
    return violation


# ---------------------------------------------------------------- certificates


def suspend_certificate(*, certificate: Certificate, reason: str, by, now: dt.datetime | None = None) -> Certificate:
    """Suspend a valid certificate (the place leaves the listing until it is reinstated)."""
    return _set_status(certificate, Certificate.Status.SUSPENDED, reason, by, now)


def revoke_certificate(*, certificate: Certificate, reason: str, by, now: dt.datetime | None = None) -> Certificate:
    """Revoke a certificate in force, for good: only a new inspection gives the place a certificate again."""
    return _set_status(certificate, Certificate.Status.REVOKED, reason, by, now)


def reinstate_certificate(*, certificate: Certificate, reason: str, by, now: dt.datetime | None = None) -> Certificate:
    """Lift a suspension: the certificate is valid again (until its date). A revocation is never lifted."""
    return _set_status(certificate, Certificate.Status.VALID, reason, by, now)


def _set_status(certificate: Certificate, status: str, reason: str, by, now) -> Certificate:
    _agency_only(by, certificate.place)
    reason = _text(reason, "reason", _("Give the reason."), REASON_MAX)
    with transaction.atomic():
        certificate = Certificate.objects.select_for_update().select_related("place").get(pk=certificate.pk)
        return _change_certificate(certificate, status, reason, by, now or timezone.now())


def _change_certificate(
    certificate: Certificate, status: str, reason: str, by, now: dt.datetime, *, violation: Violation | None = None
) -> Certificate:
    """Within the caller's transaction, the certificate row locked (or fresh from in_force_certificate)."""
    certificate = Certificate.objects.select_for_update().select_related("place").get(pk=certificate.pk)
    before = certificate.status
    if before == Certificate.Status.REVOKED:
        raise Refused(
            [
                (
                    "status",
                    _("This certificate is revoked, and a revocation is final: the place needs a new inspection."),
                )
            ],
            status=409,
        )
    if before == status:
        raise Refused(
            [("status", _("The certificate is already %(status)s.") % {"status": certificate.get_status_display()})],
            status=409,
        )
    if status == Certificate.Status.VALID and before != Certificate.Status.SUSPENDED:
        raise Refused([("status", _("Only a suspended certificate can be reinstated."))], status=409)
    certificate.status, certificate.status_reason, certificate.status_changed_at = status, reason, now
    certificate.save(update_fields=["status", "status_reason", "status_changed_at"])
    audit.record(
        action="update",
        object_type="tourism_certificate",
        subject=certificate.number,
        object_ids=[str(certificate.pk)],
        changes={"status": [before, status]},
        detail={
            "place": certificate.place_id,
            "reason": reason,
            "violation": violation.code if violation else "",
        },
        user=by,
    )
    _tell_owner(certificate, status, reason, by)
    return certificate


def _tell_owner(certificate: Certificate, status: str, reason: str, by) -> None:
    place = certificate.place
    kind = {
        Certificate.Status.SUSPENDED: kinds.SUSPENDED,
        Certificate.Status.REVOKED: kinds.REVOKED,
        Certificate.Status.VALID: kinds.REINSTATED,
    }[status]
    summary = {
        "place": place.name,
        "certificate": certificate.number,
        "reason": reason[:300],
        "url": reverse("tourism:place_violations", kwargs={"place_id": place.pk}),
    }
    if place.contact_phone:
        summary["citizen_phone"] = place.contact_phone
        summary["citizen_message"] = owner_message(status, place, certificate, reason)
    notify(
        kind=kind,
        village_code=place.village_id,
        subject_type="tourism_certificate",
        subject_id=certificate.pk,
        summary=summary,
        actor=by,
    )


def owner_message(status: str, place: Place, certificate: Certificate, reason: str) -> str:
    """What the owner reads on their phone (in Indonesian, as the agency writes to owners)."""
    short = reason[:200]
    if status == Certificate.Status.SUSPENDED:
        return (
            f"Sertifikat protokol kesehatan {place.name} (nomor {certificate.number}) DIBEKUKAN oleh Dinas "
            f"Pariwisata: {short}. Tempat Anda tidak tampil di daftar wisata sampai sertifikat dipulihkan."
        )
    if status == Certificate.Status.REVOKED:
        return (
            f"Sertifikat protokol kesehatan {place.name} (nomor {certificate.number}) DICABUT oleh Dinas "
            f"Pariwisata: {short}. Untuk sertifikat baru, ajukan inspeksi ulang."
        )
    return f"Sertifikat protokol kesehatan {place.name} (nomor {certificate.number}) BERLAKU KEMBALI: {short}."
