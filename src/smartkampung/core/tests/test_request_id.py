"""The request id: in every answer's X-Request-ID, in the audit entries the request writes and on its log lines
(one JSON object a line with LOG_FORMAT=json); a proxy's id is taken only from a trusted proxy, and only when it
is a plain token."""

import json
import os
import subprocess
import sys

import pytest
from django.urls import reverse

from smartkampung.audit.models import AuditEntry
from smartkampung.notifications.tests.factories import arrival, make_person

pytestmark = pytest.mark.django_db

NGINX_ID = "4c1e6f0b9a2d4e3f8a7b6c5d4e3f2a1b"  # nginx's $request_id: 32 hex digits


def test_every_answer_carries_a_request_id(client, django_user_model):
    answers = [
        client.get(reverse("core:healthz")),
        client.get(reverse("core:readyz")),
        client.get("/no-such-page/"),
        client.get(reverse("accounts:login")),
        client.post(reverse("accounts:login"), {"username": "x", "password": "y"}),
    ]

    ids = [answer["X-Request-ID"] for answer in answers]
    assert all(len(request_id) == 32 for request_id in ids)
    assert len(set(ids)) == len(ids)


def test_an_audit_entry_written_by_a_request_carries_its_id(client, regions, django_user_model):
    notification = arrival()
    client.force_login(make_person(django_user_model, "operator"))

    answer = client.post(f"/notifications/{notification.pk}/ack/")

    assert answer.status_code < 400
    entry = AuditEntry.objects.get(object_type="notification", subject=str(notification.pk))
    assert entry.request_id == answer["X-Request-ID"]


def test_behind_a_trusted_proxy_its_id_is_taken_into_the_answer_and_the_audit_entry(
    client, settings, regions, django_user_model
):
    settings.TRUSTED_PROXY_COUNT = 1
    notification = arrival()
    client.force_login(make_person(django_user_model, "operator"))

    answer = client.post(f"/notifications/{notification.pk}/ack/", HTTP_X_REQUEST_ID=NGINX_ID)

    assert answer["X-Request-ID"] == NGINX_ID
    assert AuditEntry.objects.get(object_type="notification").request_id == NGINX_ID


def test_without_a_trusted_proxy_a_client_never_chooses_the_id(client, settings):
    settings.TRUSTED_PROXY_COUNT = 0

    answer = client.get(reverse("core:healthz"), HTTP_X_REQUEST_ID=NGINX_ID)

    assert answer["X-Request-ID"] != NGINX_ID


@pytest.mark.parametrize(
    "offered",
    ["short", "x" * 65, "abc def ghi", "id-with-\u00fcmlaut-123", "a\nX-Evil: 1", "<script>alert(1)</script>", ""],
)
def test_a_proxys_id_that_is_not_a_plain_token_is_replaced(client, settings, offered):
    settings.TRUSTED_PROXY_COUNT = 1

    answer = client.get(reverse("core:healthz"), HTTP_X_REQUEST_ID=offered)

    assert answer["X-Request-ID"] != offered
    assert len(answer["X-Request-ID"]) == 32


def test_a_json_log_line_is_one_object_with_time_level_logger_request_id_and_message(tmp_path):
    # A server of its own configured by the settings' LOGGING with LOG_FORMAT=json (Django applies it at setup);
    # Django logs "Not Found" for the 404 answer on its logger django.request.
    script = (
        "import django; django.setup()\n"
        "from django.test import Client\n"
        "answer = Client().get('/no-such-page/?nik=3510014501900001')\n"
        "print(answer.status_code, answer['X-Request-ID'])\n"
        # A NIK in the address itself: Django's line about the refusal names the path, never the person.
        "Client().get('/penduduk/3510014501900002/')\n"
    )
    env = os.environ | {
        "LOG_FORMAT": "json",
        "LOG_LEVEL": "INFO",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}",  # a 404 asks the database nothing
    }
    env.setdefault("DJANGO_SETTINGS_MODULE", "smartkampung.settings")
    done = subprocess.run(  # noqa: S603 - our own script
        [sys.executable, "-c", script], env=env, capture_output=True, text=True, timeout=120
    )

    status, request_id = done.stdout.split()
    assert status == "404"
    lines = [json.loads(line) for line in done.stderr.splitlines() if line.strip()]  # every line one JSON object
    not_found = next(line for line in lines if line["logger"] == "django.request")
    assert set(not_found) >= {"time", "level", "logger", "request_id", "message"}
    assert not_found["level"] == "WARNING"
    assert not_found["message"] == "Not Found: /no-such-page/"
    assert not_found["request_id"] == request_id
    assert not_found["time"][:2] == "20"  # a date and time (asctime)
    # The request itself (whose text carries the query string) is not written out: a NIK never reaches the log.
    assert "3510014501900001" not in done.stderr
    refused = [line["message"] for line in lines if line["logger"] == "django.request"][1]
    assert refused == "Not Found: /penduduk/################/"
    assert "3510014501900002" not in done.stderr
