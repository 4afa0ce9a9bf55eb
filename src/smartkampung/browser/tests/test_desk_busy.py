"""The server is too busy for a registration (503 + Retry-After, nothing saved): the desk says so, sends the same
form again by itself after that time, and the traveller is registered once."""

import re

from smartkampung.browser.tests.conftest import BROWSER, PHONE
from smartkampung.browser.tests.world import BAKUNGAN, person
from smartkampung.checkpoints.models import Arrival

pytestmark = BROWSER

TRAVELLER = re.compile("siti aminah", re.IGNORECASE)


def test_a_busy_server_makes_the_desk_wait_and_send_again_by_itself(browser):
    person("petugas.ketapang")
    desk = browser.signed_in("petugas.ketapang", viewport=PHONE)
    desk.goto(browser.url("/checkpoints/ketapang/"))
    busy = []

    def answer_busy_once(route):
        # What core.admission answers when the server is full: the request never reached Django.
        if route.request.method == "POST" and not busy:
            busy.append(route.request.url)
            headers = {"Retry-After": "1", "X-Smartkampung-Busy": "1"}
            route.fulfill(status=503, headers=headers, content_type="text/plain", body="busy")
        else:
            route.continue_()

    desk.route(re.compile(r".*/checkpoints/ketapang/$"), answer_busy_once)
    desk.fill("#id_nik", "3509014203880004")
    desk.fill("#id_name", "Siti Aminah")
    desk.select_option("#id_sex", "female")
    desk.fill("#id_phone", "0812 3456 7891")
    desk.select_option("#id_origin_regency", "3509")
    desk.fill("#id_temperature", "36.6")
    desk.select_option("#id_destination_village", BAKUNGAN)
    desk.fill("#id_destination_address", "Jl. Kopi 9, RT 1 RW 2")
    desk.locator("form.desk-form [type=submit]").click()

    note = desk.locator("#desk-busy")
    browser.expect(note).to_be_visible()
    browser.expect(note).to_contain_text("1 detik")  # Indonesian, with the server's Retry-After
    browser.expect(desk.locator("#outcome")).to_contain_text(TRAVELLER)  # sent again, by itself
    browser.expect(note).to_be_hidden()
    assert len(busy) == 1
    assert Arrival.objects.filter(nik="3509014203880004").count() == 1
