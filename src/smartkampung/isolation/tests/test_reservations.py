"""Returning residents find the nearest isolation house with a free bed and reserve it; never more
reservations than beds."""

import datetime as dt
import threading

import pytest
from django.db import connection
from django.test import Client
from django.utils import timezone

from smartkampung.isolation.demo import seed_demo_houses
from smartkampung.isolation.models import IsolationHouse, Reservation
from smartkampung.isolation.tests.fixtures import BAKUNGAN, KK, house, reserve, residents
from smartkampung.notifications.models import Notification
from smartkampung.population import services as population


@pytest.mark.django_db
def test_the_demo_spreads_about_300_houses_over_every_village(regions):
    assert seed_demo_houses(regency_code="3510") == 300
    village_houses = IsolationHouse.objects.filter(is_central=False)
    assert village_houses.values("village").distinct().count() == 217
    assert not village_houses.filter(puskesmas__isnull=True).exists()
    assert IsolationHouse.objects.get(is_central=True).village_id is None


@pytest.mark.django_db
def test_houses_are_listed_nearest_first_with_their_free_beds(client, regions):
    seed_demo_houses(regency_code="3510")
    found = client.get("/api/v1/public/isolation-houses?lat=-8.2213&lon=114.3448&limit=5").json()
    distances = [h["distance_km"] for h in found]
    assert distances == sorted(distances) and distances[0] < 1.5
    assert found[0]["village"] == BAKUNGAN or found[0]["village_name"] in {"Banjarsari", "Rejosari"}
    assert all(h["free_male"] + h["free_female"] + h["free_any"] > 0 for h in found)


@pytest.mark.django_db
def test_a_resident_reserves_a_bed_and_the_village_is_told(client, regions):
    nik = residents(1)[0]
    place = house(beds=2)
    response = reserve(client, place.pk, nik)
    assert response.status_code == 201, response.content
    reservation = Reservation.objects.get(code=response.json()["code"])
    assert reservation.pool == "any" and reservation.status == "held"
    assert Notification.objects.get(subject_type="reservation").village_id == BAKUNGAN
    listed = client.get("/api/v1/public/isolation-houses").json()
    assert [h["free_any"] for h in listed if h["id"] == place.pk] == [1]


@pytest.mark.django_db
def test_a_wrong_kk_gets_the_same_answer_as_an_unknown_nik(client, regions):
    nik = residents(1)[0]
    place = house()
    wrong_kk = reserve(client, place.pk, nik, kk="3510150101109999")
    unknown = reserve(client, place.pk, "3510151708859999")
    assert wrong_kk.status_code == unknown.status_code == 404
    assert wrong_kk.json() == unknown.json() and not Reservation.objects.exists()


@pytest.mark.django_db
def test_one_bed_per_person_and_a_full_house_refuses(client, regions):
    first, second = residents(2)
    place = house(beds=1)
    assert reserve(client, place.pk, first).status_code == 201
    assert reserve(client, house(beds=3).pk, first).status_code == 409  # already holds one
    full = reserve(client, place.pk, second)
    assert full.status_code == 409 and "another house" in full.json()["detail"]


@pytest.mark.django_db
def test_a_hold_that_has_ended_frees_the_bed(client, regions):
    first, second = residents(2)
    place = house(beds=1)
    assert reserve(client, place.pk, first).status_code == 201
    Reservation.objects.update(hold_until=timezone.now() - dt.timedelta(minutes=1))
    assert reserve(client, place.pk, second).status_code == 201


@pytest.mark.django_db
def test_separated_houses_count_beds_for_men_and_women_apart(client, regions):
    man = residents(1)[0]
    population.create_resident(
        user=None,
        values={
            "nik": "3510155708850009",
            "kk_number": KK,
            "name": "Warga P",
            "birth_date": "1985-08-17",
            "sex": "female",
        },
    )
    place = house(beds=0, beds_male=1, beds_female=1)
    assert reserve(client, place.pk, man).status_code == 201
    assert reserve(client, place.pk, "3510155708850009").status_code == 201
    assert set(Reservation.objects.values_list("pool", flat=True)) == {"male", "female"}


@pytest.mark.postgres_only
@pytest.mark.django_db(transaction=True)
def test_concurrent_reservations_for_the_last_bed_give_exactly_one(regions):
    if connection.vendor != "postgresql":
        pytest.skip("SQLite serialises writers; the race is real on PostgreSQL")
    niks = residents(8)
    place = house(beds=1)
    barrier = threading.Barrier(len(niks), timeout=60)
    statuses: list[int] = []

    def one(nik: str) -> None:
        client = Client(REMOTE_ADDR=f"10.0.0.{len(nik) + niks.index(nik)}")
        barrier.wait()
        try:
            statuses.append(reserve(client, place.pk, nik).status_code)
        finally:
            connection.close()

    threads = [threading.Thread(target=one, args=(nik,)) for nik in niks]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(statuses) == [201] + [409] * 7
    assert Reservation.objects.filter(house=place).count() == 1


@pytest.mark.django_db
def test_the_phone_pages_list_nearest_houses_and_reserve_a_bed(client, regions):
    nik = residents(1)[0]
    place = house(beds=1)
    listed = client.get(f"/isolation/?village={BAKUNGAN}", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Rumah Isolasi Uji" in listed and "km" in listed
    day = (timezone.localdate() + dt.timedelta(days=1)).strftime("%d-%m-%Y")
    form = {"nik": nik, "kk_number": KK, "phone": "081234567890", "expected_arrival": day}
    done = client.post(f"/isolation/{place.pk}/reserve/", form)
    assert done.status_code == 201 and Reservation.objects.get().code in done.content.decode()
    refused = client.post(f"/isolation/{place.pk}/reserve/", {**form, "kk_number": "3510150101109999"})
    assert refused.status_code == 404 and "errorbox" in refused.content.decode()


@pytest.mark.django_db
def test_the_map_asks_the_api_for_every_house_with_a_free_bed_nearest_to_the_visitor(client, regions):
    seed_demo_houses(regency_code="3510")
    page = client.get(f"/isolation/?village={BAKUNGAN}&sex=female&map=1")
    config = page.context["map_config"]
    assert page.context["show_map"] and 'id="map-config"' in page.content.decode()
    houses = client.get(config["houses"]).json()
    with_room = [h for h in houses if (h["free_female"] if h["separated"] else h["free_any"]) > 0]
    assert len(houses) == len(with_room) == 300 and houses[0]["distance_km"] < 1.5
    assert config["here"] == pytest.approx([houses[0]["latitude"], houses[0]["longitude"]], abs=0.05)
    assert client.get(config["reserve"].replace("/0/", f"/{houses[0]['id']}/")).status_code == 200
    # Leaflet is installed as a package and served by the app itself, with no CDN.
    for asset in (config["js"], config["css"]):
        served = client.get(asset)
        assert served.status_code == 200 and b"leaflet-" in b"".join(served.streaming_content)


@pytest.mark.django_db
def test_the_village_operator_checks_guests_in_and_out_and_the_bed_follows(client, regions, django_user_model):
    from django.core.management import call_command

    from smartkampung.accounts.services import assign_role
    from smartkampung.audit.models import AuditEntry

    first, second, third = residents(3)
    place = house(beds=1)
    code = reserve(client, place.pk, first).json()["code"]
    operator = django_user_model.objects.create_user("operator.bakungan")
    assign_role(user=operator, role="village_operator", village_code=BAKUNGAN)
    client.force_login(operator)
    page = client.get(f"/isolation/houses/{place.pk}/").content.decode()
    assert code in page and first in page
    assert client.post(f"/api/v1/isolation/reservations/{code}/check-in").status_code == 200
    # Checked in, the bed stays taken after the hold would have ended.
    Reservation.objects.update(hold_until=timezone.now() - dt.timedelta(hours=1))
    assert reserve(client, place.pk, second).status_code == 409
    assert client.post(f"/api/v1/isolation/reservations/{code}/check-out").status_code == 200
    assert reserve(client, place.pk, second).status_code == 201
    changes = AuditEntry.objects.filter(object_type="reservation", action="update").order_by("at", "id")
    assert [c["status"] for c in changes.values_list("changes", flat=True)] == [
        ["held", "checked_in"],
        ["checked_in", "checked_out"],
    ]
    # An ended hold is marked lapsed by the hourly command (its bed was already counted free).
    Reservation.objects.filter(nik=second).update(hold_until=timezone.now() - dt.timedelta(minutes=5))
    call_command("lapse_reservations")
    assert Reservation.objects.get(nik=second).status == "lapsed"
    assert reserve(client, place.pk, third).status_code == 201


@pytest.mark.django_db
def test_a_read_only_pillar_sees_the_guests_but_cannot_check_them_in(client, regions, django_user_model):
    from smartkampung.accounts.services import assign_role

    nik = residents(1)[0]
    place = house(beds=1)
    code = reserve(client, place.pk, nik).json()["code"]
    babinsa = django_user_model.objects.create_user("babinsa.bakungan")
    assign_role(user=babinsa, role="village_oversight", village_code=BAKUNGAN, pillar="babinsa")
    client.force_login(babinsa)
    assert nik in client.get(f"/isolation/houses/{place.pk}/").content.decode()
    assert client.post(f"/api/v1/isolation/reservations/{code}/check-in").status_code == 403
    assert Reservation.objects.get().status == "held"
