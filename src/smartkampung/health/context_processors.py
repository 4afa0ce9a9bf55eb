from smartkampung.health import selectors


def health_menu(request):
    """Which monitoring pages to offer in the menu (the views check again)."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    from smartkampung.accounts.selectors import puskesmas_of, read_scope

    agency = selectors.sees_all_reports(user)
    return {
        "may_see_cases": agency or bool(puskesmas_of(user)) or not read_scope(user).nothing,
        "may_work_puskesmas": agency or bool(puskesmas_of(user)),
        "sees_all_reports": agency,
    }
