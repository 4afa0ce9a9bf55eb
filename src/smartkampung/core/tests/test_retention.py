"""The retention registry and runner (core.retention), the `retention` command, and the rules of the lower layers:
public rate-limit counters, sign-in attempts and sessions, register import files, kept KTP photos, the audit log's
personal fields (and, on PostgreSQL, the trigger that lets only that reduction through)."""

import datetime as dt
import io
import os
import time

import pytest
from axes.models import AccessAttempt, AccessLog
from django.contrib.sessions.models import Session
from django.core.management import CommandError, call_command
from django.db import DatabaseError, connection, transaction
from django.utils import timezone

from smartkampung.audit import services as audit
from smartkampung.audit.context import Actor, current
from smartkampung.audit.models import AuditEntry
from smartkampung.core import periodic, retention
from smartkampung.core.models import RateCounter
from smartkampung.population import services as population
from smartkampung.population.models import ImportJob
from smartkampung.population.tests.factories import family_rows, siak_csv

pytestmark = pytest.mark.django_db

CODES = {
    "arrivals",
    "preregistrations",
    "health_cases",
    "reservations",
    "notifications",
    "import_files",
    "ktp_images",
    "tourism_visits",
    "reports",
    "rate_counters",
    "login_attempts",
    "audit_personal",
}


def days_ago(days: float) -> dt.datetime:
    return timezone.now() - dt.timedelta(days=days)


def command(*args) -> str:
    out = io.StringIO()
    call_command("retention", *args, stdout=out)
    return out.getvalue()


def line_of(output: str, code: str) -> str:
    return next(line for line in output.splitlines() if line.startswith(code + " "))


def test_every_setting_has_its_rule_and_the_worker_runs_them_hourly(settings):
    assert {rule.code for rule in retention.rules()} == CODES | {"sessions"}
    assert set(settings.RETENTION_DAYS) == CODES
    assert (3600, "smartkampung.core.retention:run_job") in periodic.JOBS
    retention.run_job()  # without arguments, as the worker calls it


def test_the_command_prints_one_line_per_rule_and_the_dry_run_changes_nothing():
    RateCounter.objects.create(key="public:10.0.0.1", window_start=int(days_ago(3).timestamp()), count=4)

    output = command("--dry-run")

    assert output.startswith("Dry run: nothing is changed.")
    for code in CODES:
        assert line_of(output, code)
    line = line_of(output, "rate_counters")
    assert "deleted" in line and "2 days" in line and "WIB" in line and "due 1" in line
    assert RateCounter.objects.count() == 1 and not AuditEntry.objects.filter(object_type="retention").exists()

    assert "due 1, done 1" in line_of(command("--only", "rate_counters"), "rate_counters")
    assert not RateCounter.objects.exists()


def test_an_unknown_rule_is_refused_in_words():
    with pytest.raises(CommandError, match="No retention rule 'nope'"):
        command("--only", "nope")


def test_public_rate_counters_past_their_window_are_deleted():
    old = RateCounter.objects.create(key="public:a", window_start=int(days_ago(3).timestamp()), count=1)
    young = RateCounter.objects.create(key="public:a", window_start=int(days_ago(1).timestamp()), count=1)

    [step] = retention.run(only="rate_counters")

    assert (step.due, step.done) == (1, 1)
    assert list(RateCounter.objects.values_list("pk", flat=True)) == [young.pk] != [old.pk]
    entry = AuditEntry.objects.get(object_type="retention")
    assert (entry.action, entry.subject, entry.detail["rule"], entry.detail["done"]) == (
        "delete",
        "rate_counters",
        "rate_counters",
        1,
    )
    assert retention.run(only="rate_counters")[0].done == 0


def attempt(model, *, days: int, username: str = "operator"):
    extra = {"failures_since_start": 3} if model is AccessAttempt else {}
    row = model.objects.create(
        username=username, ip_address="10.0.0.9", user_agent="test", http_accept="*/*", path_info="/login/", **extra
    )
    model.objects.filter(pk=row.pk).update(attempt_time=days_ago(days))
    return row


def test_sign_in_attempts_and_logs_go_after_the_period_and_ended_sessions_always(settings):
    attempt(AccessAttempt, days=91)
    attempt(AccessLog, days=91)
    kept = attempt(AccessLog, days=89)
    Session.objects.create(session_key="e" * 32, session_data="", expire_date=days_ago(0.01))
    Session.objects.create(session_key="l" * 32, session_data="", expire_date=timezone.now() + dt.timedelta(hours=1))

    done = {step.rule.code: step.done for step in retention.run() if step.rule.code in {"login_attempts", "sessions"}}

    assert done == {"login_attempts": 2, "sessions": 1}
    assert not AccessAttempt.objects.exists() and list(AccessLog.objects.all()) == [kept]
    assert list(Session.objects.values_list("session_key", flat=True)) == ["l" * 32]
    # Sessions are removed at every run even when everything else is kept for ever.
    settings.RETENTION_DAYS = dict.fromkeys(settings.RETENTION_DAYS, 0)
    Session.objects.create(session_key="f" * 32, session_data="", expire_date=days_ago(0.01))
    assert [(step.rule.code, step.done) for step in retention.run() if step.done] == [("sessions", 1)]


def test_a_register_files_upload_goes_from_disk_after_its_import_ended(tmp_path, admin, client):
    upload = tmp_path / "penduduk.csv"
    upload.write_bytes(siak_csv(family_rows()))
    old = population.import_file_now(user=admin, path=upload, original_name="penduduk.csv")
    young = population.import_file_now(user=admin, path=upload, original_name="penduduk.csv")
    stored = old.file.path
    assert old.status == "done" and os.path.exists(stored)
    ImportJob.objects.filter(pk=old.pk).update(finished_at=days_ago(31))

    assert retention.plan(only="import_files")[0].due == 1 and os.path.exists(stored)
    assert retention.run(only="import_files")[0].done == 1

    assert not os.path.exists(stored) and ImportJob.objects.get(pk=old.pk).file.name == ""
    assert ImportJob.objects.get(pk=young.pk).file and ImportJob.objects.get(pk=old.pk).created_count == 3
    client.force_login(admin)
    assert client.get(f"/population/imports/{old.pk}/").status_code == 200
    assert client.get("/population/imports/").status_code == 200
    assert retention.run(only="import_files")[0].done == 0


def test_kept_ktp_photos_are_deleted_after_the_period(settings, tmp_path):
    settings.KTP_IMAGE_DIR = tmp_path / "ktp"
    settings.KTP_IMAGE_DIR.mkdir()
    old, young = settings.KTP_IMAGE_DIR / "17.jpg", settings.KTP_IMAGE_DIR / "18.jpg"
    for path, days in ((old, 31), (young, 29)):
        path.write_bytes(b"\xff\xd8photo")
        os.utime(path, (days_ago(days).timestamp(),) * 2)

    assert "due 1" in line_of(command("--dry-run"), "ktp_images") and old.exists()
    assert retention.run(only="ktp_images")[0].done == 1

    assert not old.exists() and young.exists()
    settings.RETENTION_DAYS = {**settings.RETENTION_DAYS, "ktp_images": 0}
    os.utime(young, (days_ago(999).timestamp(),) * 2)
    assert retention.run(only="ktp_images")[0].done == 0 and young.exists()


def entries_around_a_moment(settings):
    """An entry written before a moment and one after; the period set to one day, "now" one day after the moment."""
    token = current.set(Actor(user=None, ip="10.1.1.1", path="/population/"))  # as in a request
    try:
        old = audit.record(
            action="update",
            object_type="resident",
            subject="3510151708850001",
            changes={"name": ["WARSIDI", "WARSIDI SUPRIYADI"], "phone": ["", "+6281234567890"]},
            detail={"nik": "3510151708850001", "channel": "desk", "rows": 3, "client_ip": "10.1.1.1"},
        )
    finally:
        current.reset(token)
    assert old.ip == "10.1.1.1"
    time.sleep(0.01)
    moment = timezone.now()
    time.sleep(0.01)
    young = audit.record(action="view", object_type="resident", subject="3510151708850002", detail={"nik": "x"})
    settings.RETENTION_DAYS = {**settings.RETENTION_DAYS, "audit_personal": 1}
    return old, young, moment + dt.timedelta(days=1)


def test_the_audit_logs_personal_fields_are_reduced_after_the_period_and_the_entry_kept(settings, admin, client):
    old, young, now = entries_around_a_moment(settings)

    assert retention.plan(now, only="audit_personal")[0].due == 1
    assert AuditEntry.objects.get(pk=old.pk).reduced_at is None
    [step] = retention.run(now, only="audit_personal")

    assert step.done == 1
    reduced = AuditEntry.objects.get(pk=old.pk)
    assert reduced.changes == {"name": None, "phone": None}
    assert reduced.detail == {"nik": None, "channel": "desk", "rows": 3, "client_ip": None}
    assert reduced.ip is None and reduced.reduced_at is not None
    assert (reduced.subject, reduced.action, reduced.object_type, reduced.at, reduced.path) == (
        old.subject,
        old.action,
        old.object_type,
        old.at,
        "/population/",
    )
    assert AuditEntry.objects.get(pk=young.pk).detail == {"nik": "x"}
    assert AuditEntry.objects.filter(object_type="retention", subject="audit_personal").exists()
    assert retention.run(now, only="audit_personal")[0].done == 0
    client.force_login(admin)
    assert client.get("/audit/").status_code == 200


def test_zero_days_keeps_the_audit_logs_personal_fields(settings):
    old, _young, now = entries_around_a_moment(settings)
    settings.RETENTION_DAYS = {**settings.RETENTION_DAYS, "audit_personal": 0}

    assert retention.run(now + dt.timedelta(days=9999), only="audit_personal")[0].done == 0
    assert AuditEntry.objects.get(pk=old.pk).detail["nik"] == "3510151708850001"


needs_postgresql = pytest.mark.skipif(connection.vendor != "postgresql", reason="the trigger is PostgreSQL's")


def refused(sql: str, params=()) -> bool:
    try:
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(sql, params)
    except DatabaseError as error:
        return "append-only" in str(error)
    return False


@needs_postgresql
def test_the_trigger_lets_only_the_reduction_through():
    entry = audit.record(action="view", object_type="resident", subject="3510151708850001", detail={"nik": "1"})
    reduce = "UPDATE audit_auditentry SET changes = '{}', detail = '{}', ip = NULL, reduced_at = now() WHERE id = %s"

    # Anything else than the reduction, or a reduction that also changes who did what, is refused.
    assert refused("UPDATE audit_auditentry SET detail = '{}' WHERE id = %s", [entry.pk])
    assert refused("UPDATE audit_auditentry SET ip = '10.0.0.1', reduced_at = now() WHERE id = %s", [entry.pk])
    for column, value in (
        ("subject", "'3510151708850009'"),
        ("actor_username", "'someone'"),
        ("action", "'delete'"),
        ("object_type", "'other'"),
        ("at", "now() - interval '1 day'"),
        ("object_ids", "'[\"1\"]'"),
        ("path", "'/elsewhere/'"),
        ("request_id", "'forged'"),
        ("roles", "'admin'"),
    ):
        forged = f"UPDATE audit_auditentry SET {column} = {value}, ip = NULL, reduced_at = now() WHERE id = %s"
        assert refused(forged, [entry.pk]), column
    assert refused("DELETE FROM audit_auditentry WHERE id = %s", [entry.pk])
    # A "reduction" that writes something new into the entry is a forgery: only values may go.
    for column, value in (
        ("detail", """'{"nik": "3510151708850009"}'"""),
        ("detail", """'{"nik": null, "reason": "made up"}'"""),
        ("changes", """'{"name": ["A", "B"]}'"""),
        ("changes", """'{"name": null}'"""),  # a field that never changed
        ("detail", "'[]'"),
    ):
        forged = f"UPDATE audit_auditentry SET {column} = {value}, ip = NULL, reduced_at = now() WHERE id = %s"
        assert refused(forged, [entry.pk]), (column, value)

    assert not refused(reduce, [entry.pk])
    assert AuditEntry.objects.get(pk=entry.pk).reduced_at is not None
    # Once reduced, never again (nor anything else), and still never deleted.
    assert refused(reduce, [entry.pk])
    assert refused("DELETE FROM audit_auditentry WHERE id = %s", [entry.pk])


def test_zero_days_for_every_rule_keeps_everything_whatever_the_date(settings):
    old, _young, _now = entries_around_a_moment(settings)
    RateCounter.objects.create(key="public:10.0.0.1", window_start=0, count=4)
    settings.RETENTION_DAYS = dict.fromkeys(settings.RETENTION_DAYS, 0)
    far = timezone.now() + dt.timedelta(days=100 * 365)

    planned, ran = retention.plan(far), retention.run(far)

    kept = {step.rule.code for step in [*planned, *ran] if step.cutoff is None and not step.due and not step.done}
    assert kept == CODES  # every rule but the ended sessions', in the plan and the run
    assert RateCounter.objects.count() == 1 and AuditEntry.objects.get(pk=old.pk).reduced_at is None
    assert not AuditEntry.objects.filter(object_type="retention").exclude(subject="sessions").exists()


@needs_postgresql
@pytest.mark.django_db(transaction=True)
def test_two_workers_running_at_once_reduce_each_entry_once_and_fail_nothing(settings):
    import threading

    from django.db import connections

    AuditEntry.objects.bulk_create(
        AuditEntry(action="view", object_type="resident", subject=f"35101517088{n:05d}", detail={"nik": str(n)})
        for n in range(3 * retention.BATCH)
    )
    moment = timezone.now() + dt.timedelta(days=2)  # the entries are two days old then
    settings.RETENTION_DAYS = {**settings.RETENTION_DAYS, "audit_personal": 1}
    results, errors, start = [], [], threading.Barrier(2)

    def worker():
        try:
            start.wait()
            results.append(retention.run(moment, only="audit_personal")[0].done)
        except Exception as error:  # noqa: BLE001 - reported below
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=worker) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    # A second reduction of an entry would be refused by the trigger, and fail that worker's run.
    assert errors == [] and len(results) == 2
    # Between them every entry ("now" is two days ahead: a run's own record of what it did may be due for the other).
    assert sum(results) >= 3 * retention.BATCH
    assert not AuditEntry.objects.filter(object_type="resident", reduced_at__isnull=True).exists()
    details = AuditEntry.objects.filter(object_type="resident").values_list("detail", flat=True)
    assert {str(detail) for detail in details} == {str({"nik": None})}
