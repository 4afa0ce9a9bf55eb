"""The dashboard's tiles as a fragment the page fetches again (same jurisdiction as the page), the aid alarm
(red, calm or absent), and the scope each group of figures says it counts."""

import json
import re

import pytest

from smartkampung.accounts.models import Role
from smartkampung.accounts.services import assign_role
from smartkampung.accounts.tests.factories import give_role
from smartkampung.aid.tests.fixtures import make_double_listing, resolve_double_listing
from smartkampung.checkpoints.tests.fixtures import BAKUNGAN, SARONGAN, arrival
from smartkampung.notifications.models import Notification
from smartkampung.notifications.services import dispatch_batch

TILES = "/dashboard/tiles/"


def register_arrival(client, **overrides):
    response = client.post("/api/v1/arrivals", json.dumps(arrival(**overrides)), content_type="application/json")
    assert response.status_code == 201, response.content
    return response.json()


def tiles_of(html: str) -> dict[str, int]:
    """{tile name: its number} from the hooks the page and the browser tests read."""
    return {
        name: int(value)
        for name, value in re.findall(r'data-tile="(\w+)"[^>]*>.*?<strong data-value="(\d+)"', html, flags=re.S)
    }


def alarm_of(html: str) -> dict | None:
    found = re.search(r'<section id="aid-alarm" class="aid-alarm (\w+)" data-open="(\d+)" data-state="(\w+)"', html)
    return None if found is None else {"class": found[1], "open": int(found[2]), "state": found[3]}


def user_with(django_user_model, username: str, role: str, *, district=None, village=None):
    user = django_user_model.objects.create_user(username)
    give_role(user, role, district=district, village=village)
    return user


@pytest.fixture
def sarongan(regions, django_user_model):
    user = django_user_model.objects.create_user("operator.sarongan")
    assign_role(user=user, role=Role.VILLAGE_OPERATOR, village_code=SARONGAN)
    return user


def test_the_tiles_fragment_counts_what_the_dashboard_counts_within_the_jurisdiction(
    client, officer_client, operator, sarongan
):
    register_arrival(officer_client)
    register_arrival(officer_client, temperature="38.5", repeat_confirmed=True, name="Dua")  # referred: monitored
    dispatch_batch()

    client.force_login(operator)
    page = client.get("/dashboard/").content.decode()
    fragment = client.get(TILES)
    assert fragment.status_code == 200 and fragment["Cache-Control"] == "no-store"
    html = fragment.content.decode()
    expected = {
        "today": 2,
        "week": 2,
        "monitored_today": 1,
        "refused_today": 0,
        "under_monitoring": 1,
        "open_notifications": 2,
    }
    assert tiles_of(html) == expected
    assert tiles_of(page) == expected  # the page includes the same fragment
    assert html.lstrip().startswith('<div id="dashboard-tiles"') and "<html" not in html
    assert 'hx-get="/dashboard/tiles/"' in page and 'hx-trigger="notifications-changed from:body"' in page

    client.force_login(sarongan)  # another village sees none of it
    assert tiles_of(client.get(TILES).content.decode()) == dict.fromkeys(expected, 0)


def test_the_tiles_follow_a_follow_up(client, officer_client, operator):
    register_arrival(officer_client)
    dispatch_batch()
    client.force_login(operator)
    assert tiles_of(client.get(TILES).content.decode())["open_notifications"] == 1

    notification = Notification.objects.get()
    assert client.post(f"/notifications/{notification.pk}/ack/", HTTP_HX_REQUEST="true").status_code == 200
    assert tiles_of(client.get(TILES).content.decode())["open_notifications"] == 0


@pytest.mark.parametrize(
    ("role", "answer"),
    [
        (Role.CHECKPOINT_OFFICER, 403),  # a desk, no dashboard
        (Role.SOCIAL_AGENCY, 403),
        (Role.TOURISM_AGENCY, 403),  # visitor figures only: no tiles of a jurisdiction, no notifications
        (Role.HEALTH_AGENCY, 200),
        (Role.REGENCY_ADMIN, 200),
    ],
)
def test_who_may_fetch_the_tiles(client, regions, django_user_model, role, answer):
    client.force_login(user_with(django_user_model, "someone", role))
    assert client.get(TILES).status_code == answer


def test_the_tiles_need_a_sign_in_and_a_get(client, operator):
    assert client.get(TILES).status_code == 302
    client.force_login(operator)
    assert client.post(TILES).status_code == 405


# ---------------------------------------------------------------- the aid alarm


def test_the_aid_alarm_is_red_with_the_count_and_a_link_while_a_conflict_is_open(client, operator):
    client.force_login(operator)
    assert alarm_of(client.get(TILES).content.decode()) == {"class": "calm", "open": 0, "state": "calm"}

    conflict = make_double_listing(BAKUNGAN)  # someone listed twice: the lists compared, the alarm written
    dispatch_batch()
    fragment = client.get(TILES).content.decode()  # what the open page fetches when the alarm arrives
    assert alarm_of(fragment) == {"class": "alarm", "open": 1, "state": "alarm"}
    assert tiles_of(fragment)["open_notifications"] == 1  # the aid_conflict notification

    page = client.get("/dashboard/").content.decode()
    assert alarm_of(page)["open"] == 1
    panel = page[page.index('id="aid-alarm"') : page.index("</section>", page.index('id="aid-alarm"'))]
    assert 'href="/aid/conflicts/?status=open"' in panel
    assert page.index('id="aid-alarm"') < page.index('id="notifications-live"')  # near the top

    resolve_double_listing(conflict, user=operator)
    assert alarm_of(client.get(TILES).content.decode()) == {"class": "calm", "open": 0, "state": "calm"}


def test_the_camat_and_the_regency_see_the_alarm_of_their_area_and_a_village_without_conflicts_is_calm(
    client, sarongan, django_user_model
):
    make_double_listing(BAKUNGAN)
    make_double_listing(BAKUNGAN, program_code="BPNT")
    camat = user_with(django_user_model, "camat", Role.DISTRICT_STAFF, district=BAKUNGAN[:6])
    admin = user_with(django_user_model, "pemkab", Role.REGENCY_ADMIN)
    oversight = user_with(django_user_model, "babinsa", Role.VILLAGE_OVERSIGHT, village=BAKUNGAN)

    for user, state, count in (
        (camat, "alarm", 2),
        (admin, "alarm", 2),
        (oversight, "alarm", 2),
        (sarongan, "calm", 0),
    ):
        client.force_login(user)
        alarm = alarm_of(client.get("/dashboard/").content.decode())
        assert alarm == {"class": state, "open": count, "state": state}, user.username
    client.force_login(oversight)  # may look, may not resolve: the link says so
    assert "See the conflicts" in client.get("/dashboard/", HTTP_ACCEPT_LANGUAGE="en").content.decode()


def test_no_aid_panel_for_whoever_sees_no_aid_lists(client, operator, health, django_user_model):
    make_double_listing(BAKUNGAN)
    puskesmas = user_with(django_user_model, "puskesmas", Role.PUSKESMAS_STAFF, village=BAKUNGAN)
    for user in (health, puskesmas):
        client.force_login(user)
        page = client.get("/dashboard/").content.decode()
        assert 'id="dashboard-tiles"' in page and 'id="aid-alarm"' not in page
        assert 'id="aid-alarm"' not in client.get(TILES).content.decode()


# ---------------------------------------------------------------- scopes


def scopes_of(html: str) -> list[str]:
    return re.findall(r'<span class="scope">([^<]*)</span>', html)


def test_each_group_of_figures_says_which_places_it_counts(client, officer_client, operator, django_user_model):
    register_arrival(officer_client)
    client.force_login(operator)
    village = client.get("/dashboard/").content.decode()
    # Arrivals (tiles, lists, charts) are the village's; the isolation tallies are kept per kecamatan.
    assert scopes_of(village).count("Kelurahan Bakungan") >= 3
    assert "Kecamatan Glagah" in scopes_of(village) and 'class="scope">Kecamatan Glagah' in village
    assert "Kabupaten Banyuwangi" not in scopes_of(village)

    camat = user_with(django_user_model, "camat.glagah", Role.DISTRICT_STAFF, district="351015")
    client.force_login(camat)
    assert set(scopes_of(client.get("/dashboard/").content.decode())) == {"Kecamatan Glagah"}

    admin = user_with(django_user_model, "pemkab", Role.REGENCY_ADMIN)
    client.force_login(admin)
    assert set(scopes_of(client.get("/dashboard/").content.decode())) == {"Kabupaten Banyuwangi"}

    puskesmas = user_with(django_user_model, "puskesmas", Role.PUSKESMAS_STAFF, village=BAKUNGAN)
    client.force_login(puskesmas)
    assert "Puskesmas Paspan area" in scopes_of(client.get("/dashboard/", HTTP_ACCEPT_LANGUAGE="en").content.decode())


def test_a_village_is_told_its_isolation_charts_count_the_kecamatan(client, operator):
    client.force_login(operator)
    page = client.get("/dashboard/", HTTP_ACCEPT_LANGUAGE="en")
    assert page.context["isolation_wider"] and page.context["isolation"]["scope"] == "Kecamatan Glagah"
    assert "Isolation figures are counted per kecamatan" in page.content.decode()
