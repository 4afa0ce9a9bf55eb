"""The register of affected residents and its priority ranking: entered by villages, imported from an agency's
list, scored by weights the agency sets, every score shown with its reasons, exported per village."""

import csv
import datetime as dt
import io

import pytest

from smartkampung.aid.models import AffectedResident
from smartkampung.aid.tests.fixtures import family, list_file, listed, operator_of, upload_list
from smartkampung.audit.models import AuditEntry
from smartkampung.population.models import Household, Resident


def months_ago(n: int) -> str:
    return (dt.date.today() - dt.timedelta(days=31 * n)).strftime("%d-%m-%Y")


def entry(person, **changes) -> dict[str, str]:
    return {"nik": person.nik, "sector": "tourism", "impact": "laid_off", "since": months_ago(6),
            "income_lost": "2.500.000", "employer": "Hotel Ketapang Indah"} | changes  # fmt: skip


@pytest.fixture
def two_in_one_village(register, programs):
    """Two households of one village: the first listed on nothing, the second on PKH."""
    village = next(h.village_id for h in Household.objects.order_by("id") if
                   Household.objects.filter(village_id=h.village_id).count() >= 2)  # fmt: skip
    first, second = (h.members.order_by("id").first() for h in Household.objects.filter(village_id=village)[:2])
    return village, first, second


@pytest.mark.django_db
def test_an_operator_records_people_of_their_village_only(client, two_in_one_village, django_user_model):
    village, first, _second = two_in_one_village
    client.force_login(operator_of(django_user_model, village, "operator"))

    answer = client.post("/aid/affected/new/", entry(first))
    outsider = Resident.objects.exclude(village_id=village).first()
    refused = client.post("/aid/affected/new/", entry(outsider))

    assert answer.status_code == 302
    saved = AffectedResident.objects.get()
    assert (saved.resident, saved.sector, saved.income_lost) == (first, "tourism", 2_500_000)
    assert refused.status_code == 422 and not AffectedResident.objects.filter(resident=outsider).exists()
    bad = client.post("/aid/affected/new/", entry(first, since="31-02-2020", income_lost="banyak"))
    assert bad.status_code == 422 and {"since", "income_lost"} <= set(bad.context["form"].errors)
    # "2,500,000.00" is refused, not read as 250 million; the Indonesian "2.500.000,00" is 2.5 million.
    assert client.post("/aid/affected/new/", entry(first, income_lost="2,500,000.00")).status_code == 422
    client.post("/aid/affected/new/", entry(first, income_lost="Rp 2.500.000,00"))
    assert AffectedResident.objects.get().income_lost == 2_500_000
    # Another village's resident and an unknown NIK get the same answer: the form tells nobody who is registered.
    elsewhere = client.post("/api/v1/aid/affected", entry(outsider), content_type="application/json")
    unknown = client.post("/api/v1/aid/affected", entry(outsider, nik="3510011708859999"),
                          content_type="application/json")  # fmt: skip
    assert elsewhere.status_code == unknown.status_code == 404 and elsewhere.json() == unknown.json()


@pytest.mark.django_db
def test_the_ranking_shows_each_score_with_the_reasons_that_make_it(
    client, two_in_one_village, programs, agency, django_user_model
):
    village, first, second = two_in_one_village
    client.force_login(agency)
    upload_list(client, programs["PKH"], [listed(second)])
    client.post("/aid/affected/new/", entry(first))
    client.post("/aid/affected/new/", entry(second, impact="hours_cut", sector="trade", income_lost="500000"))

    page = client.get(f"/aid/affected/?village={village}")

    ranked = page.context["page"].object_list
    assert [r.person.resident for r in ranked] == [first, second]
    top = ranked[0]
    reasons = {code: points for code, _factor, _value, points in top.reasons}
    assert reasons["laid_off"] == 30 and reasons["income_lost"] == 12.5 and reasons["no_aid"] == 25
    assert "no_aid" not in {code for code, *_rest in ranked[1].reasons}
    assert all(r.score == pytest.approx(sum(reason[-1] for reason in r.reasons)) for r in ranked)
    assert "Hotel Ketapang Indah" in page.content.decode()


@pytest.mark.django_db
def test_the_agency_sets_the_weights_and_the_ranking_follows(client, two_in_one_village, agency, django_user_model):
    village, first, second = two_in_one_village
    client.force_login(agency)
    client.post("/aid/affected/new/", entry(first, impact="laid_off"))
    client.post("/aid/affected/new/", entry(second, impact="furloughed"))
    weights = {"laid_off": "-20", "no_income": "20", "income_lost": "5", "months": "2", "no_aid": "25",
               "dependants": "4", "tourism": "10", "female_head": "10"}  # fmt: skip

    assert client.post("/aid/priorities/", weights).status_code == 302
    ranked = client.get("/aid/affected/").context["page"].object_list
    assert [r.person.resident for r in ranked][:2] == [second, first]
    assert AuditEntry.objects.filter(object_type="aid_priority", action="update").exists()

    client.force_login(operator_of(django_user_model, village, "operator"))
    assert client.post("/aid/priorities/", weights | {"laid_off": "100"}).status_code == 403
    assert client.get("/aid/priorities/").status_code == 200


@pytest.mark.django_db
def test_an_agency_list_is_imported_row_by_row_and_a_second_import_updates(client, register, agency):
    people = list(Resident.objects.filter(status="living").order_by("id")[:3])
    rows = [
        {"NIK": people[0].nik, "NAMA": people[0].name, "SEKTOR": "Pariwisata", "DAMPAK": "PHK", "SEJAK": "01-04-2020",
         "PENGHASILAN_HILANG": "Rp 3.000.000", "TEMPAT_KERJA": "Pulau Merah Resort"},
        {"NIK": people[1].nik, "NAMA": people[1].name, "SEKTOR": "", "DAMPAK": "", "SEJAK": "",
         "PENGHASILAN_HILANG": "", "TEMPAT_KERJA": ""},
        {"NIK": "3510011708859999", "NAMA": "ORANG LAIN", "SEKTOR": "hotel", "DAMPAK": "dirumahkan",
         "SEJAK": "01-04-2020", "PENGHASILAN_HILANG": "", "TEMPAT_KERJA": ""},
        {"NIK": people[2].nik, "NAMA": "NAMA YANG SAMA SEKALI LAIN", "SEKTOR": "hotel", "DAMPAK": "PHK",
         "SEJAK": "01-04-2020", "PENGHASILAN_HILANG": "", "TEMPAT_KERJA": ""},
    ]  # fmt: skip
    client.force_login(agency)

    defaults = {"sector": "tourism", "impact": "furloughed", "since": "01-05-2020"}
    answer = client.post("/aid/affected/import/", {"file": list_file(rows, "dinas-pariwisata.csv"), **defaults})

    result = answer.context["result"]
    assert (result["created"], result["updated"]) == (2, 0)
    assert [number for number, _text in result["errors"]] == [4, 5]
    first = AffectedResident.objects.get(resident=people[0])
    assert (first.sector, first.impact, first.income_lost, first.source) == ("tourism", "laid_off", 3_000_000, "import")
    second = AffectedResident.objects.get(resident=people[1])
    assert (second.impact, second.since) == ("furloughed", dt.date(2020, 5, 1))
    again = client.post("/aid/affected/import/", {"file": list_file(rows[:1], "dinas-pariwisata.csv")})
    assert (again.context["result"]["created"], again.context["result"]["updated"]) == (0, 1)
    no_nik = client.post("/aid/affected/import/", {"file": list_file([{"NAMA": "X"}], "x.csv")})
    assert no_nik.status_code == 422 and "NIK" in no_nik.content.decode()


@pytest.mark.django_db
def test_the_ranking_of_one_village_is_exported_with_its_reasons(client, two_in_one_village, agency):
    village, first, _second = two_in_one_village
    elsewhere = Resident.objects.exclude(village_id=village).filter(status="living").first()
    client.force_login(agency)
    client.post("/aid/affected/new/", entry(first))
    client.post("/aid/affected/new/", entry(elsewhere))

    answer = client.get(f"/aid/affected/priority.csv?village={village}")

    lines = list(csv.reader(io.StringIO(b"".join(answer.streaming_content).decode())))
    assert lines[0][:4] == ["rank", "score", "nik", "name"]
    assert [line[2] for line in lines[1:]] == [first.nik]
    assert "= 30;" in lines[1][-1] and "Rp2.500.000 = 12.5;" in lines[1][-1]
    assert client.get(f"/aid/affected/priority.xlsx?village={village}").status_code == 200
    assert AuditEntry.objects.filter(object_type="aid_affected", action="export").count() == 2


@pytest.mark.django_db
def test_someone_working_again_leaves_the_ranking(client, two_in_one_village, django_user_model):
    village, first, _second = two_in_one_village
    client.force_login(operator_of(django_user_model, village, "operator"))
    client.post("/aid/affected/new/", entry(first))
    saved = AffectedResident.objects.get()

    client.post(f"/aid/affected/{saved.pk}/end/", {"reason": "Bekerja lagi sejak Juli"})

    saved.refresh_from_db()
    assert not saved.active and not client.get("/aid/affected/").context["page"].object_list
    assert family()  # the register itself is untouched


@pytest.mark.django_db
def test_children_and_elderly_are_counted_to_the_day(client, two_in_one_village, agency):
    from smartkampung.aid.priority import rank
    from smartkampung.population.tests.factories import make_resident

    _village, first, _second = two_in_one_village
    client.force_login(agency)
    client.post("/aid/affected/new/", entry(first))
    kk = first.household.kk_number
    Resident.objects.filter(household=first.household).exclude(pk=first.pk).delete()
    Resident.objects.filter(pk=first.pk).update(birth_date=dt.date(1990, 1, 1))
    for nik, born in (("3510013003060001", "2006-03-30"), ("3510010104060002", "2006-04-01"),
                      ("3510010104640004", "1964-04-01")):  # fmt: skip
        make_resident(nik=nik, kk_number=kk, birth_date=born)

    [ranked] = rank(list(AffectedResident.objects.select_related("resident")), today=dt.date(2024, 3, 31))

    # On 31 March 2024 the one born 30-03-2006 is 18 (no longer a child), the one born 01-04-2006 is 17 (a child)
    # and the one born 01-04-1964 is 59 (not yet elderly).
    dependants = {code: value for code, _label, value, _points in ranked.reasons}["dependants"]
    assert dependants == "1"
