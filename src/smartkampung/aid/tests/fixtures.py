"""A small register (the demo generator's people), the programs and rules of 2020, the people who work
with aid lists, and lists written as the ministries publish them."""

import csv
import datetime as dt
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
from smartkampung.aid.models import Conflict, Level, MatchStatus, Program, Recipient, RecipientList
from smartkampung.aid.services import import_list_now, resolve_conflict, run_list_import
from smartkampung.population.demo.generator import generate_households
from smartkampung.population.demo.writers import write_to_database
from smartkampung.population.models import Household, Resident, ResidentStatus
from smartkampung.population.tests.factories import make_household, make_resident
from smartkampung.regions.models import District, Province, Regency, Village


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
    source = RecipientList.objects.filter(
        program=program, origin=RecipientList.Origin.FILE, current=True, regency_id=village_code[:4]
    ).first()
    if source is None:
        source = RecipientList.objects.create(
            program=program, period="2020-05", original_name=f"{program_code}-test.csv",
            status=RecipientList.Status.DONE, current=True, regency_id=village_code[:4],
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


# ---------------------------------------------------------------- two regencies' lists (the province's cross-check)

JEMBER = "3509"
JEMBER_VILLAGES = ("3509012001", "3509012002")


def _one_digit_off(nik: str, at: int = 9) -> str:
    return nik[:at] + str((int(nik[at]) + 4) % 10) + nik[at + 1 :]


def two_regencies(tmp_path) -> dict[str, Resident]:
    """Banyuwangi's BANSOS-BWI list (imported: eight residents) and Jember's own list (BANSOS-JBR), which lists
    `by_nik` again under their NIK (with a name a spreadsheet would run as a formula), `probable` again with one
    NIK digit wrong, `withdrawn` again under their NIK but withdrawn, `unplaced` again without a village and two people
    Banyuwangi does not list. Jember's villages (3509…) are made here where missing; its rows are written as the
    register does not reach them (none linked, each with the village the list gave), as a list compiled in another
    regency's office is."""
    people = list(Resident.objects.filter(birth_date__isnull=False).select_related("household").order_by("id")[:8])
    path = tmp_path / "BANSOS-BWI-2020-05.csv"
    path.write_bytes(list_file([listed(person) for person in people]).getvalue())
    job = import_list_now(user=None, program=Program.objects.get(code="BANSOS-BWI"), period="2020-05", path=path)
    assert job.status == RecipientList.Status.DONE and job.counts["exact"] == 8, job.error

    province, _ = Province.objects.get_or_create(code="35", defaults={"name": "JAWA TIMUR"})
    regency, _ = Regency.objects.get_or_create(code=JEMBER, defaults={"province": province, "name": "KAB. JEMBER"})
    district, _ = District.objects.get_or_create(code="350901", defaults={"regency": regency, "name": "JOMBANG"})
    for code, name in zip(JEMBER_VILLAGES, ("NGAMPELREJO", "PADOMASAN"), strict=True):
        Village.objects.get_or_create(code=code, defaults={"district": district, "name": name, "kind": "desa"})
    program = Program.objects.create(code="BANSOS-JBR", name="Bansos Kabupaten Jember", level=Level.REGENCY)
    source = RecipientList.objects.create(
        program=program, period="2020-05", original_name="jember.csv", status=RecipientList.Status.DONE, current=True,
        regency=regency,
    )  # fmt: skip
    by_nik, probable, withdrawn = people[0], people[1], people[2]
    jember = {"by_nik": by_nik.nik, "probable": _one_digit_off(probable.nik), "withdrawn": withdrawn.nik}
    rows = [
        {"nik": jember["by_nik"], "name": "=HYPERLINK(1)", "birth_date": dt.date(1990, 1, 1)},
        {"nik": jember["probable"], "kk_number": probable.household.kk_number, "name": probable.name,
         "birth_date": probable.birth_date},
        {"nik": jember["withdrawn"], "name": withdrawn.name, "birth_date": withdrawn.birth_date, "withdrawn": True},
        {"nik": people[3].nik, "name": people[3].name, "birth_date": people[3].birth_date, "village": None},
        {"nik": "3509014404800007", "name": "SITI JEMBERWATI", "birth_date": dt.date(1980, 4, 4)},
        {"nik": "", "kk_number": "3509010101200009", "name": "AHMAD LUARKOTA", "birth_date": dt.date(1971, 2, 3)},
    ]  # fmt: skip
    for number, row in enumerate(rows, start=2):
        village = row.pop("village", JEMBER_VILLAGES[number % 2])
        Recipient.objects.create(
            source=source, program=program, row_number=number, village_given=village or "", village_id=village,
            status=MatchStatus.NONE, fingerprint=f"jember-{number}", **row,
        )  # fmt: skip
    return {"by_nik": by_nik, "probable": probable, "withdrawn": withdrawn, "unplaced": people[3]}
