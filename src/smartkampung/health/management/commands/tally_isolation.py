from django.core.management.base import BaseCommand

from smartkampung.health.tallies import refresh_tallies


class Command(BaseCommand):
    help = "Compute the dashboards' daily tallies (the running worker refreshes today's every 10 minutes)."

    def add_arguments(self, parser):
        parser.add_argument("--days", type=int, default=30, help="how many days back to fill in")

    def handle(self, *args, days: int, **options):
        self.stdout.write(f"Days tallied: {refresh_tallies(days=days)}.")
