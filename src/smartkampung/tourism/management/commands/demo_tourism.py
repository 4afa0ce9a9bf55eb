import time

from django.core.management.base import BaseCommand, CommandError

from smartkampung.letters.management.commands.demo_letters import DEMO_SIGNING_PASSPHRASE
from smartkampung.regions.models import Village
from smartkampung.tourism.demo import AGENCY_USERNAME, PLACES, DemoError, seed_demo_tourism


class Command(BaseCommand):
    help = (
        f"Demo tourism: a signing key of the demo authority for the tourism agency ({AGENCY_USERNAME}), two owners, "
        f"{len(PLACES)} places across Banyuwangi certified through the real services (signed certificates), a few "
        "waiting, rejected, suspended or revoked, a violation open, and visitors inside. For demonstration "
        "databases only. Running it again adds nothing (the owners get new passwords, as with demo_logins)."
    )

    def handle(self, *args, **options):
        if not Village.objects.filter(code=PLACES[0].village).exists():
            raise CommandError("No villages are in the database: run `smartkampung load_regions` first.")
        started = time.monotonic()
        try:
            outcome = seed_demo_tourism()
        except DemoError as error:
            raise CommandError(str(error)) from error
        took = time.monotonic() - started
        key = "new" if outcome.key_issued else "kept"
        self.stdout.write(
            f"\nDemo tourism: {AGENCY_USERNAME} (the tourism agency) signs certificates with a key of the demo "
            f"authority ({key}); signing passphrase: {DEMO_SIGNING_PASSPHRASE}."
        )
        self.stdout.write("Demo place owners (passwords are new on every run):")
        for username, password, description in outcome.owners:
            self.stdout.write(f"  {username:<20} {password:<20} {description}")
        c = outcome.counts
        self.stdout.write(
            f"Demo tourism places: {c['places']} ({outcome.places_made} new, {outcome.certificates_signed} "
            f"certificates signed, {outcome.visits_made} visits added in {took:.1f} s): {c['certified']} certified "
            f"({c['conditional']} with conditions), {c['waiting']} waiting for inspection, {c['suspended']} suspended, "
            f"{c['revoked']} revoked, {c['violations_open']} violation report open, {c['inside']} people inside now.\n"
        )
