from smartkampung.aid import selectors


def aid_menu(request):
    """Whether to offer social aid in the menu (the views check again)."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {"may_see_aid": selectors.sees_aid(user)}
