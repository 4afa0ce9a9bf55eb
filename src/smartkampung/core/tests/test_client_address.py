"""One client address for the sign-in lockout, the public rate limits and the audit log: X-Forwarded-For is
read only when TRUSTED_PROXY_COUNT proxies stand in front, and then only their entries (from the right)."""

import json

import pytest
from django.urls import reverse

from smartkampung.accounts.models import Role
from smartkampung.accounts.services import assign_role
from smartkampung.audit.models import AuditEntry
from smartkampung.population.tests.factories import make_household, make_resident

pytestmark = pytest.mark.usefixtures("regions")
CHECK_URL = "/api/v1/public/check-my-data"
NIK, KK = "3510011708850001", "3510010101100001"


@pytest.fixture
def clerk(django_user_model):
    user = django_user_model.objects.create_user("operator.desa", password="Benar-Sekali-2026")
    assign_role(user=user, role=Role.VILLAGE_OPERATOR, village_code="3510012001")
    make_household(user=user)
    make_resident(user=user)
    return user


def sign_in(client, password, *, remote, forwarded=None):
    extra = {"REMOTE_ADDR": remote}
    if forwarded is not None:
        extra["HTTP_X_FORWARDED_FOR"] = forwarded
    return client.post(reverse("accounts:login"), {"username": "operator.desa", "password": password}, **extra)


def check(client, *, remote, forwarded):
    return client.post(
        CHECK_URL,
        json.dumps({"nik": NIK, "kk_number": KK}),
        content_type="application/json",
        REMOTE_ADDR=remote,
        HTTP_X_FORWARDED_FOR=forwarded,
    )


def test_a_forged_forwarded_header_does_not_escape_the_sign_in_lockout(client, clerk):
    for n in range(5):
        sign_in(client, "salah", remote="127.0.0.1", forwarded=f"203.0.113.{n}")

    locked = sign_in(client, "Benar-Sekali-2026", remote="127.0.0.1", forwarded="203.0.113.99")

    assert locked.status_code == 429
    assert "_auth_user_id" not in client.session


def test_a_forged_forwarded_header_does_not_escape_a_public_rate_limit(client):
    answers = [check(client, remote="127.0.0.1", forwarded=f"203.0.113.{n}").status_code for n in range(6)]

    assert answers[:5] == [404] * 5
    assert answers[5] == 429


def test_the_audit_log_keeps_the_connection_address_not_a_forged_one(client, clerk):
    client.force_login(clerk)
    client.get("/api/v1/residents", {"q": "budi"}, REMOTE_ADDR="192.0.2.7", HTTP_X_FORWARDED_FOR="203.0.113.5")

    assert AuditEntry.objects.get(action="search").ip == "192.0.2.7"


def test_behind_a_trusted_proxy_its_rightmost_entry_is_the_client(client, clerk, settings):
    settings.TRUSTED_PROXY_COUNT = 1
    client.force_login(clerk)
    # The client wrote 203.0.113.5 itself; the proxy appended the address it really came from.
    client.get(
        "/api/v1/residents", {"q": "budi"}, REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR="203.0.113.5, 198.51.100.8"
    )

    assert AuditEntry.objects.get(action="search").ip == "198.51.100.8"


def test_behind_a_trusted_proxy_the_lockout_and_limits_count_each_client_not_the_proxy(client, clerk, settings):
    settings.TRUSTED_PROXY_COUNT = 1
    for n in range(5):
        # One client forging a different leftmost entry each time: still one client.
        sign_in(client, "salah", remote="10.0.0.1", forwarded=f"203.0.113.{n}, 198.51.100.8")
    assert sign_in(client, "Benar-Sekali-2026", remote="10.0.0.1", forwarded="198.51.100.8").status_code == 429
    # Another client behind the same proxy is not locked out with it.
    assert sign_in(client, "Benar-Sekali-2026", remote="10.0.0.1", forwarded="198.51.100.9").status_code == 302

    limited = [check(client, remote="10.0.0.1", forwarded=f"203.0.113.{n}, 198.51.100.8").status_code for n in range(6)]
    assert limited[5] == 429
    assert check(client, remote="10.0.0.1", forwarded="198.51.100.9").status_code == 200


def test_a_proxy_entry_that_is_not_an_address_falls_back_to_the_connection(client, clerk, settings):
    settings.TRUSTED_PROXY_COUNT = 1
    client.force_login(clerk)
    client.get("/api/v1/residents", {"q": "budi"}, REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR="<script>")

    assert AuditEntry.objects.get(action="search").ip == "10.0.0.1"
