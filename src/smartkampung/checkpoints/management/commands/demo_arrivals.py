from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from smartkampung.checkpoints.demo import seed_demo_arrivals


class Command(BaseCommand):
    help = "Register demonstration travellers at the four demo checkpoints (only when there are no arrivals yet)."

    def add_arguments(self, parser):
        parser.add_argument("--count", type=int, default=60)
        parser.add_argument("--seed", type=int, default=1)
        parser.add_argument("--as", dest="username", default="admin.pemkab", help="the registering account")

    def handle(self, *args, count: int, seed: int, username: str, **options):
        user = get_user_model().objects.filter(username=username).first()
        if user is None:
            raise CommandError(f"No account {username!r}: run `smartkampung demo_logins` first.")
        made = seed_demo_arrivals(user=user, count=count, seed=seed)
        self.stdout.write(f"Demo arrivals registered: {made}.")
