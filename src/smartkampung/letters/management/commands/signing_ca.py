from django.core.management.base import BaseCommand, CommandError

from smartkampung.core.errors import Refused
from smartkampung.letters import keys
from smartkampung.letters.management.commands import _passphrases
from smartkampung.letters.models import CertificateAuthority


def colon_hex(hex_digest: str) -> str:
    return ":".join(hex_digest[i : i + 2] for i in range(0, len(hex_digest), 2)).upper()


class Command(BaseCommand):
    help = (
        "Make the deployment's root certificate authority for its officials' signing keys. The new authority "
        "certifies new keys from now on; an earlier one stays trusted for the letters it certified. Its private "
        "key is stored encrypted with the passphrase you give, which is never stored: keep it safe, it is asked "
        "whenever an official's certificate is issued (`smartkampung signing_certificate`)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--name", default="", help='default: "Smartkampung <regency> Root CA"')
        parser.add_argument(
            "--passphrase-file", default="", help="read the authority's passphrase from this file's first line"
        )

    def handle(self, *args, name: str, passphrase_file: str, **options):
        name = name or keys.default_authority_name()
        earlier = CertificateAuthority.objects.filter(active=True).first()
        passphrase = _passphrases.get(passphrase_file, "passphrase of the new authority", twice=True)
        try:
            authority = keys.make_certificate_authority(name=name, passphrase=passphrase)
        except Refused as error:
            raise CommandError(error.detail) from error
        self.stdout.write(f"Certificate authority: {authority.name}")
        self.stdout.write(f"Valid until:           {authority.not_after:%Y-%m-%d}")
        self.stdout.write(f"Fingerprint (SHA-256): {colon_hex(authority.fingerprint)}")
        if earlier is not None:
            self.stdout.write(
                f"It replaces “{earlier.name}” for new certificates; letters signed under that one stay valid."
            )
        self.stdout.write("Next: `smartkampung signing_certificate --username <official>` for each official.")
