"""Settling a conflict says what it does: which row of a person listed twice goes (never the one whose NIK the
register confirms, unless the operator says so), which program keeps a recipient, and "keep both" only where there
are two listings to keep. A choice not offered, or a row of another conflict, is refused in words and nothing is
written. The alarm is red, names whom (masked) and links to the conflict."""

import json
import re

import pytest
from django.db.models import Count

from smartkampung.accounts.models import Role
from smartkampung.aid import selectors
from smartkampung.aid.models import Conflict, Recipient
from smartkampung.aid.tests.fixtures import (
    family,
    listed,
    make_double_listing,
    operator_of,
    resolve_double_listing,
    upload_list,
)
from smartkampung.audit.models import AuditEntry
from smartkampung.notifications import kinds
from smartkampung.notifications.models import Notification
from smartkampung.notifications.services import dispatch_batch
from smartkampung.population.models import Resident, ResidentStatus
from smartkampung.population.normalize import mask_name

EN = {"HTTP_ACCEPT_LANGUAGE": "en"}
HOME = "3510012001"  # Sarongan
ELSEWHERE = "3510151002"  # Bakungan
KEEP_BOTH = {"choice": "keep_both", "reason": "bukan orang yang sama"}


def buttons(html: str, conflict: Conflict) -> list[dict[str, str]]:
    """The conflict's resolve buttons, in page order, as their attributes (and text)."""
    card = html[html.index(f'id="conflict-{conflict.pk}"') :]
    card = card[: card.index("</article>")]
    found = []
    for attrs, text in re.findall(r"<button ([^>]*)>(.*?)</button>", card, flags=re.S):
        found.append(dict(re.findall(r'([\w-]+)="([^"]*)"', attrs)) | {"text": re.sub(r"<[^>]+>", "", text)})
    return found


def audited(conflict: Conflict) -> int:
    return AuditEntry.objects.filter(object_type="aid_conflict", action="update", subject=conflict.key).count()


@pytest.fixture
def operator(regions, django_user_model):
    return operator_of(django_user_model, HOME, "operator.sarongan")


# ---------------------------------------------------------------- listed twice in one program


@pytest.mark.django_db
@pytest.mark.parametrize("order", ["valid_nik_first", "valid_nik_second"])
def test_listed_twice_names_both_rows_and_recommends_withdrawing_the_one_without_the_valid_nik(
    client, register, programs, agency, django_user_model, order
):
    head = family()[0]
    valid, without = listed(head), listed(head, NIK="", NAMA_PENERIMA=head.name.lower())
    client.force_login(agency)
    upload_list(client, programs["BPNT"], [valid, without] if order == "valid_nik_first" else [without, valid])
    conflict = Conflict.objects.get()
    good = Recipient.objects.get(nik=head.nik)
    bad = Recipient.objects.get(nik="")

    client.force_login(operator_of(django_user_model, head.village_id, "operator.desa"))
    page = client.get(f"/aid/conflicts/{conflict.pk}/", **EN)
    html = page.content.decode()
    assert page.status_code == 200
    assert f'id="listed-{good.pk}"' in html and f'id="listed-{bad.pk}"' in html  # both rows, side by side
    offered = buttons(html, conflict)
    assert [(b["data-resolution"], b.get("data-row")) for b in offered] == [
        ("withdraw", str(bad.pk)), ("withdraw", str(good.pk)), ("keep_both", None),
    ]  # fmt: skip
    recommended = offered[0]
    assert "primary" in recommended["class"] and "recommended" in recommended["text"]
    assert f"Withdraw row {bad.row_number} (" in recommended["text"] and "no NIK" in recommended["text"]
    assert f"keep row {good.row_number}" in recommended["text"]

    done = client.post(f"/aid/conflicts/{conflict.pk}/resolve/", {"choice": recommended["value"], "reason": "ganda"})
    assert done.status_code == 302
    assert Recipient.objects.get(pk=bad.pk).withdrawn and not Recipient.objects.get(pk=good.pk).withdrawn
    conflict.refresh_from_db()
    assert conflict.resolution == "withdraw" and conflict.given_up == bad.fingerprint
    [entry] = AuditEntry.objects.filter(object_type="aid_conflict", action="update")
    assert entry.detail["withdrawn"] == [bad.pk] and entry.detail["withdrawn_rows"][0]["row"] == bad.row_number
    resolved = client.get(f"/aid/conflicts/{conflict.pk}/", **EN).content.decode()
    assert f"Row {bad.row_number} withdrawn" in resolved


@pytest.mark.django_db
def test_the_operator_may_withdraw_either_row_and_the_decision_follows_the_row_when_the_list_comes_reordered(
    client, register, programs, agency, django_user_model
):
    head = family()[0]
    valid, without = listed(head), listed(head, NIK="", NAMA_PENERIMA=head.name.lower())
    client.force_login(agency)
    upload_list(client, programs["BPNT"], [valid, without])
    conflict = Conflict.objects.get()
    good = Recipient.objects.get(nik=head.nik)

    client.force_login(operator_of(django_user_model, head.village_id, "operator.desa"))
    done = client.post(  # the operator knows better: the row with the NIK is the one that goes
        f"/aid/conflicts/{conflict.pk}/resolve/", {"choice": f"withdraw-{good.pk}", "reason": "NIK dipakai salah"}
    )
    assert done.status_code == 302
    assert list(Recipient.objects.filter(withdrawn=True).values_list("pk", flat=True)) == [good.pk]

    client.force_login(agency)
    upload_list(client, programs["BPNT"], [without, valid])  # the same list again, rows the other way round
    current = Recipient.objects.filter(source__current=True, program__code="BPNT")
    assert Conflict.objects.get().status == "resolved"
    assert {r.nik: r.withdrawn for r in current} == {head.nik: True, "": False}

    # A list whose rows no longer say what the withdrawn row said: the decision is asked again (a new alarm).
    upload_list(client, programs["BPNT"], [without, listed(head, NO_KK="")])
    conflict.refresh_from_db()
    assert conflict.status == "open" and conflict.resolution == "" and conflict.resolved_by is None
    assert Notification.objects.filter(kind="aid_conflict").count() == 2
    assert not Recipient.objects.filter(source__current=True, program__code="BPNT", withdrawn=True).exists()


# ---------------------------------------------------------------- two programs


@pytest.mark.django_db
@pytest.mark.parametrize("keep", ["keep_first", "keep_second"])
def test_cross_program_choices_name_the_programs_and_withdraw_the_other_programs_row(
    client, register, programs, agency, django_user_model, keep
):
    head = family()[0]
    client.force_login(agency)
    upload_list(client, programs["PKH"], [listed(head)])
    upload_list(client, programs["BST"], [listed(head)])
    conflict = Conflict.objects.select_related("first_program", "second_program").get()
    assert conflict.kind == "exclusive"
    one, other = conflict.first_program.code, conflict.second_program.code

    client.force_login(operator_of(django_user_model, head.village_id, "operator.desa"))
    html = client.get("/aid/conflicts/", **EN).content.decode()
    offered = {b["data-resolution"]: b["text"].strip() for b in buttons(html, conflict)}
    assert offered == {
        "keep_first": f"Keep in {one}, withdraw from {other}",
        "keep_second": f"Keep in {other}, withdraw from {one}",
        "keep_both": f"Not a conflict: keep in {one} and in {other}",
    }
    assert "first program" not in html and "second program" not in html

    [listed_by_api] = client.get("/api/v1/aid/conflicts", **EN).json()
    assert listed_by_api["village_name"] == conflict.village.name and listed_by_api["first_row_id"] == conflict.first_id
    assert [(c["resolution"], c["label"]) for c in listed_by_api["choices"]][:2] == [
        ("keep_first", f"Keep in {one}, withdraw from {other}"),
        ("keep_second", f"Keep in {other}, withdraw from {one}"),
    ]
    answer = client.post(
        f"/api/v1/aid/conflicts/{conflict.pk}/resolve", {"resolution": keep, "reason": "satu program saja"},
        content_type="application/json", **EN,
    )  # fmt: skip
    assert answer.status_code == 200
    kept, gone = (one, other) if keep == "keep_first" else (other, one)
    assert answer.json()["decision"] == f"Kept in {kept}, withdrawn from {gone}"
    assert {r.program.code: r.withdrawn for r in Recipient.objects.select_related("program")} == {
        kept: False, gone: True,
    }  # fmt: skip


@pytest.mark.django_db
def test_a_household_conflict_names_both_people(client, register, programs, agency, django_user_model):
    head, spouse = family()[:2]
    client.force_login(agency)
    upload_list(client, programs["PKH"], [listed(head)])
    upload_list(client, programs["BLT-DD"], [listed(spouse)])
    conflict = Conflict.objects.get()
    first, second = conflict.first, conflict.second

    client.force_login(operator_of(django_user_model, head.village_id, "operator.desa"))
    [keep_first] = [b for b in buttons(client.get("/aid/conflicts/", **EN).content.decode(), conflict)
                    if b["data-resolution"] == "keep_first"]  # fmt: skip
    assert keep_first["text"].strip() == (
        f"Keep {first.name} in {first.program.code}, withdraw {second.name} from {second.program.code}"
    )


# ---------------------------------------------------------------- one listing: died or moved


@pytest.mark.django_db
@pytest.mark.parametrize("status", [ResidentStatus.DECEASED, ResidentStatus.MOVED])
def test_who_died_or_moved_is_withdrawn_or_kept_but_never_kept_twice(
    client, register, programs, agency, django_user_model, status
):
    person = family()[0]
    Resident.objects.filter(pk=person.pk).update(status=status)
    client.force_login(agency)
    upload_list(client, programs["BST"], [listed(person)])
    conflict = Conflict.objects.get()
    row = Recipient.objects.get()

    client.force_login(operator_of(django_user_model, person.village_id, "operator.desa"))
    html = client.get(f"/aid/conflicts/{conflict.pk}/", **EN).content.decode()
    offered = buttons(html, conflict)
    assert [b["data-resolution"] for b in offered] == ["withdraw", "keep_listed"]
    assert offered[0]["text"].startswith(f"Withdraw from BST (row {row.row_number})")

    refused = client.post(f"/aid/conflicts/{conflict.pk}/resolve/", {"choice": "keep_both", "reason": "tetap"}, **EN)
    assert refused.status_code == 422 and "not a way to settle this conflict" in refused.content.decode()
    assert Conflict.objects.get().status == "open" and not Recipient.objects.get().withdrawn and not audited(conflict)

    done = client.post(f"/aid/conflicts/{conflict.pk}/resolve/", {"choice": "withdraw", "reason": "meninggal"})
    assert done.status_code == 302
    assert Recipient.objects.get().withdrawn and Conflict.objects.get().resolution == "withdraw"


# ---------------------------------------------------------------- wrong choices


@pytest.mark.django_db
def test_wrong_choices_are_refused_in_words_and_nothing_is_written(client, regions, operator):
    conflict, other = make_double_listing(HOME), make_double_listing(HOME)
    client.force_login(operator)
    page = f"/aid/conflicts/{conflict.pk}/resolve/"
    api = f"/api/v1/aid/conflicts/{conflict.pk}/resolve"
    attempts = [
        (page, {"choice": f"withdraw-{other.first_id}", "reason": "baris lain"}, "not one of this conflict"),
        (page, {"choice": "withdraw", "reason": "tanpa baris"}, "Say which row is withdrawn"),
        (page, {"choice": "keep_first", "reason": "tidak ditawarkan"}, "not a way to settle this conflict"),
        (page, {"choice": "withdraw-abc", "reason": "bukan angka"}, "Choose one of the buttons"),
        (page, {"resolution": "withdraw", "row": "x", "reason": "bukan angka"}, "whole number"),
        (page, {"choice": f"withdraw-{conflict.second_id}", "reason": ""}, "Give the reason"),
        (page, {"choice": "", "reason": "tanpa pilihan"}, "Choose what happens"),
        (api, {"resolution": "withdraw", "row": other.second_id, "reason": "baris lain"}, "not one of this conflict"),
        (api, {"resolution": "withdraw", "reason": "tanpa baris"}, "Say which row is withdrawn"),
        (api, {"resolution": "keep_listed", "reason": "tidak ditawarkan"}, "not a way to settle"),
        (api, {"resolution": "withdraw", "row": "satu", "reason": "bukan angka"}, ""),
    ]
    for url, body, words in attempts:
        if url == api:
            answer = client.post(url, json.dumps(body), content_type="application/json", **EN)
        else:
            answer = client.post(url, body, **EN)
        assert answer.status_code in (400, 422), (body, answer.status_code)
        assert words in answer.content.decode(), (body, answer.content.decode()[:400])
    assert set(Conflict.objects.values_list("status", flat=True)) == {"open"}
    assert not Recipient.objects.filter(withdrawn=True).exists() and not audited(conflict) and not audited(other)

    resolve_double_listing(conflict)
    again = client.post(page, {"choice": f"withdraw-{conflict.second_id}", "reason": "sekali lagi"}, **EN)
    assert again.status_code == 409 and "no longer open" in again.content.decode()
    assert audited(conflict) == 1


@pytest.mark.django_db
def test_outsiders_cannot_see_or_resolve_and_readers_only_see(client, regions, django_user_model):
    conflict = make_double_listing(HOME)
    stranger = operator_of(django_user_model, ELSEWHERE, "operator.lain")
    pillar = operator_of(django_user_model, HOME, "babinsa", role=Role.VILLAGE_OVERSIGHT)
    client.force_login(stranger)
    assert client.get(f"/aid/conflicts/{conflict.pk}/").status_code == 404
    assert client.post(f"/aid/conflicts/{conflict.pk}/resolve/", KEEP_BOTH).status_code == 404
    client.force_login(pillar)
    html = client.get(f"/aid/conflicts/{conflict.pk}/").content.decode()
    assert conflict.resident.name in html and "data-resolution" not in html
    assert client.post(f"/aid/conflicts/{conflict.pk}/resolve/", KEEP_BOTH).status_code == 403
    assert Conflict.objects.get().status == "open"


# ---------------------------------------------------------------- the alarm


@pytest.mark.django_db
def test_the_alarm_is_red_names_whom_masked_and_links_to_the_conflict(client, regions, operator):
    assert kinds.get("aid_conflict").alarm
    conflict = make_double_listing(HOME)
    name = conflict.resident.name
    alarm = Notification.objects.get(kind="aid_conflict")
    assert alarm.village_id == HOME and alarm.summary["conflicts"] == 1 and alarm.summary["outcome"] == "duplicate"
    assert alarm.summary["who"] == f"{mask_name(name)} (PKH ×2)" and name not in json.dumps(alarm.summary)
    assert alarm.summary["url"] == f"/aid/conflicts/{conflict.pk}/"

    dispatch_batch()
    client.force_login(operator)
    html = client.get("/notifications/", **EN).content.decode()
    item = html[html.index(f'id="notification-{alarm.pk}"') :]
    item = item[: item.index("</li>")]
    assert 'class="tag bad"' in item and mask_name(name) in item and "listed twice in one program" in item
    assert f'href="/aid/conflicts/{conflict.pk}/"' in item


@pytest.mark.django_db
def test_several_conflicts_at_once_make_one_alarm_per_village_linking_to_its_open_conflicts(
    client, register, programs, agency
):
    village = Resident.objects.values("village_id").annotate(n=Count("id")).order_by("-n")[0]["village_id"]
    people = list(Resident.objects.filter(village_id=village).order_by("id")[:5])
    client.force_login(agency)
    upload_list(client, programs["PKH"], [row for p in people for row in (listed(p), listed(p))])
    alarm = Notification.objects.get(kind="aid_conflict")
    assert alarm.summary["conflicts"] == len(people) == 5
    assert alarm.summary["url"] == f"/aid/conflicts/?status=open&village={people[0].village_id}"
    assert alarm.summary["who"].count("(PKH ×2)") == 3 and alarm.summary["who"].endswith("; +2")


# ---------------------------------------------------------------- what the dashboard and the browser tests use


@pytest.mark.django_db
def test_the_factories_raise_and_clear_an_alarm(client, regions, operator, django_user_model):
    stranger = operator_of(django_user_model, ELSEWHERE, "operator.lain")
    assert selectors.open_conflict_count(operator) == 0
    conflict = make_double_listing(HOME)
    assert conflict.status == "open" and conflict.kind == "duplicate" and conflict.village_id == HOME
    assert Notification.objects.filter(kind="aid_conflict", village_id=HOME).exists()
    assert selectors.open_conflict_count(operator) == 1 and selectors.open_conflict_count(stranger) == 0
    assert (
        selectors.open_conflict_count(operator, HOME) == 1 and selectors.open_conflict_count(operator, ELSEWHERE) == 0
    )

    resolved = resolve_double_listing(conflict)
    assert resolved.status == "resolved" and selectors.open_conflict_count(operator) == 0
    assert (
        Recipient.objects.get(pk=conflict.second_id).withdrawn
        and not Recipient.objects.get(pk=conflict.first_id).withdrawn
    )
    assert selectors.conflicts_url(HOME) == f"/aid/conflicts/?status=open&village={HOME}"


# ---------------------------------------------------------------- the review queue


@pytest.mark.django_db
def test_the_review_queue_names_the_village_and_its_kecamatan(client, register, programs, agency):
    head = family()[0]
    client.force_login(agency)
    upload_list(client, programs["BPNT"], [listed(head, NIK="", NO_KK="", NAMA_PENERIMA="NAMA LAIN SEKALI")])
    row = Recipient.objects.select_related("village__district").get()
    assert row.status == "review" and row.village is not None
    html = client.get("/aid/review/", **EN).content.decode()
    card = html[html.index(f'id="row-{row.pk}"') :]
    card = card[: card.index("</article>")]
    assert row.village.name in card and f"Kec. {row.village.district.name}" in card
    assert row.village_id not in card
