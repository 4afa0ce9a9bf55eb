"""The KTP scan over HTTP: staff read a card (by session or token) and learn whether it agrees with the register
where their scope covers it; the public pre-registration page reads one too, rate-limited and never compared; bad
files are refused in words; every read is audited and no photo is kept unless the deployment asks for it; a read
in progress never stalls the server's other requests.

Each OCR read costs about a second: the tests that read a card are few, and the refusals need none."""

from __future__ import annotations

import asyncio
import stat
import threading
import time

import pytest
from django.test.client import BOUNDARY, MULTIPART_CONTENT, encode_multipart
from django.utils import translation

from smartkampung.accounts.models import Role
from smartkampung.audit.models import AuditEntry
from smartkampung.ktp.tests.factories import (
    CARD_BIRTH,
    CARD_NAME,
    CARD_NIK,
    SARONGAN,
    card_photo,
    not_a_photo,
    officer,
    png,
    register_card_holder,
    staff,
    token_of,
    upload,
)

pytestmark = pytest.mark.usefixtures("regions")


@pytest.fixture(autouse=True)
def english(settings):
    """These tests read the answers' words in English (the product speaks Indonesian by default)."""
    settings.LANGUAGE_CODE = "en"


READ, PUBLIC_READ = "/api/v1/ktp/read", "/api/v1/public/ktp/read"


@pytest.fixture
def holder(db, regions):
    return register_card_holder()


@pytest.fixture
def photos(settings, tmp_path):
    """Where a deployment that keeps photos would keep them (nothing there by default)."""
    settings.KTP_KEEP_IMAGES = False
    settings.KTP_IMAGE_DIR = tmp_path / "ktp-images"
    return settings.KTP_IMAGE_DIR


def post_photo(client, url: str, data: bytes, **extra):
    return client.post(url, {"image": upload(data)}, **extra)


def kept(folder) -> list:
    return sorted(folder.iterdir()) if folder.exists() else []


def register_checks(body: dict) -> dict[str, bool]:
    return {c["code"]: c["ok"] for c in body["checks"] if c["code"].startswith("register_")}


# ---------------------------------------------------------------- reading cards (OCR)


def test_an_officer_reads_a_card_and_learns_it_agrees_with_the_register(client, django_user_model, holder, photos):
    client.force_login(officer(django_user_model))

    answer = post_photo(client, READ, card_photo(holder))

    assert answer.status_code == 200, answer.content
    body = answer.json()
    assert (body["nik"], body["name"], body["birth_date"], body["sex"]) == (CARD_NIK, CARD_NAME, CARD_BIRTH, "female")
    assert body["confidence"]["nik"] > 0.5
    assert register_checks(body) == {"register_name": True, "register_birth_date": True}
    entry = AuditEntry.objects.get(object_type="ktp_scan")
    assert (entry.actor_username, entry.subject, entry.object_ids) == ("petugas.ketapang", CARD_NIK, [CARD_NIK])
    assert entry.detail == {"channel": "desk", "read": True, "compared": True, "kept": False}
    assert kept(photos) == []  # KTP_KEEP_IMAGES is off: nothing of the photo on disk


def test_an_officers_comparisons_count_against_the_desks_look_up_throttle(
    client, django_user_model, holder, photos, settings
):
    # A scan compared with the register is a look-up of its NIK: past the desk's limit it is read, not compared.
    settings.CHECKPOINT_LOOKUP_PER_MINUTE = 0
    client.force_login(officer(django_user_model))

    with translation.override("en"):
        body = post_photo(client, READ, card_photo(holder)).json()

    assert body["nik"] == CARD_NIK
    assert register_checks(body) == {"register_not_compared": False}
    assert "too many NIK look-ups" in next(c["text"] for c in body["checks"] if c["code"] == "register_not_compared")
    assert AuditEntry.objects.get(object_type="ktp_scan").detail["compared"] is False


def test_a_token_reads_a_card_outside_its_scope_uncompared_and_a_deployment_may_keep_the_photo(
    client, django_user_model, holder, photos, settings
):
    # A village operator of Sarongan (another kecamatan) through their system's token; this deployment keeps photos.
    settings.KTP_KEEP_IMAGES = True
    operator = staff(django_user_model, Role.VILLAGE_OPERATOR, username="operator.sarongan", village=SARONGAN)
    photo = card_photo(holder)

    answer = post_photo(client, READ, photo, HTTP_AUTHORIZATION=f"Bearer {token_of(operator)}")

    assert answer.status_code == 200, answer.content
    assert answer.json()["nik"] == CARD_NIK
    assert register_checks(answer.json()) == {}  # Bakungan's resident is not theirs to compare
    entry = AuditEntry.objects.get(object_type="ktp_scan")
    assert (entry.actor_username, entry.subject) == ("operator.sarongan", CARD_NIK)
    assert entry.detail == {"channel": "api", "read": True, "compared": False, "kept": True}
    [path] = kept(photos)
    assert path.name == f"{entry.pk}.jpg" and path.read_bytes() == photo
    assert stat.S_IMODE(path.stat().st_mode) == 0o600


def test_the_public_page_reads_a_card_never_compared_and_never_kept(client, holder, photos, settings):
    settings.KTP_KEEP_IMAGES = True  # even here: a traveller's photo is never kept

    answer = post_photo(client, PUBLIC_READ, card_photo(holder))

    assert answer.status_code == 200, answer.content
    body = answer.json()
    assert (body["nik"], body["name"]) == (CARD_NIK, CARD_NAME)
    assert register_checks(body) == {}
    entry = AuditEntry.objects.get(object_type="ktp_scan")
    assert entry.actor is None and entry.subject == CARD_NIK and entry.ip == "127.0.0.1"
    assert entry.detail == {"channel": "public", "read": True, "compared": False, "kept": False}
    assert kept(photos) == []


def test_a_photo_without_a_card_is_refused_in_words_and_the_failed_read_is_audited(
    client, django_user_model, db, photos
):
    client.force_login(officer(django_user_model))

    with translation.override("en"):
        answer = post_photo(client, READ, png())

    assert answer.status_code == 422
    assert answer.json()["code"] == "no_card" and "No KTP could be read" in answer.json()["detail"]
    entry = AuditEntry.objects.get(object_type="ktp_scan")
    assert entry.subject == "" and entry.object_ids == []
    assert entry.detail == {"channel": "desk", "read": False, "code": "no_card", "kept": False}


# ---------------------------------------------------------------- who may read


def test_an_anonymous_caller_must_sign_in(client, db):
    assert post_photo(client, READ, png()).status_code == 401
    assert not AuditEntry.objects.filter(object_type="ktp_scan").exists()


def test_a_role_with_no_form_to_fill_may_not_read_cards(client, django_user_model, db):
    client.force_login(staff(django_user_model, Role.HEALTH_AGENCY, username="dinkes"))

    with translation.override("en"):
        answer = post_photo(client, READ, png())

    assert answer.status_code == 403
    assert "checkpoint officers" in answer.json()["detail"]
    assert not AuditEntry.objects.filter(object_type="ktp_scan").exists()


# ---------------------------------------------------------------- refusals in words (no OCR)


def test_a_request_without_a_photo_is_told_what_to_send(client, django_user_model, db):
    client.force_login(officer(django_user_model))

    with translation.override("en"):
        answer = client.post(READ, {"foto": "x"})

    assert answer.status_code == 400
    assert answer.json()["errors"][0]["field"] == "image" and "'image'" in answer.json()["detail"]


def test_a_file_that_is_not_a_photo_is_refused(client, django_user_model, db):
    client.force_login(officer(django_user_model))

    with translation.override("en"):
        answer = client.post(READ, {"image": upload(not_a_photo(), "ktp.pdf", "application/pdf")})

    assert answer.status_code == 415
    assert answer.json()["code"] == "not_image" and "JPEG, PNG or WebP" in answer.json()["detail"]


def test_a_photo_too_small_to_read_says_so(client, django_user_model, db):
    client.force_login(officer(django_user_model))

    answer = post_photo(client, READ, png(150, 100))

    assert answer.status_code == 422 and answer.json()["code"] == "too_small"


def test_a_photo_over_the_limit_is_refused_before_and_after_its_upload_is_read(client, django_user_model, db, settings):
    settings.KTP_MAX_IMAGE_BYTES = 100_000
    client.force_login(officer(django_user_model))

    # Far over: refused on its announced length, unread.
    far = post_photo(client, READ, png()[:8] + b"\0" * 400_000)
    # Just over (within what a form's framing may add): refused on the photo's own size.
    near = post_photo(client, READ, png()[:8] + b"\0" * 100_500)

    assert (far.status_code, far.json()["code"]) == (413, "too_large")
    assert (near.status_code, near.json()["code"]) == (413, "too_large")


def test_the_public_page_is_rate_limited_per_address(client, db, settings):
    settings.KTP_PUBLIC_READS_PER_HOUR = 2
    answers = [post_photo(client, PUBLIC_READ, not_a_photo()).status_code for _ in range(3)]

    refused = post_photo(client, PUBLIC_READ, not_a_photo())

    assert answers == [415, 415, 429]
    assert refused.status_code == 429 and 0 < int(refused["Retry-After"]) <= 3600
    # Another address is counted on its own.
    assert post_photo(client, PUBLIC_READ, not_a_photo(), REMOTE_ADDR="10.0.0.9").status_code == 415


# ---------------------------------------------------------------- one read never stalls the server


async def _asgi(method: str, path: str, *, body: bytes = b"", headers=()) -> tuple[int, bytes]:
    """One request through the ASGI application, as uvicorn sends it."""
    from smartkampung.asgi import application

    scope = {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": method,
        "scheme": "http",
        "path": path,
        "raw_path": path.encode(),
        "query_string": b"",
        "root_path": "",
        "headers": [(b"host", b"testserver"), (b"content-length", str(len(body)).encode()), *headers],
        "client": ("127.0.0.1", 50000),
        "server": ("testserver", 80),
    }
    sent = False
    answer: dict = {"status": 0, "body": b""}

    async def receive():
        nonlocal sent
        if not sent:
            sent = True
            return {"type": "http.request", "body": body, "more_body": False}
        await asyncio.Event().wait()  # the client stays connected

    async def send(message):
        if message["type"] == "http.response.start":
            answer["status"] = message["status"]
        elif message["type"] == "http.response.body":
            answer["body"] += message.get("body", b"")

    await application(scope, receive, send)
    return answer["status"], answer["body"]


@pytest.mark.django_db(transaction=True)
def test_a_read_in_progress_does_not_stall_other_requests(regions, settings):
    """The engine is busy (every permit of KTP_READS_AT_ONCE held, as by reads in progress): a new read waits for
    it in its request's thread, and meanwhile the server answers /healthz at once. If the read ran on the event
    loop, nothing would be answered until the engine was free."""
    from smartkampung.ktp import engine

    holder = register_card_holder()
    photo = card_photo(holder)
    engine.get_engine()  # loaded before: the wait below is for the engine, not for its loading
    permits = engine._semaphore()
    held = [permits.acquire(timeout=30) for _ in range(max(1, settings.KTP_READS_AT_ONCE))]
    assert all(held)
    freed_at: list[float] = []

    def free_the_engine():
        freed_at.append(time.monotonic())
        for _ in held:
            permits.release()

    # At the latest after 20 s, so that a failing implementation fails instead of hanging.
    valve = threading.Timer(20, free_the_engine)

    async def scenario():
        valve.start()
        body = encode_multipart(BOUNDARY, {"image": upload(photo)})
        content_type = (b"content-type", MULTIPART_CONTENT.encode())
        read = asyncio.create_task(_asgi("POST", PUBLIC_READ, body=body, headers=[content_type]))
        await asyncio.sleep(0.5)  # the read has reached the engine and waits for it
        status, _ = await asyncio.wait_for(_asgi("GET", "/healthz"), timeout=30)
        answered_at = time.monotonic()
        still_reading = not read.done()
        valve.cancel()
        if not freed_at:
            free_the_engine()
        read_status, read_body = await asyncio.wait_for(read, timeout=60)
        return status, answered_at, still_reading, read_status, read_body

    status, answered_at, still_reading, read_status, read_body = asyncio.run(scenario())

    assert status == 200 and still_reading
    assert answered_at < freed_at[0], "/healthz waited for the engine: the read blocked the event loop"
    assert read_status == 200 and CARD_NIK.encode() in read_body
