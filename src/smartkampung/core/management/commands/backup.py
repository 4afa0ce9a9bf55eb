"""`smartkampung backup --out DIR`: the database, the uploads, kept KTP photos, the generated secret key and BSrE's
roots into a new folder, with a manifest and SHA256SUMS (README "Backing up and restoring"; core/backup.py)."""

import os
from pathlib import Path

from django.core.management.base import BaseCommand

from smartkampung.core import backup


class Command(BaseCommand):
    help = (
        "Back up the database (pg_dump's custom format, or SQLite's online backup API: consistent while the server "
        "writes), the uploads, kept KTP photos, the generated secret key and BSrE's root certificates into DIR (new "
        "or empty; 0700), with manifest.json and SHA256SUMS. Restore with `smartkampung restore DIR`."
    )
    requires_system_checks = []  # a warning elsewhere must never stop the nightly backup

    def add_arguments(self, parser):
        parser.add_argument("--out", required=True, metavar="DIR", help="a new or empty folder")

    def handle(self, *args, out: str, **options):
        os.umask(0o077)  # everything written is the service user's alone
        with backup.in_words("The backup failed"):
            manifest = backup.backup(Path(out), say=self.stdout.write)
        self.stdout.write(f"Done: {backup.describe(manifest)} in {Path(out).absolute()}")
