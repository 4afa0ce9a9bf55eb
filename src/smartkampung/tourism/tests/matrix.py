"""The tourism part of the authorization matrix: each part's access tests (test_<part>_access.py) ask every actor
of tests/world.py for every page and API operation of the part, and list in COVERED what they cover. The main
matrix's completeness tests (accounts/tests/test_authorization_matrix.py) count these as covered."""

from importlib import import_module

PARTS = ("places", "public", "capacity", "certification", "violations")


def _covered() -> tuple[set[str], set[str]]:
    pages, api = set(), set()
    for part in PARTS:
        covered = import_module(f"smartkampung.tourism.tests.test_{part}_access").COVERED
        pages |= set(covered["pages"])
        api |= set(covered["api"])
    return pages, api


TOURISM_PAGES, TOURISM_API = _covered()
