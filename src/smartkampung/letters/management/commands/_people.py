"""The people and papers the demonstration commands (`letter_sample`, `demo_letters`) and `bench letters` need:
officials with their roles, a resident to write about, a photo for every document a letter type asks for. Made
through the services, as the product makes them. (A leading underscore: Django does not take this for a
command.)"""

import functools
import io

from cryptography import x509
from django.contrib.auth import get_user_model
from django.utils import timezone
from PIL import Image

from smartkampung.accounts.models import RoleAssignment
from smartkampung.accounts.services import assign_role
from smartkampung.letters import keys, pki, signing
from smartkampung.letters.attachments import Upload
from smartkampung.letters.models import CertificateAuthority, LetterType, SigningKey
from smartkampung.population import services as population
from smartkampung.population.models import Household, Resident

BAKUNGAN, GLAGAH = "3510151002", "351015"


@functools.cache
def photo() -> bytes:
    """A small PNG standing in for a photographed document."""
    out = io.BytesIO()
    Image.new("RGB", (48, 32), (236, 236, 228)).save(out, format="PNG")
    return out.getvalue()


def documents(letter_type: str) -> dict[str, Upload]:
    """A photo for every document the type requires."""
    wanted = LetterType.objects.get(code=letter_type).attachments
    return {item["code"]: Upload(name=f"{item['code']}.png", data=photo()) for item in wanted}


def official(
    username: str, role: str, *, village: str | None = None, district: str | None = None, name: str = "", by=None
):
    """The user `username` holding `role` at the place (made if missing; an existing one keeps its other roles
    and its name if it has one)."""
    user, _created = get_user_model().objects.get_or_create(username=username)
    if name and not user.get_full_name():
        first, _space, last = name.partition(" ")
        user.first_name, user.last_name = first, last
        user.save(update_fields=["first_name", "last_name"])
    if not RoleAssignment.objects.filter(user=user, role=role, village_id=village, district_id=district).exists():
        assign_role(user=user, role=role, village_code=village, district_code=district, by=by)
    return user


def free_serial(prefix: str, *, start: int = 9001) -> int:
    """The first 4-digit serial after `prefix` (a NIK's or KK's first twelve digits) not in the register."""
    taken = set(Resident.objects.filter(nik__startswith=prefix).values_list("nik", flat=True))
    taken |= set(Household.objects.filter(kk_number__startswith=prefix).values_list("kk_number", flat=True))
    for serial in range(start, 10_000):
        if f"{prefix}{serial:04}" not in taken:
            return serial
    raise RuntimeError(f"No free serial after {prefix}")


def resident(
    village_code: str,
    *,
    name: str = "WARSIDI",
    birth: tuple[int, int, int] = (17, 8, 1985),
    sex: str = "male",
    occupation: str = "Buruh Tani/Perkebunan",
):
    """A new household with its head, living in the village (NIK and KK numbers of the village's kecamatan
    with serials from 9001 up, so they never meet real ones)."""
    district = village_code[:6]
    day, month, year = birth
    nik_prefix = f"{district}{day + (40 if sex == 'female' else 0):02}{month:02}{year % 100:02}"
    kk_prefix = f"{district}010120"
    nik = f"{nik_prefix}{free_serial(nik_prefix):04}"
    kk = f"{kk_prefix}{free_serial(kk_prefix):04}"
    population.create_household(
        user=None,
        values={"kk_number": kk, "village_code": village_code, "address": "DUSUN KRAJAN", "rt": "2", "rw": "1"},
    )
    return population.create_resident(
        user=None,
        values={
            "nik": nik,
            "kk_number": kk,
            "name": name,
            "birth_place": "Banyuwangi",
            "birth_date": f"{year:04}-{month:02}-{day:02}",
            "sex": sex,
            "religion": "islam",
            "marital_status": "married",
            "family_relation": "head",
            "occupation": occupation,
        },
    )


def ensure_key(user, authority: CertificateAuthority, *, ca_passphrase: str, passphrase: str) -> SigningKey:
    """The official's key: kept when it is a key of `authority` that `passphrase` opens, else a new one."""
    key = keys.active_key(user)
    if key is not None and key.kind == SigningKey.Kind.LOCAL and key.not_after > timezone.now():
        certificate = x509.load_pem_x509_certificate(key.certificate_pem.encode())
        root = x509.load_pem_x509_certificate(authority.certificate_pem.encode())
        try:
            certificate.verify_directly_issued_by(root)
            pki.check_passphrase(key.key_pem.encode(), passphrase)
            return key
        except (ValueError, TypeError, x509.InvalidSignature, signing.WrongPassphrase, pki.BadCertificateFile):
            pass
    return keys.issue_signing_key(user=user, ca_passphrase=ca_passphrase, passphrase=passphrase)


def ensure_authority(*, name: str, passphrase: str) -> tuple[CertificateAuthority, bool]:
    """The active authority when `passphrase` opens it, else a new one named `name` (made: True)."""
    authority = keys.active_authority()
    if authority is not None and authority.not_after > timezone.now():
        try:
            pki.check_passphrase(authority.key_pem.encode(), passphrase)
            return authority, False
        except (signing.WrongPassphrase, pki.BadCertificateFile):
            pass  # someone else's authority: a new one is made
    return keys.make_certificate_authority(name=name, passphrase=passphrase), True
