"""The KTP scan in the authorization matrix: its staff API operations, and what each actor may get.

Who may read KTP photos and QR codes (accounts.selectors.may_read_ktp): a checkpoint officer and whoever registers
residents (a village operator, in or out of HOME, and the administrator). The matrix sends a photo too small to
read: who may read gets past the door and is told so (422, code too_small: no OCR runs, the matrix stays fast);
anyone else is stopped at it (403); anonymous callers must sign in (401). The register comparison's scope is
tested in ktp/tests/test_api.py (an officer compares any NIK, an operator outside the resident's kecamatan none,
the public page never). /api/v1/public/ktp/read is public (rate-limited, never compared, photo never kept) and
tested there too.

To merge (lead): add KTP_API to API; in `call`, `if method == "ktp_upload": return ktp_upload(client, url)`; in
`check`, `elif expected == UNREADABLE: assert status == 422 and json.loads(body)["code"] == "too_small"`."""

from smartkampung.accounts.tests.matrix_expectations import FORBIDDEN, LOGIN

# Past the door, the photo refused in words as unreadable (422 too_small).
UNREADABLE = "unreadable"
KTP_READERS = {"regency_admin", "checkpoint_officer", "operator_in", "operator_out"}


def expect_ktp_read(actor: str) -> str:
    if actor == "anonymous":
        return LOGIN
    return UNREADABLE if actor in KTP_READERS else FORBIDDEN


KTP_API = {
    "POST /api/v1/ktp/read": ("ktp_upload", "/api/v1/ktp/read", None, expect_ktp_read),
    "POST /api/v1/ktp/qr": ("ktp_upload", "/api/v1/ktp/qr", None, expect_ktp_read),
}


def small_png() -> bytes:
    """A PNG 120 x 80 px: a photo, but below what the reader reads (ktp.image.MIN_PHOTO_SIDE)."""
    import io

    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", (120, 80), (210, 210, 200)).save(out, format="PNG")
    return out.getvalue()


def ktp_upload(client, url: str):
    """A photo of the desk (multipart `image`)."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    return client.post(url, {"image": SimpleUploadedFile("ktp.png", small_png(), "image/png")})
