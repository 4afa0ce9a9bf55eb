from smartkampung.population import selectors


def registry(request):
    """Whether to offer the registering buttons (the views check again)."""
    from smartkampung.accounts.selectors import read_scope
    from smartkampung.audit.selectors import may_read_audit

    user = getattr(request, "user", None)
    return {
        "may_read_registry": not read_scope(user).nothing if user else False,
        "may_register": selectors.may_register(user) if user else False,
        "may_read_audit": may_read_audit(user) if user else False,
    }
