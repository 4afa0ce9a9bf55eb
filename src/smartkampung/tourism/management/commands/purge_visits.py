"""`smartkampung purge_visits`: delete tourism visits past RETENTION_DAYS["tourism_visits"] (the retention rule
"tourism_visits"; the running worker does it every hour, as `smartkampung retention` does for every rule)."""

from django.conf import settings
from django.core.management.base import BaseCommand

from smartkampung.tourism.services.capacity import purge_old_visits


class Command(BaseCommand):
    help = (
        "Delete tourism visits checked in more than RETENTION_TOURISM_VISITS_DAYS days ago "
        "(the retention rule tourism_visits; the running worker does it hourly)."
    )

    def handle(self, *args, **options):
        days = settings.RETENTION_DAYS["tourism_visits"]
        self.stdout.write(f"Visits deleted: {purge_old_visits()} (kept {days or 'for ever'} days).")
