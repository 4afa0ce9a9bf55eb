"""The officer registers a traveller at the desk, and the village operator's dashboard, open on a phone, shows the
notification and the new count without being reloaded."""

import re

from smartkampung.browser.tests.conftest import BROWSER, DESKTOP, PHONE
from smartkampung.browser.tests.world import BAKUNGAN, person

pytestmark = BROWSER

ARRIVALS_TODAY = "#dashboard-tiles [data-tile='today'] [data-value]"
LIVE_ITEMS = "#notifications-live .nt-list > [id^='notification-']"
TRAVELLER = re.compile("siti aminah", re.IGNORECASE)


def test_an_arrival_registered_at_the_desk_reaches_the_open_dashboard_without_a_reload(browser):
    person("operator.bakungan")
    person("petugas.ketapang")  # at Pos Pantau Ketapang

    dashboard = browser.signed_in("operator.bakungan", viewport=PHONE)
    dashboard.goto(browser.url("/dashboard/"))
    browser.expect(dashboard.locator("#notifications-live .nt-state")).to_have_attribute("data-state", "live")
    browser.expect(dashboard.locator(ARRIVALS_TODAY)).to_have_attribute("data-value", "0")
    assert dashboard.locator(LIVE_ITEMS).count() == 0
    dashboard.evaluate("window.notReloaded = true")  # gone if the page loads again

    desk = browser.signed_in("petugas.ketapang", viewport=DESKTOP)
    desk.goto(browser.url("/checkpoints/ketapang/"))
    desk.fill("#id_nik", "3509014203880004")
    desk.fill("#id_name", "Siti Aminah")
    desk.select_option("#id_sex", "female")
    desk.fill("#id_phone", "0812 3456 7891")
    desk.select_option("#id_origin_regency", "3509")  # Kab. Jember
    desk.fill("#id_temperature", "36.6")
    desk.select_option("#id_destination_village", BAKUNGAN)
    desk.fill("#id_destination_address", "Jl. Kopi 9, RT 1 RW 2")
    desk.locator("form.desk-form [type=submit]").click()
    browser.expect(desk.locator("#outcome")).to_contain_text(TRAVELLER)

    item = dashboard.locator(LIVE_ITEMS).filter(has_text=TRAVELLER)
    browser.expect(item).to_have_count(1)
    browser.expect(dashboard.locator(ARRIVALS_TODAY)).to_have_attribute("data-value", "1")
    assert dashboard.evaluate("window.notReloaded === true"), "the dashboard was reloaded"
