from smartkampung.checkpoints import selectors


def checkpoint_menu(request):
    """Which checkpoint pages, and whether the dashboard and the notifications, to offer in the menu (each
    view checks again; a link is offered only where its view answers with something of the user's)."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    from smartkampung.accounts.selectors import may_see_visitor_figures, read_scope
    from smartkampung.notifications.selectors import viewer_of

    officer = selectors.checkpoints_for_officer(user).exists()
    rules = selectors.may_edit_rules(user)
    reads = not read_scope(user).nothing
    return {
        "may_use_checkpoint": officer,
        # Arrivals bound for the user's jurisdiction, registered at their checkpoint, or (health agency) all.
        "may_see_arrivals": officer or reads or rules,
        # The health agency sets the entry rules (an officer reaches them from the desk).
        "may_set_entry_rules": rules and not officer,
        # The same three as the dashboard's start page (dashboards/apps.py) and its view admit.
        "may_see_dashboard": reads or rules or may_see_visitor_figures(user),
        "may_read_notifications": not viewer_of(user).sees_nothing,
    }
