from django.conf import settings
from django.core.management.base import BaseCommand

from smartkampung.regions.services import load_puskesmas, load_regions


class Command(BaseCommand):
    help = (
        "Load the Kemendagri region codes (all Indonesia), the served regency's villages, "
        "and its Puskesmas with the villages each serves."
    )

    def add_arguments(self, parser):
        parser.add_argument("--regency", default=settings.SMARTKAMPUNG_REGENCY)

    def handle(self, *args, regency: str, **options):
        counts = load_regions(regency_code=regency)
        health = load_puskesmas(regency_code=regency)
        self.stdout.write(
            f"Regions loaded: {counts.provinces} provinces, {counts.regencies} regencies; regency {regency}: "
            f"{counts.districts} kecamatan, {counts.desa} desa, {counts.kelurahan} kelurahan; "
            f"{health.puskesmas} Puskesmas serving {health.villages_served} villages."
        )
