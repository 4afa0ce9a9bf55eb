from django.core.management.base import BaseCommand

from smartkampung.aid.demo import seed_programs


class Command(BaseCommand):
    help = "Create the 2020 aid programs and their exclusion rules (only those missing)."

    def handle(self, *args, **options):
        created = seed_programs()
        self.stdout.write(f"Aid programs created: {created}.")
