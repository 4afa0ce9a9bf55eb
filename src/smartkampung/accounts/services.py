"""Writes to accounts and their roles."""

import hashlib
import secrets

from django.db import transaction
from django.utils import timezone

from smartkampung.accounts.models import ApiToken, Role, RoleAssignment


@transaction.atomic
def assign_role(
    *,
    user,
    role: str,
    district_code: str | None = None,
    village_code: str | None = None,
    puskesmas_id: int | None = None,
    checkpoint_id: int | None = None,
    pillar: str = "",
) -> RoleAssignment:
    """Give `user` a role over its jurisdiction (the database refuses a jurisdiction that does not fit)."""
    assignment, _created = RoleAssignment.objects.get_or_create(
        user=user,
        role=Role(role),
        district_id=district_code,
        village_id=village_code,
        puskesmas_id=puskesmas_id,
        checkpoint_id=checkpoint_id,
        defaults={"pillar": pillar},
    )
    if assignment.pillar != pillar:
        assignment.pillar = pillar
        assignment.save(update_fields=["pillar"])
    # Drop the per-request role cache of this user object (see accounts.selectors).
    user.__dict__.pop("_smartkampung_roles", None)
    return assignment


def _hash(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


@transaction.atomic
def create_api_token(*, user, name: str) -> tuple[ApiToken, str]:
    """A new token for `user`; returns it with the key, which is never shown again."""
    key = "sk_" + secrets.token_urlsafe(32)
    token = ApiToken.objects.create(user=user, name=name[:100], prefix=key[:12], key_hash=_hash(key))
    return token, key


@transaction.atomic
def revoke_api_token(*, token: ApiToken) -> ApiToken:
    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])
    return token


def user_for_api_key(key: str):
    """The active user behind a live key, or None. Marks the token used (at most once a minute)."""
    if not key.startswith("sk_") or len(key) > 100:
        return None
    token = ApiToken.objects.select_related("user").filter(key_hash=_hash(key), revoked_at__isnull=True).first()
    if token is None or not token.user.is_active:
        return None
    now = timezone.now()
    if token.last_used_at is None or (now - token.last_used_at).total_seconds() > 60:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    return token.user


@transaction.atomic
def create_user(*, username: str, full_name: str, password: str, created_by=None):
    """A staff account; the password is checked by the site's password rules."""
    from django.contrib.auth import get_user_model
    from django.contrib.auth.password_validation import validate_password

    User = get_user_model()
    user = User(username=username.strip(), first_name=full_name.strip()[:150])
    validate_password(password, user)
    user.set_password(password)
    user.save()
    return user


@transaction.atomic
def set_user_active(*, user, active: bool):
    user.is_active = active
    user.save(update_fields=["is_active"])
    return user


@transaction.atomic
def remove_role(*, assignment: RoleAssignment) -> None:
    assignment.delete()
