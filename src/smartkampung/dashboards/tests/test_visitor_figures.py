"""The tourism agency's dashboard: the regency's arrivals counted per day, checkpoint and origin, and nothing
that names or leads to a traveller."""

import json

import pytest

from smartkampung.accounts.models import Role
from smartkampung.accounts.tests.factories import give_role
from smartkampung.checkpoints.tests.fixtures import BALI_NIK, JEMBER_NIK, SARONGAN, arrival
from smartkampung.notifications.services import dispatch_batch


def register_arrival(client, **overrides):
    response = client.post("/api/v1/arrivals", json.dumps(arrival(**overrides)), content_type="application/json")
    assert response.status_code == 201, response.content
    return response.json()


@pytest.fixture
def tourism(regions, django_user_model):
    user = django_user_model.objects.create_user("dispar")
    give_role(user, Role.TOURISM_AGENCY)
    return user


def test_the_tourism_agency_sees_the_regencys_arrivals_counted_and_no_one_named(client, officer_client, tourism):
    register_arrival(officer_client)  # Siti Aminah from Jember, bound for Bakungan
    register_arrival(
        officer_client, nik=BALI_NIK, name="Made Wirawan", origin_regency="5171", destination_village=SARONGAN
    )
    dispatch_batch()
    client.force_login(tourism)

    assert client.get("/").url == "/dashboard/"  # it starts where its figures are
    page = client.get("/dashboard/")
    html = page.content.decode()

    assert page.status_code == 200 and page.templates[0].name == "dashboards/visitors.html"
    figures = page.context["figures"]
    assert figures["totals"]["today"] == 2 and figures["days"][-1].value == 2 and figures["period_total"] == 2
    assert [(r.label, r.total) for r in figures["per_checkpoint"]] == [("Pos Pantau Pelabuhan Ketapang", 2)]
    assert sorted((r.label, r.total) for r in figures["per_origin"]) == [
        ("Kabupaten Jember, Jawa Timur", 1),
        ("Kota Denpasar, Bali", 1),
    ]
    assert 'data-tile="today"' in html and 'data-value="2"' in html and "Kabupaten Banyuwangi" in html
    for personal in ("Siti Aminah", "SITI AMINAH", "Made Wirawan", "MADE WIRAWAN", JEMBER_NIK, BALI_NIK, "0812"):
        assert personal.lower() not in html.lower(), personal
    assert "/checkpoints/arrivals/" not in html  # no link to a record
    assert "notifications-live" not in html and "dashboard-tiles" not in html and "aid-alarm" not in html
    assert "monitored" not in page.context


def test_the_tourism_agency_reads_no_rows_elsewhere(client, officer_client, tourism):
    created = register_arrival(officer_client)
    dispatch_batch()
    client.force_login(tourism)
    assert client.get("/dashboard/tiles/").status_code == 403
    assert client.get(f"/checkpoints/arrivals/{created['id']}/").status_code in (403, 404)
    assert client.get("/api/v1/notifications").json()["count"] == 0


def test_a_role_with_neither_a_jurisdiction_nor_visitor_figures_has_no_dashboard(client, regions, django_user_model):
    social = django_user_model.objects.create_user("dinsos")
    give_role(social, Role.SOCIAL_AGENCY)
    client.force_login(social)
    assert client.get("/dashboard/").status_code == 403


def test_the_administrator_who_may_also_see_visitor_figures_keeps_the_full_dashboard(client, officer_client, admin):
    register_arrival(officer_client)
    client.force_login(admin)
    page = client.get("/dashboard/")
    assert page.templates[0].name == "dashboards/dashboard.html" and "notifications-live" in page.content.decode()
