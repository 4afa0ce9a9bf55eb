"""Writes to accounts and their roles."""

from django.db import transaction

from smartkampung.accounts.models import Role, RoleAssignment


@transaction.atomic
def assign_role(
    *, user, role: str, district_code: str | None = None, village_code: str | None = None, pillar: str = ""
) -> RoleAssignment:
    """Give `user` a role over its jurisdiction (the database refuses a jurisdiction that does not fit)."""
    assignment, _created = RoleAssignment.objects.get_or_create(
        user=user, role=Role(role), district_id=district_code, village_id=village_code, defaults={"pillar": pillar}
    )
    if assignment.pillar != pillar:
        assignment.pillar = pillar
        assignment.save(update_fields=["pillar"])
    # Drop the per-request role cache of this user object (see accounts.selectors).
    user.__dict__.pop("_smartkampung_roles", None)
    return assignment
