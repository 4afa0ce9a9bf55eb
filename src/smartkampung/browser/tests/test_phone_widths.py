"""Every role signs in through the real form, at a phone's 360 px and a desktop's 1366 px, and no page it reaches
(its start page and every link of its main menu) is wider than the screen. The pages carry a working day's data
(world.py): long names, followed-up notification cards, charts, an aid conflict."""

import pytest

from smartkampung.browser.tests.conftest import BROWSER, DESKTOP, PHONE
from smartkampung.browser.tests.world import PEOPLE, build_world

pytestmark = BROWSER

# The main menu's links, whatever the header looks like (a collapsed menu on a phone still holds them).
MENU_LINKS = "header nav a[href]"


@pytest.mark.parametrize("username", list(PEOPLE))
def test_no_page_of_a_role_is_wider_than_a_phone_or_a_desktop(browser, username):
    build_world()
    page = browser.signed_in(username, viewport=PHONE)
    start = page.url.removeprefix(browser.server.url)
    links = page.eval_on_selector_all(MENU_LINKS, "links => links.map(a => a.getAttribute('href'))")
    assert links, f"{username} has no main menu on {start}"
    too_wide, broken = [], []
    for path in dict.fromkeys([start, *links]):
        # Loaded on the phone, then the window widened to a desktop's: the layout follows the width (CSS).
        page.set_viewport_size(PHONE)
        answer = page.goto(browser.url(path))
        if answer is None or answer.status != 200:
            broken.append(f"{path}: HTTP {answer.status if answer else '?'}")
            continue
        for viewport in (PHONE, DESKTOP):
            page.set_viewport_size(viewport)
            if problem := browser.too_wide(page):
                too_wide.append(problem)
            browser.keep(page, f"{username}{path}-{viewport['width']}")
    assert not broken, f"{username}'s menu leads to pages that fail: {broken}"
    assert not too_wide, f"{username}: pages wider than the screen:\n" + "\n".join(too_wide)
