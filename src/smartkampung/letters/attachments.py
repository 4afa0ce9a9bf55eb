"""The documents a request carries: each checked by its real type (its first bytes, then parsed), its size and
whether the letter type asks for it."""

import hashlib
import io
from dataclasses import dataclass

from django.conf import settings
from django.utils.translation import gettext as _

from smartkampung.letters.models import LetterAttachment, LetterType


@dataclass(frozen=True)
class Upload:
    """A file as a form or the API hands it over."""

    name: str
    data: bytes


ALLOWED_TYPES = {"image/jpeg": "JPEG", "image/png": "PNG", "application/pdf": "PDF"}


def sniff_type(data: bytes) -> str | None:
    """The file's real type by its first bytes (never by its name or what the browser claims)."""
    if data.startswith(b"\xff\xd8\xff"):
        return "image/jpeg"
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return "image/png"
    if data.lstrip()[:5] == b"%PDF-":
        return "application/pdf"
    return None


def _check_file(upload: Upload) -> tuple[str | None, str]:
    """(content type, problem in words)."""
    limit = settings.LETTERS_ATTACHMENT_MAX_BYTES
    if not upload.data:
        return None, _("The file “%(name)s” is empty.") % {"name": upload.name}
    if len(upload.data) > limit:
        return None, _("The file “%(name)s” is larger than %(mb)s MB. Take a smaller photo or scan.") % {
            "name": upload.name,
            "mb": f"{limit / 1024 / 1024:g}",
        }
    content_type = sniff_type(upload.data)
    if content_type is None:
        return None, _("The file “%(name)s” is not a JPEG or PNG photo or a PDF.") % {"name": upload.name}
    try:
        if content_type == "application/pdf":
            from pyhanko.pdf_utils.reader import PdfFileReader

            reader = PdfFileReader(io.BytesIO(upload.data), strict=False)
            if reader.encrypted:
                return None, _("The PDF “%(name)s” is locked with a password.") % {"name": upload.name}
            reader.root  # noqa: B018 - parses the catalogue: a broken file fails here
        else:
            from PIL import Image

            with Image.open(io.BytesIO(upload.data)) as image:
                image.verify()
    except Exception:  # any parser error means the same to the user: the file is damaged
        return None, _("The file “%(name)s” is damaged or not what its name says.") % {"name": upload.name}
    return content_type, ""


def checked_attachments(letter_type: LetterType, files: dict[str, Upload]) -> tuple[list[LetterAttachment], list]:
    """The type's required documents, each checked (unsaved rows, and errors as (field, words))."""
    required = {item["code"]: item["label"] for item in letter_type.attachments}
    errors: list[tuple[str, str]] = []
    rows: list[LetterAttachment] = []
    for code in files:
        if code not in required:
            errors.append(
                (f"attachment_{code}", _("This letter does not take a document called “%(code)s”.") % {"code": code})
            )
    for code, label in required.items():
        upload = files.get(code)
        if upload is None or not upload.data:
            errors.append((f"attachment_{code}", _("Attach: %(label)s.") % {"label": label}))
            continue
        content_type, problem = _check_file(upload)
        if problem:
            errors.append((f"attachment_{code}", problem))
            continue
        rows.append(
            LetterAttachment(
                requirement=code,
                file_name=upload.name[:200] or code,
                content_type=content_type,
                size=len(upload.data),
                sha256=hashlib.sha256(upload.data).hexdigest(),
                data=upload.data,
            )
        )
    return rows, errors
