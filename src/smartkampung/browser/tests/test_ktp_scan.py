"""The KTP scan in a real browser (issue 16's "Done when"): an officer on a 360 px phone photographs a KTP (a generated
card, ktp/synthetic.py), the desk form fills with the card's NIK, name, birth date and sex, they register the
traveller and the village operator's open dashboard shows the arrival live; the desk flow, from the photo chosen to
the outcome on the screen, is timed. A traveller pre-registers from a KTP photo on the public page and shows the QR
code's screenshot at the desk, which scans it and loads the pre-registration. A file that is no photo is refused in
words (the reader's other refusals: ktp/tests) and the typed NIK still works. The pages fit a 360 px phone and a
1366 px desktop while they show what was read.

The card's photo is "taken" by setting the page's file input (Playwright's file upload), as the phone's camera
hands the picture to the page."""

import datetime as dt
import random
import re
import time

from django.utils import timezone

from smartkampung.browser.tests.conftest import BROWSER, DESKTOP, PHONE
from smartkampung.browser.tests.world import BAKUNGAN, person
from smartkampung.ktp import synthetic

pytestmark = BROWSER

ARRIVALS_TODAY = "#dashboard-tiles [data-tile='today'] [data-value]"
LIVE_ITEMS = "#notifications-live .nt-list > [id^='notification-']"
SCAN = "#ktp-scan"
READ_TIMEOUT = 90_000  # the first read of the process loads the OCR model; CI runs two suites on two cores


def card(seed: int) -> tuple[bytes, dict]:
    """A photographed, readable (easy) KTP and what it says."""
    return synthetic.sample(random.Random(seed), difficulty="easy")


def day(iso: str) -> str:
    year, month, date = iso.split("-")
    return f"{date}-{month}-{year}"


def take_photo(page, selector: str, jpeg: bytes, name: str = "ktp.jpg") -> None:
    page.set_input_files(selector, files=[{"name": name, "mimeType": "image/jpeg", "buffer": jpeg}])


def test_an_officer_on_a_phone_scans_a_ktp_registers_the_traveller_and_the_village_is_told(browser):
    jpeg, truth = card(seed=16)
    person("operator.bakungan")
    person("petugas.ketapang")  # at Pos Pantau Ketapang

    dashboard = browser.signed_in("operator.bakungan", viewport=PHONE)
    dashboard.goto(browser.url("/dashboard/"))
    browser.expect(dashboard.locator("#notifications-live .nt-state")).to_have_attribute("data-state", "live")
    browser.expect(dashboard.locator(ARRIVALS_TODAY)).to_have_attribute("data-value", "0")

    desk = browser.signed_in("petugas.ketapang", viewport=PHONE)
    desk.goto(browser.url("/checkpoints/ketapang/"))
    browser.expect(desk.locator("#ktp-scan-button")).to_be_visible()
    desk.fill("#id_temperature", "36.6")  # measured as the traveller walks up: the scan's lookup keeps it
    started = time.monotonic()
    take_photo(desk, "#ktp-photo", jpeg)
    browser.expect(desk.locator("#ktp-thumb")).to_be_visible()  # the photo being read, shown at once
    browser.expect(desk.locator(SCAN)).to_have_attribute("data-state", "filled", timeout=READ_TIMEOUT)
    read_in = time.monotonic() - started

    # The card's data in the form, the NIK lookup done behind it (the traveller is no resident: nothing else).
    browser.expect(desk.locator("#id_nik")).to_have_value(truth["nik"])
    browser.expect(desk.locator("#id_name")).to_have_value(truth["name"])
    browser.expect(desk.locator("#id_birth_date")).to_have_value(day(truth["birth_date"]))
    browser.expect(desk.locator("#id_sex")).to_have_value(truth["sex"])
    browser.expect(desk.locator("#id_temperature")).to_have_value("36.6")
    browser.expect(desk.locator("#ktp-read")).to_contain_text(truth["nik"])
    assert browser.too_wide(desk) is None, browser.too_wide(desk)
    for viewport in (DESKTOP, PHONE):
        desk.set_viewport_size(viewport)
        assert browser.too_wide(desk) is None, browser.too_wide(desk)
        browser.keep(desk, f"ktp-desk-filled-{viewport['width']}")

    # What the officer asks and measures, then Register.
    desk.fill("#id_phone", "0812 3456 7891")
    desk.select_option("#id_origin_regency", "3509")  # Kab. Jember
    desk.select_option("#id_destination_village", BAKUNGAN)
    desk.fill("#id_destination_address", "Jl. Kopi 9, RT 1 RW 2")
    desk.locator("form.desk-form [type=submit]").click()
    traveller = re.compile(re.escape(truth["name"]), re.IGNORECASE)
    browser.expect(desk.locator("#outcome")).to_contain_text(traveller)
    took = time.monotonic() - started
    # Said, not asserted (speed is measured by `smartkampung bench`): the target is under 20 s.
    print(f"\nKTP desk flow: read and filled in {read_in:.1f} s, registered in {took:.1f} s (photo chosen -> outcome)")
    browser.expect(desk.locator("#ktp-status")).to_have_class(re.compile(r"\bok\b"))
    browser.keep(desk, "ktp-desk-registered-360")

    # The village is told, live.
    browser.expect(dashboard.locator(LIVE_ITEMS).filter(has_text=traveller)).to_have_count(1)
    browser.expect(dashboard.locator(ARRIVALS_TODAY)).to_have_attribute("data-value", "1")


def test_a_traveller_pre_registers_from_a_ktp_photo_and_the_desk_scans_the_code(browser, tmp_path):
    jpeg, truth = card(seed=61)
    person("petugas.ketapang")

    phone = browser.page(viewport=PHONE, label="traveller")
    phone.goto(browser.url("/checkpoints/pre-register/"))
    take_photo(phone, "#ktp-photo", jpeg)
    browser.expect(phone.locator(SCAN)).to_have_attribute("data-state", "filled", timeout=READ_TIMEOUT)
    browser.expect(phone.locator("#id_nik")).to_have_value(truth["nik"])
    browser.expect(phone.locator("#id_name")).to_have_value(truth["name"])
    # The form has no birth date or sex (the NIK holds them): what was read is shown above it.
    browser.expect(phone.locator("#ktp-read")).to_contain_text(day(truth["birth_date"]))
    for viewport in (DESKTOP, PHONE):
        phone.set_viewport_size(viewport)
        assert browser.too_wide(phone) is None, browser.too_wide(phone)
        browser.keep(phone, f"ktp-preregister-filled-{viewport['width']}")
    phone.fill("#id_phone", "0812 3456 7891")
    phone.select_option("#id_destination_village", BAKUNGAN)
    phone.fill("#id_destination_address", "Jl. Kopi 9")
    phone.fill("#id_expected_arrival", (timezone.localdate() + dt.timedelta(days=1)).strftime("%d-%m-%Y"))
    phone.locator("#prereg-form [type=submit]").click()
    code = phone.locator(".bigcode").inner_text().strip()
    assert re.fullmatch(r"[A-Z0-9]{8}", code), code
    qr = tmp_path / "qr.png"
    phone.locator(".qr").scroll_into_view_if_needed()
    phone.screenshot(path=str(qr))  # the traveller's screenshot of the phone's screen, with the code

    # At the desk: Scan pre-registration QR, the screenshot photographed; the desk loads the pre-registration.
    desk = browser.signed_in("petugas.ketapang", viewport=PHONE)
    desk.goto(browser.url("/checkpoints/ketapang/"))
    take_photo(desk, "#qr-photo", qr.read_bytes(), name="qr.png")
    browser.expect(desk.locator("#id_nik")).to_have_value(truth["nik"], timeout=READ_TIMEOUT)
    browser.expect(desk.locator("#id_name")).to_have_value(truth["name"])
    browser.expect(desk.locator("input[name=preregistration_code]")).to_have_value(code)
    browser.keep(desk, "ktp-desk-prereg-360")


def test_a_file_that_is_no_photo_is_refused_in_words_and_the_typed_nik_still_works(browser):
    person("petugas.ketapang")
    desk = browser.signed_in("petugas.ketapang", viewport=PHONE)
    desk.goto(browser.url("/checkpoints/ketapang/"))
    desk.set_input_files("#ktp-photo", files=[{"name": "notes.txt", "mimeType": "text/plain", "buffer": b"no photo"}])
    browser.expect(desk.locator(SCAN)).to_have_attribute("data-state", "error", timeout=READ_TIMEOUT)
    browser.expect(desk.locator("#ktp-status")).to_have_class(re.compile(r"\berror\b"))
    assert desk.locator("#ktp-status").inner_text().strip()
    browser.expect(desk.locator("#id_nik")).to_have_value("")
    browser.keep(desk, "ktp-desk-refused-360")

    desk.fill("#lookup-nik", "3509014203880004")
    desk.locator("form.lookup [type=submit]").click()
    browser.expect(desk.locator("#id_nik")).to_have_value("3509014203880004")
    browser.expect(desk.locator("#id_sex")).to_have_value("female")  # from the NIK, as before the scan
