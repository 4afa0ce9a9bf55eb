import secrets
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from smartkampung.accounts.models import Role, RoleAssignment
from smartkampung.core.errors import Refused
from smartkampung.letters import keys, services
from smartkampung.letters.content import verify_url
from smartkampung.letters.management.commands import _people
from smartkampung.letters.models import ChainStep, LetterType
from smartkampung.letters.selectors import latest_revision
from smartkampung.regions.models import Village

OFFICIALS = (
    (Role.VILLAGE_OPERATOR, "operator", "Dewi Lestari"),
    (Role.VILLAGE_SECRETARY, "secretary", "Rina Wulandari"),
    (Role.VILLAGE_HEAD, "head", "Sugiono Hadi"),
    (Role.CAMAT, "camat", "Bambang Irawan"),
)


class Command(BaseCommand):
    help = (
        "Issue a demonstration letter (an SKTM by default: operator verifies, secretary initials, head signs) "
        "and write the signed PDF. Everything it makes (an authority, officials, a resident, the letter) is "
        "rolled back afterwards: the database is left as it was."
    )

    def add_arguments(self, parser):
        parser.add_argument("--out", required=True, help="where to write the signed PDF")
        parser.add_argument(
            "--ca-out", default="", help="also write the sample authority's root certificate (PEM) here"
        )
        parser.add_argument("--type", default="sktm", help="the letter type's code (default: sktm)")

    def handle(self, *args, out: str, ca_out: str, type: str, **options):
        path = Path(out)
        if not path.parent.is_dir():
            raise CommandError(f"The folder {path.parent} does not exist.")
        if not LetterType.objects.filter(code=type).exists():
            raise CommandError(f"No letter type “{type}”: migrate the database first.")
        village = self._village()
        try:
            with transaction.atomic():
                try:
                    pdf, number, code, root = self._issue(village, type)
                finally:
                    transaction.set_rollback(True)  # nothing of the sample stays
        except Refused as error:
            raise CommandError(error.detail) from error
        path.write_bytes(pdf)
        if ca_out:
            Path(ca_out).write_bytes(root)
        self.stdout.write(f"Signed letter:  {path.resolve()}")
        self.stdout.write(f"Letter number:  {number}")
        self.stdout.write(f"Verify URL:     {verify_url(code)}")
        self.stdout.write(
            "(A sample: its authority, officials and letter were rolled back, so the verification page does not "
            "know it; check its signatures with `pdfsig` or Adobe Reader"
            + (f", trusting {ca_out}" if ca_out else "")
            + ".)"
        )

    def _village(self) -> Village:
        """Bakungan (Glagah) unless real officials sign there already; then the first village without any (the
        letter prints the names of the village's head and secretary)."""
        villages = Village.objects.filter(code__startswith=settings.SMARTKAMPUNG_REGENCY).select_related("district")
        if not villages.exists():
            raise CommandError("No villages are in the database: run `smartkampung load_regions` first.")
        taken = set(
            RoleAssignment.objects.filter(role__in=[Role.VILLAGE_HEAD, Role.VILLAGE_SECRETARY]).values_list(
                "village_id", flat=True
            )
        )
        taken_districts = set(RoleAssignment.objects.filter(role=Role.CAMAT).values_list("district_id", flat=True))
        free = villages.exclude(code__in=taken).exclude(district_id__in=taken_districts)
        return free.filter(code=_people.BAKUNGAN).first() or free.order_by("code").first() or villages.first()

    def _issue(self, village: Village, letter_type: str) -> tuple[bytes, str, str, bytes]:
        ca_passphrase, passphrase = secrets.token_urlsafe(16), secrets.token_urlsafe(16)
        authority = keys.make_certificate_authority(
            name=f"Smartkampung {keys.regency_name()} Sample CA", passphrase=ca_passphrase
        )
        suffix = secrets.token_hex(3)
        people = {}
        chain = set(ChainStep.objects.filter(letter_type__code=letter_type).values_list("position", flat=True))
        for role, word, name in OFFICIALS:
            if role not in chain:
                continue
            place = {"district": village.district_id} if role == Role.CAMAT else {"village": village.code}
            people[role] = _people.official(f"sample.{word}.{suffix}", role, name=name, **place)
            keys.issue_signing_key(user=people[role], ca_passphrase=ca_passphrase, passphrase=passphrase)
        person = _people.resident(village.code, name="SUMARNI", birth=(12, 3, 1979), sex="female")
        letter = services.request_letter_at_office(
            user=people[Role.VILLAGE_OPERATOR],
            letter_type=letter_type,
            nik=person.nik,
            purpose="berobat ke Puskesmas (contoh)",
            files=_people.documents(letter_type),
        )
        for step in letter.steps.order_by("order"):
            letter = services.sign_letter(user=people[step.position], code=letter.code, passphrase=passphrase)
        return bytes(latest_revision(letter).pdf), letter.number, letter.code, authority.certificate_pem.encode()
