from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from smartkampung.accounts.models import ApiToken
from smartkampung.accounts.services import create_api_token, revoke_api_token


class Command(BaseCommand):
    help = "Make, list or revoke API tokens for other government systems (a token acts as its user)."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        create = sub.add_parser("create")
        create.add_argument("--user", required=True)
        create.add_argument("--name", required=True)
        sub.add_parser("list")
        revoke = sub.add_parser("revoke")
        revoke.add_argument("prefix")

    def handle(self, *args, action: str, **options):
        if action == "create":
            user = get_user_model().objects.filter(username=options["user"]).first()
            if user is None:
                raise CommandError(f"No user {options['user']!r}.")
            token, key = create_api_token(user=user, name=options["name"])
            self.stdout.write(f"Token {token.name} for {user.username}; the key is shown only now:\n{key}")
        elif action == "list":
            for token in ApiToken.objects.select_related("user"):
                state = f"revoked {token.revoked_at:%Y-%m-%d}" if token.revoked_at else "live"
                self.stdout.write(f"{token.prefix}…  {token.user.username:<20} {token.name:<30} {state}")
        else:
            tokens = list(ApiToken.objects.filter(prefix=options["prefix"]))
            if len(tokens) != 1:
                raise CommandError("Give the first 12 characters of exactly one token (see 'list').")
            revoke_api_token(token=tokens[0])
            self.stdout.write(f"Revoked {tokens[0]}.")
