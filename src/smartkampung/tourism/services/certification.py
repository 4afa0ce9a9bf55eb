"""Certification: the agency's checklists, inspections with findings item by item, the score and the decision
that issues a signed certificate (or rejects), and the reminders of inspections and expiries.

Every write here is the tourism agency's (accounts.selectors.tourism_agency), owns its transaction and its audit
entry. A decision that issues a certificate signs it inside the same transaction: when the signature fails
(no key, wrong passphrase) nothing of the decision is recorded."""

from __future__ import annotations

import datetime as dt
import hashlib
import logging
import re
import secrets
from decimal import ROUND_HALF_UP, Decimal

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, connection, transaction
from django.db.models import QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from smartkampung.accounts.selectors import tourism_agency
from smartkampung.audit import services as audit
from smartkampung.core.errors import Refused
from smartkampung.letters import keys, signing
from smartkampung.notifications.services import notify
from smartkampung.tourism import certificate_pdf, photos
from smartkampung.tourism.models import (
    CERTIFICATE_DAYS,
    Certificate,
    ChecklistItem,
    Decision,
    Dimension,
    Finding,
    Inspection,
    Place,
    PlaceKind,
)
from smartkampung.tourism.notification_kinds import CERTIFICATE_EXPIRING, DECIDED, INSPECTION_DUE
from smartkampung.tourism.selectors import may_edit_checklists

logger = logging.getLogger(__name__)

PHOTO_TYPES = ("image/jpeg", "image/png", "image/webp")
WEIGHT_MIN, WEIGHT_MAX = 1, 5
REEVALUATION_BEFORE_DAYS = 30
INSPECTION_REMINDER_DAYS = 14
EXPIRY_REMINDER_DAYS = 30
# Certificate codes: no 0/O, 1/I/L, so a code read aloud or typed from paper is not mistaken.
CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
CODE_LENGTH = 10
NUMBER_PATTERN = "PAR/{sequence:04}/{year}"
NUMBER_RE = re.compile(r"^PAR/(\d+)/(\d{4})$")
NUMBER_LOCK = 0x746F75725F6E6F  # "tour_no": the advisory lock of certificate numbering


def _require_agency(user, place: Place | None = None) -> None:
    """The tourism agency (of the place's regency, for a place's work) or refused."""
    agency = tourism_agency(user)
    if agency.nothing or (place is not None and not agency.covers(place.village_id)):
        raise PermissionDenied(_("Only the tourism agency does this."))


# ---------------------------------------------------------------- checklists


def _require_checklist_keeper(user) -> None:
    if not may_edit_checklists(user):
        raise PermissionDenied(
            _("The checklists hold in every regency served: the province administrator changes them.")
        )


def _item_problems(*, text: str, text_en: str, weight, dimension: str | None = None) -> list[tuple[str, str]]:
    errors = []
    if not text.strip():
        errors.append(("text", _("Write the requirement in Bahasa Indonesia.")))
    if len(text) > 300 or len(text_en) > 300:
        errors.append(("text", _("A requirement is at most 300 characters.")))
    if not isinstance(weight, int) or not WEIGHT_MIN <= weight <= WEIGHT_MAX:
        errors.append(("weight", _("The weight is a whole number from 1 to 5.")))
    if dimension is not None and dimension not in Dimension.values:
        errors.append(("dimension", _("Choose cleanliness, health, safety or environment.")))
    return errors


def add_checklist_item(
    *,
    kind: str,
    dimension: str,
    code: str,
    text: str,
    text_en: str = "",
    weight: int,
    mandatory: bool,
    by,
) -> ChecklistItem:
    """A new requirement on the checklist of `kind`, after its last item."""
    _require_checklist_keeper(by)
    code = str(code or "").strip().lower()
    errors = _item_problems(text=text, text_en=text_en, weight=weight, dimension=dimension)
    if kind not in PlaceKind.values:
        errors.append(("kind", _("Unknown kind of place.")))
    if not re.fullmatch(r"[a-z0-9][a-z0-9-]{0,39}", code):
        errors.append(("code", _("The code is up to 40 lower-case letters, digits and hyphens.")))
    elif ChecklistItem.objects.filter(kind=kind, code=code).exists():
        errors.append(("code", _("This checklist already has an item with this code.")))
    if errors:
        raise Refused(errors)
    last = ChecklistItem.objects.filter(kind=kind).order_by("-order").values_list("order", flat=True).first() or 0
    with transaction.atomic():
        item = ChecklistItem.objects.create(
            kind=kind,
            dimension=dimension,
            code=code,
            text=text.strip(),
            text_en=text_en.strip(),
            weight=weight,
            mandatory=bool(mandatory),
            order=last + 10,
        )
        audit.record(
            action="create",
            object_type="tourism_checklist",
            subject=f"{kind}:{code}",
            detail={"weight": weight, "mandatory": bool(mandatory), "dimension": dimension},
            user=by,
        )
    return item


def change_checklist_item(
    *, item: ChecklistItem, text: str, text_en: str, weight: int, mandatory: bool, active: bool = True, by
) -> ChecklistItem:
    """Change an item's words, weight or mandatory flag; `active=False` retires it (it stays on the inspections
    that used it, and new inspections no longer ask for it)."""
    _require_checklist_keeper(by)
    errors = _item_problems(text=text, text_en=text_en, weight=weight)
    if errors:
        raise Refused(errors)
    new = {
        "text": text.strip(),
        "text_en": text_en.strip(),
        "weight": weight,
        "mandatory": bool(mandatory),
        "active": bool(active),
    }
    with transaction.atomic():
        locked = ChecklistItem.objects.select_for_update().get(pk=item.pk)
        changes = audit.diff({name: getattr(locked, name) for name in new}, new)
        if changes:
            for name, value in new.items():
                setattr(locked, name, value)
            locked.save(update_fields=list(new))
            audit.record(
                action="update",
                object_type="tourism_checklist",
                subject=f"{locked.kind}:{locked.code}",
                changes=changes,
                user=by,
            )
    return locked


def retire_checklist_item(*, item: ChecklistItem, by) -> ChecklistItem:
    """Take an item out of use (active=False)."""
    return change_checklist_item(
        item=item,
        text=item.text,
        text_en=item.text_en,
        weight=item.weight,
        mandatory=item.mandatory,
        active=False,
        by=by,
    )


# ---------------------------------------------------------------- inspections


def schedule_inspection(*, place: Place, purpose: str, due_on: dt.date, inspector=None, by) -> Inspection:
    """An inspection of `place` due on `due_on`. A place has one open inspection at a time (a database
    constraint): a second is refused in words, naming the one that is open."""
    _require_agency(by, place)
    errors = []
    if purpose not in Inspection.Purpose.values:
        errors.append(("purpose", _("Choose the purpose of the inspection.")))
    if not isinstance(due_on, dt.date):
        errors.append(("due_on", _("Enter the date the inspection is due.")))
    elif due_on < timezone.localdate():
        errors.append(("due_on", _("The date is in the past.")))
    if inspector is not None and not tourism_agency(inspector).covers(place.village_id):
        errors.append(("inspector", _("The inspector must be an officer of the tourism agency.")))
    if place.status == Place.Status.CLOSED:
        errors.append(("place", _("This place is closed.")))
    if errors:
        raise Refused(errors)
    try:
        with transaction.atomic():
            inspection = Inspection.objects.create(place=place, purpose=purpose, due_on=due_on, inspector=inspector)
            audit.record(
                action="create",
                object_type="tourism_inspection",
                subject=str(inspection.pk),
                object_ids=[str(place.pk)],
                detail={"purpose": purpose, "due_on": due_on.isoformat(), "inspector": getattr(inspector, "pk", None)},
                user=by,
            )
    except IntegrityError as error:
        open_one = Inspection.objects.filter(place=place, status=Inspection.Status.SCHEDULED).first()
        if open_one is None:
            raise
        raise Refused(
            [
                (
                    "place",
                    _("This place already has an inspection scheduled (due %(day)s); record or cancel that one first.")
                    % {"day": open_one.due_on.isoformat()},
                )
            ],
            status=409,
            extra={"inspection": open_one.pk},
        ) from error
    return inspection


def checklist_of(inspection: Inspection) -> QuerySet[ChecklistItem]:
    """The items an inspection asks for: the active items of its place's kind, in checklist order."""
    return ChecklistItem.objects.filter(kind=inspection.place.kind, active=True).order_by("order", "pk")


def check_photo(data: bytes) -> tuple[str, str]:
    """(content type, problem in words) of a finding's photo: tourism.photos.check_photo."""
    content_type, problem = photos.check_photo(data)
    return content_type or "", problem


def _refuse_closed_place(place: Place) -> None:
    """A closed place is not inspected: deciding would bring it back (and onto the public listing)."""
    if place.status == Place.Status.CLOSED:
        raise Refused([("", _("This place is closed: it is no longer inspected or certified."))], status=409)


def record_finding(
    *, inspection: Inspection, item: ChecklistItem, result: str, note: str = "", photo: bytes | None = None, by
) -> Finding:
    """The inspector's finding on one item (met, not met, n.a.), with a note and a photo. Saved item by item, again
    as often as needed (the last one counts); a bad photo refuses the whole finding, so nothing is half saved.
    Without a new photo the one saved before stays."""
    _require_agency(by, inspection.place)
    errors = []
    if inspection.status != Inspection.Status.SCHEDULED:
        raise Refused([("", _("This inspection is closed; its findings can no longer change."))], status=409)
    _refuse_closed_place(inspection.place)
    if item.kind != inspection.place.kind or not item.active:
        raise Refused([("item", _("This item is not on the checklist of this place."))], status=404)
    if result not in Finding.Result.values:
        errors.append(("result", _("Choose met, not met or not applicable.")))
    note = str(note or "").strip()
    if len(note) > 500:
        errors.append(("note", _("The note is at most 500 characters.")))
    photo_type = ""
    if photo:
        photo_type, problem = check_photo(photo)
        if problem:
            errors.append(("photo", problem))
    if errors:
        raise Refused(errors)
    values = {"result": result, "note": note, "recorded_at": timezone.now()}
    if photo:
        values |= {"photo": photo, "photo_type": photo_type}
    with transaction.atomic():
        locked = Inspection.objects.select_for_update().get(pk=inspection.pk)
        if locked.status != Inspection.Status.SCHEDULED:
            raise Refused([("", _("This inspection is closed; its findings can no longer change."))], status=409)
        finding, _created = Finding.objects.update_or_create(inspection=locked, item=item, defaults=values)
        audit.record(
            action="update",
            object_type="tourism_inspection",
            subject=str(inspection.pk),
            object_ids=[str(inspection.place_id)],
            detail={"item": item.code, "result": result, "photo": bool(photo)},
            user=by,
        )
    return finding


def score_of(inspection: Inspection) -> Decimal | None:
    """100 × Σ weight of the items met / Σ weight of the items met or not met (not applicable left out), two
    decimals; None while no item is met or not met. Items retired after the finding still count: they were
    asked for."""
    met = total = 0
    for result, weight in inspection.findings.values_list("result", "item__weight"):
        if result == Finding.Result.NOT_APPLICABLE:
            continue
        total += weight
        if result == Finding.Result.MET:
            met += weight
    if not total:
        return None
    return (Decimal(100 * met) / Decimal(total)).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def missing_items(inspection: Inspection) -> list[ChecklistItem]:
    """The active items of the checklist without a finding yet."""
    return list(checklist_of(inspection).exclude(pk__in=inspection.findings.values("item_id")))


def failed_mandatory(inspection: Inspection) -> list[ChecklistItem]:
    """The mandatory items found not met."""
    ids = inspection.findings.filter(result=Finding.Result.NOT_MET, item__mandatory=True).values("item_id")
    return list(ChecklistItem.objects.filter(pk__in=ids).order_by("order", "pk"))


# ---------------------------------------------------------------- the decision and the certificate


def _next_number(year: int) -> str:
    # Numbering is serialised for the rest of the transaction (which signs and stores the certificate): on
    # PostgreSQL by a transaction-scoped advisory lock, since locking the year's existing rows would not stop two
    # first certificates of a year; SQLite writes one transaction at a time anyway. The unique number stays the
    # last guard.
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [NUMBER_LOCK])
    taken = Certificate.objects.filter(number__endswith=f"/{year}").values_list("number", flat=True)
    highest = max((int(m.group(1)) for n in taken if (m := NUMBER_RE.match(n))), default=0)
    return NUMBER_PATTERN.format(sequence=highest + 1, year=year)


def _new_code() -> str:
    while True:
        code = "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))
        if not Certificate.objects.filter(code=code).exists():
            return code


def verify_url(code: str) -> str:
    """The public page a certificate's QR code leads to."""
    return f"{settings.LETTERS_SITE_URL}{reverse('tourism:verify', kwargs={'code': code})}"


def _decision_problems(inspection, *, decision, conditions, deadline, reasons, passphrase, today) -> list:
    errors: list[tuple[str, str]] = []
    if decision not in Decision.values:
        return [("decision", _("Choose certified, certified with conditions or rejected."))]
    missing = missing_items(inspection)
    if missing:
        errors.append(
            (
                "findings",
                _("Record a finding for every item first. Missing: %(items)s.")
                % {"items": ", ".join(item.code for item in missing)},
            )
        )
    if decision == Decision.CERTIFIED and failed_mandatory(inspection):
        errors.append(
            (
                "decision",
                _(
                    "A mandatory item is not met (%(items)s): the place may be certified only with conditions "
                    "and a deadline, or rejected."
                )
                % {"items": ", ".join(item.code for item in failed_mandatory(inspection))},
            )
        )
    if decision == Decision.CONDITIONAL:
        if not conditions.strip():
            errors.append(("conditions", _("Write the conditions the place must meet.")))
        if not isinstance(deadline, dt.date):
            errors.append(("deadline", _("Enter the date by which the conditions must be met.")))
        elif not today < deadline <= today + dt.timedelta(days=CERTIFICATE_DAYS):
            errors.append(("deadline", _("The deadline must be after today and within the certificate's year.")))
    if decision == Decision.REJECTED and not reasons.strip():
        errors.append(("reasons", _("Write the reasons for the rejection.")))
    if decision != Decision.REJECTED and not passphrase:
        errors.append(("passphrase", _("Enter the passphrase of your signing key.")))
    return errors


def decide_inspection(
    *,
    inspection: Inspection,
    decision: str,
    conditions: str = "",
    deadline: dt.date | None = None,
    reasons: str = "",
    passphrase: str = "",
    by,
    today: dt.date | None = None,
) -> Inspection:
    """Close the inspection with its score and decision; the place becomes registered (active). Certified or
    certified with conditions: a new certificate, signed by `by` with their key (`passphrase`), replaces the
    place's earlier one (revoked as superseded), and the re-evaluation is scheduled 30 days before it expires
    (by the deadline of its conditions, when it has some).
    Rejected: a certificate still in force is revoked (the place failed its re-evaluation). One transaction:
    when the signature fails nothing is recorded and the refusal says why."""
    _require_agency(by, inspection.place)
    today = today or timezone.localdate()
    conditions, reasons = str(conditions or "").strip(), str(reasons or "").strip()
    if inspection.status != Inspection.Status.SCHEDULED:
        raise Refused([("", _("This inspection is already closed."))], status=409)
    errors = _decision_problems(
        inspection,
        decision=decision,
        conditions=conditions,
        deadline=deadline,
        reasons=reasons,
        passphrase=passphrase,
        today=today,
    )
    if errors:
        raise Refused(errors)
    issuing = decision != Decision.REJECTED
    key = certificate_pdf.signing_key_of(by) if issuing else None
    now = timezone.now()
    with transaction.atomic():
        locked = Inspection.objects.select_for_update().select_related("place__village__district").get(pk=inspection.pk)
        if locked.status != Inspection.Status.SCHEDULED:
            raise Refused([("", _("This inspection is already closed."))], status=409)
        place = locked.place
        _refuse_closed_place(place)
        locked.score = score_of(locked)
        locked.status, locked.decision, locked.finished_at = Inspection.Status.DONE, decision, now
        locked.conditions = conditions if decision == Decision.CONDITIONAL else ""
        locked.conditions_deadline = deadline if decision == Decision.CONDITIONAL else None
        locked.reasons = reasons if decision == Decision.REJECTED else ""
        if locked.inspector_id is None:
            locked.inspector = by
        locked.save()
        Place.objects.filter(pk=place.pk).update(status=Place.Status.ACTIVE, updated_at=now)
        in_force = list(
            Certificate.objects.select_for_update().filter(
                place=place, status__in=[Certificate.Status.VALID, Certificate.Status.SUSPENDED]
            )
        )
        certificate = None
        if issuing:
            certificate = _issue_certificate(locked, key=key, passphrase=passphrase, in_force=in_force, by=by, now=now)
        else:
            for earlier in in_force:
                _revoke(earlier, reason=_("re-evaluation rejected: %(reasons)s") % {"reasons": reasons}, now=now)
        audit.record(
            action="update",
            object_type="tourism_inspection",
            subject=str(locked.pk),
            object_ids=[str(place.pk)],
            detail={
                "decision": decision,
                "score": str(locked.score) if locked.score is not None else None,
                "certificate": certificate.number if certificate else None,
                "revoked": [c.number for c in in_force],
            },
            user=by,
        )
        _tell_owner(
            DECIDED,
            place,
            subject_type="tourism_inspection",
            subject_id=locked.pk,
            summary={"certificate": certificate.number if certificate else "", "outcome": decision},
            message=_decided_message(place, decision, certificate),
            actor=by,
        )
    return locked


def _revoke(certificate: Certificate, *, reason: str, now) -> None:
    certificate.status, certificate.status_reason, certificate.status_changed_at = (
        Certificate.Status.REVOKED,
        reason,
        now,
    )
    certificate.save(update_fields=["status", "status_reason", "status_changed_at"])


def _issue_certificate(inspection: Inspection, *, key, passphrase: str, in_force, by, now) -> Certificate:
    material, signer_name, position = key
    place = inspection.place
    today = timezone.localdate(now)
    number = _next_number(today.year)
    for earlier in in_force:  # before the new one: at most one certificate of a place is in force
        _revoke(earlier, reason=f"superseded by {number}", now=now)
    code = _new_code()
    valid_until = today + dt.timedelta(days=CERTIFICATE_DAYS)
    content = certificate_pdf.CertificateContent(
        regency=keys.regency_name(),
        number=number,
        code=code,
        place_name=place.name,
        kind=str(PlaceKind(place.kind).label),
        address=place.address,
        village=place.village.name.title(),
        district=place.village.district.name.title(),
        score=f"{inspection.score}".replace(".", ",") if inspection.score is not None else "-",
        issued_on=today,
        valid_until=valid_until,
        verify_url=verify_url(code),
        signer_name=signer_name,
        signer_position=position,
        conditions=inspection.conditions,
        conditions_deadline=inspection.conditions_deadline,
    )
    try:
        pdf = certificate_pdf.signed_certificate(content, key=material, passphrase=passphrase)
    except signing.WrongPassphrase as error:
        raise Refused(
            [("passphrase", _("The passphrase is wrong. Nothing was recorded; the inspection still waits."))]
        ) from error
    except signing.SigningFailed as error:
        logger.warning("certificate signing failed: %s", error)
        raise Refused(
            [
                (
                    "passphrase",
                    _("The certificate could not be signed: %(why)s Nothing was recorded.") % {"why": error.words},
                )
            ],
            status=502,
        ) from error
    certificate = Certificate.objects.create(
        place=place,
        inspection=inspection,
        number=number,
        code=code,
        conditional=inspection.decision == Decision.CONDITIONAL,
        issued_at=now,
        valid_until=valid_until,
        signed_by=by,
        pdf=pdf,
        sha256=hashlib.sha256(pdf).hexdigest(),
    )
    # The re-evaluation: 30 days before expiry, or by the conditions' deadline when there are conditions (they are
    # checked then, and a rejection revokes the certificate).
    due_on = valid_until - dt.timedelta(days=REEVALUATION_BEFORE_DAYS)
    if inspection.decision == Decision.CONDITIONAL and inspection.conditions_deadline:
        due_on = min(due_on, inspection.conditions_deadline)
    Inspection.objects.create(
        place=place, purpose=Inspection.Purpose.REEVALUATION, due_on=due_on, inspector=inspection.inspector
    )
    return certificate


def _decided_message(place: Place, decision: str, certificate: Certificate | None) -> str:
    if certificate is not None:
        return _("%(place)s is certified (%(number)s), valid until %(day)s.") % {
            "place": place.name,
            "number": certificate.number,
            "day": certificate.valid_until.isoformat(),
        }
    return _("The inspection of %(place)s ended without a certificate; the reasons are on its page.") % {
        "place": place.name
    }


def _tell_owner(kind: str, place: Place, *, subject_type, subject_id, summary, message, actor=None) -> None:
    summary = {
        "place": place.name,
        **summary,
        "url": reverse("tourism:place_detail", kwargs={"place_id": place.pk}),  # the decision is shown there
        "citizen_phone": place.contact_phone,
        "citizen_message": message,
    }
    notify(
        kind=kind,
        village_code=place.village_id,
        subject_type=subject_type,
        subject_id=subject_id,
        summary=summary,
        actor=actor,
    )


# ---------------------------------------------------------------- reads of the public verification


def certificate_facts(certificate: Certificate, *, today: dt.date | None = None) -> dict:
    """What the public verification says of a certificate (no owner, no contact)."""
    today = today or timezone.localdate()
    place = certificate.place
    state = certificate.state_on(today)
    return {
        "number": certificate.number,
        "code": certificate.code,
        "state": state,
        "place": place.name,
        "kind": place.kind,
        "kind_label": str(PlaceKind(place.kind).label),
        "village": place.village.name.title(),
        "district": place.village.district.name.title(),
        "issued_on": timezone.localdate(certificate.issued_at),
        "valid_until": certificate.valid_until,
        "conditional": certificate.conditional,
        "reason": certificate.status_reason if state in ("suspended", "revoked") else "",
    }


def certificate_by_code(code: str) -> Certificate | None:
    """The certificate of a verification code (as printed: case and spaces forgiven)."""
    code = "".join(str(code or "").split()).upper()[:16]
    return Certificate.objects.select_related("place__village__district").defer("pdf").filter(code=code).first()


# ---------------------------------------------------------------- reminders (a periodic job)


def _reminded(kind: str, subject_type: str, subject_id: int) -> bool:
    from smartkampung.notifications.models import Notification

    return Notification.objects.filter(kind=kind, subject_type=subject_type, subject_id=subject_id).exists()


def send_reminders(*, today: dt.date | None = None) -> int:
    """Remind owners, once each, of an inspection due within 14 days and of a certificate expiring within 30
    (the notification itself is the record that the reminder went: its kind and subject). Each under a lock of
    its row, so two workers running this at once send one reminder. Returns how many were sent."""
    today = today or timezone.localdate()
    sent = 0
    due = Inspection.objects.filter(
        status=Inspection.Status.SCHEDULED,
        due_on__gte=today,
        due_on__lte=today + dt.timedelta(days=INSPECTION_REMINDER_DAYS),
    ).exclude(place__status=Place.Status.CLOSED)
    for inspection_id in due.values_list("pk", flat=True):
        with transaction.atomic():
            inspection = Inspection.objects.select_for_update().select_related("place").get(pk=inspection_id)
            if _reminded(INSPECTION_DUE, "tourism_inspection", inspection.pk):
                continue
            _tell_owner(
                INSPECTION_DUE,
                inspection.place,
                subject_type="tourism_inspection",
                subject_id=inspection.pk,
                summary={"due_on": inspection.due_on.isoformat()},
                message=_("The health-protocol inspection of %(place)s is due on %(day)s.")
                % {"place": inspection.place.name, "day": inspection.due_on.isoformat()},
            )
            sent += 1
    expiring = Certificate.objects.filter(
        status=Certificate.Status.VALID,
        valid_until__gte=today,
        valid_until__lte=today + dt.timedelta(days=EXPIRY_REMINDER_DAYS),
    )
    for certificate_id in expiring.values_list("pk", flat=True):
        with transaction.atomic():
            certificate = Certificate.objects.select_for_update().select_related("place").get(pk=certificate_id)
            if _reminded(CERTIFICATE_EXPIRING, "tourism_certificate", certificate.pk):
                continue
            _tell_owner(
                CERTIFICATE_EXPIRING,
                certificate.place,
                subject_type="tourism_certificate",
                subject_id=certificate.pk,
                summary={"certificate": certificate.number, "due_on": certificate.valid_until.isoformat()},
                message=_("The health-protocol certificate %(number)s of %(place)s expires on %(day)s.")
                % {
                    "number": certificate.number,
                    "place": certificate.place.name,
                    "day": certificate.valid_until.isoformat(),
                },
            )
            sent += 1
    return sent


def remind_owners() -> None:
    """The periodic job (registered in tourism/apps.py)."""
    sent = send_reminders()
    if sent:
        logger.info("tourism reminders sent: %s", sent)
