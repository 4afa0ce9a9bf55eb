import tempfile
from pathlib import Path

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
        with tempfile.TemporaryDirectory() as tmp:
            for code, frame in make_lists(registry, seed=seed).items():
                path = Path(tmp) / f"{code}-2020-05.csv"
                write_csv(frame, path)
                job = import_list_now(
                    user=None, program=Program.objects.get(code=code), period="2020-05", path=path, registry=registry
                )
                self.stdout.write(f"  {code}: {job.total_rows} rows {job.counts}")
