"""Reads of the region reference data."""

from functools import lru_cache

from django.conf import settings

from smartkampung.regions.models import Village


@lru_cache(maxsize=1)
def _villages() -> dict[str, Village]:
    return {v.code: v for v in Village.objects.select_related("district", "district__regency")}


def served_village(code: str) -> Village | None:
    """A village of the served regency, from a per-process cache: 217 rows that change only when
    the region data is reloaded, read on every resident page. Saves a three-table join per look-up."""
    village = _villages().get(code)
    if village is None or not code.startswith(settings.SMARTKAMPUNG_REGENCY):
        return None
    return village


def served_villages() -> list[Village]:
    """Every village of the served regency (from the same cache)."""
    return [v for code, v in _villages().items() if code.startswith(settings.SMARTKAMPUNG_REGENCY)]


def clear_cache() -> None:
    _villages.cache_clear()
