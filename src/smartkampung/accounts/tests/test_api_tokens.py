"""API tokens for other government systems: hashed, acting within their user's jurisdiction, revocable."""

import json

import pytest
from django.core.management import call_command

from smartkampung.accounts.models import ApiToken, Role
from smartkampung.accounts.services import assign_role, create_api_token, revoke_api_token
from smartkampung.population.tests.factories import make_household, make_resident

pytestmark = pytest.mark.usefixtures("regions")
HOME_NIK, AWAY_NIK = "3510151708850001", "3510011708850009"


@pytest.fixture
def system(django_user_model):
    make_household(kk_number="3510150101100001", village_code="3510151002")
    make_resident(nik=HOME_NIK, kk_number="3510150101100001")
    make_household(kk_number="3510010101100009", village_code="3510012001")
    make_resident(nik=AWAY_NIK, kk_number="3510010101100009")
    user = django_user_model.objects.create_user("sistem.kecamatan.glagah")
    assign_role(user=user, role=Role.DISTRICT_STAFF, district_code="351015")
    token, key = create_api_token(user=user, name="Aplikasi kecamatan")
    return token, key


def bearer(key: str) -> dict:
    return {"HTTP_AUTHORIZATION": f"Bearer {key}"}


def test_a_token_reads_within_its_users_jurisdiction_only(client, system):
    _token, key = system
    assert client.get(f"/api/v1/residents/{HOME_NIK}", **bearer(key)).status_code == 200
    away = client.get(f"/api/v1/residents/{AWAY_NIK}", **bearer(key))
    assert away.status_code == 404 and AWAY_NIK not in away.content.decode()
    listed = client.get("/api/v1/residents", **bearer(key)).json()
    assert [item["nik"] for item in listed["items"]] == [HOME_NIK]
    from smartkampung.audit.models import AuditEntry

    seen = AuditEntry.objects.get(action="view", subject=HOME_NIK)
    assert (seen.actor_username, seen.roles) == ("sistem.kecamatan.glagah", "district_staff")


def test_only_a_hash_of_the_key_is_stored(system):
    token, key = system
    stored = ApiToken.objects.get(pk=token.pk)
    assert key not in (stored.key_hash, stored.prefix) and stored.prefix == key[:12]


def test_a_revoked_or_wrong_key_is_refused(client, system):
    token, key = system
    assert client.get("/api/v1/residents", **bearer(key + "x")).status_code == 401
    revoke_api_token(token=token)
    assert client.get("/api/v1/residents", **bearer(key)).status_code == 401


def test_a_token_writes_without_csrf_only_where_its_user_may(client, django_user_model, system):
    operator = django_user_model.objects.create_user("sistem.bakungan")
    assign_role(user=operator, role=Role.VILLAGE_OPERATOR, village_code="3510151002")
    _token, key = create_api_token(user=operator, name="SID Bakungan")
    ok = client.patch(
        f"/api/v1/residents/{HOME_NIK}",
        json.dumps({"occupation": "NELAYAN"}),
        content_type="application/json",
        **bearer(key),
    )
    away = client.patch(
        f"/api/v1/residents/{AWAY_NIK}",
        json.dumps({"occupation": "NELAYAN"}),
        content_type="application/json",
        **bearer(key),
    )
    assert (ok.status_code, away.status_code) == (200, 404)


def test_the_command_makes_lists_and_revokes_tokens(capsys, system):
    call_command("api_token", "create", "--user", "sistem.kecamatan.glagah", "--name", "Dasbor")
    key = capsys.readouterr().out.strip().splitlines()[-1]
    assert key.startswith("sk_")
    call_command("api_token", "revoke", key[:12])
    call_command("api_token", "list")
    assert "revoked" in capsys.readouterr().out
