"""A data subject's request in a real browser: the regency administrator, on a phone, opens "Personal data" from the
menu, types Warsidi's NIK and the request letter's reference, sees what is held section by section, and downloads
it as JSON and as PDF (his NIK and the reference in each). A NIK nobody holds says so in words, a NIK that is not 16
digits is refused in words beside its field, and none of these pages is wider than a 360 px phone, a 1280 px
laptop or a 1366 px desktop."""

import json

from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext

from smartkampung.browser.tests.conftest import BROWSER, DESKTOP, PHONE
from smartkampung.browser.tests.test_letters import download
from smartkampung.browser.tests.world import dispatch_all, person, resident_of_bakungan
from smartkampung.checkpoints.models import Checkpoint
from smartkampung.checkpoints.services import register_arrival, seed_demo_checkpoints
from smartkampung.checkpoints.tests.fixtures import RESIDENT_NIK, arrival
from smartkampung.privacy.tests.test_subject_export import pdf_text

pytestmark = BROWSER

LAPTOP = {"width": 1280, "height": 800}
REFERENCE = "474/15/429.501/2026"
NOBODY = "3510156612990009"  # 16 digits, nobody's
MALFORMED = "3510-1517-0885"


def words(message: str) -> str:
    """What the page says for `message` (the pages speak Indonesian, as the browser's locale asks)."""
    with translation.override("id"):
        return gettext(message)


def ask(page, nik: str) -> None:
    """The request form filled in for `nik` (with the letter's reference) and sent."""
    page.fill("#id_nik", nik)
    page.fill("#id_reference", REFERENCE)
    page.click("#subject-form [type=submit]")
    page.wait_for_load_state()


def fits(browser, page, name: str, widths=(PHONE, LAPTOP, DESKTOP)) -> list[str]:
    """The page at each width (then back on the phone): what is wider than the window; a screenshot of each kept."""
    too_wide = []
    for viewport in widths:
        page.set_viewport_size(viewport)
        if problem := browser.too_wide(page):
            too_wide.append(problem)
        browser.keep(page, f"privacy-{name}-{viewport['width']}")
    page.set_viewport_size(PHONE)
    return too_wide


def test_the_administrator_answers_a_data_subjects_request_from_a_phone(browser):
    person("admin.pemkab")
    resident_of_bakungan()
    seed_demo_checkpoints()
    register_arrival(
        user=person("petugas.ketapang"),
        checkpoint=Checkpoint.objects.get(code="ketapang"),
        values=arrival(nik=RESIDENT_NIK, name="Warsidi"),
    )
    dispatch_all()  # the arrival's notification numbered before the page's audited views write
    page = browser.signed_in("admin.pemkab", viewport=PHONE)

    # From the menu (folded behind its summary on a phone).
    page.click("details[data-menu] > summary")
    page.click(f"#site-nav a[href='{reverse('privacy:subject')}']")
    browser.expect(page.locator("#subject-form")).to_be_visible()
    too_wide = fits(browser, page, "empty")

    # Warsidi's NIK: every section with its count, his arrival among them.
    ask(page, RESIDENT_NIK)
    found = page.locator("#subject-found")
    browser.expect(found).to_have_attribute("data-held", "yes")
    browser.expect(found.locator("h2")).to_be_in_viewport()  # scrolled to, below the form
    browser.expect(found).to_contain_text(RESIDENT_NIK)
    browser.expect(found).to_contain_text(words("Data is held about this NIK."))
    browser.expect(found.locator("[data-section='resident']")).to_have_attribute("data-count", "1")
    browser.expect(found.locator("[data-section='arrivals']")).to_have_attribute("data-count", "1")
    too_wide += fits(browser, page, "found")

    # The downloads the page offers: the JSON and the PDF of the same request, both his.
    name, data = download(browser, page, "#subject-download button[value='json']")
    body = json.loads(data)
    assert name == f"subject-data-{RESIDENT_NIK}.json"
    assert (body["nik"], body["reference"], body["held"]) == (RESIDENT_NIK, REFERENCE, True)
    assert {s["code"]: s["count"] for s in body["sections"]}["arrivals"] == 1
    name, data = download(browser, page, "#subject-download button[value='pdf']")
    assert name == f"subject-data-{RESIDENT_NIK}.pdf" and data.startswith(b"%PDF-")
    text = pdf_text(data)  # read with pyHanko: the file opens
    assert RESIDENT_NIK in text and REFERENCE in text
    browser.expect(found).to_be_visible()  # the downloads leave the page as it was

    # A NIK nobody holds: said in words, every count nought.
    ask(page, NOBODY)
    browser.expect(found).to_have_attribute("data-held", "no")
    browser.expect(found).to_contain_text(words("Nothing is held about this NIK."))
    assert set(found.locator("[data-section]").evaluate_all("rows => rows.map(r => r.dataset.count)")) == {"0"}
    too_wide += fits(browser, page, "nobody")

    # A NIK that is not 16 digits: refused in words beside the NIK field, nothing shown.
    ask(page, MALFORMED)
    nik = page.locator("#id_nik")
    browser.expect(page.locator("#id_nik_error")).to_have_text(words("A NIK has 16 digits."))
    browser.expect(page.locator("#id_nik_error")).to_be_in_viewport()
    browser.expect(nik).to_have_attribute("aria-invalid", "true")
    assert "id_nik_error" in nik.get_attribute("aria-describedby").split()
    browser.expect(page.locator("#subject-found")).to_have_count(0)
    too_wide += fits(browser, page, "malformed")

    assert not too_wide, "privacy pages wider than the screen:\n" + "\n".join(too_wide)
