"""What the letters pages' and API's tests are made of: the officials of a chain with keys of a test authority,
residents from population's factories, requests made through the services, and the files people upload (good
photos, a renamed .exe, a broken PNG)."""

import io

from django.contrib.auth import get_user_model
from PIL import Image

from smartkampung.accounts.models import RoleAssignment
from smartkampung.letters.models import LetterRequest, LetterType

# The officials, their keys and the requests come from the one helper every letters test uses.
from smartkampung.letters.tests.officials import (  # noqa: F401 - re-exported for the page, public and API tests
    BAKUNGAN,
    CA_PASSPHRASE,
    GLAGAH,
    NAMES,
    PASSPHRASE,
    PESANGGARAN,
    SARONGAN,
    authority,
    chain,
    documents,
    office_request,
    official,
    official_key,
    png,
    resident,
    sign_through,
    test_root,
)

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
