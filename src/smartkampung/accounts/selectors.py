"""Who may see and change which region's personal data: the one place that decides it.

Every selector of personal data filters through `read_scope`, every service that writes it
checks `write_scope`, so a new module cannot forget the rule.
"""

from dataclasses import dataclass

from django.conf import settings
from django.db.models import Q

from smartkampung.accounts.models import Role, RoleAssignment
from smartkampung.health.selectors import villages_served_by

READ_EVERYTHING = frozenset({Role.REGENCY_ADMIN})
WRITE_EVERYTHING = frozenset({Role.REGENCY_ADMIN})
READ_VILLAGE = frozenset({Role.VILLAGE_OPERATOR, Role.VILLAGE_OVERSIGHT})
WRITE_VILLAGE = frozenset({Role.VILLAGE_OPERATOR})
# A Puskesmas watches people in the villages it serves, so its staff read their registry data.
READ_PUSKESMAS = frozenset({Role.PUSKESMAS_STAFF})


@dataclass(frozen=True)
class Scope:
    """A set of villages given as: everything, some kecamatan, some villages (or any mix)."""

    everything: bool = False
    districts: frozenset[str] = frozenset()
    villages: frozenset[str] = frozenset()

    @property
    def nothing(self) -> bool:
        return not (self.everything or self.districts or self.villages)

    def q(self, village_field: str = "village") -> Q:
        """A filter for rows whose `village_field` lies in the scope (matches nothing for an empty scope)."""
        if self.everything:
            return Q()
        query = Q(pk__in=[])
        if self.villages:
            query |= Q(**{f"{village_field}_id__in": sorted(self.villages)})
        if self.districts:
            query |= Q(**{f"{village_field}__district_id__in": sorted(self.districts)})
        return query

    def covers(self, village_code: str) -> bool:
        return (
            self.everything
            or village_code in self.villages
            or (len(village_code) == 10 and village_code[:6] in self.districts)
        )


@dataclass(frozen=True)
class Assignment:
    role: str
    district: str | None
    village: str | None
    puskesmas: int | None
    checkpoint: int | None


def _assignments(user) -> list[Assignment]:
    if not (user and user.is_authenticated and user.is_active):
        return []
    cached = getattr(user, "_smartkampung_roles", None)
    if cached is None:
        # Once per request: the user object lives as long as the request does.
        cached = [
            Assignment(*row)
            for row in RoleAssignment.objects.filter(user=user).values_list(
                "role", "district_id", "village_id", "puskesmas_id", "checkpoint_id"
            )
        ]
        user._smartkampung_roles = cached
    return cached


def roles_of(user) -> set[str]:
    roles = {a.role for a in _assignments(user)}
    if user and user.is_authenticated and user.is_active and user.is_superuser:
        roles.add(Role.REGENCY_ADMIN)
    return roles


def _scope(
    user,
    everything_roles: frozenset,
    village_roles: frozenset,
    district_roles: frozenset,
    puskesmas_roles: frozenset = frozenset(),
) -> Scope:
    if Role.REGENCY_ADMIN in everything_roles and user and user.is_active and user.is_superuser:
        return Scope(everything=True)
    districts, villages, puskesmas = set(), set(), set()
    for a in _assignments(user):
        if a.role in everything_roles:
            return Scope(everything=True)
        if a.role in district_roles and a.district:
            districts.add(a.district)
        elif a.role in village_roles and a.village:
            villages.add(a.village)
        elif a.role in puskesmas_roles and a.puskesmas:
            puskesmas.add(a.puskesmas)
    if puskesmas:
        villages |= villages_served_by(puskesmas)
    return Scope(districts=frozenset(districts), villages=frozenset(villages))


def read_scope(user) -> Scope:
    """Whose registry data the user may see: the whole regency, their kecamatan, their village, or
    the villages their Puskesmas serves."""
    return _scope(user, READ_EVERYTHING, READ_VILLAGE, frozenset({Role.DISTRICT_STAFF}), READ_PUSKESMAS)


def write_scope(user) -> Scope:
    """Whose registry data the user may change: the regency administrator all, an operator their village."""
    return _scope(user, WRITE_EVERYTHING, WRITE_VILLAGE, frozenset())


AID_EVERYTHING = frozenset({Role.REGENCY_ADMIN, Role.SOCIAL_AGENCY})


def aid_read_scope(user) -> Scope:
    """Whose social-aid listings the user sees: the social affairs agency all, a camat their kecamatan, the
    village's operator and three pillars their village."""
    return _scope(user, AID_EVERYTHING, READ_VILLAGE, frozenset({Role.DISTRICT_STAFF}))


def aid_write_scope(user) -> Scope:
    """Whose listings the user decides (matches, conflicts): the agency all, the village operator their own."""
    return _scope(user, AID_EVERYTHING, WRITE_VILLAGE, frozenset())


def puskesmas_of(user) -> frozenset[int]:
    """The Puskesmas whose work the user does (their own only; the administrator's come from elsewhere)."""
    return frozenset(a.puskesmas for a in _assignments(user) if a.role in READ_PUSKESMAS and a.puskesmas)


def checkpoints_of(user) -> frozenset[int]:
    """The checkpoints at which the user registers travellers."""
    return frozenset(a.checkpoint for a in _assignments(user) if a.role == Role.CHECKPOINT_OFFICER and a.checkpoint)


def served_regency() -> str:
    return settings.SMARTKAMPUNG_REGENCY
