"""The desk's NIK look-up is counted per officer, not per address (issue 13, point 7): beyond the limits a
429 in words with Retry-After; an unusual volume in an hour is flagged in the audit log for the
administrator."""

import pytest
from django.test import Client

from smartkampung.accounts.models import Role
from smartkampung.accounts.services import assign_role
from smartkampung.audit.models import AuditEntry
from smartkampung.checkpoints.tests.fixtures import BALI_NIK, JEMBER_NIK, RESIDENT_NIK
from smartkampung.conftest import inside_one_rate_window

pytestmark = pytest.mark.django_db

API = "/api/v1/arrivals/lookup?checkpoint=ketapang&nik="


@pytest.fixture
def one_minute():
    """The minute's limit counts in fixed windows: the test's look-ups all fall in one (a slow CI run straddled)."""
    inside_one_rate_window(seconds_needed=10)


@pytest.fixture
def second_officer(posts, django_user_model):
    user = django_user_model.objects.create_user("petugas.ketapang.2")
    assign_role(user=user, role=Role.CHECKPOINT_OFFICER, checkpoint_id=posts["ketapang"].pk)
    return user


def test_an_officer_is_stopped_after_the_minutes_limit_through_the_api(officer_client, settings, resident, one_minute):
    settings.CHECKPOINT_LOOKUP_PER_MINUTE = 3
    for _ in range(3):
        assert officer_client.get(API + RESIDENT_NIK).status_code == 200
    refused = officer_client.get(API + RESIDENT_NIK, HTTP_ACCEPT_LANGUAGE="en")
    assert refused.status_code == 429
    assert 1 <= int(refused["Retry-After"]) <= 60
    assert "Too many NIK look-ups" in refused.json()["detail"]
    assert "WARSIDI" not in refused.content.decode()
    # The refused look-up read nothing: three look-ups are in the audit log, not four.
    assert AuditEntry.objects.filter(object_type="arrival_lookup").count() == 3


def test_the_limit_is_per_officer_not_per_address(client, officer, second_officer, settings, one_minute):
    settings.CHECKPOINT_LOOKUP_PER_MINUTE = 2
    client.force_login(officer)
    for _ in range(2):
        assert client.get(API + JEMBER_NIK).status_code == 200
    assert client.get(API + JEMBER_NIK).status_code == 429
    client.force_login(second_officer)  # the same address, another officer
    assert client.get(API + JEMBER_NIK).status_code == 200


def test_searching_pre_registrations_by_nik_counts_as_a_look_up(officer_client, settings, one_minute):
    # Else the pre-registration search would probe NIKs past the desk's limit.
    settings.CHECKPOINT_LOOKUP_PER_MINUTE = 2
    assert officer_client.get(API + JEMBER_NIK).status_code == 200
    assert officer_client.get(f"/api/v1/preregistrations?nik={BALI_NIK}").status_code == 200
    refused = officer_client.get(f"/api/v1/preregistrations?nik={JEMBER_NIK}", HTTP_ACCEPT_LANGUAGE="en")
    assert refused.status_code == 429 and int(refused["Retry-After"]) >= 1
    assert "Too many NIK look-ups" in refused.json()["detail"]
    # A code is the traveller's own secret, shown at the desk: not counted.
    assert officer_client.get("/api/v1/preregistrations?code=ABCDEFGH").status_code == 200


def test_the_daily_limit_holds_too(officer_client, settings):
    settings.CHECKPOINT_LOOKUP_PER_MINUTE, settings.CHECKPOINT_LOOKUP_PER_DAY = 100, 2
    assert [officer_client.get(API + BALI_NIK).status_code for _ in range(3)] == [200, 200, 429]


def test_the_desk_page_counts_the_same_look_ups_and_says_so_in_words(officer_client, settings, one_minute):
    settings.CHECKPOINT_LOOKUP_PER_MINUTE = 2
    assert officer_client.get(API + JEMBER_NIK).status_code == 200
    assert officer_client.get(f"/checkpoints/ketapang/lookup/?nik={JEMBER_NIK}").status_code == 200
    page = officer_client.get(f"/checkpoints/ketapang/lookup/?nik={JEMBER_NIK}", HTTP_ACCEPT_LANGUAGE="en")
    assert page.status_code == 429 and int(page["Retry-After"]) >= 1
    assert "Too many NIK look-ups" in page.content.decode()
    # The desk itself (htmx) shows the same words in place (htmx swaps no 4xx answer).
    desk = officer_client.get(
        f"/checkpoints/ketapang/lookup/?nik={JEMBER_NIK}", HTTP_HX_REQUEST="true", HTTP_ACCEPT_LANGUAGE="en"
    )
    assert desk.status_code == 200 and "Too many NIK look-ups" in desk.content.decode()
    assert "Retry-After" in desk


def test_an_unusual_volume_is_flagged_once_for_the_administrator(officer_client, settings, admin):
    settings.CHECKPOINT_LOOKUP_FLAG_PER_HOUR = 3
    for _ in range(3):
        assert officer_client.get(API + JEMBER_NIK).status_code == 200
    assert not AuditEntry.objects.filter(object_type="lookup_volume_flag").exists()
    for _ in range(3):
        assert officer_client.get(API + JEMBER_NIK).status_code == 200
    flag = AuditEntry.objects.get(object_type="lookup_volume_flag")  # one, not three
    assert flag.actor_username == "petugas.ketapang" and flag.subject == "petugas.ketapang"
    assert flag.detail == {"lookups_last_hour": 4, "threshold": 3, "checkpoint": "ketapang"}
    # The administrator finds it in the audit log by the officer's name.
    admin_client = Client()
    admin_client.force_login(admin)
    log = admin_client.get("/audit/", {"actor": "petugas.ketapang"}, HTTP_ACCEPT_LANGUAGE="en")
    assert log.status_code == 200 and "lookup_volume_flag" in log.content.decode()


def test_ktp_scans_count_towards_the_unusual_volume_like_typed_look_ups(officer_client, officer, settings):
    from smartkampung.audit.services import record

    settings.CHECKPOINT_LOOKUP_FLAG_PER_HOUR = 3
    for _ in range(3):  # as the KTP scan records each card it read (ktp.services)
        record(action="view", object_type="ktp_scan", subject=JEMBER_NIK, object_ids=[JEMBER_NIK], user=officer)
    assert officer_client.get(API + JEMBER_NIK).status_code == 200
    flag = AuditEntry.objects.get(object_type="lookup_volume_flag")
    assert flag.detail["lookups_last_hour"] == 4
