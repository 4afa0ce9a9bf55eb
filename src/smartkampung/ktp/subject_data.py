"""What the KTP reader holds about one NIK: the photos of the person's KTP a deployment keeps (KTP_KEEP_IMAGES), each
named by the audit entry of the read that read this NIK from it, by file name, size and checksum (the photo itself
stays on the server: the regency administrator gives a copy when the person asks for it)."""

import hashlib
from pathlib import Path

from django.conf import settings
from django.utils.translation import gettext_lazy as _

from smartkampung.audit.models import AuditEntry
from smartkampung.core.subject_data import plain, register


def _photo_of(folder: Path, entry: int) -> Path | None:
    # Named "<entry><suffix>" (ktp.services): the entry's number, a dot, the suffix; never another entry's number.
    found = sorted(path for path in folder.glob(f"{entry}.*") if path.is_file() and not path.is_symlink())
    return found[0] if found else None


def photos(nik: str) -> list[dict]:
    folder = Path(settings.KTP_IMAGE_DIR)
    if not folder.is_dir():
        return []
    out = []
    for entry in AuditEntry.objects.filter(object_type="ktp_scan", subject=nik).order_by("at", "id"):
        path = _photo_of(folder, entry.pk)
        if path is None:
            continue
        data = path.read_bytes()
        out.append(
            {
                "entry": entry.pk,
                "read_at": plain(entry.at),
                "file_name": path.name,
                "size": len(data),
                "sha256": hashlib.sha256(data).hexdigest(),
            }
        )
    return out


register("ktp_photos", _("KTP photos kept"), photos, order=80)
