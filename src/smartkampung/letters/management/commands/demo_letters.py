import datetime as dt
import secrets

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone

from smartkampung.accounts.models import Role
from smartkampung.letters import keys, services
from smartkampung.letters.management.commands import _people
from smartkampung.letters.models import LetterRequest
from smartkampung.population.models import Resident, ResidentStatus
from smartkampung.regions.models import Village

DEMO_CA_PASSPHRASE = "demo-ca-passphrase"  # noqa: S105 - a demo passphrase, printed
DEMO_SIGNING_PASSPHRASE = "tandatangan123"  # noqa: S105 - a demo passphrase, printed
BAKUNGAN, GLAGAH = _people.BAKUNGAN, _people.GLAGAH

# (username, role, kecamatan, village, name, description). operator.bakungan is demo_logins' account: it keeps its
# password; camat.glagah (demo_logins' kecamatan staff) is left alone and the camat who signs is ttd.camat.glagah.
OFFICIALS = [
    (
        "operator.bakungan",
        Role.VILLAGE_OPERATOR,
        None,
        BAKUNGAN,
        "Dewi Lestari",
        "Operator of Bakungan: takes requests, verifies",
    ),
    ("sekdes.bakungan", Role.VILLAGE_SECRETARY, None, BAKUNGAN, "Rina Wulandari", "Secretary of Bakungan: initials"),
    ("kades.bakungan", Role.VILLAGE_HEAD, None, BAKUNGAN, "Sugiono Hadi", "Lurah (village head) of Bakungan: signs"),
    ("ttd.camat.glagah", Role.CAMAT, GLAGAH, None, "Bambang Irawan", "Camat of Glagah: acknowledges, e.g. usaha"),
]
KEPT_PASSWORD = {"operator.bakungan"}

# (letter type, minutes since the request, how many steps are signed (None: all), rejected at step, purpose)
LETTERS = [
    ("sktm", 40, None, None, "berobat ke RSUD Blambangan"),
    ("sktm", 25, None, None, "keringanan biaya sekolah anak"),
    ("domisili", 180, None, None, "membuka rekening bank"),
    ("usaha", 50, None, None, "pengajuan KUR"),
    ("sktm", 20, 1, None, "berobat ke Puskesmas Paspan"),
    ("domisili", 35, 2, None, "melamar pekerjaan"),
    ("usaha", 15, 3, None, "izin usaha mikro"),
    ("sktm", 5, 0, None, "beasiswa kuliah"),
    ("domisili", 70, 1, 2, "pendaftaran sekolah"),
]
NAMES = [
    ("SITI AMINAH", (17, 8, 1987), "female"),
    ("AHMAD FAUZI", (2, 3, 1990), "male"),
    ("SUMARNI", (12, 3, 1979), "female"),
    ("WARSIDI", (17, 8, 1965), "male"),
    ("NUR HAYATI", (5, 11, 1992), "female"),
]


class Command(BaseCommand):
    help = (
        "Demo letters: a demo certificate authority, the signing officials of Bakungan (Glagah) with keys, and, "
        "when there are no letters yet, a handful in every state. For demonstration databases only. Running it "
        "again keeps what is there (the new accounts get new passwords, as with demo_logins)."
    )

    @transaction.atomic
    def handle(self, *args, **options):
        if not Village.objects.filter(code=BAKUNGAN).exists():
            raise CommandError("No villages are in the database: run `smartkampung load_regions` first.")
        authority, made = _people.ensure_authority(
            name=f"Smartkampung {keys.regency_name()} Demo Root CA", passphrase=DEMO_CA_PASSPHRASE
        )
        self.stdout.write(
            f"\nDemo certificate authority: {authority.name} ({'new' if made else 'kept'}); "
            f"its passphrase: {DEMO_CA_PASSPHRASE}"
        )
        self.stdout.write(f"Demo signing officials (signing passphrase: {DEMO_SIGNING_PASSPHRASE}):")
        people = {}
        for username, role, district, village, name, description in OFFICIALS:
            user = _people.official(username, role, village=village, district=district, name=name)
            if username in KEPT_PASSWORD and user.password and user.has_usable_password():
                password = "(see demo_logins)"  # noqa: S105 - not a password: a pointer
            else:
                password = "demo-" + secrets.token_urlsafe(9)
                user.set_password(password)
                user.save(update_fields=["password"])
            _people.ensure_key(user, authority, ca_passphrase=DEMO_CA_PASSPHRASE, passphrase=DEMO_SIGNING_PASSPHRASE)
            people[role] = user
            self.stdout.write(f"  {username:<20} {password:<20} {description}")
        if LetterRequest.objects.exists():
            self.stdout.write("Letters exist already: no demo letters added.\n")
            return
        count = self._letters(people)
        self.stdout.write(f"Demo letters: {count} in Bakungan (signed, waiting at each step, rejected).\n")

    def _residents(self, count: int) -> list[Resident]:
        found = list(
            Resident.objects.filter(
                village_id=BAKUNGAN, status=ResidentStatus.LIVING, household__isnull=False
            ).order_by("nik")[:count]
        )
        for name, birth, sex in NAMES[: max(0, count - len(found))]:
            found.append(_people.resident(BAKUNGAN, name=name, birth=birth, sex=sex))
        return found

    def _letters(self, people: dict) -> int:
        residents = self._residents(len(NAMES))
        now = timezone.now()
        operator = people[Role.VILLAGE_OPERATOR]
        for i, (letter_type, minutes, signed, rejected_at, purpose) in enumerate(LETTERS):
            letter = services.request_letter_at_office(
                user=operator,
                letter_type=letter_type,
                nik=residents[i % len(residents)].nik,
                purpose=purpose,
                files=_people.documents(letter_type),
                now=now - dt.timedelta(minutes=minutes),
            )
            steps = list(letter.steps.order_by("order"))
            for step in steps[: len(steps) if signed is None else signed]:
                letter = services.sign_letter(
                    user=people[step.position], code=letter.code, passphrase=DEMO_SIGNING_PASSPHRASE
                )
            if rejected_at is not None:
                services.reject_letter(
                    user=people[steps[rejected_at - 1].position],
                    code=letter.code,
                    reason="Surat pengantar RT/RW belum ditandatangani ketua RT. Mohon dilengkapi.",
                )
        return len(LETTERS)
