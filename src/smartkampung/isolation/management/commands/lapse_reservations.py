from django.core.management.base import BaseCommand

from smartkampung.isolation.services import lapse_ended_holds


class Command(BaseCommand):
    help = "Mark bed reservations whose hold has ended as lapsed (the running worker does it every 5 minutes)."

    def handle(self, *args, **options):
        self.stdout.write(f"Reservations lapsed: {lapse_ended_holds()}.")
