"""External channels: a signed webhook to a real local HTTP server, retried when it fails, and e-mail to
the audience; neither holds up in-app delivery."""

import hashlib
import hmac
import json
import threading
from datetime import timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from django.core import mail
from django.utils import timezone

from smartkampung.notifications.models import Delivery
from smartkampung.notifications.services import deliver_due, dispatch_batch
from smartkampung.notifications.tests.factories import AWAY, HOME, arrival, make_person

pytestmark = pytest.mark.django_db
SECRET = "rahasia-gateway-2026"


@pytest.fixture
def gateway():
    """A local HTTP server that records each request and answers with the next of `answers` (then 200)."""
    received: list[dict] = []
    answers: list[int] = []

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self):
            body = self.rfile.read(int(self.headers["Content-Length"]))
            status = answers.pop(0) if answers else 200
            received.append({"headers": dict(self.headers), "body": body, "status": status})
            self.send_response(status)
            self.end_headers()
            self.wfile.write(b"ok")

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield {"url": f"http://127.0.0.1:{server.server_port}/hook", "received": received, "answers": answers}
    finally:
        server.shutdown()
        server.server_close()
        thread.join(5)


@pytest.fixture
def webhook(settings, gateway):
    settings.NOTIFY_WEBHOOK_URL = gateway["url"]
    settings.NOTIFY_WEBHOOK_SECRET = SECRET
    return gateway


def test_the_webhook_is_signed_and_carries_only_what_a_gateway_needs(regions, webhook):
    notification = arrival(HOME)
    dispatch_batch()

    assert deliver_due() == 1

    [request] = webhook["received"]
    body, headers = request["body"], request["headers"]
    expected = hmac.new(SECRET.encode(), body, hashlib.sha256).hexdigest()
    assert headers["X-Smartkampung-Signature"] == f"sha256={expected}"
    payload = json.loads(body)
    delivery = Delivery.objects.get()
    assert headers["X-Smartkampung-Delivery"] == str(delivery.pk) == str(payload["delivery"])
    assert int(headers["X-Smartkampung-Timestamp"]) > 0
    assert payload["notification"] == notification.pk and payload["kind"] == "arrival"
    assert payload["village"]["code"] == HOME and payload["district"]["code"] == HOME[:6]
    assert payload["summary"] == {
        "name": "BUDI PENDATANG",
        "origin": "Kota Denpasar, Bali",
        "checkpoint": "Pos Pantau Pelabuhan Ketapang",
        "outcome": "odr",
    }
    assert "5171011708850003" not in body.decode() and "+6281234567890" not in body.decode()
    assert delivery.status == "sent" and delivery.attempts == 1


def test_a_failing_webhook_is_retried_until_it_succeeds_once_and_never_delays_the_stream(client, people, webhook):
    webhook["answers"].append(500)
    notification = arrival(HOME)

    dispatch_batch()
    now = timezone.now()
    notification.refresh_from_db()
    assert notification.delivered_at is not None  # in-app delivery is done before the webhook is even tried
    client.force_login(people["operator"])
    assert f'"id":{notification.pk}' in client.get("/notifications/stream").content.decode()

    deliver_due(now=now)
    delivery = Delivery.objects.get()
    assert (delivery.status, delivery.attempts, delivery.last_error) == ("pending", 1, "HTTP 500")
    assert deliver_due(now=now + timedelta(seconds=5)) == 0  # backing off
    deliver_due(now=delivery.next_attempt_at)
    deliver_due(now=delivery.next_attempt_at + timedelta(hours=2))

    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts) == ("sent", 2)
    assert [r["status"] for r in webhook["received"]] == [500, 200]
    assert {r["headers"]["X-Smartkampung-Delivery"] for r in webhook["received"]} == {str(delivery.pk)}


def test_a_dead_webhook_fails_after_the_configured_attempts(regions, settings):
    settings.NOTIFY_WEBHOOK_URL = "http://127.0.0.1:9/nobody-listens"
    settings.NOTIFY_WEBHOOK_SECRET = SECRET
    settings.NOTIFY_DELIVERY_MAX_ATTEMPTS = 3
    arrival(HOME)
    dispatch_batch()
    later = timezone.now()
    for _ in range(5):
        later += timedelta(hours=2)
        deliver_due(now=later)

    delivery = Delivery.objects.get()
    assert (delivery.status, delivery.attempts) == ("failed", 3)


def test_e_mail_goes_to_the_village_operator_and_the_kecamatan(regions, settings, django_user_model):
    settings.NOTIFY_EMAIL = True
    make_person(django_user_model, "operator", email="operator@bakungan.desa.id")
    make_person(django_user_model, "camat", email="camat@glagah.kec.id")
    make_person(django_user_model, "operator_away", email="operator@sarongan.desa.id")
    make_person(django_user_model, "oversight", email="babinsa@example.org")
    arrival(HOME)
    dispatch_batch()

    deliver_due()

    assert sorted(m.to[0] for m in mail.outbox) == ["camat@glagah.kec.id", "operator@bakungan.desa.id"]
    assert "BUDI PENDATANG" in mail.outbox[0].body and "5171011708850003" not in mail.outbox[0].body
    arrival(AWAY)
    dispatch_batch()
    deliver_due()
    assert mail.outbox[-1].to == ["operator@sarongan.desa.id"]


def test_a_webhook_without_its_secret_is_reported_at_start_up(settings):
    from django.core.checks import run_checks

    settings.NOTIFY_WEBHOOK_URL, settings.NOTIFY_WEBHOOK_SECRET = "https://gateway.example/hook", ""
    assert "smartkampung.W001" in [m.id for m in run_checks()]
    settings.NOTIFY_WEBHOOK_SECRET = "rahasia"
    assert not {"smartkampung.W001", "smartkampung.W002"} & {m.id for m in run_checks()}
