from smartkampung.checkpoints import selectors


def checkpoint_menu(request):
    """Which checkpoint pages to offer in the menu (the views check again)."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    from smartkampung.accounts.selectors import read_scope

    officer = selectors.checkpoints_for_officer(user).exists()
    dashboard = selectors.may_edit_rules(user) or not read_scope(user).nothing
    from smartkampung.notifications.selectors import viewer_of

    return {
        "may_use_checkpoint": officer,
        "may_see_arrivals": officer or dashboard,
        "may_see_dashboard": dashboard,
        "may_read_notifications": not viewer_of(user).sees_nothing,
    }
