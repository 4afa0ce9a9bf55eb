"""Reads of the health reference data."""

from smartkampung.health.models import Puskesmas, ServiceArea


def puskesmas_serving(village_code: str) -> Puskesmas | None:
    """The Puskesmas that serves a village, or None where none is assigned."""
    area = ServiceArea.objects.select_related("puskesmas").filter(village_id=village_code).first()
    return area.puskesmas if area else None


def villages_served_by(puskesmas_ids) -> frozenset[str]:
    return frozenset(
        ServiceArea.objects.filter(puskesmas_id__in=list(puskesmas_ids)).values_list("village_id", flat=True)
    )


def puskesmas_choices(regency_code: str) -> list[tuple[int, str]]:
    return [
        (pk, f"{name} ({district})")
        for pk, name, district in Puskesmas.objects.filter(district__regency_id=regency_code, active=True)
        .order_by("name")
        .values_list("pk", "name", "district__name")
    ]
