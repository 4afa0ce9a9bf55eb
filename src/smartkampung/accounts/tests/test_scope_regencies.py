"""A scope of whole regencies: what it covers, and the filter it makes (a range on the code, which the column's
index answers whatever the database's collation, never a LIKE)."""

import pytest

from smartkampung.accounts.selectors import Scope
from smartkampung.population.models import Resident
from smartkampung.regions.selectors import begins_with


@pytest.fixture(autouse=True)
def two_regencies(settings):
    settings.SMARTKAMPUNG_REGENCIES = ("3510", "3509")


def test_a_regency_covers_its_own_villages_only():
    jember = Scope(regencies=frozenset({"3509"}))
    assert jember.covers("3509012002") and not jember.covers("3510151002")
    assert jember.covers_regency("3509") and not jember.covers_regency("3510")
    assert not jember.nothing and not jember.everything


def test_every_regency_served_is_the_whole_deployment():
    assert Scope(regencies=frozenset({"3510", "3509"})).everything
    assert not Scope(regencies=frozenset({"3510"})).everything


def test_a_scope_is_never_asked_yes_or_no():
    with pytest.raises(TypeError):
        bool(Scope())


def test_the_filter_is_a_range_on_the_code(db):
    sql = str(Resident.objects.filter(Scope(regencies=frozenset({"3509"})).q("village")).query)
    assert "LIKE" not in sql.upper() and ">= 3509" in sql and "< 3510" in sql
    assert begins_with("code", "3519").children == [("code__gte", "3519"), ("code__lt", "3520")]
