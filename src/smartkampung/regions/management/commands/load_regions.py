from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from smartkampung.regions.services import load_puskesmas, load_regions


class Command(BaseCommand):
    help = (
        "Load the Kemendagri region codes (all Indonesia), the served regency's villages, "
        "and its Puskesmas with the villages each serves."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--regency",
            default=",".join(settings.SMARTKAMPUNG_REGENCIES),
            help="regency code, or several comma-separated; default: the regencies this deployment serves",
        )

    def handle(self, *args, regency: str, **options):
        for code in [c.strip() for c in regency.split(",") if c.strip()]:
            try:
                counts = load_regions(regency_code=code)
            except ValueError as exc:
                raise CommandError(str(exc)) from exc
            health = load_puskesmas(regency_code=code)
            self.stdout.write(
                f"Regions loaded: {counts.provinces} provinces, {counts.regencies} regencies; regency {code}: "
                f"{counts.districts} kecamatan, {counts.desa} desa, {counts.kelurahan} kelurahan; "
                f"{health.puskesmas} Puskesmas serving {health.villages_served} villages."
            )
