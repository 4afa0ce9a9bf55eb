from django.core.management.base import BaseCommand

from smartkampung.checkpoints.services import seed_demo_checkpoints


class Command(BaseCommand):
    help = "Create the four demonstration checkpoints (Ketapang, …) if they are missing. Safe to run again."

    def handle(self, *args, **options):
        posts = seed_demo_checkpoints()
        self.stdout.write(f"Demo checkpoints: {', '.join(p.code for p in posts)}.")
