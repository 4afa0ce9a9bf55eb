"""The actors of the tourism authorization tests, as the main matrix (accounts/tests/test_authorization_matrix.py)
has them, plus the owners: each part's access tests (test_<part>_access.py) ask every one of them for every page
and API operation of the part, about HOME_PLACE (owned by `owner_in`, in HOME).

Actors: anonymous; regency_admin; tourism_agency; owner_in (owns HOME_PLACE); owner_out (owns AWAY_PLACE);
operator_in / operator_out (village operators of HOME / AWAY); camat_in / camat_out (kecamatan staff);
health_agency (regency-wide, but not tourism)."""

from __future__ import annotations

from django.test import Client

from smartkampung.accounts.models import Role
from smartkampung.tourism.tests import factories as f

ACTORS = (
    "anonymous",
    "regency_admin",
    "tourism_agency",
    "owner_in",
    "owner_out",
    "operator_in",
    "operator_out",
    "camat_in",
    "camat_out",
    "health_agency",
)
# Who reads HOME_PLACE's records (owner, contacts, inspections, violations): accounts.selectors.tourism_read_q.
READERS = {"regency_admin", "tourism_agency", "owner_in", "operator_in", "camat_in"}
# Who manages HOME_PLACE (edits it, applies, counts at its door, shows its check-in code): tourism_manage_q.
MANAGERS = {"regency_admin", "tourism_agency", "owner_in"}
# The tourism agency's work (inspections, decisions, certificates, violations, revocation).
AGENCY = {"regency_admin", "tourism_agency"}


def build() -> dict:
    """The accounts and the two places; returns {"places": {"home": Place, "away": Place}, "users": {...}}."""
    users = {
        "regency_admin": f.user("t.admin", Role.REGENCY_ADMIN),
        "tourism_agency": f.user("t.agency", Role.TOURISM_AGENCY),
        "owner_in": f.owner("t.owner.in"),
        "owner_out": f.owner("t.owner.out"),
        "operator_in": f.user("t.operator.in", Role.VILLAGE_OPERATOR, village=f.HOME),
        "operator_out": f.user("t.operator.out", Role.VILLAGE_OPERATOR, village=f.AWAY),
        "camat_in": f.user("t.camat.in", Role.DISTRICT_STAFF, district=f.HOME_DISTRICT),
        "camat_out": f.user("t.camat.out", Role.DISTRICT_STAFF, district=f.AWAY_DISTRICT),
        "health_agency": f.user("t.health", Role.HEALTH_AGENCY),
    }
    places = {
        "home": f.place(name="Homestay Bakungan", kind="homestay", village=f.HOME, owner=users["owner_in"]),
        "away": f.place(
            name="Warung Sarongan", kind="warung", village=f.AWAY, owner=users["owner_out"], latitude="-8.55"
        ),
    }
    return {"users": users, "places": places}


def client_for(world: dict, actor: str) -> Client:
    """A Django test client signed in as `actor` (anonymous: not signed in)."""
    client = Client()
    if actor != "anonymous":
        client.force_login(world["users"][actor])
    return client
