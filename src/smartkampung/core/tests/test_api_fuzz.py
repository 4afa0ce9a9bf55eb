"""schemathesis against /api/v1/openapi.json: whatever the input, no answer is a server error.

Bounded: a handful of generated requests per operation (FUZZ_EXAMPLES, default 15), as anonymous
and as the regency administrator, on the test database with a registered family.
"""

import os

import pytest
import schemathesis
from django.core.wsgi import get_wsgi_application  # noqa: E402 - pytest-django has set Django up by now
from django.test import Client
from hypothesis import HealthCheck, settings

from smartkampung.population.tests.factories import make_household, make_resident

schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", get_wsgi_application())
EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "15"))


@pytest.fixture
def keep_the_test_connection(signed_in):
    # After signing in (the test client reconnects these signals when it is done): schemathesis
    # calls the plain WSGI handler, whose request signals would close the database
    # connection inside the test's transaction; Django's test client disconnects them the same way.
    from django.core.signals import request_finished, request_started
    from django.db import close_old_connections

    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield signed_in
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.fixture
def signed_in(regions, admin):
    make_household(user=admin)
    make_resident(user=admin)
    client = Client()
    client.force_login(admin)
    client.get("/population/")  # sets the CSRF cookie
    return {"sessionid": client.cookies["sessionid"].value, "csrftoken": client.cookies["csrftoken"].value}


@schema.parametrize()
@settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=list(HealthCheck), derandomize=True)
def test_no_request_makes_the_api_fail(case, keep_the_test_connection):
    signed_in = keep_the_test_connection
    for cookies, headers in ((None, None), (signed_in, {"X-CSRFToken": signed_in["csrftoken"]})):
        response = case.call(cookies=cookies, headers=headers)
        assert response.status_code < 500, (case.method, case.formatted_path, response.status_code, response.text[:500])
