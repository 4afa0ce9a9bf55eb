"""Reads of the KTP scan: the register record a scanned card is compared with, within the scanner's scope
(accounts.selectors decides whose)."""

from __future__ import annotations

from smartkampung.accounts.selectors import ktp_comparison_scope, may_read_ktp
from smartkampung.population.models import Resident

__all__ = ["may_read_ktp", "resident_for_comparison"]


def resident_for_comparison(*, user, nik: str | None) -> Resident | None:
    """The register's record of `nik` when the user's KTP comparison scope covers it, else None (whether the NIK
    is on the register at all is not told to whoever may not compare it)."""
    if not nik or not user or not getattr(user, "is_authenticated", False):
        return None
    scope = ktp_comparison_scope(user)
    if scope.nothing:
        return None
    return Resident.objects.filter(scope.q("village"), nik=nik).only("nik", "name", "birth_date", "village").first()
