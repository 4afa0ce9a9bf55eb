"""How the API knows who calls: a signed-in session (the web pages' own calls, with CSRF) or a bearer
token of another government system (`Authorization: Bearer sk_…`)."""

from ninja.security import HttpBearer, django_auth

from smartkampung.accounts.services import user_for_api_key
from smartkampung.core.http import client_address


class ApiTokenAuth(HttpBearer):
    def authenticate(self, request, token: str):
        user = user_for_api_key(token)
        if user is not None:
            # Selectors and the audit log read request.user, as for a session.
            request.user = user
            request.api_key = token  # a live stream looks again whether the key still holds
            from smartkampung.audit.context import Actor, current

            current.set(Actor(user=user, ip=client_address(request), path=request.path[:255]))
        return user


STAFF_AUTH = [ApiTokenAuth(), django_auth]
