"""The tourism entry of the menu."""

from smartkampung.tourism.selectors import may_see_tourism


def tourism_menu(request) -> dict:
    """`may_see_tourism` for the menu: the agency, owners of places and area staff with places in their area."""
    user = getattr(request, "user", None)
    if not user or not user.is_authenticated:
        return {}
    return {"may_see_tourism": may_see_tourism(user)}
