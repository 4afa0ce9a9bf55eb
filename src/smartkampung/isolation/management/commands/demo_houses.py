from django.conf import settings
from django.core.management.base import BaseCommand

from smartkampung.isolation.demo import seed_demo_houses


class Command(BaseCommand):
    help = "Create about 300 demonstration isolation houses and the central facility (only when there are none)."

    def add_arguments(self, parser):
        parser.add_argument("--total", type=int, default=300)
        parser.add_argument("--seed", type=int, default=1)

    def handle(self, *args, total: int, seed: int, **options):
        made = seed_demo_houses(regency_code=settings.SMARTKAMPUNG_REGENCY, total=total, seed=seed)
        self.stdout.write(f"Demo isolation houses created: {made}.")
