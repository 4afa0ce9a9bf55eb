"""The registration desk's path through the API with a token (README "Checkpoint registrations"): few
statements, reference data from the process's cache, and rights read fresh on every request."""

import datetime as dt
import json

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from smartkampung.accounts.models import Role
from smartkampung.accounts.services import assign_role, create_api_token, remove_role, revoke_api_token
from smartkampung.audit.models import AuditEntry
from smartkampung.checkpoints.models import Arrival, Outcome
from smartkampung.checkpoints.services import create_entry_rule
from smartkampung.checkpoints.tests.fixtures import BAKUNGAN, BALI_NIK, arrival
from smartkampung.health.models import MonitoringCase
from smartkampung.health.selectors import current_rule
from smartkampung.notifications.models import Notification


@pytest.fixture
def token(officer):
    return create_api_token(user=officer, name="desk")


def register(client, key: str, **overrides):
    return client.post(
        "/api/v1/arrivals",
        json.dumps(arrival(**overrides)),
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {key}",
    )


def test_a_registration_with_a_token_takes_a_handful_of_statements(client, token):
    register(client, token[1])  # the first one writes the built-in rule (none was written yet)
    register(client, token[1], nik="3509014203880006")  # the next fills the process's reference cache
    with CaptureQueriesContext(connection) as queries:
        answer = register(client, token[1], nik="3509014203880005")
    assert answer.status_code == 201, answer.content
    statements = [q["sql"] for q in queries if not q["sql"].upper().startswith(("SAVEPOINT", "RELEASE"))]
    # Token + user + roles in one; the register and the earlier passes here in one; the arrival; the village's
    # kecamatan and Puskesmas; its audit entry and outbox row (one statement on PostgreSQL, two on SQLite). (The
    # wake-up follows the commit, which the test's transaction never reaches.)
    most = 5 if connection.vendor == "postgresql" else 6
    assert len(statements) <= most, "\n".join(statements)
    saved = Arrival.objects.get(pk=answer.json()["id"])
    assert AuditEntry.objects.filter(object_type="arrival", subject=saved.nik, action="create").count() == 1
    notice = Notification.objects.get(subject_type="arrival", subject_id=saved.pk)
    assert notice.village_id == BAKUNGAN and notice.puskesmas_id is not None


def test_a_monitored_arrival_writes_its_case_and_both_audit_entries(client, token):
    answer = register(client, token[1], temperature="38.4")
    assert answer.status_code == 201, answer.content
    assert answer.json()["outcome"] == Outcome.REFERRED
    case = MonitoringCase.objects.get(arrival_id=answer.json()["id"])
    assert case.puskesmas_id is not None
    entries = AuditEntry.objects.filter(actor_username="petugas.ketapang", action="create")
    assert sorted(entries.values_list("object_type", flat=True)) == ["arrival", "isolation_case"]
    assert entries.get(object_type="isolation_case").detail["case"] == case.pk


def test_a_revoked_token_is_refused_at_once(client, token):
    assert register(client, token[1]).status_code == 201
    revoke_api_token(token=token[0])
    assert register(client, token[1], nik=BALI_NIK).status_code == 401


def test_a_role_taken_away_counts_at_once_though_the_checkpoint_is_cached(client, officer, token, posts):
    assert register(client, token[1]).status_code == 201
    remove_role(assignment=officer.roles.get(role=Role.CHECKPOINT_OFFICER))
    assert register(client, token[1], nik=BALI_NIK).status_code == 403
    assign_role(user=officer, role=Role.CHECKPOINT_OFFICER, checkpoint_id=posts["ketapang"].pk)
    assert register(client, token[1], nik=BALI_NIK).status_code == 201


def test_a_new_rule_counts_at_once_in_the_process_that_wrote_it(client, token, health):
    register(client, token[1])  # the rule in force is now cached
    create_entry_rule(user=health, values={"banned_origins": "5171"})
    answer = register(client, token[1], nik=BALI_NIK, origin_regency="5171")
    assert answer.json()["outcome"] == Outcome.REFUSED


def test_a_rule_written_to_start_later_takes_over_when_its_time_comes(health):
    now = timezone.now()
    later = create_entry_rule(
        user=health, values={"banned_origins": "5171", "effective_from": now + dt.timedelta(hours=1)}
    )
    assert current_rule("3510", now + dt.timedelta(minutes=1)) != later
    assert current_rule("3510", now + dt.timedelta(hours=2)) == later
