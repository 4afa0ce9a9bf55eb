"""The outbox: a notification exists exactly when its registration commits, reaches the right people,
and gets its delivery number from the dispatcher in commit order."""

from datetime import timedelta

import pytest
from django.db import transaction
from django.utils import timezone

from smartkampung.audit.models import AuditEntry
from smartkampung.notifications.models import DispatchCursor, Notification
from smartkampung.notifications.selectors import notifications_visible_to
from smartkampung.notifications.services import dispatch_batch, escalate_due, notify
from smartkampung.notifications.tests.factories import AWAY, HOME, HOME_DISTRICT, arrival
from smartkampung.regions.selectors import puskesmas_serving

pytestmark = pytest.mark.django_db


class Boom(Exception):
    pass


def test_a_notification_of_a_registration_that_rolls_back_does_not_exist(regions):
    with pytest.raises(Boom), transaction.atomic():
        notify(kind="arrival", village_code=HOME, subject_type="arrival", subject_id=7, summary={"name": "X"})
        raise Boom

    assert not Notification.objects.exists()


def test_a_notification_carries_its_kecamatan_and_the_puskesmas_serving_the_village(regions):
    notification = arrival(HOME, name="SITI", phone=None)

    assert notification.district_id == HOME_DISTRICT
    assert notification.puskesmas == puskesmas_serving(HOME)
    assert notification.seq is None and notification.delivered_at is None
    assert "phone" not in notification.summary  # empty fields are not kept


def test_dispatch_numbers_delivered_notifications_in_order_and_only_once(regions):
    first, second = arrival(HOME), arrival(AWAY)

    dispatched = dispatch_batch()
    again = dispatch_batch()

    first.refresh_from_db()
    second.refresh_from_db()
    assert (first.seq, second.seq) == (dispatched.first_seq, dispatched.last_seq) == (1, 2)
    assert dispatched.villages == (AWAY, HOME)
    assert first.delivered_at is not None
    assert again is None
    assert DispatchCursor.objects.get().last_seq == 2
    third = arrival(HOME)
    assert dispatch_batch().first_seq == 3
    third.refresh_from_db()
    assert third.seq == 3


WHO_SEES_HOME = {
    "operator": True,
    "oversight": True,
    "camat": True,
    "puskesmas": True,
    "admin": True,
    "health_agency": True,
    "operator_away": False,
    "camat_away": False,
    "puskesmas_away": False,
    "social_agency": False,
    "checkpoint_officer": False,
}


@pytest.mark.parametrize("person", list(WHO_SEES_HOME))
def test_who_sees_an_arrival_in_the_village(people, person):
    notification = arrival(HOME)

    assert notifications_visible_to(people[person]).filter(pk=notification.pk).exists() == WHO_SEES_HOME[person]


ESCALATION_SEEN_BY = {"camat", "admin", "health_agency"}


@pytest.mark.parametrize("person", list(WHO_SEES_HOME))
def test_an_escalation_goes_to_the_kecamatan_and_the_regency_not_the_village(people, person, settings):
    settings.NOTIFY_ESCALATE_AFTER_MINUTES = 30
    original = arrival(HOME)
    Notification.objects.filter(pk=original.pk).update(created_at=timezone.now() - timedelta(minutes=31))
    escalate_due()
    escalation = Notification.objects.get(kind="escalation")

    assert notifications_visible_to(people[person]).filter(pk=escalation.pk).exists() == (person in ESCALATION_SEEN_BY)


def test_an_unacknowledged_arrival_escalates_after_the_configured_time_once(regions, settings):
    settings.NOTIFY_ESCALATE_AFTER_MINUTES = 30
    now = timezone.now()
    late, recent = arrival(HOME, subject_id=1), arrival(HOME, subject_id=2)
    prereg = arrival(HOME, kind="preregistration", subject_id=3)
    Notification.objects.filter(pk__in=[late.pk, prereg.pk]).update(created_at=now - timedelta(minutes=31))
    Notification.objects.filter(pk=recent.pk).update(created_at=now - timedelta(minutes=29))

    assert escalate_due(now=now) == 1
    assert escalate_due(now=now) == 0

    escalation = Notification.objects.get(kind="escalation")
    late.refresh_from_db()
    assert escalation.escalation_of == late and late.escalated_at == now
    assert escalation.village_id == HOME and escalation.summary["name"] == late.summary["name"]
    assert escalation.seq is None  # it goes through the outbox like any other
    assert dispatch_batch().last_seq == 4


def test_escalation_can_be_switched_off(regions, settings):
    settings.NOTIFY_ESCALATE_AFTER_MINUTES = 0
    original = arrival(HOME)
    Notification.objects.filter(pk=original.pk).update(created_at=timezone.now() - timedelta(days=1))

    assert escalate_due() == 0


def test_acknowledging_the_arrival_resolves_its_escalation_and_is_audited(client, people, settings):
    settings.NOTIFY_ESCALATE_AFTER_MINUTES = 30
    original = arrival(HOME)
    Notification.objects.filter(pk=original.pk).update(created_at=timezone.now() - timedelta(minutes=31))
    escalate_due()
    dispatch_batch()
    client.force_login(people["operator"])

    response = client.post(f"/notifications/{original.pk}/ack/", HTTP_HX_REQUEST="true")

    assert response.status_code == 200
    assert f'id="notification-{original.pk}"' in response.content.decode()
    assert Notification.objects.filter(acknowledged_by=people["operator"]).count() == 2
    entry = AuditEntry.objects.get(object_type="notification", action="update")
    assert entry.actor == people["operator"] and entry.subject == str(original.pk)
    assert "acknowledged_at" in entry.changes
    assert sorted(entry.object_ids) == sorted([str(original.pk), str(original.escalation.pk)])
