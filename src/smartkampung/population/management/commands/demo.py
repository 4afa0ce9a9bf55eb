import sys
import time

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from smartkampung.population.demo import (
    DemoSummary,
    RegionsNotLoaded,
    generate_province,
    write_siak_csv,
    write_to_database,
)
from smartkampung.population.models import Resident
from smartkampung.regions.codes import village_rows
from smartkampung.regions.models import Village


class Command(BaseCommand):
    help = (
        "Generate a synthetic population (households and residents) into the database, or as a "
        "SIAK-style CSV export with --csv. The same options always give the same people."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--residents", type=int, default=10_000, help="number of residents (default 10000)")
        parser.add_argument("--seed", type=int, default=1, help="random seed (default 1)")
        parser.add_argument(
            "--serial-base",
            type=int,
            default=0,
            help="NIK/KK serials start after this number; give a second population a base above the first's "
            "serials so that they never collide (default 0)",
        )
        parser.add_argument("--csv", metavar="PATH", help="write a SIAK-style CSV export here instead of the database")
        parser.add_argument(
            "--if-empty",
            action="store_true",
            help="do nothing when the database already holds residents (ignored with --csv)",
        )
        parser.add_argument(
            "--regency",
            default=",".join(settings.SMARTKAMPUNG_REGENCIES),
            help="regency code, or several comma-separated (a province: residents shared by their villages' "
            "numbers); default: the regencies this deployment serves",
        )

    def handle(
        self,
        *args,
        residents: int,
        seed: int,
        serial_base: int,
        csv: str | None,
        if_empty: bool,
        regency: str,
        **options,
    ) -> None:
        if residents < 0:
            raise CommandError("--residents must not be negative.")
        regencies = [code.strip() for code in regency.split(",") if code.strip()]
        if not regencies or not all(len(code) == 4 and code.isdigit() for code in regencies):
            raise CommandError("--regency takes 4-digit regency codes, comma-separated.")
        if not 0 <= serial_base < 9999:
            raise CommandError("--serial-base must be between 0 and 9998.")
        if csv is None:
            if if_empty and Resident.objects.exists():
                self.stdout.write(
                    f"Residents already exist ({Resident.objects.count():,}); nothing generated (--if-empty)."
                )
                return
            for code in regencies:
                self._check_regions(code)

        started = time.monotonic()

        def progress(households: int, written: int) -> None:
            share = 100 * written / residents if residents else 100
            sys.stderr.write(
                f"demo: {written:,}/{residents:,} residents ({share:.0f}%), {households:,} households, "
                f"{time.monotonic() - started:.1f} s\n"
            )
            sys.stderr.flush()

        households = generate_province(residents=residents, seed=seed, serial_base=serial_base, regency_codes=regencies)
        try:
            if csv is None:
                summary = write_to_database(households, progress=progress)
            else:
                summary = write_siak_csv(households, csv, progress=progress)
        except RegionsNotLoaded as exc:
            raise CommandError(str(exc)) from exc
        except ValueError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(self._summary(summary, csv))

    def _check_regions(self, regency: str) -> None:
        expected = {row.code for row in village_rows(regency)}
        if not expected:
            raise CommandError(f"No villages are known for regency {regency}.")
        loaded = set(Village.objects.filter(code__in=expected).values_list("code", flat=True))
        if loaded != expected:
            raise CommandError(
                f"The regions are not loaded ({len(loaded)} of {len(expected)} villages of regency {regency} "
                "in the database). Run `smartkampung load_regions` first."
            )

    @staticmethod
    def _summary(summary: DemoSummary, csv: str | None) -> str:
        target = f"written to {csv}" if csv else "written to the database"
        return (
            f"Demo population {target}: {summary.households:,} households, {summary.residents:,} residents, "
            f"{summary.villages} villages, {summary.seconds:.1f} s."
        )
