"""The personal-data entry of the menu (the views check again)."""

from smartkampung.accounts.selectors import may_export_subject_data


def privacy_menu(request) -> dict:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {"may_export_subject_data": may_export_subject_data(user)}
