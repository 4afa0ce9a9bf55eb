"""The inspector's phone form on a weak connection (tourism/static/tourism/inspect.js): what is entered while an
upload fails is kept on the phone, survives a reload, and is sent with the retry button or when the connection
returns; nothing reaches the database until the server has it."""

from django.utils import timezone

from smartkampung.browser.tests.conftest import PHONE
from smartkampung.browser.tests.tourism_world import AGENCY, agency_officer, applied_place
from smartkampung.tourism.models import Finding
from smartkampung.tourism.services import certification

FINDINGS = "**/tourism/inspections/*/findings/*/"


def scheduled_inspection():
    officer = agency_officer()
    place = applied_place()
    return certification.schedule_inspection(
        place=place, purpose="initial", due_on=timezone.localdate(), inspector=officer, by=officer
    )


def test_a_finding_entered_while_uploads_fail_survives_a_reload_and_is_sent_by_retry(browser):
    inspection = scheduled_inspection()
    phone = browser.signed_in(AGENCY, viewport=PHONE)
    phone.goto(browser.url(f"/tourism/inspections/{inspection.pk}/"))
    first = phone.locator("form.finding").first
    item = first.get_attribute("data-item")
    form = f"#item-{item}"

    # The upload fails (the signal drops at the moment it is sent): the item waits, nothing is in the database.
    phone.route(FINDINGS, lambda route: route.abort())
    phone.fill(f"{form} input[name=note]", "Sabun habis di wastafel belakang.")
    phone.check(f"{form} input[name=result][value='not_met']")
    browser.expect(phone.locator(form)).to_have_attribute("data-state", "pending")
    browser.expect(phone.locator(f"{form} .retry")).to_be_visible()
    assert not Finding.objects.filter(inspection=inspection).exists()

    # The phone reloads the page (still no upload gets through): what was entered is still there, still waiting.
    phone.reload()
    browser.expect(phone.locator(form)).to_have_attribute("data-state", "pending")
    browser.expect(phone.locator(f"{form} input[name=result][value='not_met']")).to_be_checked()
    browser.expect(phone.locator(f"{form} input[name=note]")).to_have_value("Sabun habis di wastafel belakang.")
    assert not Finding.objects.filter(inspection=inspection).exists()

    # The connection is back: "Retry now" sends it, and the server's answer says saved.
    phone.unroute(FINDINGS)
    phone.locator(f"{form} .retry").click()
    browser.expect(phone.locator(f"{form}[data-saved-result='not_met']")).to_have_count(1)
    finding = Finding.objects.get(inspection=inspection, item_id=int(item))
    assert (finding.result, finding.note) == ("not_met", "Sabun habis di wastafel belakang.")
    assert phone.evaluate("Object.keys(localStorage).filter(k => k.startsWith('smartkampung.inspect.')).length") == 0


def test_a_finding_entered_offline_is_sent_when_the_phone_is_online_again(browser):
    inspection = scheduled_inspection()
    phone = browser.signed_in(AGENCY, viewport=PHONE)
    phone.goto(browser.url(f"/tourism/inspections/{inspection.pk}/"))
    item = phone.locator("form.finding").nth(1).get_attribute("data-item")
    form = f"#item-{item}"

    phone.context.set_offline(True)
    phone.check(f"{form} input[name=result][value='met']")
    browser.expect(phone.locator(form)).to_have_attribute("data-state", "pending")
    assert not Finding.objects.filter(inspection=inspection).exists()

    phone.context.set_offline(False)  # the browser fires "online": everything waiting is sent
    browser.expect(phone.locator(f"{form}[data-saved-result='met']")).to_have_count(1)
    assert Finding.objects.get(inspection=inspection, item_id=int(item)).result == "met"
