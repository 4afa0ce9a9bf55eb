"""A small register (the demo generator's people), the programs and rules of 2020, the people who work
with aid lists, and lists written as the ministries publish them."""

import csv
import io

import pytest
from django.core.management import call_command

from smartkampung.accounts.models import Role
from smartkampung.accounts.tests.factories import give_role
from smartkampung.aid.demo import seed_programs
from smartkampung.aid.models import Program, RecipientList
from smartkampung.aid.services import run_list_import
from smartkampung.population.demo.generator import generate_households
from smartkampung.population.demo.writers import write_to_database
from smartkampung.population.models import Household, Resident


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
