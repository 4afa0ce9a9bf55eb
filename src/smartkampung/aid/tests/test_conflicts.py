"""Conflicts between lists: raised once as a live alarm in the village, resolved with a reason, the
resolution kept when a list comes again."""

import pytest

from smartkampung.accounts.models import Role
from smartkampung.accounts.tests.factories import give_role
from smartkampung.aid.models import Conflict, Recipient
from smartkampung.aid.tests.fixtures import family, listed, operator_of, upload_list
from smartkampung.notifications.models import Notification
from smartkampung.notifications.services import dispatch_batch
from smartkampung.population.models import Resident, ResidentStatus


@pytest.mark.django_db
def test_a_household_split_over_excluding_programs_alarms_its_village_and_stays_resolved(
    client, register, programs, agency, django_user_model
):
    head, spouse = family()[:2]
    client.force_login(agency)
    upload_list(client, programs["PKH"], [listed(head)])
    upload_list(client, programs["BLT-DD"], [listed(spouse)])
    conflict = Conflict.objects.get()
    assert conflict.kind == "household" and conflict.village_id == head.village_id and conflict.status == "open"
    alarm = Notification.objects.get(kind="aid_conflict")
    assert alarm.village_id == head.village_id and alarm.summary["conflicts"] == 1

    operator = operator_of(django_user_model, head.village_id, "operator.desa")
    client.force_login(operator)
    # On the village's notifications it stands out as an alarm (red), not as one more arrival.
    dispatch_batch()
    card = client.get("/notifications/").content.decode().split(f'id="notification-{alarm.pk}"')[1].split("</li>")[0]
    classes = card.split(">")[0]
    assert "nt-alarm" in classes and "nt-open" in classes and 'href="/aid/conflicts/' in card
    # Its Puskesmas is told too, but may not open aid records: no link that would answer 403.
    nurse = django_user_model.objects.create_user("perawat.desa")
    give_role(nurse, Role.PUSKESMAS_STAFF, village=head.village_id)
    client.force_login(nurse)
    told = client.get("/notifications/").content.decode().split(f'id="notification-{alarm.pk}"')[1].split("</li>")[0]
    assert "/aid/conflicts/" not in told
    client.force_login(operator)
    assert spouse.name in client.get("/aid/conflicts/").content.decode()
    refused = client.post(f"/aid/conflicts/{conflict.pk}/resolve/", {"choice": "keep_first", "reason": ""})
    assert refused.status_code == 422 and 'class="errorbox"' in refused.content.decode()
    assert Conflict.objects.get().status == "open"
    done = client.post(
        f"/aid/conflicts/{conflict.pk}/resolve/",
        {"choice": "keep_first", "reason": "PKH sudah menanggung keluarga"},
    )
    assert done.status_code == 302 and done["Location"] == f"/aid/conflicts/?status=open&village={head.village_id}"
    conflict.refresh_from_db()
    assert conflict.status == "resolved" and conflict.resolved_by == operator
    assert Recipient.objects.get(program__code="BLT-DD").withdrawn

    client.force_login(agency)
    upload_list(client, programs["BLT-DD"], [listed(spouse)])  # the village sends its list again
    assert Conflict.objects.get().status == "resolved"
    assert Recipient.objects.get(program__code="BLT-DD", source__current=True).withdrawn
    assert Notification.objects.filter(kind="aid_conflict").count() == 1


@pytest.mark.django_db
def test_pkh_with_bpnt_is_allowed_but_twice_in_one_program_is_not(client, register, programs, agency):
    head = family()[0]
    client.force_login(agency)
    upload_list(client, programs["PKH"], [listed(head)])
    upload_list(client, programs["BPNT"], [listed(head), listed(head, NIK="", NAMA_PENERIMA=head.name.lower())])
    assert list(Conflict.objects.values_list("kind", flat=True)) == ["duplicate"]


@pytest.mark.django_db
def test_a_deceased_recipient_is_a_conflict_and_a_gone_one_closes_itself(client, register, programs, agency):
    person = family()[0]
    Resident.objects.filter(pk=person.pk).update(status=ResidentStatus.DECEASED)
    other = Resident.objects.exclude(household=person.household).order_by("id").first()
    client.force_login(agency)
    upload_list(client, programs["BST"], [listed(person), listed(other)])
    assert Conflict.objects.get().kind == "deceased"
    upload_list(client, programs["BST"], [listed(other)])  # the corrected list
    assert Conflict.objects.get().status == "gone"


@pytest.mark.django_db
def test_who_sees_and_resolves_which_conflicts(client, register, programs, agency, django_user_model):
    head, spouse = family()[:2]
    client.force_login(agency)
    upload_list(client, programs["PKH"], [listed(head)])
    upload_list(client, programs["BLT-DD"], [listed(spouse)])
    conflict = Conflict.objects.get()
    elsewhere = "3510151002" if head.village_id != "3510151002" else "3510012001"
    pillar = operator_of(django_user_model, head.village_id, "babinsa", role=Role.VILLAGE_OVERSIGHT)
    camat = django_user_model.objects.create_user("camat")
    from smartkampung.accounts.tests.factories import give_role

    give_role(camat, Role.DISTRICT_STAFF, district=head.village_id[:6])
    stranger = operator_of(django_user_model, elsewhere, "operator.lain")
    for user, sees in ((pillar, True), (camat, True), (stranger, False)):
        client.force_login(user)
        assert (spouse.name in client.get("/aid/conflicts/").content.decode()) is sees
        answer = client.post(f"/aid/conflicts/{conflict.pk}/resolve/", {"resolution": "keep_first", "reason": "alasan"})
        assert answer.status_code == (403 if sees else 404)
    assert Conflict.objects.get().status == "open"
