"""The people and places of the tourism browser tests, made through the services as the product makes them: an
officer of the tourism agency ("dispar", signing in with PASSWORD) holding a signing key of the letters tests'
authority, owners who signed up and applied, and places the agency inspected and certified (a signed certificate
with its QR code), so a test whose subject is a later step starts where the earlier steps leave the regency."""

import datetime as dt
import io

from django.utils import timezone
from PIL import Image, ImageDraw

from smartkampung.browser.tests.world import BAKUNGAN, PASSWORD, dispatch_all, person
from smartkampung.letters.tests.officials import PASSPHRASE
from smartkampung.tourism.models import Certificate, Place
from smartkampung.tourism.services import certification, places
from smartkampung.tourism.tests.test_certification_support import give_signing_key, record_all

AGENCY = "dispar"  # world.PEOPLE's tourism agency officer
SIGNING_PASSPHRASE = PASSPHRASE  # of the officer's signing key

# A homestay in Bakungan (Kec. Glagah), as its owner describes it on /tourism/apply/.
HOMESTAY = {
    "kind": "homestay",
    "name": "Homestay Kopi Osing",
    "description": "Tiga kamar di kebun kopi, sarapan pecel pitik.",
    "village": BAKUNGAN,
    "address": "Jl. Kopi 9, RT 1 RW 2",
    "latitude": "-8.2050",
    "longitude": "114.3700",
    "opening_hours": "setiap hari 07.00-21.00",
    "capacity": "3",
    "usual_stay_minutes": "120",
}
OWNER = {"full_name": "Sri Wahyuni", "phone": "0812 3456 7890", "username": "sri.homestay"}


def agency_officer():
    """The tourism agency's officer, who schedules, inspects, certifies and decides on violations."""
    officer = person(AGENCY)
    give_signing_key(officer)
    return officer


def applied_place(*, username: str = OWNER["username"], **changes) -> Place:
    """An owner's account and their place's application, as /tourism/apply/ makes them."""
    account = {**OWNER, "username": username, "password": PASSWORD, "password2": PASSWORD}
    _owner, place = places.sign_up_and_apply(account=account, place={**HOMESTAY, **changes}, photos=[])
    return place


def certified_place(officer, **changes) -> tuple[Place, Certificate]:
    """An applied place, inspected (every item met) and certified by `officer`: on the public listing."""
    place = applied_place(**changes)
    inspection = certification.schedule_inspection(
        place=place, purpose="initial", due_on=timezone.localdate(), inspector=officer, by=officer
    )
    record_all(inspection, officer)
    certification.decide_inspection(
        inspection=inspection, decision="certified", passphrase=SIGNING_PASSPHRASE, by=officer
    )
    place.refresh_from_db()
    # The owner's notification numbered and announced, as the dispatcher did long ago: on the test's in-memory
    # SQLite a dispatch still running when the visitors come would lock them out ("database table is locked").
    dispatch_all()
    return place, Certificate.objects.get(inspection=inspection)


def photo_of_a_place(size: tuple[int, int] = (800, 600)) -> bytes:
    """A JPEG a phone could have taken (a house under a sky), for the photo inputs."""
    image = Image.new("RGB", size, (135, 190, 235))
    draw = ImageDraw.Draw(image)
    width, height = size
    draw.rectangle([0, height * 2 // 3, width, height], fill=(70, 140, 60))
    draw.rectangle([width // 4, height // 3, width * 3 // 4, height * 3 // 4], fill=(180, 120, 70))
    roof = [(width // 5, height // 3), (width // 2, height // 8), (width * 4 // 5, height // 3)]
    draw.polygon(roof, fill=(150, 40, 30))
    out = io.BytesIO()
    image.save(out, format="JPEG", quality=80)
    return out.getvalue()


def soon(days: int = 0) -> dt.date:
    return timezone.localdate() + dt.timedelta(days=days)


def outbox_settled(timeout: float = 15.0) -> None:
    """Wait until the live server's dispatcher has numbered every notification. On the browser tests' in-memory
    SQLite two writers at once fail at the second ("database table is locked": the file database of the embedded
    set-up waits instead), so a step that writes (an audited page view) waits for the dispatcher's writes first."""
    import time

    from smartkampung.notifications.models import Notification

    deadline = time.monotonic() + timeout
    while Notification.objects.filter(seq__isnull=True).exists():
        assert time.monotonic() < deadline, "the dispatcher did not number the notifications in time"
        time.sleep(0.1)
