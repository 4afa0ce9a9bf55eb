"""`smartkampung restore DIR [--force]`: check a backup's checksums, restore it into an empty database and empty file
folders, then compare every table's row count with the manifest (README "Backing up and restoring"; core/backup.py).
"""

import os
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from smartkampung.core import backup


class Command(BaseCommand):
    help = (
        "Restore a backup made by `smartkampung backup`: every checksum is verified first, the database must be "
        "empty and the file folders empty or absent (--force overwrites files, never a database); afterwards every "
        "table's row count is compared with the manifest (exit 1 on any difference)."
    )
    requires_system_checks = []

    def add_arguments(self, parser):
        parser.add_argument("folder", metavar="DIR", help="the backup's folder")
        parser.add_argument(
            "--force", action="store_true", help="overwrite files already in MEDIA_ROOT and KTP_IMAGE_DIR"
        )

    def handle(self, *args, folder: str, force: bool, **options):
        os.umask(0o077)
        with backup.in_words("The restore failed"):
            restored = backup.restore(Path(folder), force=force, say=self.stdout.write)
        for note in restored.notes:
            self.stdout.write(note)
        if restored.differences:
            raise CommandError(
                f"Restored, but {len(restored.differences)} tables differ from the manifest:\n  "
                + "\n  ".join(restored.differences)
            )
        self.stdout.write(
            f"Restored: {restored.tables} tables, {restored.rows} rows, every count as in the manifest; "
            f"{restored.files} files."
        )
