from smartkampung.accounts.selectors import letters_read_scope, may_manage_letter_types, signs_letters


def letters_menu(request):
    """Whether to offer letters in the menu (the views check again)."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {
        "may_see_letters": signs_letters(user) or not letters_read_scope(user).nothing,
        "may_manage_letter_types": may_manage_letter_types(user),
    }
