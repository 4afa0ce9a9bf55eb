"""How the API knows who calls: a signed-in session (the web pages' own calls, with CSRF) or a bearer
token of another government system (`Authorization: Bearer sk_…`)."""

from ninja.security import HttpBearer, django_auth

from smartkampung.accounts.services import user_for_api_key


class ApiTokenAuth(HttpBearer):
    def authenticate(self, request, token: str):
        user = user_for_api_key(token)
        if user is not None:
            # Selectors and the audit log read request.user, as for a session.
            request.user = user
            from smartkampung.audit.context import Actor, client_ip, current

            current.set(Actor(user=user, ip=client_ip(request), path=request.path[:255]))
        return user


STAFF_AUTH = [ApiTokenAuth(), django_auth]
