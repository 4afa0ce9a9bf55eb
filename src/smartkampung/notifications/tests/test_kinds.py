"""Kinds of notification are registered by the apps that write them: a new module adds its events
without editing the notifications app or its migrations, and the outbox refuses a kind nobody registered."""

from datetime import timedelta

import pytest
from django.db import transaction
from django.utils import timezone

from smartkampung.notifications import kinds
from smartkampung.notifications.models import Notification
from smartkampung.notifications.services import dispatch_batch, escalate_due, notify
from smartkampung.notifications.tests.factories import HOME

pytestmark = pytest.mark.django_db


@pytest.fixture
def letter_kind():
    """What a future permits module would put in its own notification_kinds.py."""
    code = kinds.register(
        "permit_request",
        "letter requested",  # a real module wraps these in gettext_lazy
        summary=[("name", "Name"), ("letter", "Letter")],
        outcomes=[("ready", "ready to collect")],
        escalates=True,
        module="permits.notification_kinds",
    )
    yield code
    kinds.unregister(code)


def test_a_kind_registered_outside_the_notifications_app_goes_through_outbox_page_api_and_escalation(
    client, people, letter_kind, settings
):
    with transaction.atomic():
        written = notify(
            kind=letter_kind,
            village_code=HOME,
            subject_type="letter",
            subject_id=5,
            summary={"name": "SITI WARGA", "letter": "Surat keterangan domisili", "outcome": "ready", "nik": "x"},
        )
    dispatch_batch()
    client.force_login(people["operator"])

    page = client.get("/notifications/").content.decode()
    api = client.get("/api/v1/notifications").json()

    assert f'id="notification-{written.pk}"' in page
    assert "letter requested" in page and "Surat keterangan domisili" in page
    assert "ready to collect" in page  # the outcome in the registering app's words
    assert "NIK" not in page.split(f'id="notification-{written.pk}"')[1].split("</li>")[0]  # only its fields
    assert [i["kind"] for i in api["items"]] == ["permit_request"]

    settings.NOTIFY_ESCALATE_AFTER_MINUTES = 30
    Notification.objects.filter(pk=written.pk).update(created_at=timezone.now() - timedelta(minutes=31))
    assert escalate_due() == 1
    escalation = Notification.objects.get(kind=kinds.ESCALATION)
    assert escalation.escalation_of_id == written.pk


def test_the_outbox_refuses_a_kind_nobody_registered(regions):
    with pytest.raises(ValueError, match="unregistered"):
        notify(kind="permit_request", village_code=HOME, subject_type="letter", subject_id=5, summary={})
    with pytest.raises(ValueError, match="dispatcher"):
        notify(kind=kinds.ESCALATION, village_code=HOME, subject_type="arrival", subject_id=5, summary={})

    assert not Notification.objects.exists()


def test_each_app_registers_the_kinds_it_writes():
    registered = {kind.code: kind for kind in kinds.registered()}

    assert {
        "arrival": "smartkampung.checkpoints.notification_kinds",
        "refusal": "smartkampung.checkpoints.notification_kinds",
        "wandering": "smartkampung.checkpoints.notification_kinds",
        "preregistration": "smartkampung.checkpoints.notification_kinds",
        "reservation": "smartkampung.isolation.notification_kinds",
        "symptoms": "smartkampung.health.notification_kinds",
        "aid_conflict": "smartkampung.aid.notification_kinds",
        "aid_report": "smartkampung.aid.notification_kinds",
        "escalation": "smartkampung.notifications.kinds",
    }.items() <= {code: kind.module for code, kind in registered.items()}.items()
    assert set(kinds.escalating()) == {"arrival", "refusal", "wandering"}


def test_one_code_cannot_name_two_different_kinds(letter_kind):
    from django.core.exceptions import ImproperlyConfigured

    with pytest.raises(ImproperlyConfigured):
        kinds.register(letter_kind, "something else", module="other.notification_kinds")
    with pytest.raises(ImproperlyConfigured):
        kinds.register("Has Spaces", "bad code")
