"""`smartkampung purge_visits`: delete tourism visits older than 14 days (the worker does it every hour)."""

from django.core.management.base import BaseCommand

from smartkampung.tourism.services.capacity import KEEP_VISITS_DAYS, purge_old_visits


class Command(BaseCommand):
    help = (
        f"Delete tourism visits checked in more than {KEEP_VISITS_DAYS} days ago (the running worker does it hourly)."
    )

    def handle(self, *args, **options):
        self.stdout.write(f"Visits deleted: {purge_old_visits()}.")
