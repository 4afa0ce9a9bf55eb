"""Each notification says whether it has been followed up (a status, not a button); the village's operator
gets a button that says what it does."""

import re

import pytest

from smartkampung.notifications.services import dispatch_batch
from smartkampung.notifications.tests.factories import HOME, arrival

pytestmark = pytest.mark.django_db


def item_of(html: str, pk: int) -> str:
    start = html.index(f'id="notification-{pk}"')
    return html[start : html.index("</li>", start)]


def buttons_of(fragment: str) -> list[str]:
    return [re.sub(r"\s+", " ", text).strip() for text in re.findall(r"<button[^>]*>(.*?)</button>", fragment, re.S)]


def test_the_operator_sees_the_status_and_a_button_that_says_what_it_does(client, people):
    notification = arrival(HOME)
    dispatch_batch()
    client.force_login(people["operator"])

    item = item_of(client.get("/notifications/", HTTP_ACCEPT_LANGUAGE="en").content.decode(), notification.pk)

    assert '<p class="nt-status open" data-status="open">' in item and "Not yet followed up" in item
    assert buttons_of(item) == ["Mark as followed up"]
    status = item[item.index('class="nt-status') : item.index("</p>", item.index('class="nt-status'))]
    assert "<button" not in status and "<form" not in status  # the status is words, not a control


def test_the_button_speaks_indonesian_as_an_action(client, people):
    notification = arrival(HOME)
    dispatch_batch()
    client.force_login(people["operator"])
    item = item_of(client.get("/notifications/", HTTP_ACCEPT_LANGUAGE="id").content.decode(), notification.pk)
    assert buttons_of(item) == ["Tandai sudah ditindaklanjuti"]
    assert "Belum ditindaklanjuti" in item  # the status, apart from the button


def test_the_camat_sees_the_status_without_a_button_and_everyone_sees_who_followed_up(client, people):
    notification = arrival(HOME)
    dispatch_batch()
    client.force_login(people["camat"])
    item = item_of(client.get("/notifications/", HTTP_ACCEPT_LANGUAGE="en").content.decode(), notification.pk)
    assert 'data-status="open"' in item and buttons_of(item) == [] and "<form" not in item

    client.force_login(people["operator"])
    answer = client.post(f"/notifications/{notification.pk}/ack/", HTTP_HX_REQUEST="true", HTTP_ACCEPT_LANGUAGE="en")
    done = answer.content.decode()
    assert answer.status_code == 200 and '<p class="nt-status done" data-status="done">' in done
    assert "Followed up (n.operator" in done and buttons_of(done) == [] and "<form" not in done

    client.force_login(people["camat"])
    item = item_of(client.get("/notifications/", HTTP_ACCEPT_LANGUAGE="en").content.decode(), notification.pk)
    assert 'data-status="done"' in item and "Followed up (n.operator" in item
