"""A citizen, not signed in, on a phone: finds an isolation house near their village, reserves a bed with NIK and
KK number, and cancels it with the code from the confirmation and the same NIK and KK; a look-up by the code then
says cancelled. Every page of the way fits the phone."""

import datetime as dt
import re

from django.utils import timezone

from smartkampung.browser.tests.conftest import BROWSER, PHONE
from smartkampung.browser.tests.world import BAKUNGAN, resident_of_bakungan
from smartkampung.checkpoints.tests.fixtures import RESIDENT_KK, RESIDENT_NIK
from smartkampung.isolation.demo import seed_demo_houses

pytestmark = BROWSER


def test_a_citizen_reserves_a_bed_and_cancels_it_by_code_with_nik_and_kk(browser):
    resident_of_bakungan()
    seed_demo_houses(regency_code="3510", total=1, seed=1)  # one house in each village, and the GOR
    tomorrow = (timezone.localdate() + dt.timedelta(days=1)).strftime("%d-%m-%Y")
    page = browser.page(viewport=PHONE, label="citizen")
    narrow = []

    page.goto(browser.url("/isolation/"))
    page.select_option("#id_village", BAKUNGAN)
    page.locator("#where [type=submit]").click()
    house = page.locator("#house-list > li[data-house]").filter(has_text="Bakungan").first
    browser.expect(house).to_be_visible()
    narrow.append(browser.too_wide(page))
    house.locator("a.reserve-link").click()

    page.fill("#id_nik", RESIDENT_NIK)
    page.fill("#id_kk", RESIDENT_KK)
    page.fill("#id_phone", "0812 3456 7890")
    page.fill("#id_day", tomorrow)
    narrow.append(browser.too_wide(page))
    page.click("#reserve-submit")
    browser.expect(page.locator("#reservation-code")).to_be_visible()
    code = page.locator("#reservation-code").get_attribute("data-code")
    browser.expect(page.locator("#house-map-link")).to_have_attribute("href", re.compile(r"openstreetmap\.org"))
    narrow.append(browser.too_wide(page))

    page.click("#cancel-link")
    browser.expect(page.locator("#reservation-cancel-form #id_code")).to_have_value(code)
    page.fill("#reservation-cancel-form #id_nik", RESIDENT_NIK)
    page.fill("#reservation-cancel-form #id_kk", RESIDENT_KK)
    page.click("#cancel-submit")
    browser.expect(page.locator("#reservation-status")).to_have_attribute("data-status", "cancelled")
    narrow.append(browser.too_wide(page))

    page.goto(browser.url(f"/isolation/reservation/?code={code}"))
    page.fill("#reservation-lookup-form #id_nik", RESIDENT_NIK)
    page.fill("#reservation-lookup-form #id_kk", RESIDENT_KK)
    page.click("#lookup-submit")
    browser.expect(page.locator("#reservation-status")).to_have_attribute("data-status", "cancelled")
    assert not [problem for problem in narrow if problem], narrow
