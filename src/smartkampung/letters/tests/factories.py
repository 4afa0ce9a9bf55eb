"""What the letters pages' and API's tests are made of: the officials of a chain with keys of a test authority,
residents from population's factories, requests made through the services, and the files people upload (good
photos, a renamed .exe, a broken PNG)."""

import functools
import io

from django.contrib.auth import get_user_model
from PIL import Image

from smartkampung.accounts.models import RoleAssignment
from smartkampung.letters import pki, services
from smartkampung.letters.attachments import Upload
from smartkampung.letters.models import CertificateAuthority, LetterRequest, LetterType, SigningKey
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
        common_name="Smartkampung Web Test CA", organization="Pemkab Banyuwangi", passphrase=CA_PASSPHRASE
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
    """A user holding `position` (a village's, or the camat's of the village's kecamatan), with a key of the test
    authority unless `key` is False."""
    name = NAMES[position]
    first, _space, last = name.partition(" ")
    user = get_user_model().objects.create_user(
        username=username or f"{position}.{village}", password="x", first_name=first, last_name=last
    )
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


def chain(village: str = BAKUNGAN, *, camat: bool = False) -> dict:
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


def documents(letter_type: str = "sktm") -> dict[str, Upload]:
    codes = [item["code"] for item in LetterType.objects.get(code=letter_type).attachments]
    return {code: Upload(name=f"{code}.png", data=png()) for code in codes}


def office_request(operator, *, nik: str = "3510151708850001", letter_type: str = "sktm") -> LetterRequest:
    return services.request_letter_at_office(
        user=operator, letter_type=letter_type, nik=nik, purpose="berobat ke rumah sakit", files=documents(letter_type)
    )


def sign_through(letter: LetterRequest, people: dict, *, upto: int | None = None) -> LetterRequest:
    """Each official of the chain signs in turn (up to step `upto`)."""
    for step in letter.steps.order_by("order"):
        if upto is not None and step.order > upto:
            break
        services.sign_letter(user=people[step.position], code=letter.code, passphrase=PASSPHRASE)
    return LetterRequest.objects.get(pk=letter.pk)


NIK, KK = "3510151708850001", "3510150101100001"


def staff(username: str, role: str, *, village: str | None = None, district: str | None = None):
    """A user with one role and no signing key (an oversight member, the kecamatan's staff, ...)."""
    user = get_user_model().objects.create_user(username=username, password="x", first_name=username.title())
    RoleAssignment.objects.create(user=user, role=role, village_id=village, district_id=district)
    return user


def jpeg() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (8, 8), (30, 120, 30)).save(out, format="JPEG")
    return out.getvalue()


def exe_named_jpg() -> bytes:
    """The first bytes of a Windows program: what a .exe renamed .jpg really is."""
    return b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00" + b"\x00" * 200


def broken_png() -> bytes:
    """A PNG's signature followed by nonsense: it claims to be a photo but no image is in it."""
    return b"\x89PNG\r\n\x1a\n" + b"\x00\x00\x00\x0dIHDR" + b"garbage" * 20


def files_for(letter_type: str = "sktm", **replace: tuple[str, bytes]) -> dict[str, io.BytesIO]:
    """The multipart files a form posts: attachment_<code> for each document of the type, each a valid PNG
    unless `replace` gives (name, bytes) for it (or None to leave it out)."""
    codes = [item["code"] for item in LetterType.objects.get(code=letter_type).attachments]
    files = {}
    for code in codes:
        if code in replace and replace[code] is None:
            continue
        name, data = replace[code] if code in replace else (f"{code}.png", png())
        handle = io.BytesIO(data)
        handle.name = name
        files[f"attachment_{code}"] = handle
    return files


def online_form(letter_type: str = "sktm", *, nik: str = NIK, kk: str = KK, **changes) -> dict:
    return {
        "letter_type": letter_type,
        "nik": nik,
        "kk_number": kk,
        "phone": "0812 3456 7890",
        "purpose": "berobat ke rumah sakit",
        **changes,
    }


def letter(code: str) -> LetterRequest:
    return LetterRequest.objects.get(code=code)
