"""Role grants and removals, and accounts switched on or off, are in the audit log with who did it, the
role and its place, old and new (issue 13, point 7)."""

import csv
import io

import pytest

from smartkampung.accounts.models import RoleAssignment
from smartkampung.audit.models import AuditEntry

pytestmark = pytest.mark.usefixtures("regions")


def _entries(username: str):
    return list(AuditEntry.objects.filter(object_type="account", subject=username).order_by("at", "id"))


def test_an_account_made_and_a_role_given_through_the_pages_are_audited(admin_api, django_user_model):
    admin_api.post(
        "/accounts/users/new/",
        {"username": "operator.kemiren", "full_name": "Siti Operator", "password": "Kemiren-Osing-2026"},
    )
    user = django_user_model.objects.get(username="operator.kemiren")
    given = admin_api.post(f"/accounts/users/{user.pk}/", {"role": "village_operator", "village": "3510152006"})
    assert given.status_code == 302
    made, granted = _entries("operator.kemiren")
    assert (made.action, made.actor_username) == ("create", "pemkab")
    assert made.changes == {"username": [None, "operator.kemiren"], "is_active": [None, True]}
    assert "Kemiren-Osing-2026" not in str(made.changes) + str(made.detail)
    assert (granted.action, granted.actor_username) == ("create", "pemkab")
    assert granted.changes == {"role.role": [None, "village_operator"], "role.village": [None, "3510152006"]}
    assert granted.detail["user"] == user.pk


def test_a_role_taken_away_and_an_account_switched_off_are_audited_with_the_old_values(admin_api, django_user_model):
    user = django_user_model.objects.create_user("babinsa.lama")
    admin_api.post(
        f"/accounts/users/{user.pk}/", {"role": "village_oversight", "village": "3510151002", "pillar": "babinsa"}
    )
    role = RoleAssignment.objects.get(user=user)
    admin_api.post(f"/accounts/users/{user.pk}/roles/{role.pk}/remove/")
    admin_api.post(f"/accounts/users/{user.pk}/active/", {"active": "0"})
    admin_api.post(f"/accounts/users/{user.pk}/active/", {"active": "0"})  # already off: nothing to record
    granted, removed, switched_off = _entries("babinsa.lama")
    assert granted.changes == {
        "role.role": [None, "village_oversight"],
        "role.village": [None, "3510151002"],
        "role.pillar": [None, "babinsa"],
    }
    assert removed.action == "delete" and removed.actor_username == "pemkab"
    assert removed.changes == {
        "role.role": ["village_oversight", None],
        "role.village": ["3510151002", None],
        "role.pillar": ["babinsa", None],
    }
    assert switched_off.action == "update" and switched_off.changes == {"is_active": [True, False]}


def test_the_administrator_finds_the_grants_in_the_audit_log(admin_api, django_user_model):
    user = django_user_model.objects.create_user("camat.baru")
    admin_api.post(f"/accounts/users/{user.pk}/", {"role": "district_staff", "district": "351015"})
    page = admin_api.get("/audit/", {"record": "camat.baru"}, HTTP_ACCEPT_LANGUAGE="en")
    assert page.status_code == 200 and "camat.baru" in page.content.decode()
    export = admin_api.get("/audit/export.csv", {"record": "camat.baru"})
    rows = list(csv.reader(io.StringIO(b"".join(export.streaming_content).decode("utf-8-sig"))))
    assert any("district_staff" in " ".join(row) and "351015" in " ".join(row) for row in rows[1:])
