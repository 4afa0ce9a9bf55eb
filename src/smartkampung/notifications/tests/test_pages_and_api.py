"""The list, following up, and the stream, through HTTP: each person sees and may do what their role allows."""

import json

import pytest

from smartkampung.accounts.services import create_api_token
from smartkampung.notifications.models import Notification
from smartkampung.notifications.services import dispatch_batch
from smartkampung.notifications.tests.factories import AWAY, HOME, arrival

pytestmark = pytest.mark.django_db

ACK_ANSWER = {
    "operator": 200,
    "admin": 200,
    "oversight": 403,
    "camat": 403,
    "puskesmas": 403,
    "health_agency": 403,
    "operator_away": 404,
    "camat_away": 404,
    "checkpoint_officer": 404,
}


@pytest.mark.parametrize("person", list(ACK_ANSWER))
def test_only_the_village_may_confirm_a_follow_up(client, people, person):
    notification = arrival(HOME)
    dispatch_batch()
    client.force_login(people[person])

    page = client.post(f"/notifications/{notification.pk}/ack/")
    api = client.post(f"/api/v1/notifications/{notification.pk}/ack", content_type="application/json")

    expected = ACK_ANSWER[person]
    assert page.status_code == (302 if expected == 200 else expected)
    assert api.status_code == expected
    notification.refresh_from_db()
    assert notification.acknowledged_by == (people[person] if expected == 200 else None)
    if expected == 200:
        assert api.json()["acknowledged_at"] is not None
    else:
        assert notification.acknowledged_at is None


def test_the_list_shows_the_jurisdiction_open_ones_first_with_the_button_for_the_operator(client, people):
    done, home, away = arrival(HOME, name="SUDAH SELESAI"), arrival(HOME, name="WARGA DATANG"), arrival(AWAY)
    dispatch_batch()
    Notification.objects.filter(pk=done.pk).update(acknowledged_at=done.created_at, acknowledged_by=people["admin"])
    client.force_login(people["operator"])

    page = client.get("/notifications/").content.decode()

    assert page.index("WARGA DATANG") < page.index("SUDAH SELESAI")
    assert f'id="notification-{away.pk}"' not in page
    assert f'hx-post="/notifications/{home.pk}/ack/"' in page
    assert "allowed as ODR" in page or "ODR" in page  # the outcome's label, not its code
    assert 'data-stream="/notifications/stream"' in page
    client.force_login(people["camat"])
    assert f'hx-post="/notifications/{home.pk}/ack/"' not in client.get("/notifications/").content.decode()


def test_the_api_lists_the_jurisdiction_with_a_token(client, people):
    arrival(HOME), arrival(AWAY)
    undelivered = arrival(HOME)
    dispatch_batch(limit=2)
    _token, key = create_api_token(user=people["camat"], name="tablet")

    body = client.get("/api/v1/notifications", HTTP_AUTHORIZATION=f"Bearer {key}").json()

    assert body["count"] == 1 and [i["village"]["code"] for i in body["items"]] == [HOME]
    assert undelivered.pk not in [i["id"] for i in body["items"]]  # only what the dispatcher delivered
    assert body["items"][0]["summary"]["name"] == "BUDI PENDATANG"


def events_of(response) -> list[dict]:
    text = response.content.decode()
    events = []
    for block in text.split("\n\n"):
        fields = dict(line.split(": ", 1) for line in block.splitlines() if ": " in line and not line.startswith(":"))
        if fields.get("event") == "notification":
            events.append({**json.loads(fields["data"]), "sse_id": int(fields["id"])})
    return events


def test_the_stream_sends_the_jurisdiction_with_seq_ids_and_resumes_after_last_event_id(client, people):
    ids = [arrival(HOME if n % 2 else AWAY, subject_id=n).pk for n in range(6)]
    dispatch_batch()
    client.force_login(people["operator"])

    first = events_of(client.get("/notifications/stream"))
    resumed = events_of(client.get("/notifications/stream?after=0", HTTP_LAST_EVENT_ID=str(first[1]["sse_id"])))

    home_ids = [pk for n, pk in enumerate(ids) if n % 2]
    assert [e["sse_id"] for e in first] == [e["seq"] for e in first]
    assert [e["seq"] for e in first] == sorted(e["seq"] for e in first)
    assert [e["subject_id"] for e in first] == [1, 3, 5]
    assert {e["village"]["code"] for e in first} == {HOME}
    assert f'id="notification-{home_ids[0]}"' in first[0]["html"]
    assert [e["seq"] for e in resumed] == [first[2]["seq"]]


def test_the_api_stream_takes_a_token_and_after(client, people):
    for n in range(3):
        arrival(HOME, subject_id=n)
    dispatch_batch()
    _token, key = create_api_token(user=people["puskesmas"], name="gateway")

    events = events_of(client.get("/api/v1/notifications/stream?after=1", HTTP_AUTHORIZATION=f"Bearer {key}"))

    assert [e["seq"] for e in events] == [2, 3]
    assert "html" not in events[0]
    assert client.get("/api/v1/notifications/stream").status_code == 401
