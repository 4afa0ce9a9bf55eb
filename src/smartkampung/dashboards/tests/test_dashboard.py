"""The dashboard follows the viewer's jurisdiction and shows arrivals and who is under monitoring."""

import json

from smartkampung.accounts.models import Role
from smartkampung.accounts.services import assign_role
from smartkampung.checkpoints.tests.fixtures import arrival


def register(client, **overrides):
    response = client.post("/api/v1/arrivals", json.dumps(arrival(**overrides)), content_type="application/json")
    assert response.status_code == 201, response.content
    return response.json()


def test_the_village_dashboard_counts_todays_arrivals_and_lists_who_is_monitored(
    client, officer_client, operator, django_user_model
):
    register(officer_client)  # allowed
    monitored = register(officer_client, temperature="38.5", repeat_confirmed=True, name="Dua")  # referred
    client.force_login(operator)
    page = client.get("/dashboard/")
    html = page.content.decode()
    assert page.status_code == 200
    assert page.context["figures"]["totals"]["today"] == 2
    assert page.context["figures"]["totals"]["under_monitoring"] == 1
    assert page.context["figures"]["days"][-1].value == 2  # both on today's bar, one group
    assert [a.pk for a in page.context["monitored"]] == [monitored["id"]]
    assert "notifications-live" in html and not page.context["wide"]


def test_another_village_sees_none_of_it(client, officer_client, django_user_model):
    register(officer_client)
    other = django_user_model.objects.create_user("operator.sarongan")
    assign_role(user=other, role=Role.VILLAGE_OPERATOR, village_code="3510012001")
    client.force_login(other)
    page = client.get("/dashboard/")
    assert page.context["figures"]["totals"]["today"] == 0 and "SITI AMINAH" not in page.content.decode()


def test_the_camat_sees_the_kecamatan_per_checkpoint_and_origin(client, officer_client, django_user_model):
    register(officer_client)
    camat = django_user_model.objects.create_user("camat.glagah")
    assign_role(user=camat, role=Role.DISTRICT_STAFF, district_code="351015")
    client.force_login(camat)
    page = client.get("/dashboard/")
    rows = page.context["figures"]["per_checkpoint"]
    assert page.context["wide"] and [(r.label, r.total) for r in rows] == [("Pos Pantau Pelabuhan Ketapang", 1)]
    assert [(r.label, r.total) for r in page.context["figures"]["per_origin"]] == [("Kabupaten Jember, Jawa Timur", 1)]


def test_a_checkpoint_officer_starts_at_the_desk_and_has_no_dashboard(officer_client):
    assert officer_client.get("/").url == "/checkpoints/"
    assert officer_client.get("/dashboard/").status_code == 403
