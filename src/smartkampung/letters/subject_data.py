"""What the letters module holds about one NIK: the letters requested for the resident (what the letter states of
them, its steps and signatures, its documents and PDF versions by name, size and checksum: the files themselves stay
in the letter's own download), and an official's signing key registered at BSrE's gateway under the NIK."""

from django.db.models import Prefetch
from django.utils.translation import gettext_lazy as _

from smartkampung.core.subject_data import fields, named, register
from smartkampung.letters.models import LetterAttachment, LetterRequest, LetterRevision, SigningKey

REQUEST_FIELDS = (
    "code", "facts", "purpose", "phone", "channel", "status", "requested_at", "finished_at", "number", "valid_until",
    "rejection_reason",
)  # fmt: skip
STEP_FIELDS = ("order", "position", "action", "status", "ready_at", "signer_name", "signer_title", "signed_at")
ATTACHMENT_FIELDS = ("requirement", "file_name", "content_type", "size", "sha256", "uploaded_at")
REVISION_FIELDS = ("number", "sha256", "created_at")
KEY_FIELDS = ("kind", "subject_name", "fingerprint", "not_after", "active", "created_at")


def letter_requests(nik: str) -> list[dict]:
    rows = (
        LetterRequest.objects.filter(resident__nik=nik)
        .select_related("letter_type", "village")
        .prefetch_related(
            "steps",
            # Names and checksums only: never the stored bytes.
            Prefetch("attachments", queryset=LetterAttachment.objects.defer("data")),
            Prefetch("revisions", queryset=LetterRevision.objects.defer("pdf")),
        )
    )
    return [
        {
            **fields(request, REQUEST_FIELDS),
            "letter_type": named(request.letter_type),
            "village": named(request.village),
            "steps": [fields(step, STEP_FIELDS) for step in request.steps.all()],
            "attachments": [fields(item, ATTACHMENT_FIELDS) for item in request.attachments.all()],
            "pdf_versions": [fields(item, REVISION_FIELDS) for item in request.revisions.all()],
        }
        for request in rows.order_by("requested_at", "id")
    ]


def signing_keys(nik: str) -> list[dict]:
    return [fields(key, KEY_FIELDS) for key in SigningKey.objects.filter(gateway_nik=nik).order_by("created_at")]


register("letter_requests", _("Letters requested and issued"), letter_requests, order=60)
register("signing_keys", _("Signing keys registered under the NIK (officials)"), signing_keys, order=61)
