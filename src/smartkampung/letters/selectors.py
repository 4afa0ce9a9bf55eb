"""Reads of the letters module. Who sees which village's letters is decided in accounts.selectors
(`letters_read_scope`, `signing_places`); this module only asks."""

import datetime as dt
import hashlib
import statistics
from dataclasses import dataclass

from django.conf import settings
from django.db.models import F, Q, QuerySet
from django.utils.translation import gettext_lazy

from smartkampung.accounts.selectors import letters_read_scope, signing_places
from smartkampung.core.errors import Refused
from smartkampung.letters.models import CertificateAuthority, LetterRequest, LetterRevision, LetterStep, LetterType
from smartkampung.regions.nik import parse_kk, parse_nik

ONE_HOUR = dt.timedelta(hours=1)


def letter_types(*, offered_only: bool = True) -> QuerySet[LetterType]:
    types = LetterType.objects.prefetch_related("steps")
    return types.filter(active=True) if offered_only else types


def letters_visible_to(user) -> QuerySet[LetterRequest]:
    """Letter requests of the villages the user reads letters of (404 for any other)."""
    return LetterRequest.objects.filter(letters_read_scope(user).q("village")).select_related(
        "letter_type", "village__district"
    )


def queue_q(user) -> Q:
    """In-progress letters waiting for one of the user's positions in a village where they hold it."""
    query = Q(pk__in=[])
    for position, scope in signing_places(user).items():
        query |= scope.q("village") & Q(
            steps__order=F("current_step"), steps__position=position, steps__status=LetterStep.Status.WAITING
        )
    return query


def queue_of(user) -> QuerySet[LetterRequest]:
    """The official's own queue, oldest first (the clock runs from the request)."""
    return (
        LetterRequest.objects.filter(status=LetterRequest.Status.IN_PROGRESS)
        .filter(queue_q(user))
        .select_related("letter_type", "village__district")
        .distinct()
        .order_by("requested_at")
    )


def queue_count(user) -> int:
    return queue_of(user).count() if signing_places(user) else 0


def latest_revision(letter: LetterRequest) -> LetterRevision:
    return letter.revisions.order_by("-number").first()


def trust_roots() -> list[bytes]:
    """The deployment's own authorities and BSrE's roots named in the settings."""
    roots = [pem.encode() for pem in CertificateAuthority.objects.values_list("certificate_pem", flat=True)]
    for path in settings.LETTERS_TRUSTED_ROOTS:
        with open(path.strip(), "rb") as handle:
            roots.append(handle.read())
    return roots


# ---------------------------------------------------------------- the resident's own request

UNKNOWN_LETTER = gettext_lazy("No letter request matches this code and NIK. Check both, or ask your village office.")


def typed_code(value) -> str:
    return "".join(str(value or "").split()).replace("-", "").upper()


def own_letter(values: dict) -> LetterRequest:
    """The request with this code of the resident with this NIK and KK number: one answer (404) for an unknown
    code and a code with another NIK or a wrong KK number."""
    code = typed_code(values.get("code"))
    nik, kk = parse_nik(str(values.get("nik") or "")), parse_kk(str(values.get("kk_number") or ""))
    errors = []
    if not code:
        errors.append(("code", str(gettext_lazy("Enter the code you received when you asked for the letter."))))
    errors += [("nik", e.message) for e in nik.errors] + [("kk_number", e.message) for e in kk.errors]
    if errors:
        raise Refused(errors)
    found = (
        LetterRequest.objects.filter(code=code, resident__nik=nik.nik, resident__household__kk_number=kk.kk)
        .select_related("letter_type", "village__district")
        .first()
    )
    if found is None:
        raise Refused([("code", str(UNKNOWN_LETTER))], status=404)
    return found


def letter_by_code(code: str) -> LetterRequest | None:
    """For the public verification page (which shows only what a letter says of itself, personal data masked)."""
    return (
        LetterRequest.objects.filter(code=typed_code(code)).select_related("letter_type", "village__district").first()
    )


def revision_by_hash(data: bytes) -> LetterRevision | None:
    return (
        LetterRevision.objects.filter(sha256=hashlib.sha256(data).hexdigest())
        .select_related("request__letter_type", "request__village__district")
        .first()
    )


def mask_name(name: str) -> str:
    """ "SITI AMINAH" → "S*** A*****": enough to recognise one's own letter, not to read someone else's."""
    return " ".join(word[:1] + "*" * (len(word) - 1) for word in str(name).split())


def mask_nik(nik: str) -> str:
    return f"{nik[:6]}******{nik[-4:]}" if len(nik) == 16 else "****"


# ---------------------------------------------------------------- the clock


@dataclass(frozen=True)
class Timing:
    """How fast letters were finished: how many, how many within an hour, the median minutes."""

    label: str
    key: str
    finished: int
    within_hour: int
    median_minutes: float | None

    @property
    def within_hour_percent(self) -> int | None:
        return round(100 * self.within_hour / self.finished) if self.finished else None


def _timing(label: str, key: str, durations: list[dt.timedelta]) -> Timing:
    return Timing(
        label=label,
        key=key,
        finished=len(durations),
        within_hour=sum(1 for d in durations if d <= ONE_HOUR),
        median_minutes=round(statistics.median(d.total_seconds() for d in durations) / 60, 1) if durations else None,
    )


def timing_by_village(*, scope_q: Q, since: dt.datetime) -> tuple[Timing, list[Timing]]:
    """Letters finally signed since `since` in the villages of `scope_q` (a filter on the request's village):
    the whole and one row a village (request to final signature)."""
    rows = (
        LetterRequest.objects.filter(scope_q, status=LetterRequest.Status.SIGNED, finished_at__gte=since)
        .values_list("village_id", "village__name", "requested_at", "finished_at")
        .order_by("village__name")
    )
    by_village: dict[str, tuple[str, list]] = {}
    every: list[dt.timedelta] = []
    for code, name, requested, finished in rows:
        by_village.setdefault(code, (name, []))[1].append(finished - requested)
        every.append(finished - requested)
    return _timing("", "", every), [_timing(name, code, d) for code, (name, d) in by_village.items()]


def timing_by_official(*, scope_q: Q, since: dt.datetime) -> list[Timing]:
    """Each official's own part: from the letter reaching their step to their signature (how many, how many
    within the hour, the median)."""
    rows = (
        LetterStep.objects.filter(
            status=LetterStep.Status.SIGNED, signed_at__gte=since, ready_at__isnull=False, signer__isnull=False
        )
        .filter(Q(request__in=LetterRequest.objects.filter(scope_q)))
        .values_list("signer_id", "signer_name", "signer_title", "ready_at", "signed_at")
        .order_by("signer_name")
    )
    by_official: dict[int, tuple[str, list]] = {}
    for signer, name, title, ready, signed in rows:
        by_official.setdefault(signer, (f"{name} ({title})", []))[1].append(signed - ready)
    return [_timing(label, str(signer), d) for signer, (label, d) in by_official.items()]
