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


def _made_before(home_exists: bool, listed_in: tuple[str, ...] = ()) -> None:
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
    upload = old.get_model("aid", "RecipientList").objects.create(program=program, period="2020-05", current=True)
    # A reviewer's "nobody" for a row: it held for every regency's lists.
    old.get_model("aid", "MatchDecision").objects.create(program=program, fingerprint="lama-0", decided_by=user)
    for number, village in enumerate(listed_in, start=1):  # rows of these villages
        old.get_model("aid", "Recipient").objects.create(
            source=upload, program=program, row_number=number, name=f"PENERIMA {number}", village_id=village,
            status="none", fingerprint=f"lama-{number}",
        )  # fmt: skip
    assert old.get_model("regions", "Regency").objects.filter(code="3510").exists() == home_exists
    _migrate(executor.loader.graph.leaf_nodes())


def _old_list_regencies() -> list[str]:
    from smartkampung.aid.models import MatchDecision, RecipientList

    decided = MatchDecision.objects.filter(program__code="PKH-LAMA", fingerprint="lama-0")
    lists = RecipientList.objects.filter(program__code="PKH-LAMA")
    assert list(decided.values_list("regency_id", flat=True)) == list(lists.values_list("regency_id", flat=True))
    return list(lists.values_list("regency_id", flat=True))


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
    from smartkampung.aid.models import MatchDecision, RecipientList
    from smartkampung.health.models import EntryRule
    from smartkampung.regions.services import load_regions

    settings.SMARTKAMPUNG_REGENCIES = ("3510", "3509")
    load_regions(regency_code="3509")
    _made_before(home_exists=True, listed_in=("3510151002", "3509012002", "3509012002"))
    agency = RoleAssignment.objects.filter(user__username="dinkes.lama", role="health_agency")
    assert sorted(agency.values_list("regency_id", flat=True)) == ["3509", "3510"]
    rules = EntryRule.objects.filter(isolation_days=9)
    assert sorted(rules.values_list("regency_id", flat=True)) == ["3509", "3510"]
    # An upload matched against both registers is split: Jember's rows go to a list of Jember's, in force as the
    # upload was, so that Jember's own next upload replaces them.
    lists = RecipientList.objects.filter(program__code="PKH-LAMA").order_by("regency_id")
    assert [(x.regency_id, x.current, x.total_rows, x.counts) for x in lists] == [
        ("3509", True, 2, {"none": 2}), ("3510", True, 1, {"none": 1})
    ]  # fmt: skip
    assert [sorted(set(x.recipients.values_list("village_id", flat=True))) for x in lists] == [
        ["3509012002"], ["3510151002"]
    ]  # fmt: skip
    # The reviewer's "nobody" holds in each regency, as it did.
    decided = MatchDecision.objects.filter(program__code="PKH-LAMA", fingerprint="lama-0")
    assert sorted(decided.values_list("regency_id", flat=True)) == ["3509", "3510"]
    assert len(set(decided.values_list("decided_at", flat=True))) == 1  # the copy keeps the decision's date
