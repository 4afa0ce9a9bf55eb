from smartkampung.health import selectors


def health_menu(request):
    """Which monitoring pages to offer in the menu (the views check again)."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    from smartkampung.accounts.selectors import puskesmas_of, read_scope

    agency = selectors.sees_all_reports(user)
    puskesmas = bool(puskesmas_of(user))
    # Cases and isolation houses are health records: the regency's for the health agency, else those in
    # the user's villages or watched by their Puskesmas (accounts.selectors.health_records_q).
    health_records = agency or puskesmas or not read_scope(user).nothing
    return {
        "may_see_cases": health_records,
        "may_see_isolation": health_records,
        "may_work_puskesmas": agency or puskesmas,
        "sees_all_reports": agency,
    }
