import secrets

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand

DEMO_USERS = [
    # (username, description). Roles bound to jurisdictions arrive with the access layer; until
    # then the regency administrator is the one role that exists.
    ("admin.pemkab", "Regency administrator (Pemkab / Dinas Kominfo): everything"),
]


class Command(BaseCommand):
    help = "Create (or reset) one demo login per role and print them. For demonstration databases only."

    def handle(self, *args, **options):
        User = get_user_model()
        self.stdout.write("\nDemo logins (passwords are new on every run):")
        for username, description in DEMO_USERS:
            password = "demo-" + secrets.token_urlsafe(9)
            user, _created = User.objects.get_or_create(username=username)
            user.is_staff = user.is_superuser = True
            user.set_password(password)
            user.save()
            self.stdout.write(f"  {username:<16} {password:<20} {description}")
        self.stdout.write("")
