"""Staff accounts for tests, made through the accounts services."""

from smartkampung.accounts.models import Pillar, Role
from smartkampung.accounts.services import assign_role


def give_role(user, role: str, *, district: str | None = None, village: str | None = None, regency: str | None = None):
    """Give `user` the role; Puskesmas staff get the Puskesmas serving `village`, officers Pos Pantau
    Ketapang, oversight the Babinsa pillar, regency-wide roles `regency` (by default the home regency)."""
    from smartkampung.checkpoints.services import seed_demo_checkpoints
    from smartkampung.regions.selectors import puskesmas_serving

    place = {}
    if role == Role.PUSKESMAS_STAFF:
        place, village = {"puskesmas_id": puskesmas_serving(village).pk}, None
    elif role == Role.CHECKPOINT_OFFICER:
        place = {"checkpoint_id": seed_demo_checkpoints()[0].pk}
    return assign_role(
        user=user,
        role=role,
        regency_code=regency,
        district_code=district,
        village_code=village,
        pillar=Pillar.BABINSA if role == Role.VILLAGE_OVERSIGHT else "",
        **place,
    )
