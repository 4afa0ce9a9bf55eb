import tempfile
from pathlib import Path

import polars as pl
from django.conf import settings
from django.core.management.base import BaseCommand

from smartkampung.aid.demo import seed_affected, seed_programs
from smartkampung.aid.matching import registry_frame
from smartkampung.aid.models import Program, RecipientList
from smartkampung.aid.services import import_list_now
from smartkampung.aid.synthetic import make_lists, write_csv


class Command(BaseCommand):
    help = (
        "Create the 2020 aid programs and their exclusion rules (those missing), and, when no list has been "
        "imported yet, import demonstration lists written from the register as published lists go wrong; enter "
        "the residents the register marks as hit in their work on the register of affected residents."
    )

    def add_arguments(self, parser):
        parser.add_argument("--seed", type=int, default=1)

    def handle(self, *args, seed: int, **options):
        created = seed_programs()
        self.stdout.write(f"Aid programs created: {created}.")
        self.stdout.write(f"Affected residents entered: {seed_affected()}.")
        if RecipientList.objects.exists():
            return
        registry = registry_frame()
        if not registry.height:
            self.stdout.write("No residents yet: no demonstration lists.")
            return
        several = len(settings.SMARTKAMPUNG_REGENCIES) > 1
        with tempfile.TemporaryDirectory() as tmp:
            # Each regency's lists, from its own register (a province demo has one of each program per regency).
            for regency in settings.SMARTKAMPUNG_REGENCIES:
                own = registry.filter(pl.col("village").str.starts_with(regency))
                if not own.height:
                    continue
                for code, frame in make_lists(own, seed=seed).items():
                    path = Path(tmp) / f"{code}-{regency}-2020-05.csv"
                    write_csv(frame, path)
                    job = import_list_now(
                        user=None, program=Program.objects.get(code=code), period="2020-05", path=path,
                        registry=own, regency=regency,
                    )  # fmt: skip
                    where = f" ({regency})" if several else ""
                    self.stdout.write(f"  {code}{where}: {job.total_rows} rows {job.counts}")
