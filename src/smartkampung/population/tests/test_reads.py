"""One audited read per record, shared by the page and the API: each look is logged once, the same way."""

import pytest

from smartkampung.audit.models import AuditEntry
from smartkampung.population.tests.factories import make_household, make_resident

pytestmark = pytest.mark.usefixtures("regions")

NIK, KK = "3510011708850001", "3510010101100001"


@pytest.fixture
def family(db):
    make_household(kk_number=KK)
    make_resident(nik=NIK, kk_number=KK)


@pytest.mark.parametrize("url", [f"/population/residents/{NIK}/", f"/api/v1/residents/{NIK}"])
def test_opening_a_resident_logs_one_view(admin_client, family, url):
    assert admin_client.get(url).status_code == 200

    entry = AuditEntry.objects.get(action="view")
    assert (entry.object_type, entry.subject, entry.actor_username) == ("resident", NIK, "admin")


@pytest.mark.parametrize(
    ("url", "members"),
    [
        (f"/population/households/{KK}/", [NIK]),
        (f"/api/v1/households/{KK}/members", [NIK]),
        (f"/api/v1/households/{KK}", []),
    ],
)
def test_opening_a_household_logs_one_view_naming_the_members_shown(admin_client, family, url, members):
    assert admin_client.get(url).status_code == 200

    entry = AuditEntry.objects.get(action="view")
    assert (entry.object_type, entry.subject, entry.object_ids) == ("household", KK, members)


def test_a_record_out_of_sight_is_not_found_and_nothing_is_logged(client, django_user_model, family):
    client.force_login(django_user_model.objects.create_user("nobody"))

    assert client.get(f"/api/v1/residents/{NIK}").status_code == 404
    assert client.get(f"/population/households/{KK}/").status_code == 404
    assert not AuditEntry.objects.filter(action="view").exists()
