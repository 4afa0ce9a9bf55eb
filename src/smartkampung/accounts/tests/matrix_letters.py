"""The letters module in the authorization matrix: its pages and API operations, what each actor may get, and the
letters the matrix's world holds (one request in HOME, one in AWAY, each waiting for its village's operator).

The matrix's actors hold roles but no signing keys: an operator of HOME who may sign HOME's letter is let through
to the service, which then answers 409 ("add a signing key first"), which proves the door opened; everyone else
is stopped at the door (403 for a letter they read but whose turn is not theirs, 404 for a letter they do not
see)."""

from smartkampung.accounts.tests.matrix_expectations import (
    CONFLICT,
    FORBIDDEN,
    HIDDEN,
    HOME_NIK,
    LOGIN,
    NOT_FOUND,
    SHOWN,
)

# Who reads HOME's letters (letters_read_scope): the administrator, HOME's operator and head, Glagah's camat.
LETTER_READERS = {"regency_admin", "operator_in", "head_in", "camat_in"}
# Who has the letters pages at all (their own villages' letters, or a queue).
LETTER_USERS = LETTER_READERS | {"operator_out", "head_out", "camat_out"}
SIGNERS = {"operator_in", "operator_out", "head_in", "head_out"}
# Who may hold a key: the signers, and the tourism agency (it signs health-protocol certificates).
KEY_HOLDERS = SIGNERS | {"tourism_agency"}
DESKS = {"operator_in", "operator_out"}


def expect_letters_home(actor: str) -> str:
    return LOGIN if actor == "anonymous" else SHOWN if actor in LETTER_USERS else FORBIDDEN


def expect_letter(actor: str) -> str:
    return LOGIN if actor == "anonymous" else SHOWN if actor in LETTER_READERS else NOT_FOUND


def expect_letter_sign(actor: str) -> str:
    """HOME's letter waits for HOME's operator (who has no key here: 409 past the door)."""
    if actor == "anonymous":
        return LOGIN
    if actor == "operator_in":
        return CONFLICT
    return FORBIDDEN if actor in LETTER_READERS else NOT_FOUND


def expect_letter_reject(actor: str) -> str:
    if actor == "anonymous":
        return LOGIN
    if actor == "operator_in":
        return SHOWN
    return FORBIDDEN if actor in LETTER_READERS else NOT_FOUND


def expect_letter_desk(actor: str) -> str:
    return LOGIN if actor == "anonymous" else SHOWN if actor in DESKS else FORBIDDEN


def expect_desk_lookup(actor: str) -> str:
    """HOME's operator sees HOME's resident pre-filled; AWAY's operator gets the same page, naming nobody."""
    if actor == "anonymous":
        return LOGIN
    return SHOWN if actor == "operator_in" else HIDDEN if actor == "operator_out" else FORBIDDEN


def expect_office_request(actor: str) -> str:
    """A request for HOME's resident: HOME's operator opens it; AWAY's is told the NIK is unknown (404)."""
    if actor == "anonymous":
        return LOGIN
    return SHOWN if actor == "operator_in" else NOT_FOUND if actor == "operator_out" else FORBIDDEN


def expect_signing_key(actor: str) -> str:
    return LOGIN if actor == "anonymous" else SHOWN if actor in KEY_HOLDERS else FORBIDDEN


def expect_letter_types(actor: str) -> str:
    return LOGIN if actor == "anonymous" else SHOWN if actor == "regency_admin" else FORBIDDEN


def expect_letter_list(actor: str) -> str:
    """Lists (the queue, the requests): everyone signed in gets an answer; only HOME's readers find HOME's."""
    return LOGIN if actor == "anonymous" else HIDDEN


def expect_dashboard_letters(actor: str) -> str:
    return LOGIN if actor == "anonymous" else SHOWN if actor in LETTER_USERS else FORBIDDEN


TYPE_BODY = {"title": "SURAT KETERANGAN", "body_template": "Nama {{ resident.name }}", "number_pattern": "{sequence}"}

LETTER_PAGES = {
    "letters:home": ("get", "/letters/", None, expect_letters_home),
    "letters:new": ("get", "/letters/new/", None, expect_letter_desk),
    "letters:resident_preview": ("get", f"/letters/new/resident/?nik={HOME_NIK}", None, expect_desk_lookup),
    "letters:type_list": ("get", "/letters/types/", None, expect_letter_types),
    "letters:type_edit": ("get", "/letters/types/sktm/", None, expect_letter_types),
    "letters:type_preview": ("post", "/letters/types/sktm/preview/", TYPE_BODY, expect_letter_types),
    "letters:type_preview_pdf": ("post", "/letters/types/sktm/preview.pdf", TYPE_BODY, expect_letter_types),
    "letters:signing_key": ("get", "/letters/signing-key/", None, expect_signing_key),
    "letters:letter_detail": ("get", "/letters/{letter}/", None, expect_letter),
    "letters:letter_pdf": ("get", "/letters/{letter}/pdf", None, expect_letter),
    "letters:attachment": ("get", "/letters/{letter}/attachments/ktp/", None, expect_letter),
    "letters:sign": ("post", "/letters/{letter}/sign/", {"passphrase": "tanpa-kunci-1"}, expect_letter_sign),
    "letters:reject": ("post", "/letters/{letter}/reject/", {"reason": "KK tidak terbaca"}, expect_letter_reject),
    "dashboards:letters": ("get", "/dashboard/letters/", None, expect_dashboard_letters),
}
LETTER_API = {
    "GET /api/v1/letters/queue": ("get", "/api/v1/letters/queue", None, expect_letter_list),
    "GET /api/v1/letters/requests": ("get", "/api/v1/letters/requests", None, expect_letter_list),
    "GET /api/v1/letters/requests/{code}": ("get", "/api/v1/letters/requests/{letter}", None, expect_letter),
    "GET /api/v1/letters/requests/{code}/pdf": ("get", "/api/v1/letters/requests/{letter}/pdf", None, expect_letter),
    "POST /api/v1/letters/requests": ("letter_upload", "/api/v1/letters/requests", None, expect_office_request),
    "POST /api/v1/letters/requests/{code}/sign": (
        "post",
        "/api/v1/letters/requests/{letter}/sign",
        {"passphrase": "tanpa-kunci-1"},
        expect_letter_sign,
    ),  # fmt: skip
    "POST /api/v1/letters/requests/{code}/reject": (
        "post",
        "/api/v1/letters/requests/{letter}/reject",
        {"reason": "KK tidak terbaca"},
        expect_letter_reject,
    ),  # fmt: skip
}
# The citizens' letter pages: a resident's own request (NIK + KK number, one answer for every mismatch,
# rate-limited), its status and download by code with NIK + KK number, and the public verification (masked
# names only); tested in letters/tests/test_public.py.
LETTER_PUBLIC_PAGES = {"letters:request", "letters:status", "letters:download", "verify_letter", "verify_upload"}


def build_letter_world(world: dict) -> dict:
    """One SKTM request in each village (FAR's in Jember too), each waiting for its operator (made by an operator
    who is no actor)."""
    from smartkampung.accounts.tests.matrix_expectations import AWAY, AWAY_NIK, FAR, FAR_NIK, HOME
    from smartkampung.letters.tests.officials import office_request, official

    codes = {}
    for village, nik in ((HOME, HOME_NIK), (AWAY, AWAY_NIK), (FAR, FAR_NIK)):
        operator = official("village_operator", village=village, username=f"matrix.letters.{village}", key=False)
        codes[village] = office_request(operator, nik=nik).code
    return {**world, "letter": codes[HOME], "away_letter": codes[AWAY], "far_letter": codes[FAR]}


def letter_upload(client, url: str):
    """An office request for HOME's resident, with the documents an SKTM needs."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    from smartkampung.letters.tests.officials import png

    files = {
        f"attachment_{code}": SimpleUploadedFile(f"{code}.png", png(), "image/png") for code in ("ktp", "kk", "rt")
    }
    return client.post(url, {"letter_type": "sktm", "nik": HOME_NIK, "purpose": "berobat", **files})
