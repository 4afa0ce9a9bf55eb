"""External channels: who gets a notification by e-mail, and the signed JSON webhook a WhatsApp/SMS
gateway subscribes to. Sending happens in the worker's delivery loop, never in a registration.

Personal data leaves the system only as far as the channel needs it (UU 27/2022, data minimisation):
e-mail and webhook carry the traveller's name, where they come from, the checkpoint and the outcome,
and a link; never the NIK, the phone number or the address, which staff read after signing in. The one
exception is a kind that tells the resident themselves (`tells_citizen`, e.g. a letter ready or sent back): the
webhook then carries that resident's own phone number and the message for them, so the gateway can send it.
"""

import hashlib
import hmac
import json
import urllib.error
import urllib.request
from datetime import datetime

from django.conf import settings
from django.core.mail import send_mail
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from smartkampung.accounts.selectors import notification_email_audience
from smartkampung.notifications import kinds
from smartkampung.notifications.models import Channel, Delivery, Notification
from smartkampung.notifications.selectors import Item

# What a gateway may relay; everything else in a summary stays inside the system.
SHARED_SUMMARY_FIELDS = ("name", "origin", "checkpoint", "outcome")
WEBHOOK_TIMEOUT_SECONDS = 5


class ChannelError(Exception):
    """Sending failed; the delivery is retried later."""


def targets_for(notifications: list[Notification]) -> list[Delivery]:
    """The deliveries to queue for freshly dispatched notifications (one query for the e-mail audience)."""
    deliveries: list[Delivery] = []
    webhook = settings.NOTIFY_WEBHOOK_URL
    if webhook and settings.NOTIFY_WEBHOOK_SECRET:
        deliveries += [Delivery(notification=n, channel=Channel.WEBHOOK, target=webhook[:300]) for n in notifications]
    if settings.NOTIFY_EMAIL and notifications:
        by_village, by_district = notification_email_audience(
            village_codes={n.village_id for n in notifications}, district_codes={n.district_id for n in notifications}
        )
        for n in notifications:
            # An escalation goes up, to the kecamatan, not back to the village that let it wait.
            village_part = set() if n.kind == kinds.ESCALATION else by_village.get(n.village_id, set())
            for email in sorted(village_part | by_district.get(n.district_id, set())):
                deliveries.append(Delivery(notification=n, channel=Channel.EMAIL, target=email[:300]))
    return deliveries


def _link(item: Item) -> str:
    return f"{settings.NOTIFY_SITE_URL}{item.url or '/notifications/'}" if settings.NOTIFY_SITE_URL else ""


def webhook_body(delivery: Delivery, item: Item, *, sent_at: datetime) -> bytes:
    body = {
        "delivery": delivery.pk,
        "notification": item.id,
        "seq": item.seq,
        "kind": item.kind,
        "created_at": item.created_at.isoformat(),
        "sent_at": sent_at.isoformat(),
        "village": {"code": item.village_code, "name": item.village_name},
        "district": {"code": item.district_code, "name": item.district_name},
        "puskesmas": item.puskesmas_name or None,
        "summary": {key: item.summary[key] for key in SHARED_SUMMARY_FIELDS if item.summary.get(key)},
        "link": _link(item),
    }
    kind = kinds.get(item.kind)
    if kind is not None and kind.tells_citizen and item.summary.get("citizen_phone"):
        # A message for the resident the notification is about (their letter is ready, or sent back).
        body["citizen"] = {"phone": item.summary["citizen_phone"], "message": item.summary.get("citizen_message", "")}
    return json.dumps(body, ensure_ascii=False, separators=(",", ":"), sort_keys=True).encode()


def sign(body: bytes, secret: str) -> str:
    return "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


def send_webhook(delivery: Delivery, item: Item) -> None:
    now = timezone.now()
    body = webhook_body(delivery, item, sent_at=now)
    request = urllib.request.Request(  # noqa: S310 - the administrator's configured https/http URL
        delivery.target,
        data=body,
        method="POST",
        headers={
            "Content-Type": "application/json",
            "User-Agent": "smartkampung-notifications",
            "X-Smartkampung-Signature": sign(body, settings.NOTIFY_WEBHOOK_SECRET),
            "X-Smartkampung-Delivery": str(delivery.pk),
            "X-Smartkampung-Timestamp": str(int(now.timestamp())),
        },
    )
    if not delivery.target.startswith(("http://", "https://")):
        raise ChannelError("not an http(s) URL")
    try:
        with urllib.request.urlopen(request, timeout=WEBHOOK_TIMEOUT_SECONDS) as response:  # noqa: S310
            response.read(1024)
    except urllib.error.HTTPError as exc:
        raise ChannelError(f"HTTP {exc.code}") from exc
    except (urllib.error.URLError, OSError) as exc:
        raise ChannelError(str(getattr(exc, "reason", exc))[:200]) from exc


def send_email(delivery: Delivery, item: Item) -> None:
    with translation.override(settings.LANGUAGE_CODE):
        subject = _("%(kind)s in %(village)s") % {"kind": item.kind_label, "village": item.village_name}
        lines = [subject, ""]
        lines += [f"{label}: {item.summary[key]}" for key, label in _email_fields() if item.summary.get(key)]
        if item.outcome:
            lines.append(f"{_('Outcome')}: {item.outcome_label}")
        if link := _link(item):
            lines += ["", link]
        lines += ["", _("Sign in to see the details and to confirm that it has been followed up.")]
    try:
        send_mail(f"[{settings.SITE_NAME}] {subject}", "\n".join(lines), None, [delivery.target])
    except OSError as exc:  # smtplib's errors are OSErrors
        raise ChannelError(str(exc)[:200]) from exc


def _email_fields():
    return [
        ("name", _("Name")),
        ("origin", _("Coming from")),
        ("checkpoint", _("Checkpoint")),
    ]


SENDERS = {Channel.WEBHOOK: send_webhook, Channel.EMAIL: send_email}
