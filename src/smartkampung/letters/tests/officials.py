"""The people of a letter's chain for tests: officials with roles and signing keys of a test authority, a
resident to write about, and a request opened at the office. Keys are made once per process (RSA key
generation is the slow part) and stored for each test's database."""

import functools
import io

from django.contrib.auth import get_user_model
from PIL import Image

from smartkampung.accounts.models import RoleAssignment
from smartkampung.letters import pki, services
from smartkampung.letters.models import CertificateAuthority, LetterRequest, SigningKey
from smartkampung.population.tests.factories import make_household, make_resident

BAKUNGAN, GLAGAH = "3510151002", "351015"
SARONGAN, PESANGGARAN = "3510012001", "351001"
PASSPHRASE = "tandatangan-desa-1"
CA_PASSPHRASE = "otoritas-kabupaten-1"

NAMES = {
    "village_operator": "Dewi Operator",
    "village_secretary": "Rina Wulandari",
    "village_head": "Sugiono",
    "camat": "Bambang Setiawan",
}


@functools.cache
def test_root() -> tuple[bytes, bytes]:
    return pki.make_root(
        common_name="Smartkampung Test Root CA", organization="Pemkab Banyuwangi", passphrase=CA_PASSPHRASE
    )


@functools.cache
def official_key(name: str, position: str) -> tuple[bytes, bytes]:
    root_cert, root_key = test_root()
    return pki.issue_official(
        root_cert_pem=root_cert,
        root_key_pem=root_key,
        root_passphrase=CA_PASSPHRASE,
        name=name,
        position=position,
        organization="Pemerintah Kabupaten Banyuwangi",
        passphrase=PASSPHRASE,
    )


def authority() -> CertificateAuthority:
    cert, key = test_root()
    facts = pki.certificate_facts(cert)
    found, _made = CertificateAuthority.objects.get_or_create(
        fingerprint=facts.fingerprint_sha256,
        defaults={
            "name": facts.subject_name,
            "certificate_pem": cert.decode(),
            "key_pem": key.decode(),
            "not_after": facts.not_after,
        },
    )
    return found


def official(position: str, *, village: str = BAKUNGAN, username: str | None = None, key: bool = True):
    """A user holding `position` (a village's, or the camat's of the village's kecamatan) with a signing key."""
    username = username or f"{position}.{village}"
    name = NAMES[position]
    first, _space, last = name.partition(" ")
    user = get_user_model().objects.create_user(username=username, password="x", first_name=first, last_name=last)
    if position == "camat":
        RoleAssignment.objects.create(user=user, role=position, district_id=village[:6])
    else:
        RoleAssignment.objects.create(user=user, role=position, village_id=village)
    if key:
        authority()
        cert, key_pem = official_key(name, position)
        facts = pki.certificate_facts(cert)
        SigningKey.objects.create(
            user=user,
            kind=SigningKey.Kind.LOCAL,
            certificate_pem=cert.decode(),
            key_pem=key_pem.decode(),
            subject_name=facts.subject_name,
            fingerprint=facts.fingerprint_sha256,
            not_after=facts.not_after,
        )
    return user


def chain(village: str = BAKUNGAN, *, camat: bool = False) -> dict[str, object]:
    """Operator, secretary and head of the village (and its camat), each with a key."""
    people = {p: official(p, village=village) for p in ("village_operator", "village_secretary", "village_head")}
    if camat:
        people["camat"] = official("camat", village=village)
    return people


def resident(*, village: str = BAKUNGAN, nik: str = "3510151708850001", kk: str = "3510150101100001", **extra):
    make_household(kk_number=kk, village_code=village)
    return make_resident(nik=nik, kk_number=kk, name="WARSIDI", **extra)


@functools.cache
def png() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (8, 8), (200, 30, 30)).save(out, format="PNG")
    return out.getvalue()


def documents(letter_type: str = "sktm") -> dict[str, services.Upload]:
    """A valid photo for every document the type requires."""
    from smartkampung.letters.models import LetterType

    codes = [item["code"] for item in LetterType.objects.get(code=letter_type).attachments]
    return {code: services.Upload(name=f"{code}.png", data=png()) for code in codes}


def office_request(operator, *, nik: str = "3510151708850001", letter_type: str = "sktm") -> LetterRequest:
    return services.request_letter_at_office(
        user=operator,
        letter_type=letter_type,
        nik=nik,
        purpose="berobat ke rumah sakit",
        phone="",
        files=documents(letter_type),
    )


def sign_through(letter: LetterRequest, people: dict, *, upto: int | None = None) -> LetterRequest:
    """Each official of the chain signs in turn (up to step `upto`)."""
    for step in letter.steps.exclude(status="signed").order_by("order"):
        if upto is not None and step.order > upto:
            break
        letter = services.sign_letter(user=people[step.position], code=letter.code, passphrase=PASSPHRASE)
    return LetterRequest.objects.get(pk=letter.pk)
