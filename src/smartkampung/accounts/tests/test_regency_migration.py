"""Roles, entry rules and aid lists made before they named their regency: the migrations give them the home
regency, on a database with its region data and on one without the home regency's row yet (they never fail a
migrate)."""

import pytest
from django.core.management import call_command
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

# The last migrations before regency-wide roles, entry rules and aid lists named their regency.
BEFORE = [
    ("accounts", "0006_letter_signing_roles"), ("health", "0006_case_anonymised"), ("aid", "0005_conflict_given_up")
]  # fmt: skip


def _migrate(targets) -> MigrationExecutor:
    executor = MigrationExecutor(connection)
    executor.migrate(targets)
    return MigrationExecutor(connection)  # a fresh loader sees what is applied now


def _made_before(home_exists: bool) -> None:
    executor = _migrate(BEFORE)
    old = executor.loader.project_state(BEFORE).apps
    user = old.get_model("accounts", "User").objects.create(username="dinkes.lama")
    old.get_model("accounts", "RoleAssignment").objects.create(user=user, role="health_agency")
    if home_exists:  # the region data is there: a village to bind a village's role to
        old.get_model("accounts", "RoleAssignment").objects.create(
            user=user, role="village_operator", village_id="3510151002"
        )
    old.get_model("health", "EntryRule").objects.create(effective_from="2026-01-01T00:00:00Z", isolation_days=9)
    program = old.get_model("aid", "Program").objects.create(code="PKH-LAMA", name="PKH", level="central")
    old.get_model("aid", "RecipientList").objects.create(program=program, period="2020-05", current=True)
    assert old.get_model("regions", "Regency").objects.filter(code="3510").exists() == home_exists
    _migrate(executor.loader.graph.leaf_nodes())


def _old_list_regencies() -> list[str]:
    from smartkampung.aid.models import RecipientList

    return list(RecipientList.objects.filter(program__code="PKH-LAMA").values_list("regency_id", flat=True))


@pytest.mark.django_db(transaction=True)
def test_a_regency_wide_role_and_the_entry_rule_made_before_keep_the_home_regency(regions):
    from smartkampung.accounts.models import RoleAssignment
    from smartkampung.health.models import EntryRule

    _made_before(home_exists=True)
    roles = dict(RoleAssignment.objects.filter(user__username="dinkes.lama").values_list("role", "regency_id"))
    assert roles == {"health_agency": "3510", "village_operator": None}  # a village's role names no regency
    assert EntryRule.objects.get(isolation_days=9).regency_id == "3510"
    assert _old_list_regencies() == ["3510"]


@pytest.mark.django_db(transaction=True)
def test_without_the_home_regencys_row_the_migration_writes_one_for_load_regions_to_complete(settings):
    from smartkampung.accounts.models import RoleAssignment
    from smartkampung.regions.models import Regency
    from smartkampung.regions.services import load_regions

    # A database whose region data was never loaded.
    call_command("flush", interactive=False, verbosity=0)
    _made_before(home_exists=False)
    assert RoleAssignment.objects.get(role="health_agency").regency_id == "3510"
    assert _old_list_regencies() == ["3510"]
    assert Regency.objects.get(code="3510").name == "3510"
    load_regions(regency_code="3510")
    assert Regency.objects.get(code="3510").name == "Kabupaten Banyuwangi"


@pytest.mark.django_db(transaction=True)
def test_where_several_regencies_were_served_each_keeps_what_held_in_all_of_them(regions, settings):
    """Before roles named their regency, a regency-wide role saw every regency served and one entry rule held at
    every checkpoint: each served regency keeps its own copy (Jember's checkpoints keep their rule)."""
    from smartkampung.accounts.models import RoleAssignment
    from smartkampung.health.models import EntryRule

    settings.SMARTKAMPUNG_REGENCIES = ("3510", "3509")
    _made_before(home_exists=True)
    agency = RoleAssignment.objects.filter(user__username="dinkes.lama", role="health_agency")
    assert sorted(agency.values_list("regency_id", flat=True)) == ["3509", "3510"]
    rules = EntryRule.objects.filter(isolation_days=9)
    assert sorted(rules.values_list("regency_id", flat=True)) == ["3509", "3510"]
    # An uploaded list is the home regency's alone: its rows were matched to whole-deployment register.
    assert _old_list_regencies() == ["3510"]
