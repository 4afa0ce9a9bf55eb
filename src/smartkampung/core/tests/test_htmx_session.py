"""An htmx fragment asked for after the session ended sends the whole page to the sign-in form (and back to the
page afterwards), instead of swapping the sign-in form into the fragment."""

import pytest

HTMX = {"HTTP_HX_REQUEST": "true", "HTTP_HX_CURRENT_URL": "http://testserver/dashboard/?x=1"}


@pytest.mark.django_db
def test_a_signed_out_htmx_request_is_told_to_load_the_sign_in_page_whole(client):
    response = client.get("/dashboard/tiles/", **HTMX)

    assert response.status_code == 200 and response.content == b""
    assert response["HX-Redirect"] == "/accounts/login/?next=%2Fdashboard%2F%3Fx%3D1"


@pytest.mark.django_db
def test_another_site_named_as_the_current_page_is_not_where_the_sign_in_leads(client):
    response = client.get("/dashboard/tiles/", HTTP_HX_REQUEST="true", HTTP_HX_CURRENT_URL="https://evil.example/x")

    assert response["HX-Redirect"] == "/accounts/login/?next=%2F"


@pytest.mark.django_db
def test_plain_requests_and_other_redirects_are_left_as_they_are(client, admin_user):
    assert client.get("/dashboard/tiles/")["Location"].startswith("/accounts/login/?next=")
    client.force_login(admin_user)
    signed_in = client.get("/", **HTMX)
    assert signed_in.status_code == 302 and "HX-Redirect" not in signed_in
