"""A resident of Bakungan listed twice for aid: the village operator's dashboard, on a phone, shows the red aid
alarm with the count; the operator follows its link, settles the double listing on the conflicts page, and the
dashboard's alarm is calm again."""

from smartkampung.aid.tests.fixtures import make_double_listing
from smartkampung.browser.tests.conftest import BROWSER, PHONE
from smartkampung.browser.tests.world import BAKUNGAN, person

pytestmark = BROWSER

# Red: the alarm's left border (the colour that marks it on a phone screen) is mostly red.
REDDISH = """element => {
    const [r, g, b] = getComputedStyle(element).borderLeftColor.match(/\\d+/g).map(Number);
    return r >= 120 && r > 2 * g && r > 2 * b;
}"""


def test_the_aid_alarm_is_red_with_the_count_until_the_double_listing_is_resolved(browser):
    person("operator.bakungan")
    conflict = make_double_listing(BAKUNGAN)
    page = browser.signed_in("operator.bakungan", viewport=PHONE)

    page.goto(browser.url("/dashboard/"))
    alarm = page.locator("#aid-alarm")
    browser.expect(alarm).to_have_attribute("data-state", "alarm")
    browser.expect(alarm).to_have_attribute("data-open", "1")
    browser.expect(alarm).to_contain_text("1")
    assert alarm.evaluate(REDDISH), "the open aid alarm is not red"
    assert browser.too_wide(page) is None, browser.too_wide(page)

    alarm.locator("a[href*='/aid/conflicts/']").click()
    card = page.locator(f"#conflict-{conflict.pk}")
    browser.expect(card).to_have_attribute("data-status", "open")
    assert browser.too_wide(page) is None, browser.too_wide(page)
    page.fill(f"#reason-{conflict.pk}", "Tercantum dua kali: baris tanpa NIK ditarik")
    choices = card.locator("form.resolve button[data-resolution]")
    recommended = card.locator("form.resolve button[data-resolution].primary")
    (recommended if recommended.count() else choices).first.click()
    page.wait_for_load_state()
    browser.expect(page.locator(f"#conflict-{conflict.pk}[data-status='open']")).to_have_count(0)

    page.goto(browser.url("/dashboard/"))
    browser.expect(alarm).to_have_attribute("data-state", "calm")
    browser.expect(alarm).to_have_attribute("data-open", "0")
