"""A small register (the demo generator's people), the programs and rules of 2020, the people who work
with aid lists, and lists written as the ministries publish them."""

import csv
import io

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.db.models import Max

from smartkampung.accounts.models import Role
from smartkampung.accounts.tests.factories import give_role
from smartkampung.aid.conflicts import sync_conflicts
from smartkampung.aid.demo import seed_programs
from smartkampung.aid.importer import Row
from smartkampung.aid.models import Conflict, MatchStatus, Program, Recipient, RecipientList
from smartkampung.aid.services import resolve_conflict, run_list_import
from smartkampung.population.demo.generator import generate_households
from smartkampung.population.demo.writers import write_to_database
from smartkampung.population.models import Household, Resident, ResidentStatus
from smartkampung.population.tests.factories import make_household, make_resident


@pytest.fixture
def register(regions):
    """About 900 residents across the regency (deterministic)."""
    write_to_database(generate_households(residents=900, seed=11, regency_code="3510"))


@pytest.fixture
def programs(regions) -> dict[str, Program]:
    seed_programs()
    return {p.code: p for p in Program.objects.all()}


@pytest.fixture
def agency(regions, django_user_model):
    user = django_user_model.objects.create_user("dinsos")
    give_role(user, Role.SOCIAL_AGENCY)
    return user


def family(min_members: int = 2) -> list[Resident]:
    """The members of the first household with at least `min_members` people."""
    for household in Household.objects.order_by("id"):
        members = list(household.members.order_by("id"))
        if len(members) >= min_members:
            return members
    raise AssertionError("no household that large")


def operator_of(django_user_model, village: str, username: str, role: str = Role.VILLAGE_OPERATOR):
    user = django_user_model.objects.create_user(username)
    give_role(user, role, village=village)
    return user


def listed(person: Resident, **changes) -> dict[str, str]:
    row = {
        "NIK": person.nik,
        "NO_KK": person.household.kk_number,
        "NAMA_PENERIMA": person.name,
        "TGL_LAHIR": person.birth_date.strftime("%d-%m-%Y"),
        "ALAMAT": person.household.address,
        "KODE_DESA": person.village_id,
    }
    return row | changes


def list_file(rows: list[dict[str, str]], name: str = "daftar.csv") -> io.BytesIO:
    out = io.StringIO()
    header = list(rows[0]) if rows else ["NIK", "NAMA_PENERIMA"]
    writer = csv.DictWriter(out, fieldnames=header)
    writer.writeheader()
    writer.writerows(rows)
    upload = io.BytesIO(out.getvalue().encode())
    upload.name = name
    return upload


def upload_list(client, program: Program, rows: list[dict[str, str]], period: str = "2020-05", **extra):
    """Upload through the page, then do the queued work as the worker does (the worker itself, which commits
    and closes connections, runs in test_the_upload_runs_in_the_background_queue)."""
    response = client.post(
        "/aid/lists/new/", {"program": program.pk, "period": period, "file": list_file(rows), **extra}
    )
    for pk in RecipientList.objects.filter(status=RecipientList.Status.QUEUED).values_list("pk", flat=True):
        run_list_import(list_id=pk)
    return response


def run_queue() -> None:
    call_command("db_worker", "--batch", "--no-startup-delay", verbosity=0)


# ---------------------------------------------------------------- a conflict in one call (other apps', browser tests)


def _resident_to_list(village_code: str, program: Program) -> Resident:
    """A living resident of the village not yet on the program's current list (one is registered if none)."""
    listed = Recipient.objects.filter(program=program, source__current=True, resident__isnull=False)
    resident = (
        Resident.objects.filter(village_id=village_code, status=ResidentStatus.LIVING)
        .exclude(pk__in=listed.values("resident_id"))
        .select_related("household")
        .order_by("id")
        .first()
    )
    if resident is not None:
        return resident
    district = village_code[:6]
    serial = 9001
    while Resident.objects.filter(nik=f"{district}170885{serial}").exists():
        serial += 1
    kk_number = f"{district}010110{serial}"
    if not Household.objects.filter(kk_number=kk_number).exists():
        make_household(kk_number=kk_number, village_code=village_code)
    make_resident(nik=f"{district}170885{serial}", kk_number=kk_number, name=f"Budi Santoso {serial}")
    return Resident.objects.select_related("household").get(nik=f"{district}170885{serial}")


def make_double_listing(village_code: str, *, program_code: str = "PKH") -> Conflict:
    """An open "listed twice" conflict in the village, raised as the product raises it: a resident of the
    village on the program's current list twice (row A with the valid NIK, row B, after it, without NIK, found
    by the model), then the lists compared (`sync_conflicts`), which writes the aid alarm (notification
    `aid_conflict`). Needs only the regions; makes the programs and a resident when missing."""
    seed_programs()
    program = Program.objects.get(code=program_code)
    resident = _resident_to_list(village_code, program)
    source = RecipientList.objects.filter(program=program, origin=RecipientList.Origin.FILE, current=True).first()
    if source is None:
        source = RecipientList.objects.create(
            program=program, period="2020-05", original_name=f"{program_code}-test.csv",
            status=RecipientList.Status.DONE, current=True,
        )  # fmt: skip
    last = Recipient.objects.filter(source=source).aggregate(last=Max("row_number"))["last"] or 0
    household = resident.household
    for number, nik, name, status in (
        (last + 1, resident.nik, resident.name, MatchStatus.EXACT),
        (last + 2, "", resident.name.lower(), MatchStatus.PROBABLE),
    ):
        row = Row(number, nik=nik, kk_number=household.kk_number, name=name, birth_date=resident.birth_date,
                  address=household.address, village=village_code)  # fmt: skip
        Recipient.objects.create(
            source=source, program=program, row_number=number, nik=nik, kk_number=household.kk_number, name=name,
            birth_date=resident.birth_date, address=household.address, village_given=village_code,
            village_id=resident.village_id, status=status, resident=resident, household=household,
            probability=1.0 if status == MatchStatus.EXACT else 0.97, fingerprint=row.fingerprint(),
        )  # fmt: skip
    sync_conflicts(program=program.pk)
    return Conflict.objects.get(key=f"duplicate:{program.pk}:r{resident.pk}")


def resolve_double_listing(conflict: Conflict, *, user=None, keep: str = "first") -> Conflict:
    """Resolve a "listed twice" through the service as an operator does: the row `keep` ("first": the one with
    the valid NIK, as make_double_listing writes it; or "second") stays, the other is withdrawn. `user`: by
    default the village's operator (made when missing)."""
    if user is None:
        user, made = get_user_model().objects.get_or_create(username=f"operator.aid.{conflict.village_id}")
        if made:
            give_role(user, Role.VILLAGE_OPERATOR, village=conflict.village_id)
    gone = conflict.second_id if keep == "first" else conflict.first_id
    return resolve_conflict(
        user=user, conflict=conflict, resolution=Conflict.Resolution.WITHDRAW, row=gone,
        reason="Tercantum dua kali: baris ganda ditarik",
    )  # fmt: skip
