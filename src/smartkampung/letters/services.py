"""Writes of the letters module: a request opened at the office or online, each official's signature or
rejection along the chain, and the letter types the administrator edits.

A signature is applied inside a transaction that holds the request's row (two clicks never sign one step twice);
the final one also holds the village's number counter, so the number is given, filled into the letter and signed
in one go, and a failed signature gives it back. A failed signature changes nothing but the step's last error:
the letter keeps waiting for that official with the earlier file."""

import datetime as dt
import hashlib
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from smartkampung.accounts.selectors import letters_desk_scope, may_manage_letter_types, may_sign_as
from smartkampung.audit import services as audit
from smartkampung.core.codes import draw_code
from smartkampung.core.errors import Refused
from smartkampung.letters import keys, numbering, pdf, signing, templating, validation
from smartkampung.letters.attachments import Upload, checked_attachments
from smartkampung.letters.content import (
    ACTION_WORDS,
    WIB,
    indonesian_date,
    letter_content,
    official_title,
    resident_facts,
)
from smartkampung.letters.models import (
    Action,
    ChainStep,
    LetterAttachment,
    LetterRequest,
    LetterRevision,
    LetterStep,
    LetterType,
    Position,
    SigningKey,
)
from smartkampung.letters.notification_kinds import FINISHED, REJECTED, REQUESTED
from smartkampung.letters.selectors import trust_roots
from smartkampung.notifications.services import notify
from smartkampung.population.identity import NOT_MATCHED, checked_identity, find_citizen
from smartkampung.population.models import Resident
from smartkampung.population.normalize import PhoneError, normalize_phone
from smartkampung.regions.nik import parse_nik

# ---------------------------------------------------------------- requests


def _letter_type(value) -> LetterType:
    letter_type = LetterType.objects.filter(active=True).filter(code=str(value or "")).first()
    if letter_type is None and str(value or "").isdigit():
        letter_type = LetterType.objects.filter(active=True, pk=int(value)).first()
    if letter_type is None:
        raise Refused([("letter_type", _("Choose one of the letters offered."))])
    return letter_type


def _purpose(letter_type: LetterType, value) -> tuple[str, list]:
    purpose = " ".join(str(value or "").split())
    if letter_type.needs_purpose and len(purpose) < 3:
        return purpose, [("purpose", _("Say what the letter is for (for example: berobat ke rumah sakit)."))]
    if len(purpose) > 300:
        return purpose, [("purpose", _("Keep the purpose under 300 characters."))]
    return purpose, []


def _open_request(
    *, letter_type: LetterType, resident: Resident, purpose: str, phone: str, channel: str, attachments, user, now
) -> LetterRequest:
    chain = list(ChainStep.objects.filter(letter_type=letter_type).order_by("order"))
    if not chain:
        raise Refused([("letter_type", _("This letter has no approval chain yet. Ask the regency administrator."))])
    resident = Resident.objects.select_related("household", "village__district__regency").get(pk=resident.pk)
    facts = resident_facts(resident)
    facts["letter.purpose"] = purpose
    for _attempt in range(5):
        code = draw_code(10)
        if not LetterRequest.objects.filter(code=code).exists():
            break
    letter = LetterRequest.objects.create(
        code=code,
        letter_type=letter_type,
        village=resident.village,
        resident=resident,
        facts=facts,
        purpose=purpose,
        phone=phone,
        channel=channel,
        current_step=chain[0].order,
        requested_at=now,
        created_by=user,
    )
    steps = LetterStep.objects.bulk_create(
        [
            LetterStep(
                request=letter,
                order=step.order,
                position=step.position,
                action=step.action,
                status=LetterStep.Status.WAITING if i == 0 else LetterStep.Status.PENDING,
                ready_at=now if i == 0 else None,
            )
            for i, step in enumerate(chain)
        ]
    )
    for row in attachments:
        row.request = letter
    LetterAttachment.objects.bulk_create(attachments)
    content = letter_content(letter_type=letter_type, village=resident.village, facts=facts, code=code, steps=steps)
    rendered = pdf.render_letter(content)
    LetterRevision.objects.create(
        request=letter, number=0, pdf=rendered, sha256=hashlib.sha256(rendered).hexdigest(), created_at=now
    )
    audit.record(
        action="create",
        object_type="letter_request",
        subject=code,
        object_ids=[str(letter.pk)],
        detail={"letter_type": letter_type.code, "channel": channel, "nik": resident.nik},
        user=user,
    )
    if channel == LetterRequest.Channel.ONLINE:  # a request at the office is in the operator's hands already
        _tell(REQUESTED, letter, waiting_for=steps[0], actor=user)
    return letter


def _tell(
    kind: str, letter: LetterRequest, *, waiting_for: LetterStep | None = None, outcome: str = "", actor=None
) -> None:
    summary = {
        "letter": letter.letter_type.name,
        "code": letter.code,
        "waiting_for": official_title(waiting_for.position, letter.village) if waiting_for else "",
        "outcome": outcome,
        "url": reverse("letters:letter_detail", kwargs={"code": letter.code}),
    }
    if kind in (FINISHED, REJECTED) and letter.phone:
        summary["citizen_phone"] = letter.phone
        summary["citizen_message"] = citizen_message(kind, letter, outcome=outcome)
    notify(
        kind=kind,
        village_code=letter.village_id,
        subject_type="letter_request",
        subject_id=letter.pk,
        summary=summary,
        actor=actor,
    )


def citizen_message(kind: str, letter: LetterRequest, *, outcome: str = "") -> str:
    """What the resident reads on their phone (in Indonesian, the language of the letter)."""
    status_page = f"{settings.LETTERS_SITE_URL}{reverse('letters:status')}"
    if kind == FINISHED:
        return (
            f"{letter.letter_type.name} Anda (kode {letter.code}) sudah ditandatangani, nomor {letter.number}. "
            f"Unduh di {status_page} dengan kode, NIK dan nomor KK Anda."
        )
    return (
        f"Permohonan {letter.letter_type.name} Anda (kode {letter.code}) dikembalikan oleh kantor desa: {outcome}. "
        f"Lihat {status_page} atau hubungi kantor desa."
    )


def request_letter_at_office(
    *,
    user,
    letter_type: str,
    nik: str,
    purpose: str = "",
    phone: str = "",
    files: dict[str, Upload] | None = None,
    now: dt.datetime | None = None,
) -> LetterRequest:
    """The operator enters the resident's NIK at the village office: the letter is pre-filled from the register.
    A NIK of another village answers as an unknown one."""
    now = now or timezone.now()
    scope = letters_desk_scope(user)
    if scope.nothing:
        raise Refused([("", _("Only a village's operator or secretary takes letter requests."))], status=403)
    kind = _letter_type(letter_type)
    parsed = parse_nik(str(nik or ""))
    errors = [("nik", e.message) for e in parsed.errors]
    purpose, problems = _purpose(kind, purpose)
    errors += problems
    try:
        phone = normalize_phone(str(phone or ""))  # empty: the register's number, if it has one
    except PhoneError:
        errors.append(("phone", _("“%(value)s” is not a valid Indonesian phone number.") % {"value": phone}))
    rows, problems = checked_attachments(kind, files or {})
    errors += problems
    if errors:
        raise Refused(errors)
    resident = Resident.objects.filter(scope.q("village"), nik=parsed.nik).first()
    if resident is None:
        raise Refused([("nik", _("No resident of your village has this NIK."))], status=404)
    with transaction.atomic():
        return _open_request(
            letter_type=kind,
            resident=resident,
            purpose=purpose,
            phone=phone or resident.phone,
            channel="office",
            attachments=rows,
            user=user,
            now=now,
        )


def request_letter_online(
    *, values: dict[str, Any], files: dict[str, Upload] | None = None, now: dt.datetime | None = None
) -> LetterRequest:
    """A resident asks from their phone: NIK with the KK number as second factor (one answer for an unknown
    NIK and a wrong KK number), a phone to be told on, the documents the letter needs."""
    now = now or timezone.now()
    kind = _letter_type(values.get("letter_type"))
    nik, kk, phone, errors = checked_identity(values, phone_hint=_("Enter a phone number we can reach you on."))
    purpose, problems = _purpose(kind, values.get("purpose"))
    errors += problems
    rows, problems = checked_attachments(kind, files or {})
    errors += problems
    if errors:
        raise Refused(errors)
    resident = find_citizen(nik=nik, kk_number=kk)
    if resident is None:
        raise Refused([("nik", str(NOT_MATCHED))], status=404)
    with transaction.atomic():
        return _open_request(
            letter_type=kind,
            resident=resident,
            purpose=purpose,
            phone=phone,
            channel="online",
            attachments=rows,
            user=None,
            now=now,
        )


# ---------------------------------------------------------------- signing


def _key_of(user) -> tuple[SigningKey, Any]:
    key = SigningKey.objects.filter(user=user, active=True).first()
    if key is None:
        raise Refused(
            [("passphrase", _("You have no signing key yet. Add one on the page “My signing key”."))], status=409
        )
    if key.not_after and key.not_after <= timezone.now():
        raise Refused([("passphrase", _("Your signing certificate has expired. Ask for a new one."))], status=409)
    return key, keys.key_material(key)


def _waiting_step(letter: LetterRequest, user) -> LetterStep:
    if letter.status != LetterRequest.Status.IN_PROGRESS:
        raise Refused([("", _("This letter is no longer waiting for a signature."))], status=409)
    step = letter.steps.get(order=letter.current_step)
    if not may_sign_as(user, position=step.position, village_code=letter.village_id):
        if letter.steps.filter(signer=user, status=LetterStep.Status.SIGNED).exists():
            # A second click, or a second tab: what the official meant is done.
            raise Refused([("", _("You have already signed this letter; it now waits for the next official."))], 409)
        raise Refused([("", _("This letter is waiting for another official."))], status=403)
    return step


class SignatureFailed(Refused):
    """The signature could not be applied; the letter waits for the same official, with the earlier file."""


def sign_letter(*, user, code: str, passphrase: str, now: dt.datetime | None = None) -> LetterRequest:
    """The official whose turn it is signs the letter with their key (PAdES, an incremental update of the last
    revision). The first signature certifies the letter; the last gives it its number and date."""
    now = now or timezone.now()
    if not passphrase:
        raise Refused([("passphrase", _("Enter the passphrase of your signing key."))])
    try:
        return _sign(user=user, code=code, passphrase=passphrase, now=now)
    except IntegrityError as error:  # the unique number: only a pattern that repeats numbers gets here
        raise Refused(
            [
                (
                    "",
                    _(
                        "This letter's number is already used by another letter of the village: its numbering pattern "
                        "repeats numbers. Ask the regency administrator to correct the pattern; the letter still waits "
                        "for your signature."
                    ),
                )
            ],
            status=409,
        ) from error


def _sign(*, user, code: str, passphrase: str, now: dt.datetime) -> LetterRequest:
    failure: signing.SigningFailed | None = None
    with transaction.atomic():
        letter = (
            LetterRequest.objects.select_for_update(of=("self",))
            .select_related("letter_type", "village__district")
            .get(code=code)
        )
        step = _waiting_step(letter, user)
        key, source = _key_of(user)
        steps = list(letter.steps.order_by("order"))
        last = letter.revisions.order_by("-number").first()
        final = step.order == steps[-1].order
        fill = None
        if final:
            today = now.astimezone(WIB).date()
            sequence, number = numbering.take_number(
                letter_type=letter.letter_type, village_code=letter.village_id, day=today
            )
            fill = {"letter_number": number, "letter_date": indonesian_date(today)}
        title = official_title(step.position, letter.village)
        name = user.get_full_name() or user.get_username()
        try:
            signed = signing.sign_step(
                bytes(last.pdf),
                key=source,
                passphrase=passphrase,
                field_name=step.field_name,
                certify=step.order == steps[0].order,
                signer_name=name,
                position=title,
                reason=f"{ACTION_WORDS.get(step.action) or 'Ditandatangani oleh'} {title}".strip(),
                location=f"{letter.village.name.title()}, Kabupaten {letter.facts.get('regency.name', '')}",
                fill=fill,
                when=now,
            )
            if key.kind != SigningKey.Kind.LOCAL:
                # A certificate from outside (an imported file, BSrE's gateway) must lead to a root this deployment
                # trusts, or the letter would go out with a signature its own verification page calls invalid.
                made = validation.check_pdf(signed, trust_roots=trust_roots()).signatures
                if not made or not made[-1].good:
                    raise signing.SigningFailed(
                        _(
                            "The signature was made, but with a certificate this deployment does not trust, so the "
                            "letter was not signed. Ask the regency administrator to add BSrE's root certificate."
                        ),
                        detail=made[-1].words if made else "no signature",
                    )
        except signing.SigningFailed as error:
            failure = error
            transaction.set_rollback(True)  # the number goes back; nothing of this attempt stays
        if failure is None:
            LetterRevision.objects.create(
                request=letter,
                number=last.number + 1,
                step_order=step.order,
                pdf=signed,
                sha256=hashlib.sha256(signed).hexdigest(),
                created_at=now,
            )
            step.status, step.signer, step.signer_name, step.signer_title = LetterStep.Status.SIGNED, user, name, title
            step.signed_at, step.last_error = now, ""
            step.save(update_fields=["status", "signer", "signer_name", "signer_title", "signed_at", "last_error"])
            detail = {"step": step.order, "position": step.position, "key": key.kind}
            if final:
                letter.status, letter.current_step, letter.finished_at = LetterRequest.Status.SIGNED, None, now
                letter.number, letter.sequence, letter.year = number, sequence, today.year
                letter.valid_until = today + dt.timedelta(days=letter.letter_type.validity_days)
                letter.save(
                    update_fields=["status", "current_step", "finished_at", "number", "sequence", "year", "valid_until"]
                )
                detail["number"] = number
                _tell(FINISHED, letter, outcome=_("signed: %(number)s") % {"number": number}, actor=user)
            else:
                following = next(s for s in steps if s.order > step.order)
                following.status, following.ready_at = LetterStep.Status.WAITING, now
                following.save(update_fields=["status", "ready_at"])
                letter.current_step = following.order
                letter.save(update_fields=["current_step"])
            audit.record(
                action="update",
                object_type="letter_signature",
                subject=letter.code,
                object_ids=[str(letter.pk)],
                detail=detail,
                user=user,
            )
    if failure is not None:
        LetterStep.objects.filter(request__code=code, order=step.order).update(
            last_error=str(failure.words)[:500], last_error_at=now
        )
        status = 422 if isinstance(failure, signing.WrongPassphrase) else 502
        raise SignatureFailed([("passphrase", str(failure.words))], status=status)
    return letter


def reject_letter(*, user, code: str, reason: str, now: dt.datetime | None = None) -> LetterRequest:
    """The official whose turn it is sends the request back with a reason, which the resident is told."""
    now = now or timezone.now()
    reason = " ".join(str(reason or "").split())
    if len(reason) < 5:
        raise Refused([("reason", _("Say why, so the resident knows what to bring or correct."))])
    if len(reason) > 500:
        raise Refused([("reason", _("Keep the reason under 500 characters."))])
    with transaction.atomic():
        letter = (
            LetterRequest.objects.select_for_update(of=("self",))
            .select_related("letter_type", "village__district")
            .get(code=code)
        )
        step = _waiting_step(letter, user)
        step.status, step.signer_name = LetterStep.Status.REJECTED, user.get_full_name() or user.get_username()
        step.signer_title = official_title(step.position, letter.village)
        step.save(update_fields=["status", "signer_name", "signer_title"])
        letter.status, letter.current_step, letter.rejection_reason = LetterRequest.Status.REJECTED, None, reason
        letter.finished_at = None
        letter.save(update_fields=["status", "current_step", "rejection_reason"])
        audit.record(
            action="update",
            object_type="letter_rejection",
            subject=letter.code,
            object_ids=[str(letter.pk)],
            detail={"step": step.order, "reason": reason},
            user=user,
        )
        _tell(REJECTED, letter, outcome=reason, actor=user)
    return letter


# ---------------------------------------------------------------- letter types (the administrator's)


def update_letter_type(*, user, letter_type: LetterType, values: dict[str, Any]) -> LetterType:
    """Change a type's template, attachments, validity, numbering or chain. Letters already requested keep
    the chain and the text they were made with."""
    if not may_manage_letter_types(user):
        raise Refused([("", _("Only the regency administrator edits letter types."))], status=403)
    errors: list[tuple[str, str]] = []
    for field in ("name", "title", "classification_code"):
        if not str(values.get(field) or "").strip():
            errors.append((field, _("This field is required.")))
    errors += [("body_template", p) for p in templating.template_problems(str(values.get("body_template") or ""))]
    errors += [("closing_template", p) for p in templating.template_problems(str(values.get("closing_template") or ""))]
    errors += [("number_pattern", p) for p in numbering.pattern_problems(str(values.get("number_pattern") or ""))]
    chain = values.get("chain") or []
    positions = [p for p, _a in chain]
    if not 1 <= len(chain) <= 6:
        errors.append(("chain", _("A chain has one to six steps.")))
    if len(set(positions)) != len(positions):
        errors.append(("chain", _("Each position signs once in a chain.")))
    if any(p not in Position.values or a not in Action.values for p, a in chain):
        errors.append(("chain", _("Choose a position and a meaning for every step.")))
    attachments = values.get("attachments") or []
    if len({a["code"] for a in attachments}) != len(attachments):
        errors.append(("attachments", _("Each required document is listed once.")))
    try:
        validity = int(values.get("validity_days") or 0)
    except (TypeError, ValueError):
        validity = 0
    if not 1 <= validity <= 3650:
        errors.append(("validity_days", _("Give the validity in days, from 1 to 3650.")))
    if errors:
        raise Refused(errors)
    old = {
        f: getattr(letter_type, f)
        for f in (
            "name",
            "title",
            "classification_code",
            "body_template",
            "closing_template",
            "attachments",
            "validity_days",
            "number_pattern",
        )
    }
    old["chain"] = [[s.position, s.action] for s in letter_type.steps.order_by("order")]
    with transaction.atomic():
        for field in ("name", "title", "classification_code", "body_template", "closing_template", "number_pattern"):
            setattr(letter_type, field, str(values.get(field) or "").strip())
        letter_type.attachments, letter_type.validity_days = attachments, validity
        letter_type.needs_purpose = bool(values.get("needs_purpose", letter_type.needs_purpose))
        letter_type.active = bool(values.get("active", letter_type.active))
        letter_type.save()
        letter_type.steps.all().delete()
        ChainStep.objects.bulk_create(
            [ChainStep(letter_type=letter_type, order=i, position=p, action=a) for i, (p, a) in enumerate(chain, 1)]
        )
        new = {**{f: getattr(letter_type, f) for f in old if f != "chain"}, "chain": [list(c) for c in chain]}
        audit.record_changes(object_type="letter_type", changes={letter_type.code: audit.diff(old, new)}, user=user)
    return letter_type
