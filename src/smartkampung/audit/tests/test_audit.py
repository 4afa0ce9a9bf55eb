"""The audit log, read back after the operations it must record."""

import json

import pytest
from django.db import DatabaseError, connection, transaction

from smartkampung.accounts.models import Role
from smartkampung.accounts.services import assign_role
from smartkampung.audit.models import AuditEntry
from smartkampung.population import services
from smartkampung.population.tests.factories import family_rows, make_household, make_resident, siak_csv

pytestmark = pytest.mark.usefixtures("regions")
NIK = "3510011708850001"


@pytest.fixture
def operator(django_user_model):
    user = django_user_model.objects.create_user("operator.sarongan")
    assign_role(user=user, role=Role.VILLAGE_OPERATOR, village_code="3510012001")
    return user


def test_a_change_through_the_api_is_recorded_with_old_and_new_values_and_the_address(client, operator):
    make_household(user=operator)
    make_resident(user=operator)
    client.force_login(operator)
    response = client.patch(
        f"/api/v1/residents/{NIK}",
        json.dumps({"occupation": "NELAYAN", "phone": "0812 1111 2222"}),
        content_type="application/json",
        REMOTE_ADDR="192.0.2.7",
    )
    assert response.status_code == 200

    entry = AuditEntry.objects.get(action="update", subject=NIK)
    assert (entry.actor_username, entry.roles, entry.object_type, entry.ip) == (
        "operator.sarongan",
        "village_operator",
        "resident",
        "192.0.2.7",
    )
    assert entry.changes == {"occupation": ["", "NELAYAN"], "phone": ["", "+6281211112222"]}
    assert entry.path == f"/api/v1/residents/{NIK}"
    created = AuditEntry.objects.get(action="create", subject=NIK)
    assert created.changes["name"] == [None, "BUDI SANTOSO"]


def test_views_and_searches_by_staff_are_recorded(client, operator):
    make_household(user=operator)
    make_resident(user=operator)
    client.force_login(operator)
    client.get(f"/population/residents/{NIK}/")
    client.get("/api/v1/residents", {"q": "budi"})

    assert AuditEntry.objects.filter(action="view", subject=NIK, actor_username="operator.sarongan").exists()
    search = AuditEntry.objects.get(action="search")
    assert search.object_ids == [NIK] and search.detail["q"] == "budi" and search.detail["count"] == 1


def test_an_import_records_what_it_added_and_every_change(tmp_path, operator):
    path = tmp_path / "a.csv"
    path.write_bytes(siak_csv(family_rows()))
    services.import_file_now(user=operator, path=path, original_name="a.csv")
    rows = family_rows()
    rows[0]["JENIS_PKRJN"] = "NELAYAN/PERIKANAN"
    path.write_bytes(siak_csv(rows))
    services.import_file_now(user=operator, path=path, original_name="b.csv")

    added = AuditEntry.objects.get(action="import", object_type="resident")
    assert sorted(added.object_ids) == sorted(r["NIK"] for r in family_rows())
    assert AuditEntry.objects.get(action="import", object_type="household").object_ids == [family_rows()[0]["NO_KK"]]
    changed = AuditEntry.objects.get(action="update", subject=NIK)
    assert changed.changes == {"occupation": ["PETANI/PEKEBUN", "NELAYAN/PERIKANAN"]}
    assert changed.detail["file"] == "b.csv" and changed.actor_username == "operator.sarongan"


def test_the_resident_page_shows_its_change_history(client, operator):
    make_household(user=operator)
    make_resident(user=operator)
    services.update_resident(
        user=operator, resident=services.Resident.objects.get(nik=NIK), values={"occupation": "GURU"}
    )
    client.force_login(operator)
    page = client.get(f"/population/residents/{NIK}/").content.decode()
    assert "GURU" in page and "operator.sarongan" in page


def test_only_the_regency_administrator_searches_and_exports_the_log(client, operator, admin):
    make_household(user=operator)
    client.force_login(operator)
    assert client.get("/audit/").status_code == 403
    assert client.get("/audit/export.csv").status_code == 403

    client.force_login(admin)
    page = client.get("/audit/", {"record": "3510010101100001"})
    assert page.status_code == 200 and "operator.sarongan" in page.content.decode()
    export = client.get("/audit/export.csv", {"actor": "operator.sarongan"})
    body = b"".join(export.streaming_content).decode()
    assert export.status_code == 200 and "3510010101100001" in body and body.startswith("time_wib,")
    assert AuditEntry.objects.filter(action="export", actor_username="pemkab").exists()


def test_the_log_cannot_be_changed_or_deleted_on_postgresql(operator):
    if connection.vendor != "postgresql":
        pytest.skip("the append-only trigger is PostgreSQL's")
    make_household(user=operator)
    entry = AuditEntry.objects.first()
    for statement in (
        "UPDATE audit_auditentry SET actor_username = 'x' WHERE id = %s",
        "DELETE FROM audit_auditentry WHERE id = %s",
    ):
        with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(statement, [entry.pk])
    entry.refresh_from_db()
    assert entry.actor_username == "operator.sarongan"
