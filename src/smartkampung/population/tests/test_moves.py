"""Moves between villages (pindah datang / pindah keluar): the destination asks, the origin or the regency
releases or refuses, and the register changes only on release, audited with old and new values."""

import pytest
from django.db import IntegrityError, transaction
from django.test import Client

from smartkampung.accounts.models import Role
from smartkampung.accounts.services import assign_role
from smartkampung.audit.models import AuditEntry
from smartkampung.population.models import Household, Move, Resident
from smartkampung.population.tests.factories import BAKUNGAN, SARONGAN, make_household, make_resident
from smartkampung.regions.models import Village

pytestmark = pytest.mark.usefixtures("regions")

AWAY_KK, AWAY_NIK, AWAY_WIFE = "3510010101100001", "3510011708850001", "3510015708870002"
HOME_KK, HOME_NIK = "3510150101100002", "3510151708850002"


@pytest.fixture
def world(db):
    make_household(kk_number=AWAY_KK, village_code=SARONGAN)
    make_resident(nik=AWAY_NIK, kk_number=AWAY_KK, name="Suparmi Sarongan")
    make_resident(nik=AWAY_WIFE, kk_number=AWAY_KK, name="Siti Sarongan", birth_date="1987-08-17", sex="female")
    make_household(kk_number=HOME_KK, village_code=BAKUNGAN)
    make_resident(nik=HOME_NIK, kk_number=HOME_KK, name="Warsidi Bakungan")


def _operator(django_user_model, name: str, village: str):
    user = django_user_model.objects.create_user(name)
    assign_role(user=user, role=Role.VILLAGE_OPERATOR, village_code=village)
    client = Client()
    client.force_login(user)
    client.user = user
    return client


@pytest.fixture
def home(django_user_model):
    """The destination: Bakungan's operator."""
    return _operator(django_user_model, "op.bakungan", BAKUNGAN)


@pytest.fixture
def away(django_user_model):
    """The village of origin: Sarongan's operator."""
    return _operator(django_user_model, "op.sarongan", SARONGAN)


@pytest.fixture
def stranger(django_user_model):
    other = Village.objects.exclude(code__in=[SARONGAN, BAKUNGAN]).filter(code__startswith="3510").first()
    return _operator(django_user_model, "op.lain", other.code)


def post(client, url: str, body: dict | None = None):
    return client.post(url, body or {}, content_type="application/json")


def ask_for_suparmi(home) -> dict:
    response = post(home, "/api/v1/moves", {"nik": AWAY_NIK, "to_kk_number": HOME_KK, "reason": "Ikut keluarga"})
    assert response.status_code == 201, response.content
    return response.json()


def test_the_destination_asks_by_nik_and_sees_the_person_masked_until_released(home, world):
    move = ask_for_suparmi(home)

    assert (move["status"], move["kind"]) == ("requested", "resident")
    # Where the person lives is not told by asking for their NIK: the origin is hidden until the release.
    assert (move["from_village_code"], move["from_village"], move["members"]) == (None, None, None)
    assert Move.objects.get().from_village_id == SARONGAN
    assert move["name"] == "SU***** SA******" and move["nik"] == "351001******0001"
    assert AWAY_NIK not in str(move) and "SUPARMI" not in str(move)
    # Nothing of the register moved, and the record stays out of the destination's sight.
    suparmi = Resident.objects.get(nik=AWAY_NIK)
    assert (suparmi.village_id, suparmi.household.kk_number) == (SARONGAN, AWAY_KK)
    assert home.get(f"/api/v1/residents/{AWAY_NIK}").status_code == 404
    assert home.get(f"/population/residents/{AWAY_NIK}/").status_code == 404
    entry = AuditEntry.objects.get(object_type="move", action="create")
    assert entry.changes["to_village"] == [None, BAKUNGAN] and entry.object_ids == [AWAY_NIK]


def test_the_destination_cannot_release_its_own_request(home, world):
    move = ask_for_suparmi(home)

    assert post(home, f"/api/v1/moves/{move['id']}/release").status_code == 403
    assert home.post(f"/population/moves/{move['id']}/release/").status_code == 403
    assert Resident.objects.get(nik=AWAY_NIK).village_id == SARONGAN
    assert Move.objects.get().status == "requested"


def test_the_origin_releases_and_the_person_moves_audited(home, away, world):
    move = ask_for_suparmi(home)
    outgoing = away.get("/api/v1/moves?direction=out").json()
    assert [m["nik"] for m in outgoing["items"]] == [AWAY_NIK] and outgoing["items"][0]["may_decide"]
    assert away.get("/api/v1/moves?direction=in").json()["count"] == 0

    released = post(away, f"/api/v1/moves/{move['id']}/release", {"reason": "Surat pindah 12/2020"})

    assert released.status_code == 200 and released.json()["status"] == "released"
    suparmi = Resident.objects.get(nik=AWAY_NIK)
    assert (suparmi.village_id, suparmi.household.kk_number) == (BAKUNGAN, HOME_KK)
    entry = AuditEntry.objects.get(object_type="resident", subject=AWAY_NIK, action="update")
    assert entry.changes == {"household": [AWAY_KK, HOME_KK], "village": [SARONGAN, BAKUNGAN]}
    assert entry.actor_username == "op.sarongan"
    # Now the destination reads the whole record, and the origin no longer does.
    assert home.get(f"/api/v1/residents/{AWAY_NIK}").json()["name"] == "SUPARMI SARONGAN"
    assert home.get(f"/api/v1/moves/{move['id']}").json()["nik"] == AWAY_NIK
    assert away.get(f"/api/v1/residents/{AWAY_NIK}").status_code == 404
    assert away.get(f"/api/v1/moves/{move['id']}").json()["name"] == "SU***** SA******"


def test_the_origin_refuses_with_a_reason_and_nothing_changes(home, away, world):
    move = ask_for_suparmi(home)

    assert post(away, f"/api/v1/moves/{move['id']}/refuse", {"reason": "  "}).status_code == 422
    refused = post(away, f"/api/v1/moves/{move['id']}/refuse", {"reason": "Masih tercatat di sini"})

    assert refused.status_code == 200 and refused.json()["decision_note"] == "Masih tercatat di sini"
    assert Resident.objects.get(nik=AWAY_NIK).village_id == SARONGAN
    # A decided move is decided: a second decision changes nothing.
    assert post(away, f"/api/v1/moves/{move['id']}/release").status_code == 409
    assert Resident.objects.get(nik=AWAY_NIK).village_id == SARONGAN


def test_one_open_request_per_person(home, world):
    ask_for_suparmi(home)

    again = post(home, "/api/v1/moves", {"nik": AWAY_NIK, "to_kk_number": HOME_KK, "reason": "Lagi"})

    assert again.status_code == 422 and Move.objects.count() == 1


def test_the_database_holds_one_open_request_per_person_and_household(home, world):
    ask_for_suparmi(home)
    first = Move.objects.get()

    with pytest.raises(IntegrityError), transaction.atomic():
        Move.objects.create(
            resident=first.resident,
            to_household=first.to_household,
            from_village_id=SARONGAN,
            to_village_id=BAKUNGAN,
            reason="x",
        )
    with pytest.raises(IntegrityError), transaction.atomic():
        Move.objects.create(resident=first.resident, from_village_id=SARONGAN, to_village_id=BAKUNGAN, reason="x")


@pytest.mark.parametrize(
    ("body", "status"),
    [
        ({"nik": HOME_NIK, "to_kk_number": HOME_KK}, 422),  # already ours
        ({"nik": "3510011708850099", "to_kk_number": HOME_KK}, 422),  # no such person
        ({"nik": AWAY_NIK, "to_kk_number": AWAY_KK}, 422),  # into a household that is not ours
        ({"nik": "12", "to_kk_number": HOME_KK}, 422),
        ({"kk_number": AWAY_KK, "to_village": SARONGAN}, 403),  # into a village not ours
        ({"kk_number": HOME_KK, "to_village": BAKUNGAN}, 422),  # already ours
        ({}, 422),
    ],
)
def test_requests_that_make_no_sense_are_refused_in_words(home, world, body, status):
    response = post(home, "/api/v1/moves", {"reason": "x", **body})

    assert response.status_code == status and response.json()["detail"]
    assert not Move.objects.exists()
    assert "SUPARMI" not in response.content.decode().upper()


def test_readers_and_strangers_may_not_request(client, django_user_model, world, stranger):
    reader = django_user_model.objects.create_user("camat")
    assign_role(user=reader, role=Role.DISTRICT_STAFF, district_code=BAKUNGAN[:6])
    client.force_login(reader)

    assert post(client, "/api/v1/moves", {"nik": AWAY_NIK, "to_kk_number": HOME_KK, "reason": "x"}).status_code == 403
    assert client.get("/population/moves/new/").status_code == 403


def test_a_whole_household_moves_on_release_by_the_regency_and_every_member_is_audited(home, admin, client, world):
    response = post(home, "/api/v1/moves", {"kk_number": AWAY_KK, "to_village": BAKUNGAN, "reason": "Pindah kerja"})
    assert response.status_code == 201 and response.json()["members"] is None  # hidden until released
    assert response.json()["kk_number"] == "351001******0001"
    client.force_login(admin)
    assert client.get(f"/api/v1/moves/{response.json()['id']}").json()["members"] == 2

    released = post(client, f"/api/v1/moves/{response.json()['id']}/release")

    assert released.status_code == 200
    assert Household.objects.get(kk_number=AWAY_KK).village_id == BAKUNGAN
    assert set(Resident.objects.filter(household__kk_number=AWAY_KK).values_list("village_id", flat=True)) == {BAKUNGAN}
    household_entry = AuditEntry.objects.get(object_type="household", subject=AWAY_KK, action="update")
    assert household_entry.changes == {"village": [SARONGAN, BAKUNGAN]}
    members = AuditEntry.objects.filter(object_type="resident", action="update").values_list("subject", "changes")
    assert dict(members) == {nik: {"village_id": [SARONGAN, BAKUNGAN]} for nik in (AWAY_NIK, AWAY_WIFE)}


def test_the_destination_may_cancel_and_the_origin_may_not(home, away, world):
    move = ask_for_suparmi(home)

    assert post(away, f"/api/v1/moves/{move['id']}/cancel").status_code == 403
    assert post(home, f"/api/v1/moves/{move['id']}/cancel").json()["status"] == "cancelled"
    # A cancelled request frees the person for a new one.
    ask_for_suparmi(home)


def test_a_village_with_no_part_in_the_move_neither_sees_nor_decides_it(home, stranger, world):
    move = ask_for_suparmi(home)

    assert stranger.get(f"/api/v1/moves/{move['id']}").status_code == 404
    assert post(stranger, f"/api/v1/moves/{move['id']}/release").status_code == 404
    assert stranger.get(f"/population/moves/{move['id']}/").status_code == 404
    assert stranger.post(f"/population/moves/{move['id']}/release/").status_code == 404
    assert stranger.get("/api/v1/moves").json()["count"] == 0


# ---------------------------------------------------------------- pages


def test_the_pages_request_show_and_release_a_move(home, away, world):
    assert home.get("/population/").content.decode().count("/population/moves/") >= 1
    response = home.post(
        "/population/moves/new/",
        {"kind": "resident", "nik": AWAY_NIK, "to_kk_number": HOME_KK, "reason": "Ikut suami"},
    )
    move = Move.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/population/moves/{move.pk}/"
    page = home.get(response["Location"]).content.decode()
    assert "SU***** SA******" in page and "SUPARMI" not in page and AWAY_NIK not in page
    assert "/release/" not in page and "/cancel/" in page
    listing = home.get("/population/moves/").content.decode()
    assert "SU***** SA******" in listing

    origin_page = away.get(f"/population/moves/{move.pk}/").content.decode()
    assert "SUPARMI SARONGAN" in origin_page and "/release/" in origin_page and "/cancel/" not in origin_page
    released = away.post(f"/population/moves/{move.pk}/release/", {"reason": ""})

    assert released.status_code == 302
    assert Resident.objects.get(nik=AWAY_NIK).village_id == BAKUNGAN


def test_the_request_page_puts_refusals_next_to_the_fields(home, world):
    page = home.post(
        "/population/moves/new/", {"kind": "resident", "nik": AWAY_NIK, "to_kk_number": AWAY_KK, "reason": "x"}
    ).content.decode()

    assert "register the household first" in page or "daftarkan" in page.lower()
    assert not Move.objects.exists()


def test_refusing_on_the_page_without_a_reason_says_so(home, away, world):
    move = ask_for_suparmi(home)

    response = away.post(f"/population/moves/{move['id']}/refuse/", {"reason": ""}, follow=True)

    assert response.status_code == 200 and Move.objects.get().status == "requested"
    assert any(m.level_tag == "error" for m in response.context["messages"])


def test_the_origin_is_shown_to_the_origin_and_to_the_destination_only_after_the_release(home, away, world):
    move = ask_for_suparmi(home)
    page = home.get(f"/population/moves/{move['id']}/").content.decode()
    assert "Sarongan" not in page

    assert away.get(f"/api/v1/moves/{move['id']}").json()["from_village_code"] == SARONGAN
    assert post(away, f"/api/v1/moves/{move['id']}/release").status_code == 200

    assert home.get(f"/api/v1/moves/{move['id']}").json()["from_village_code"] == SARONGAN


def test_asking_nik_after_nik_is_throttled_per_account_refusals_included(home, away, world, settings):
    settings.MOVE_REQUESTS_PER_HOUR = 3
    unknown = {"nik": "3510011708850099", "to_kk_number": HOME_KK, "reason": "x"}
    answers = [post(home, "/api/v1/moves", unknown).status_code for _ in range(3)]
    assert answers == [422, 422, 422]

    throttled = home.post(
        "/api/v1/moves",
        {"nik": AWAY_NIK, "to_kk_number": HOME_KK, "reason": "x"},
        content_type="application/json",
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert throttled.status_code == 429 and int(throttled["Retry-After"]) > 0
    assert "Too many move requests" in throttled.json()["detail"] and not Move.objects.exists()
    page = home.post(
        "/population/moves/new/",
        {"kind": "resident", "nik": AWAY_NIK, "to_kk_number": HOME_KK, "reason": "x"},
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert "Too many move requests" in page.content.decode() and not Move.objects.exists()
    # Another village's account counts on its own.
    assert post(away, "/api/v1/moves", unknown).status_code != 429
