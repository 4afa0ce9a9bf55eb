from django.core.management.base import BaseCommand

from smartkampung.health.services import push_due_reports


class Command(BaseCommand):
    help = "Send the daily reports waiting for DHIS2 now (the running worker does it every 15 seconds)."

    def handle(self, *args, **options):
        self.stdout.write(f"Reports sent: {push_due_reports(limit=1000)}.")
