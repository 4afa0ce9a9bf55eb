"""The public verification of letters: what an uploaded PDF is (an authentic letter of this deployment, an earlier
revision of one, a copy changed after signing, someone else's signed PDF, or no readable PDF at all), and the state
of a letter's signatures for its verification page. Everything here says what it found in words; personal data of
the resident is masked (the officials' names and titles are printed on the letter and are public).

Also the few reads the letters pages need that selectors.py does not have yet (the resident behind a NIK typed at
the office desk), so the pages reach personal data only through a read module."""

from __future__ import annotations

import datetime as dt
import time
from dataclasses import dataclass, field

from django.conf import settings
from django.utils.translation import gettext as _

from smartkampung.accounts.selectors import letters_desk_scope
from smartkampung.letters import selectors, validation
from smartkampung.letters.content import official_title
from smartkampung.letters.models import LetterRequest, LetterRevision, LetterStep
from smartkampung.population.models import Resident
from smartkampung.regions.nik import parse_nik

# What an upload turned out to be (Verdict.kind).
AUTHENTIC = "authentic"  # the final, fully signed letter, byte for byte as issued, every signature valid now
UNTRUSTED = "untrusted"  # the final letter byte for byte as issued, but a signature in it is not valid or trusted now
EARLIER = "earlier"  # a revision of a letter before its last signature (or a letter rejected on the way)
MODIFIED = "modified"  # a letter of this deployment changed after it was signed
FOREIGN = "foreign"  # a PDF (perhaps validly signed) that is not a letter of this deployment
UNREADABLE = "unreadable"  # not a PDF, or a PDF that cannot be read
TOO_LARGE = "too_large"
GOOD_KINDS = frozenset({AUTHENTIC})

# An upload that is not byte for byte a stored revision is never authentic: the full check (with pyHanko's
# difference analysis, whose time grows faster than the objects a file adds) only says which signature broke, so
# it runs only on a file about the size and shape of the letter it names. Anything larger is answered "changed"
# without it; a file naming no letter of ours never gets the difference analysis.
SIZE_SLACK = 64 * 1024  # bytes beyond the letter's latest revision
REVISION_SLACK = 2  # incremental updates beyond the letter's latest revision
OBJECT_SLACK = 200  # objects written beyond the letter's latest revision
# What reading an uploaded file (that is not a stored revision) may take, in seconds (validation.within): a file
# of unknown shape gets little; one whose shape was found close to the letter it names (so its work is bounded by
# its size) gets room for a busy server, so a genuine copy is never turned away for the load of the moment.
CHECK_SECONDS = 1.2
BOUNDED_CHECK_SECONDS = 10.0


@dataclass(frozen=True)
class SignatureRow:
    """One step of a letter as its verification page shows it."""

    order: int
    action: str
    position: str
    name: str
    signed_at: dt.datetime | None
    state: str  # "valid", "invalid", "waiting", "pending", "rejected"
    words: str

    @property
    def valid(self) -> bool:
        return self.state == "valid"


@dataclass(frozen=True)
class Verdict:
    """What an uploaded file is, in words: `headline` is the one sentence, `details` what supports it."""

    kind: str
    headline: str
    details: list[str] = field(default_factory=list)
    letter: LetterRequest | None = None
    signatures: list[SignatureRow] = field(default_factory=list)

    @property
    def good(self) -> bool:
        return self.kind in GOOD_KINDS

    def as_dict(self) -> dict:
        """The API's answer (the letter's facts masked, as on the page)."""
        return {
            "verdict": self.kind,
            "authentic": self.good,
            "headline": self.headline,
            "details": list(self.details),
            "letter": public_facts(self.letter) if self.letter is not None else None,
            "signatures": [signature_dict(row) for row in self.signatures],
        }


def signature_dict(row: SignatureRow) -> dict:
    return {
        "order": row.order,
        "action": row.action,
        "position": row.position,
        "name": row.name,
        "signed_at": row.signed_at,
        "state": row.state,
        "valid": row.valid,
        "words": row.words,
    }


def public_facts(letter: LetterRequest) -> dict:
    """What anyone holding the code may read of a letter: its kind, number, dates and village, and whom it is for
    with the name and NIK masked."""
    facts = letter.facts or {}
    return {
        "code": letter.code,
        "letter_type": letter.letter_type.name,
        "title": letter.letter_type.title,
        "number": letter.number,
        "status": letter.status,
        "status_label": str(LetterRequest.Status(letter.status).label),
        "requested_at": letter.requested_at,
        "finished_at": letter.finished_at,
        "valid_until": letter.valid_until,
        "village": f"{facts.get('village.kind', '')} {letter.village.name.title()}".strip(),
        "district": letter.village.district.name.title(),
        "resident_name": selectors.mask_name(facts.get("resident.name", "")),
        "resident_nik": selectors.mask_nik(facts.get("resident.nik", "")),
    }


# ---------------------------------------------------------------- a letter's signatures


def _steps(letter: LetterRequest) -> list[LetterStep]:
    return list(letter.steps.order_by("order"))


def _title(step: LetterStep, letter: LetterRequest) -> str:
    if step.signer_title:
        return step.signer_title
    return official_title(step.position, letter.village)


def signature_rows(letter: LetterRequest, *, data: bytes | None = None, check=None) -> list[SignatureRow]:
    """The letter's steps with each signature re-validated in its latest revision (or in `data`, an uploaded
    copy): signed and valid, signed but broken, waiting, not reached yet or rejected."""
    if check is None:
        if data is None:
            latest = selectors.latest_revision(letter)
            data = bytes(latest.pdf) if latest is not None else b""
        check = validation.check_pdf(data, trust_roots=selectors.trust_roots()) if data else None
    found = {s.field_name: s for s in (check.signatures if check is not None and check.readable else [])}
    rows = []
    for step in _steps(letter):
        signature = found.get(step.field_name)
        action = str(step.get_action_display())
        name = step.signer_name
        if step.status == LetterStep.Status.SIGNED:
            if signature is None:
                state, words = "invalid", _("The signature is missing from the file.")
            elif signature.intact and signature.valid and signature.trusted and signature.modification_ok:
                state, words = "valid", _("Valid: signed by a certificate this deployment trusts, unchanged since.")
            else:
                state, words = "invalid", signature.words or _("This signature is not valid.")
        elif step.status == LetterStep.Status.WAITING:
            state, words = "waiting", _("Waiting for this official's signature.")
        elif step.status == LetterStep.Status.REJECTED:
            state, words = "rejected", _("This official sent the request back.")
        else:
            state, words = "pending", _("Not reached yet.")
        rows.append(
            SignatureRow(
                order=step.order,
                action=action,
                position=_title(step, letter),
                name=name,
                signed_at=step.signed_at,
                state=state,
                words=str(words),
            )
        )
    return rows


# ---------------------------------------------------------------- an uploaded file


def _broken_words(check, letter: LetterRequest | None = None) -> list[str]:
    """Which signature broke and how, named as the letter names its signers."""
    names = {}
    if letter is not None:
        names = {s.field_name: s.signer_name or _title(s, letter) for s in _steps(letter)}
    words = []
    for signature in check.signatures:
        who = signature.signer_name or names.get(signature.field_name) or signature.field_name
        if not signature.intact:
            words.append(
                _("The signature of %(who)s no longer covers the content: the file was changed.") % {"who": who}
            )
        elif not signature.valid:
            words.append(_("The signature of %(who)s is not valid: %(why)s") % {"who": who, "why": signature.words})
        elif not signature.modification_ok:
            words.append(
                _("After the signature of %(who)s the file was changed in a way the letter does not allow.")
                % {"who": who}
            )
    return words


def too_large() -> Verdict:
    limit = settings.LETTERS_VERIFY_MAX_BYTES
    return Verdict(
        TOO_LARGE,
        _("The file is larger than %(mb)s MB; a letter of this village office is much smaller.")
        % {"mb": f"{limit / 1024 / 1024:g}"},
    )


def _not_pdf() -> Verdict:
    return Verdict(UNREADABLE, _("This file is not a PDF. Upload the letter as you received it (a .pdf file)."))


def _unreadable(problem: str) -> Verdict:
    return Verdict(UNREADABLE, _("This PDF cannot be read, so it cannot be checked."), [problem] if problem else [])


def _too_complex() -> Verdict:
    return Verdict(
        UNREADABLE,
        _("This PDF cannot be checked: it is built in a way that takes far too long to read."),
        [_("A letter of this village office is checked in a moment; upload the letter as you received it.")],
    )


def verify_upload(data: bytes) -> Verdict:
    """What the uploaded file is. The exact bytes of a revision this deployment keeps answer at once (their
    signatures re-validated); any other file is measured first, then read for the letter code printed in it: its
    signatures are validated against the trusted roots only as deeply as its size allows, so that any upload is
    judged in well under two seconds."""
    if len(data) > settings.LETTERS_VERIFY_MAX_BYTES:
        return too_large()
    if not data or data.lstrip()[:5] != b"%PDF-":
        return _not_pdf()
    revision = selectors.revision_by_hash(data)
    if revision is not None:
        return _known_revision(revision, data)
    deadline = time.monotonic() + CHECK_SECONDS
    try:
        shape = validation.within(deadline - time.monotonic(), validation.inspect_pdf, data)
    except (validation.TooSlow, RuntimeError):
        return _too_complex()
    if not shape.readable:
        return _unreadable(shape.problem)
    letter = selectors.letter_by_code(shape.code) if shape.code else None
    if letter is None:
        # Never ours, whatever its signatures: say so, and what its signatures are only when that is cheap.
        try:
            check = validation.within(
                deadline - time.monotonic(),
                validation.check_pdf,
                data,
                trust_roots=selectors.trust_roots(),
                diff=False,
                max_objects=validation.MAX_OBJECTS,
            )
        except (validation.TooSlow, RuntimeError):
            return _foreign(validation.PdfCheck(readable=True, problem="", too_complex=True))
        return _foreign(check) if check.readable else _unreadable(check.problem)
    latest = selectors.latest_revision(letter)
    issued = validation.inspect_pdf(bytes(latest.pdf)) if latest is not None else None
    changed = Verdict(
        MODIFIED,
        _("This is NOT an authentic letter: it was changed after it was signed."),
        [
            _(
                "The file names this letter, but it is larger, or was changed more often, than the letter the "
                "village office issued."
            ),
            _("Ask the village office for the letter, or download it again."),
        ],
        letter,
    )
    if (
        issued is None
        or not issued.readable
        or len(data) > len(latest.pdf) + SIZE_SLACK
        or shape.revisions > issued.revisions + REVISION_SLACK
        or shape.objects > issued.objects + OBJECT_SLACK
    ):
        return changed
    try:
        check = validation.within(
            BOUNDED_CHECK_SECONDS,
            validation.check_pdf,
            data,
            trust_roots=selectors.trust_roots(),
            max_objects=min(validation.MAX_OBJECTS, issued.objects + OBJECT_SLACK),
        )
    except (validation.TooSlow, RuntimeError):
        return changed
    if not check.readable:
        return _unreadable(check.problem)
    broken = _broken_words(check, letter)
    rows = signature_rows(letter, check=check)
    if broken or not check.untouched_since_last_signature or check.too_complex:
        details = broken or [check.problem or _("Something was added to the file after its last signature.")]
        return Verdict(
            MODIFIED,
            _("This is NOT an authentic letter: it was changed after it was signed."),
            details + [_("Ask the village office for the letter, or download it again.")],
            letter,
            rows,
        )
    if not check.signatures or not all(s.trusted for s in check.signatures):
        return Verdict(
            FOREIGN,
            _("This file names a letter of this deployment, but it is not signed by this deployment's officials."),
            [_("Its signatures are missing or made with certificates this deployment does not trust.")],
            letter,
        )
    # Signed with our officials' keys, not changed after the last signature, yet not a file we issued: an
    # earlier revision cut from the final one, or a file signed outside the chain.
    return Verdict(
        EARLIER if letter.status != LetterRequest.Status.SIGNED or len(check.signatures) < len(rows) else FOREIGN,
        _("The signatures in this file are valid, but it is not the letter as this village office issued it."),
        [_("Compare it with the verification page of the letter, or ask the village office.")],
        letter,
        rows,
    )


def _known_revision(revision: LetterRevision, data: bytes) -> Verdict:
    """A file this deployment issued, byte for byte. The final revision of a signed letter is authentic only
    when every signature in it is intact, valid and made with a certificate trusted now."""
    letter = revision.request
    latest = selectors.latest_revision(letter)
    check = validation.check_pdf(data, trust_roots=selectors.trust_roots())
    rows = signature_rows(letter, check=check)
    if letter.status == LetterRequest.Status.SIGNED and latest is not None and latest.pk == revision.pk:
        if check.authentic and rows and all(row.valid for row in rows):
            return Verdict(
                AUTHENTIC,
                _(
                    "Authentic: this is the letter as the village office issued it, unchanged, with every signature "
                    "valid."
                ),
                [
                    _("%(title)s number %(number)s, signed on %(day)s.")
                    % {
                        "title": letter.letter_type.name,
                        "number": letter.number,
                        "day": letter.finished_at.astimezone(dt.timezone(dt.timedelta(hours=7))).strftime("%d-%m-%Y"),
                    }
                ],
                letter,
                rows,
            )
        invalid = [f"{row.position}: {row.words}" for row in rows if not row.valid]
        return Verdict(
            UNTRUSTED,
            _(
                "This is the file the village office issued, but not every signature in it is valid and trusted, "
                "so it is NOT an authentic letter."
            ),
            (invalid or [check.problem or _("This signature is not valid.")])
            + [_("Ask the village office about this letter.")],
            letter,
            rows,
        )
    if letter.status == LetterRequest.Status.REJECTED:
        headline = _("This is a draft of a letter that the village office refused; it is not a valid letter.")
    elif letter.status == LetterRequest.Status.SIGNED:
        headline = _("This is an earlier version of a letter, before all its signatures: use the final letter.")
    else:
        headline = _("This letter is still being signed; this file is not yet a valid letter.")
    signed = sum(1 for row in rows if row.order <= (revision.step_order or 0))
    details = [
        _("%(signed)s of %(all)s signatures were in this file.") % {"signed": signed, "all": len(rows)},
    ]
    return Verdict(EARLIER, headline, details, letter, rows)


def _foreign(check) -> Verdict:
    if check.too_complex:
        return Verdict(
            FOREIGN,
            _("This PDF is not a letter of this deployment: no letter code of this village service was found in it."),
            [_("It is far more complex than a letter, so its signatures were not checked.")],
        )
    if check.signatures and all(s.intact and s.valid for s in check.signatures):
        return Verdict(
            FOREIGN,
            _("The signatures in this PDF are intact, but it is not a letter of this deployment."),
            [_("No letter code of this village service was found in it.")],
        )
    if check.signatures:
        return Verdict(
            FOREIGN,
            _("This PDF is not a letter of this deployment, and its signatures are not valid."),
            _broken_words(check),
        )
    # No signature, or too many revisions or signatures to check: the problem says which.
    return Verdict(
        FOREIGN,
        _("This PDF is not a letter of this deployment: no letter code of this village service was found in it."),
        [check.problem] if check.problem else [],
    )


# ---------------------------------------------------------------- reads for the office desk


def desk_resident(user, nik: str) -> Resident | None:
    """The resident with this NIK in a village where the user takes requests at the desk (a preview of the
    name before the request is made); None for a NIK of another village, as for an unknown one."""
    parsed = parse_nik(str(nik or ""))
    if not parsed.valid:
        return None
    scope = letters_desk_scope(user)
    if scope.nothing:
        return None
    return Resident.objects.filter(scope.q("village"), nik=parsed.nik).select_related("household", "village").first()
