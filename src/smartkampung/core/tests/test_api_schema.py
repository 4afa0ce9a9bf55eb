"""Schemathesis against the API in this process: every answer is documented, in the documented shape.

Bounded (a few derandomized examples per operation) so it stays within a minute; it speaks WSGI to the app in the
test's own thread, so every write lands in the test database (rolled back), uploads in the test's temporary folder,
and no notification or report leaves the machine (the outside channels are switched off below).
"""

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from hypothesis import HealthCheck, Phase, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import response_schema_conformance, status_code_conformance

from smartkampung.accounts.models import Role
from smartkampung.accounts.services import create_api_token
from smartkampung.accounts.tests.factories import give_role
from smartkampung.population.tests.factories import make_household, make_resident
from smartkampung.wsgi import application

schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", application)


@pytest.fixture
def in_the_test_transaction():
    """As Django's test client does: requests keep the test's connection (and its transaction, rolled back at the
    end) instead of closing it after each answer, which on PostgreSQL would ask the pool for another."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.fixture
def api_key(in_the_test_transaction, regions, django_user_model, settings):
    # Nothing generated here may reach anything outside the test database and the temporary media folder.
    settings.NOTIFY_WEBHOOK_URL = ""
    settings.NOTIFY_EMAIL = False
    settings.DHIS2_DATAVALUESETS_URL = ""
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    user = django_user_model.objects.create_user("regency.admin", password="Rahasia-Pemkab-2026")
    give_role(user, Role.REGENCY_ADMIN)
    make_household(user=user)
    make_resident(user=user)
    _token, key = create_api_token(user=user, name="schemathesis")
    return key


@schema.parametrize()
@settings(
    max_examples=3,
    derandomize=True,
    deadline=None,
    database=None,
    phases=[Phase.explicit, Phase.generate],
    suppress_health_check=list(HealthCheck),
)
def test_every_answer_is_documented_in_its_documented_shape(case, api_key):
    case.call_and_validate(
        headers={"Authorization": f"Bearer {api_key}"},
        checks=[not_a_server_error, status_code_conformance, response_schema_conformance],
    )
