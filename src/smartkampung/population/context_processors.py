from smartkampung.population import selectors


def registry(request):
    """Whether to offer the registering buttons (the views check again)."""
    return {"may_register": selectors.may_register(request.user) if hasattr(request, "user") else False}
