"""A deployment serving several regencies: each regency's social affairs agency imports its own lists. A list is
matched against its own regency's register only, and an upload replaces only its own regency's list in force, so
Banyuwangi's new PKH list never takes Jember's out of force, nor lands a row in a Jember village."""

import pytest

from smartkampung.accounts.models import Role
from smartkampung.accounts.tests.factories import give_role
from smartkampung.aid.models import Recipient, RecipientList
from smartkampung.aid.selectors import aid_listings_for
from smartkampung.aid.services import run_list_import
from smartkampung.aid.tests.fixtures import list_file, listed
from smartkampung.population.demo.generator import generate_households
from smartkampung.population.demo.writers import write_to_database
from smartkampung.population.models import Resident
from smartkampung.regions.services import load_regions

BANYUWANGI, JEMBER = "3510", "3509"
pytestmark = pytest.mark.django_db


@pytest.fixture
def province(settings, register, programs):
    """Banyuwangi's register (the `register` fixture) and Jember's, both served."""
    settings.SMARTKAMPUNG_REGENCIES = (BANYUWANGI, JEMBER)
    load_regions(regency_code=JEMBER)
    write_to_database(generate_households(residents=60, seed=5, serial_base=5000, regency_code=JEMBER))


def agency_of(django_user_model, regency: str, username: str):
    user = django_user_model.objects.create_user(username)
    give_role(user, Role.SOCIAL_AGENCY, regency=regency)
    return user


def upload(client, user, rows, *, period: str = "2020-05", **extra):
    client.force_login(user)
    answer = client.post("/api/v1/aid/lists", {"program": "PKH", "period": period, "file": list_file(rows), **extra})
    for pk in RecipientList.objects.filter(status="queued").values_list("pk", flat=True):
        run_list_import(list_id=pk)
    return answer


def decides_nobody(client, row: Recipient) -> int:
    """The signed-in user says the row is nobody on the register (the review's "none")."""
    answer = client.post(f"/api/v1/aid/rows/{row.pk}/decision", {"choice": "none"}, content_type="application/json")
    return answer.status_code


def resident_of(regency: str) -> Resident:
    return Resident.objects.filter(village__code__startswith=regency).select_related("household").order_by("id")[0]


def programs_listing(person: Resident) -> list[str]:
    """What the citizens' own check answers them (aid/check/): the programs whose list in force names them."""
    return [
        program.code for program, *_rest in aid_listings_for(nik=person.nik, kk_number=person.household.kk_number)[1]
    ]


def test_each_regency_keeps_its_own_list_in_force(client, django_user_model, province):
    banyuwangi = agency_of(django_user_model, BANYUWANGI, "dinsos.bwi")
    jember = agency_of(django_user_model, JEMBER, "dinsos.jember")
    at_home, far = resident_of(BANYUWANGI), resident_of(JEMBER)

    first = upload(client, banyuwangi, [listed(at_home)]).json()
    theirs = upload(client, jember, [listed(far)]).json()
    elsewhere = Resident.objects.filter(village__code__startswith=BANYUWANGI).exclude(household=at_home.household)
    newer = upload(client, banyuwangi, [listed(elsewhere.select_related("household")[0])], period="2020-06").json()

    assert (first["regency"], theirs["regency"], newer["regency"]) == (BANYUWANGI, JEMBER, BANYUWANGI)
    in_force = dict(RecipientList.objects.filter(current=True).values_list("regency_id", "pk"))
    assert in_force == {BANYUWANGI: newer["id"], JEMBER: theirs["id"]}
    # Jember's resident still reads their PKH listing on the public check; Banyuwangi's first one no longer.
    assert programs_listing(far) == ["PKH"]
    assert programs_listing(at_home) == []


def test_a_list_is_matched_against_its_own_regency_only(client, django_user_model, province):
    banyuwangi = agency_of(django_user_model, BANYUWANGI, "dinsos.bwi")
    jember = agency_of(django_user_model, JEMBER, "dinsos.jember")
    far = resident_of(JEMBER)

    job = upload(client, banyuwangi, [listed(resident_of(BANYUWANGI)), listed(far)]).json()

    stray = Recipient.objects.get(source_id=job["id"], nik=far.nik)
    # Not linked to Jember's resident, nor placed in their Jember village: a row of Banyuwangi's list.
    assert (stray.resident_id, stray.village_id, stray.status) == (None, None, "none")
    # Its regency's agency sees the unplaced row and decides it; for Jember's agency the list does not exist.
    client.force_login(banyuwangi)
    assert far.nik in {r["nik"] for r in client.get(f"/api/v1/aid/lists/{job['id']}/rows").json()}
    assert decides_nobody(client, stray) == 200
    # Not even the province administrator links it to Jember's resident: the list is matched to its own register.
    province_admin = django_user_model.objects.create_user("pemprov")
    give_role(province_admin, Role.PROVINCE_ADMIN)
    client.force_login(province_admin)
    linked = client.post(
        f"/api/v1/aid/rows/{stray.pk}/decision", {"choice": "other", "nik": far.nik}, content_type="application/json"
    )
    assert linked.status_code == 422 and linked.json()["errors"][0]["field"] == "resident"
    client.force_login(jember)
    assert client.get(f"/api/v1/aid/lists/{job['id']}/rows").status_code == 404
    assert client.get(f"/api/v1/aid/lists/{job['id']}").status_code == 404
    assert decides_nobody(client, stray) in (403, 404)


def test_whoever_imports_for_several_regencies_says_which_and_only_for_their_own(client, django_user_model, province):
    both = agency_of(django_user_model, BANYUWANGI, "dinsos.dua")
    give_role(both, Role.SOCIAL_AGENCY, regency=JEMBER)
    jember = agency_of(django_user_model, JEMBER, "dinsos.jember")
    rows = [listed(resident_of(JEMBER))]

    unsaid = upload(client, both, rows)
    not_theirs = upload(client, jember, rows, regency=BANYUWANGI)
    said = upload(client, both, rows, regency=JEMBER)

    assert unsaid.status_code == 422 and unsaid.json()["errors"][0]["field"] == "regency"
    assert not_theirs.status_code == 403
    assert said.status_code == 202 and said.json()["regency"] == JEMBER
    assert RecipientList.objects.get().counts["exact"] == 1
    # The page asks them too.
    client.force_login(both)
    page = client.get("/aid/lists/new/").content.decode()
    assert 'name="regency"' in page and "JEMBER" in page.upper()


def test_a_jember_resident_on_both_regencies_lists_is_found_by_the_cross_check(client, django_user_model, province):
    from smartkampung.aid.crosscheck import cross_check

    far = resident_of(JEMBER)
    upload(client, agency_of(django_user_model, JEMBER, "dinsos.jember"), [listed(far)])
    upload(client, agency_of(django_user_model, BANYUWANGI, "dinsos.bwi"), [listed(far)])

    found = cross_check(backend="duckdb")
    # Banyuwangi's row stays unplaced (not matched to Jember's register), and counts for Banyuwangi all the same.
    assert found.rows_by_regency == {BANYUWANGI: 1, JEMBER: 1} and found.unplaced == 0
    assert found.pairs.select("found_by", "first_regency", "second_regency").rows() == [("nik", JEMBER, BANYUWANGI)]


def test_one_regencys_decision_does_not_change_how_anothers_list_is_matched(client, django_user_model, province):
    at_home = resident_of(BANYUWANGI)
    banyuwangi = agency_of(django_user_model, BANYUWANGI, "dinsos.bwi")
    jember = agency_of(django_user_model, JEMBER, "dinsos.jember")
    upload(client, banyuwangi, [listed(at_home)])
    # Jember's list has the very same row (same NIK, KK, name, birth date): its agency says it is nobody of theirs.
    theirs = upload(client, jember, [listed(at_home, KODE_DESA="3509012002")]).json()
    client.force_login(jember)
    assert decides_nobody(client, Recipient.objects.get(source_id=theirs["id"])) == 200

    again = upload(client, banyuwangi, [listed(at_home)], period="2020-06").json()

    row = Recipient.objects.get(source_id=again["id"])
    assert (row.status, row.resident_id) == ("exact", at_home.pk)


def test_an_operator_of_another_kecamatan_meets_no_unplaced_row(client, django_user_model, province):
    """An unplaced row (a Jember resident on Banyuwangi's list) is the list's agency's alone: a village operator of
    the same regency reads neither it nor the list's rows of other villages, in the API, the export or the review
    queue, and may not decide it."""
    from smartkampung.aid.tests.fixtures import operator_of

    at_home, far = resident_of(BANYUWANGI), resident_of(JEMBER)
    job = upload(client, agency_of(django_user_model, BANYUWANGI, "dinsos.bwi"), [listed(at_home), listed(far)]).json()
    stray = Recipient.objects.get(source_id=job["id"], nik=far.nik)
    elsewhere = next(code for code in ("3510012001", "3510151002") if code[:6] != at_home.village_id[:6])
    client.force_login(operator_of(django_user_model, elsewhere, "op.lain"))

    rows = client.get(f"/api/v1/aid/lists/{job['id']}/rows").json()
    export = client.get(f"/aid/lists/{job['id']}/checked.csv")
    exported = b"".join(export.streaming_content).decode() if export.status_code == 200 else ""
    review = client.get("/api/v1/aid/review").json()

    assert rows == [] and far.nik not in exported and at_home.nik not in exported
    assert stray.pk not in {r["id"] for r in review}
    assert decides_nobody(client, stray) in (403, 404)
    stray.refresh_from_db()
    assert not stray.decided
