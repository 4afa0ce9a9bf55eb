from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from smartkampung.core.errors import Refused
from smartkampung.letters import keys
from smartkampung.letters.management.commands import _passphrases


class Command(BaseCommand):
    help = (
        "Issue an official (an operator, secretary, village head or camat) a signing certificate from the "
        "deployment's active authority. Their new key is stored encrypted with the passphrase they choose, "
        "which is asked at every signature and never stored; it replaces the key they had."
    )

    def add_arguments(self, parser):
        parser.add_argument("--username", required=True)
        parser.add_argument("--position", default="", help="the title in the certificate (default: from the roles)")
        parser.add_argument(
            "--ca-passphrase-file", default="", help="read the authority's passphrase from this file's first line"
        )
        parser.add_argument(
            "--passphrase-file", default="", help="read the official's new passphrase from this file's first line"
        )

    def handle(self, *args, username: str, position: str, ca_passphrase_file: str, passphrase_file: str, **options):
        user = get_user_model().objects.filter(username=username).first()
        if user is None:
            raise CommandError(f"No user “{username}”.")
        if keys.active_authority() is None:
            raise CommandError("This server has no certificate authority yet: run `smartkampung signing_ca` first.")
        ca_passphrase = _passphrases.get(ca_passphrase_file, "passphrase of the certificate authority")
        passphrase = _passphrases.get(passphrase_file, f"new signing passphrase of {username}", twice=True)
        try:
            key = keys.issue_signing_key(
                user=user, ca_passphrase=ca_passphrase, passphrase=passphrase, position_title=position
            )
        except Refused as error:
            raise CommandError(error.detail) from error
        from smartkampung.letters import pki

        facts = pki.certificate_facts(key.certificate_pem.encode())
        subject = facts.subject_name + (f", {facts.position}" if facts.position else "")
        self.stdout.write(f"Certificate for {username}: {subject} ({facts.organization})")
        self.stdout.write(f"Issued by:   {facts.issuer_name}")
        self.stdout.write(f"Valid:       {facts.not_before:%Y-%m-%d %H:%M} to {facts.not_after:%Y-%m-%d %H:%M} UTC")
        self.stdout.write(f"Fingerprint: {facts.fingerprint_sha256}")
