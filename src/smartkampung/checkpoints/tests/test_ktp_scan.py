"""The KTP scan on the pages: the officer's desk and the public pre-registration page offer a photo picker that
opens the phone's rear camera, the desk a pre-registration QR scan too, and the script that reads the photo through
the API is served from our own static files (the CSP allows no other). The reading itself: ktp/tests/test_api.py;
the pages driven in a browser: browser/tests/test_ktp_scan.py."""

import re

import pytest
from django.utils import translation
from lxml import html

from smartkampung.checkpoints.tests.fixtures import RESIDENT_NIK

SCAN = "//*[@id='ktp-scan']"


def page(response):
    assert response.status_code == 200, response.content[:500]
    return html.fromstring(response.content.decode())


def one(tree, path: str):
    found = tree.xpath(path)
    assert len(found) == 1, f"{path}: {len(found)} found"
    return found[0]


def script_of(tree) -> str:
    sources = [s.get("src") for s in tree.xpath("//script[@src]") if "ktp-scan" in s.get("src", "")]
    assert len(sources) == 1, sources
    return sources[0]


def test_the_desk_has_a_scan_ktp_button_that_opens_the_rear_camera(officer_client):
    tree = page(officer_client.get("/checkpoints/ketapang/"))
    picker = one(tree, f"{SCAN}//input[@id='ktp-photo'][@type='file']")
    assert picker.get("accept") == "image/*" and picker.get("capture") == "environment"
    # The big button is the picker's label: it opens the camera even before the script has loaded.
    assert one(tree, f"{SCAN}//label[@for='ktp-photo']").text_content().strip()
    panel = one(tree, SCAN)
    assert panel.get("data-read-url") == "/api/v1/ktp/read"
    assert panel.get("data-target") == "#desk form.desk-form" and panel.get("data-desk") == "1"
    # The API takes the session with its CSRF token: the panel carries one.
    assert one(tree, f"{SCAN}//input[@name='csrfmiddlewaretoken']").get("value")
    # Outside the part htmx swaps, so what was read survives the NIK lookup.
    assert not tree.xpath(f"//*[@id='desk']{SCAN}")
    # The typed NIK stays as the fallback.
    assert one(tree, "//*[@id='desk']//form[@class='lookup']//input[@id='lookup-nik']").get("name") == "nik"


def test_the_desk_scans_a_pre_registration_qr_code_with_the_server_as_fallback(officer_client):
    tree = page(officer_client.get("/checkpoints/ketapang/"))
    assert one(tree, SCAN).get("data-qr-url") == "/api/v1/ktp/qr"
    assert one(tree, f"{SCAN}//button[@id='qr-scan-button'][@type='button']").text_content().strip()
    picker = one(tree, f"{SCAN}//input[@id='qr-photo'][@type='file']")
    assert picker.get("accept") == "image/*" and picker.get("capture") == "environment"
    assert one(tree, f"{SCAN}//*[@id='qr-camera']//video[@id='qr-video']").get("playsinline") is not None
    # The QR code holds the pre-registration code: the desk's lookup takes it.
    assert one(tree, "//*[@id='desk']//form[@class='lookup']//input[@name='code']").get("name") == "code"


def test_the_public_pre_registration_page_fills_from_a_ktp_photo(client, regions):
    tree = page(client.get("/checkpoints/pre-register/"))
    picker = one(tree, f"{SCAN}//input[@id='ktp-photo'][@type='file']")
    assert picker.get("accept") == "image/*" and picker.get("capture") == "environment"
    panel = one(tree, SCAN)
    assert panel.get("data-read-url") == "/api/v1/public/ktp/read"
    assert panel.get("data-target") == "#prereg-form"
    assert one(tree, "//form[@id='prereg-form']//input[@name='nik']").get("id") == "id_nik"
    # No desk things for the public: no QR scan, no lookup.
    assert panel.get("data-desk") is None and not tree.xpath("//*[@id='qr-scan-button']")


@pytest.mark.parametrize("path", ["/checkpoints/ketapang/", "/checkpoints/pre-register/"])
def test_every_word_the_script_shows_comes_from_the_page_in_its_language(officer_client, path):
    with translation.override("en"):
        panel = one(page(officer_client.get(path, HTTP_ACCEPT_LANGUAGE="en")), SCAN)
    words = {k: v for k, v in panel.attrib.items() if k.startswith(("data-msg-", "data-label-", "data-sex-"))}
    assert words["data-msg-reading"] == "Reading the card…"
    assert "Too many" in words["data-msg-throttled"]
    assert all(value.strip() for value in words.values()), words
    # Names of the data-* the script reads, all there.
    script = open_script(officer_client, script_of(page(officer_client.get(path))))
    used = {
        f"data-{kind}" + re.sub(r"([A-Z])", r"-\1", name).lower()
        for kind, name in re.findall(r"data\.(msg|label|sex)([A-Z][A-Za-z]*)", script)
    }
    assert len(used) > 20
    assert used <= set(words), used - set(words)


def open_script(client, src: str) -> str:
    response = client.get(src)
    assert response.status_code == 200
    assert "javascript" in response["Content-Type"]
    return b"".join(response.streaming_content).decode() if response.streaming else response.content.decode()


def test_the_scan_script_is_served_from_our_static_files_and_the_page_has_no_inline_script(officer_client):
    for path in ("/checkpoints/ketapang/", "/checkpoints/pre-register/"):
        response = officer_client.get(path)
        tree = page(response)
        src = script_of(tree)
        assert src.startswith("/static/checkpoints/ktp-scan")
        assert "BarcodeDetector" in open_script(officer_client, src)
        assert all(s.get("src") or s.get("type") == "application/json" for s in tree.xpath("//script"))
        assert "'unsafe-inline'" not in response["Content-Security-Policy"]


def test_the_lookup_after_a_scan_still_fills_the_desk_from_the_register(officer_client, resident):
    # The script submits the lookup form with the NIK read from the card, as an officer's typing would.
    answer = officer_client.get(f"/checkpoints/ketapang/lookup/?nik={RESIDENT_NIK}&code=", HTTP_HX_REQUEST="true")
    tree = page(answer)
    assert one(tree, "//form[contains(@class, 'desk-form')]//input[@name='name']").get("value") == "WARSIDI"
    assert not tree.xpath(SCAN)  # the swapped part leaves the scan panel where it is
