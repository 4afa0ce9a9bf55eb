"""Retention (core.retention): the KTP photos a deployment keeps (KTP_KEEP_IMAGES, in KTP_IMAGE_DIR, each named by its
read's audit entry) are deleted RETENTION_DAYS["ktp_images"] days after they were written; the audit entry of the
read stays. A half-written photo left by a crash goes the same way."""

import os
from collections.abc import Iterator
from pathlib import Path

from django.conf import settings
from django.utils.translation import gettext_lazy as _

from smartkampung.core import retention


def _due(cutoff) -> Iterator[Path]:
    """The photos written before the cutoff, read from the folder one entry at a time."""
    folder = Path(settings.KTP_IMAGE_DIR)
    if not folder.is_dir():
        return
    limit = cutoff.timestamp()
    with os.scandir(folder) as entries:
        for entry in entries:
            if entry.is_file(follow_symlinks=False) and entry.stat(follow_symlinks=False).st_mtime < limit:
                yield Path(entry.path)


def delete_photos(cutoff) -> int:
    done = 0
    for path in _due(cutoff):
        try:
            path.unlink()
        except FileNotFoundError:  # another worker was first
            continue
        done += 1
    return done


retention.register(
    retention.Rule(
        code="ktp_images",
        label=_("KTP photos kept by KTP_KEEP_IMAGES"),
        what=retention.DELETED,
        count=lambda cutoff: sum(1 for _path in _due(cutoff)),
        apply=delete_photos,
        order=80,
    )
)
