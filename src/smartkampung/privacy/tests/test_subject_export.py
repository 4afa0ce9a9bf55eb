"""A data subject's request: the regency administrator exports everything held about one NIK, section by section,
as JSON and PDF; nothing of the person next door comes with it, and every look is in the audit log.

The world: Warsidi of Bakungan (SUBJECT) and Ratna, of the same household (NEIGHBOUR), each with records in every
module, made through the apps' own services and test helpers.
"""

import datetime as dt
import io
import json
import re
import tempfile
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model
from django.test import Client
from django.utils import timezone
from pyhanko.pdf_utils.reader import PdfFileReader

from smartkampung.accounts.models import Role
from smartkampung.accounts.services import assign_role, create_api_token
from smartkampung.aid.demo import seed_programs
from smartkampung.aid.models import Program
from smartkampung.aid.services import import_list_now, record_affected, submit_report
from smartkampung.audit.models import AuditEntry
from smartkampung.checkpoints import services as checkpoint_services
from smartkampung.checkpoints.models import Checkpoint
from smartkampung.checkpoints.services import seed_demo_checkpoints
from smartkampung.checkpoints.tests.fixtures import BAKUNGAN, SARONGAN, arrival
from smartkampung.conftest import built_once
from smartkampung.health.models import MonitoringCase
from smartkampung.health.services import record_follow_up
from smartkampung.health.tests.fixtures import open_case
from smartkampung.isolation.models import IsolationHouse
from smartkampung.isolation.services import reserve_bed
from smartkampung.letters.tests.officials import chain, office_request, sign_through
from smartkampung.letters.tests.officials import resident as letters_resident
from smartkampung.population.moves import request_move
from smartkampung.population.tests.factories import make_household, make_resident
from smartkampung.regions.selectors import puskesmas_serving

SUBJECT, SUBJECT_KK, SUBJECT_NAME = "3510151708850001", "3510150101100001", "WARSIDI"
NEIGHBOUR, NEIGHBOUR_NAME = "3510155505900002", "RATNA KUSUMAWATI"
NEIGHBOUR_SECRETS = (NEIGHBOUR, NEIGHBOUR_NAME, "085299998888")
AWAY_KK = "3510012002200002"
NOBODY = "3510156612990009"
REFERENCE = "474/15/429.501/2026"
SECTIONS = {
    "resident", "household", "moves", "arrivals", "preregistrations", "health_cases", "reservations",
    "aid_listings", "aid_reports", "aid_affected", "letter_requests", "notifications", "audit",
}  # fmt: skip


def build() -> dict:
    users = get_user_model()
    admin = users.objects.create_user("pemkab.admin")
    assign_role(user=admin, role=Role.REGENCY_ADMIN)
    # The register: one household of Bakungan, two people in it.
    letters_resident(nik=SUBJECT, kk=SUBJECT_KK)
    make_resident(
        nik=NEIGHBOUR, kk_number=SUBJECT_KK, name=NEIGHBOUR_NAME, birth_date="1990-05-15", sex="female",
        phone="085299998888",
    )  # fmt: skip
    # Sarongan's operator asks for Warsidi (pindah datang).
    make_household(kk_number=AWAY_KK, village_code=SARONGAN)
    away = users.objects.create_user("operator.sarongan")
    assign_role(user=away, role=Role.VILLAGE_OPERATOR, village_code=SARONGAN)
    request_move(user=away, nik=SUBJECT, to_kk_number=AWAY_KK, reason="Ikut keluarga")
    # Both come home through Ketapang, both announced their trip first.
    posts = {c.code: c for c in seed_demo_checkpoints()}
    tomorrow = (timezone.localdate() + dt.timedelta(days=1)).isoformat()
    for nik, name, phone in ((SUBJECT, SUBJECT_NAME, "081234567890"), (NEIGHBOUR, NEIGHBOUR_NAME, "085299998888")):
        checkpoint_services.preregister(
            values={
                "nik": nik, "name": name, "phone": phone, "destination_village": BAKUNGAN,
                "destination_address": "JL. KOPI 7", "expected_arrival": tomorrow,
            }
        )  # fmt: skip
        checkpoint_services.register_arrival(
            user=admin,
            checkpoint=posts["ketapang"],
            values=arrival(nik=nik, name=name, phone=phone, origin_regency="3509", destination_address="JL. KOPI 7"),
            repeat_confirmed=True,
        )
    # Both are monitored (the arrival may have opened the case already); the Puskesmas saw Warsidi today.
    for nik, name in ((SUBJECT, SUBJECT_NAME), (NEIGHBOUR, NEIGHBOUR_NAME)):
        if not MonitoringCase.objects.filter(nik=nik).exists():
            open_case(admin, nik=nik, name=name)
    record_follow_up(
        user=admin,
        case=MonitoringCase.objects.get(nik=SUBJECT),
        values={"day": timezone.localdate().isoformat(), "status": "well", "temperature": "36.4"},
    )
    # Both hold a bed in Bakungan's isolation house.
    house = IsolationHouse.objects.create(
        name="Rumah Isolasi Bakungan", village_id=BAKUNGAN, address="Balai Desa", latitude=-8.2, longitude=114.3,
        beds_any=4, puskesmas=puskesmas_serving(BAKUNGAN),
    )  # fmt: skip
    for nik in (SUBJECT, NEIGHBOUR):
        reserve_bed(
            house_id=house.pk,
            values={"nik": nik, "kk_number": SUBJECT_KK, "phone": "081234567890", "expected_arrival": tomorrow},
        )
    # Social aid: both on PKH, Warsidi reported "no aid", both recorded as hit by the pandemic.
    seed_programs()
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "pkh.csv"
        path.write_text(
            "NIK,NO_KK,NAMA,KODE_DESA\n"
            f"{SUBJECT},{SUBJECT_KK},{SUBJECT_NAME},{BAKUNGAN}\n{NEIGHBOUR},{SUBJECT_KK},{NEIGHBOUR_NAME},{BAKUNGAN}\n"
        )
        import_list_now(user=admin, program=Program.objects.get(code="PKH"), period="2020-05", path=path)
    submit_report(values={"nik": SUBJECT, "kk_number": SUBJECT_KK, "phone": "081234567890", "situation": "lost_job"})
    for nik in (SUBJECT, NEIGHBOUR):
        record_affected(user=admin, nik=nik, values={"sector": "tourism", "impact": "laid_off", "since": "01-04-2020"})
    # Letters: Warsidi's SKTM signed through the chain; Ratna's waits at the first step.
    people = chain(BAKUNGAN)
    signed = sign_through(office_request(people["village_operator"], nik=SUBJECT), people)
    office_request(people["village_operator"], nik=NEIGHBOUR)
    return {"admin": admin.pk, "letter_number": signed.number}


@pytest.fixture(scope="module")
def built_world(django_db_blocker):
    with built_once(django_db_blocker, build) as world:
        yield world


@pytest.fixture
def world(db, built_world):
    return built_world


@pytest.fixture
def staff(client, world):
    client.force_login(get_user_model().objects.get(pk=world["admin"]))
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"  # the words checked below are the English ones
    return client


def ask(client, nik: str, *, pdf: bool = False, reference: str | None = REFERENCE, **headers):
    """The API's export: POST with the NIK and the request's reference in the body (never in the address)."""
    body = {"nik": nik} if reference is None else {"nik": nik, "reference": reference}
    path = "/api/v1/subject-data/pdf" if pdf else "/api/v1/subject-data"
    return client.post(path, body, content_type="application/json", **headers)


def export_json(staff, nik: str = SUBJECT) -> dict:
    response = ask(staff, nik)
    assert response.status_code == 200, response.content[:300]
    return response.json()


def pdf_text(data: bytes) -> str:
    """The text shown on the PDF's pages, read with pyHanko (which also proves the file opens): the strings that
    the core-font text operators draw, one line each."""
    reader = PdfFileReader(io.BytesIO(data))
    lines = []
    for number in range(int(reader.root["/Pages"]["/Count"])):
        page, _path = reader.find_page_for_modification(number)
        contents = page.get_object()["/Contents"]
        streams = contents if isinstance(contents, list) else [contents]
        for stream in streams:
            raw = stream.get_object().data.decode("latin-1")
            lines += [unescaped(found) for found in re.findall(r"\((.*?)(?<!\\)\)\s*Tj", raw)]
    return "\n".join(lines)


def unescaped(text: str) -> str:
    return re.sub(r"\\([()\\])", r"\1", text)


def test_every_section_holds_the_subjects_records(staff):
    body = export_json(staff)
    sections = {section["code"]: section for section in body["sections"]}

    assert body["held"] and body["nik"] == SUBJECT and body["reference"] == REFERENCE
    empty = {code for code in SECTIONS if not sections[code]["count"]}
    assert not empty, empty
    assert sections["resident"]["records"][0]["name"] == SUBJECT_NAME
    assert sections["household"]["records"][0]["kk_number"] == SUBJECT_KK
    assert sections["moves"]["records"][0]["to_kk_number"] == AWAY_KK
    assert [a["nik"] for a in sections["arrivals"]["records"]] == [SUBJECT]
    assert sections["health_cases"]["records"][0]["follow_ups"][0]["status"] == "well"
    assert [r["nik"] for r in sections["reservations"]["records"]] == [SUBJECT]
    assert [row["program"]["code"] for row in sections["aid_listings"]["records"]] == ["PKH"]
    assert sections["aid_reports"]["records"][0]["situation"] == "lost_job"
    # The villages were told of the arrival and the bed, naming him: those summaries are held about him too.
    assert {n["summary"]["nik"] for n in sections["notifications"]["records"]} == {SUBJECT}
    assert {"arrival", "reservation"} <= {n["subject_type"] for n in sections["notifications"]["records"]}
    letter = sections["letter_requests"]["records"][0]
    assert letter["status"] == "signed" and letter["number"] and letter["attachments"] and letter["pdf_versions"]
    # The register's own history: when it was written, by which role, with its values; never a username.
    assert {entry["action"] for entry in sections["audit"]["records"]} >= {"create"}
    assert "username" not in json.dumps(sections["audit"]["records"])


def test_nothing_of_the_neighbour_in_the_same_household_comes_with_it(staff):
    as_json = json.dumps(export_json(staff))
    pdf = ask(staff, SUBJECT, pdf=True).content
    text = pdf_text(pdf)

    assert SUBJECT in as_json and SUBJECT in text
    for secret in NEIGHBOUR_SECRETS:
        assert secret not in as_json and secret not in text, secret


def test_the_pdf_opens_and_names_the_person_and_the_request(staff, world):
    response = ask(staff, SUBJECT, pdf=True)

    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    text = pdf_text(response.content)
    assert SUBJECT in text and SUBJECT_NAME in text and REFERENCE in text and world["letter_number"] in text


def test_each_export_is_audited_with_its_reference_sections_and_format(staff):
    export_json(staff)
    ask(staff, SUBJECT, pdf=True)

    entries = AuditEntry.objects.filter(object_type="subject_data", subject=SUBJECT).order_by("id")
    assert [(e.action, e.detail["format"]) for e in entries] == [("export", "json"), ("export", "pdf")]
    for entry in entries:
        assert entry.detail["reference"] == REFERENCE and entry.actor_username == "pemkab.admin"
        assert entry.detail["sections"]["resident"] == 1 and entry.detail["sections"]["aid_listings"] == 1


def test_the_page_shows_counts_and_downloads_both_files_audited(staff):
    page = staff.post("/privacy/subject/", {"nik": SUBJECT, "reference": REFERENCE})
    html = page.content.decode()
    assert page.status_code == 200
    assert 'data-section="arrivals" data-count="1"' in html and 'data-held="yes"' in html
    assert NEIGHBOUR not in html and NEIGHBOUR_NAME not in html

    as_json = staff.post("/privacy/subject/download/", {"nik": SUBJECT, "reference": REFERENCE, "format": "json"})
    as_pdf = staff.post("/privacy/subject/download/", {"nik": SUBJECT, "reference": REFERENCE, "format": "pdf"})
    assert json.loads(as_json.content)["nik"] == SUBJECT
    assert as_pdf["Content-Type"] == "application/pdf" and SUBJECT in pdf_text(as_pdf.content)

    entries = AuditEntry.objects.filter(object_type="subject_data", subject=SUBJECT).order_by("id")
    looks = [(e.action, e.detail["format"]) for e in entries]
    assert looks == [("view", "page"), ("export", "json"), ("export", "pdf")]
    # The earlier look at the page is itself in the record the export gives.
    audit = next(s for s in json.loads(as_json.content)["sections"] if s["code"] == "audit")
    assert any(entry["object_type"] == "subject_data" for entry in audit["records"])


def test_a_nik_nobody_holds_says_nothing_is_held_and_is_still_audited(staff):
    body = export_json(staff, NOBODY)

    assert body["held"] is False and body["summary"] == "Nothing is held about this NIK."
    assert all(section["count"] == 0 for section in body["sections"])
    assert AuditEntry.objects.filter(object_type="subject_data", subject=NOBODY, action="export").count() == 1


@pytest.mark.parametrize("nik", ["351015170885000", "35101517088500011", "3510-1517-0885-01", "ABCDEFGHIJKLMNOP"])
def test_a_nik_that_is_not_16_digits_is_refused_in_words(staff, nik):
    api = ask(staff, nik)
    page = staff.post("/privacy/subject/", {"nik": nik, "reference": REFERENCE})

    assert api.status_code == 422 and api.json()["detail"] == "A NIK has 16 digits."
    assert page.status_code == 422 and "A NIK has 16 digits." in page.content.decode()
    assert not AuditEntry.objects.filter(object_type="subject_data").exists()


def test_an_export_without_the_requests_reference_is_refused(staff):
    api = ask(staff, SUBJECT, reference=None)
    page = staff.post("/privacy/subject/", {"nik": SUBJECT, "reference": "  "})

    assert api.status_code == 422 and "reference" in api.json()["detail"]
    assert page.status_code == 422
    assert not AuditEntry.objects.filter(object_type="subject_data").exists()


def test_the_operator_of_the_subjects_own_village_may_not_export(client, world, django_user_model):
    operator = django_user_model.objects.create_user("operator.bakungan.2")
    assign_role(user=operator, role=Role.VILLAGE_OPERATOR, village_code=BAKUNGAN)
    client.force_login(operator)

    assert ask(client, SUBJECT).status_code == 404
    assert client.post("/privacy/subject/", {"nik": SUBJECT, "reference": REFERENCE}).status_code == 403
    assert "/privacy/subject/" not in client.get("/population/").content.decode()
    assert not AuditEntry.objects.filter(object_type="subject_data").exists()


@pytest.mark.parametrize("chosen", ["page", "", "xml"])
def test_the_download_gives_only_a_json_or_pdf_file_each_audited_as_an_export(staff, chosen):
    # "page" is what the overview is audited as (a look at the counts): a file of everything must never pass as one.
    response = staff.post("/privacy/subject/download/", {"nik": SUBJECT, "reference": REFERENCE, "format": chosen})

    assert response.status_code == 422 and "Content-Disposition" not in response
    assert "Choose JSON or PDF." in response.content.decode()
    assert not AuditEntry.objects.filter(object_type="subject_data").exists()


@pytest.mark.parametrize("role", [Role.CHECKPOINT_OFFICER, Role.HEALTH_AGENCY, Role.SOCIAL_AGENCY])
def test_an_api_token_of_anyone_but_the_regency_administrator_finds_nothing(client, world, django_user_model, role):
    officer = django_user_model.objects.create_user(f"token.{role}")
    post = Checkpoint.objects.order_by("pk").first().pk if role == Role.CHECKPOINT_OFFICER else None
    assign_role(user=officer, role=role, checkpoint_id=post)
    _token, key = create_api_token(user=officer, name="another system")
    headers = {"HTTP_AUTHORIZATION": f"Bearer {key}"}

    for pdf in (False, True):
        response = ask(client, SUBJECT, pdf=pdf, **headers)
        assert response.status_code == 404 and SUBJECT_NAME not in response.content.decode()
    assert not AuditEntry.objects.filter(object_type="subject_data").exists()


def test_a_post_signed_in_by_session_without_the_csrf_token_is_refused(world):
    # Another site cannot make the administrator's browser export someone's data (and write a made-up reference
    # into the audit log): the API's session callers must send the CSRF token, as the page's form does.
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(get_user_model().objects.get(pk=world["admin"]))

    assert ask(browser, SUBJECT).status_code == 403
    assert ask(browser, SUBJECT, pdf=True).status_code == 403
    assert not AuditEntry.objects.filter(object_type="subject_data").exists()
