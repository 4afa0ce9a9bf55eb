"""The staff aid API: the same lists, decisions, conflicts, reports and ranking as the pages, as JSON."""

import pytest

from smartkampung.aid.models import Conflict, RecipientList
from smartkampung.aid.services import run_list_import
from smartkampung.aid.tests.fixtures import family, list_file, listed, operator_of, upload_list


def post_json(client, url: str, body: dict):
    return client.post(url, body, content_type="application/json")


def _upload(client, program: str, rows, period: str = "2020-05"):
    answer = client.post("/api/v1/aid/lists", {"program": program, "period": period, "file": list_file(rows)})
    for pk in RecipientList.objects.filter(status="queued").values_list("pk", flat=True):
        run_list_import(list_id=pk)
    return answer


@pytest.mark.django_db
def test_the_agency_uploads_a_list_and_reads_its_rows_with_reasons(client, register, programs, agency):
    head, spouse = family()[:2]
    client.force_login(agency)

    answer = _upload(client, "PKH", [listed(head), listed(spouse, NIK="", NAMA_PENERIMA=spouse.name.lower())])

    assert answer.status_code == 202
    job = client.get(f"/api/v1/aid/lists/{answer.json()['id']}").json()
    assert job["status"] == "done" and job["current"] and job["counts"]["exact"] == 1
    rows = client.get(f"/api/v1/aid/lists/{job['id']}/rows").json()
    assert [r["match_status"] for r in rows] == ["exact", "probable"]
    assert rows[1]["matched_nik"] == spouse.nik and rows[1]["explanation"]
    assert client.get(f"/api/v1/aid/lists/{job['id']}/rows?offset=100000000000000000000").json() == []
    refused = client.post("/api/v1/aid/lists", {"program": "NOPE", "period": "2020-05", "file": list_file([])})
    assert refused.status_code == 422 and refused.json()["errors"][0]["field"] == "program"


@pytest.mark.django_db
def test_a_village_resolves_its_conflict_through_the_api(client, register, programs, agency, django_user_model):
    head = family()[0]
    client.force_login(agency)
    upload_list(client, programs["PKH"], [listed(head)])
    upload_list(client, programs["BLT-DD"], [listed(head)])
    client.force_login(operator_of(django_user_model, head.village_id, "operator"))

    [conflict] = client.get("/api/v1/aid/conflicts").json()
    assert conflict["resident_nik"] == head.nik and "keep_first" in conflict["resolutions"]
    bad = client.post(f"/api/v1/aid/conflicts/{conflict['id']}/resolve", {"resolution": "keep_first", "reason": ""},
                      content_type="application/json")  # fmt: skip
    url = f"/api/v1/aid/conflicts/{conflict['id']}/resolve"
    done = post_json(client, url, {"resolution": "keep_first", "reason": "PKH lebih tepat"})

    assert bad.status_code == 422 and done.status_code == 200 and done.json()["status"] == "resolved"
    assert Conflict.objects.get().resolution == "keep_first"


@pytest.mark.django_db
def test_reports_and_the_ranking_through_the_api(client, register, programs, django_user_model):
    head = family()[0]
    client.post("/api/v1/public/aid/reports", {"nik": head.nik, "kk_number": head.household.kk_number,
                "phone": "081234567890", "situation": "lost_job"}, content_type="application/json")  # fmt: skip
    client.force_login(operator_of(django_user_model, head.village_id, "operator"))

    [report] = client.get("/api/v1/aid/reports").json()
    assert report["nik"] == head.nik and report["obstacles"] == []
    url = f"/api/v1/aid/reports/{report['id']}/decision"
    decided = post_json(client, url, {"decision": "approve", "reason": "Sudah ditelepon, benar"})
    assert decided.status_code == 200 and decided.json()["program"] == "BANSOS-BWI"
    again = post_json(client, url, {"decision": "reject", "reason": "twice"})
    assert again.status_code == 409

    [ranked] = client.get("/api/v1/aid/affected").json()  # the approved report of a lost job
    assert ranked["nik"] == head.nik and {r["factor"] for r in ranked["reasons"]} >= {"laid_off"}
    added = client.post("/api/v1/aid/affected", {"nik": head.nik, "sector": "tourism", "impact": "laid_off",
                        "since": "2020-04-01", "income_lost": 2000000}, content_type="application/json")  # fmt: skip
    assert added.status_code == 201 and added.json()["score"] > ranked["score"]
