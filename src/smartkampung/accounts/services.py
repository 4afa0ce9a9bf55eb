"""Writes to accounts and their roles."""

import hashlib
import secrets
from typing import Any

from django.db import transaction
from django.utils import timezone

from smartkampung.accounts.models import ApiToken, Role, RoleAssignment
from smartkampung.audit import services as audit


def _place_of(assignment: RoleAssignment) -> dict[str, Any]:
    """The role and its jurisdiction as the audit log keeps them (only what is set)."""
    place = {
        "role": str(assignment.role),
        "district": assignment.district_id,
        "village": assignment.village_id,
        "puskesmas": assignment.puskesmas_id,
        "checkpoint": assignment.checkpoint_id,
        "pillar": assignment.pillar,
    }
    return {k: v for k, v in place.items() if v not in (None, "")}


def _audit_account(*, action: str, account, changes: dict[str, list[Any]], by=None, **detail) -> None:
    audit.record(
        action=action,
        object_type="account",
        subject=account.get_username(),
        changes=changes,
        detail={"user": account.pk} | detail,
        user=by,
    )


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
    by=None,
) -> RoleAssignment:
    """Give `user` a role over its jurisdiction (the database refuses a jurisdiction that does not fit).
    Audited with the role and place given (`by`: who gives it; the signed-in user of the request if None)."""
    assignment, created = RoleAssignment.objects.get_or_create(
        user=user,
        role=Role(role),
        district_id=district_code,
        village_id=village_code,
        puskesmas_id=puskesmas_id,
        checkpoint_id=checkpoint_id,
        defaults={"pillar": pillar},
    )
    old_pillar = assignment.pillar
    if assignment.pillar != pillar:
        assignment.pillar = pillar
        assignment.save(update_fields=["pillar"])
    if created:
        _audit_account(
            action="create",
            account=user,
            changes={f"role.{k}": [None, v] for k, v in _place_of(assignment).items()},
            by=by,
            role_assignment=assignment.pk,
        )
    elif old_pillar != pillar:
        _audit_account(
            action="update",
            account=user,
            changes={"role.pillar": [old_pillar, pillar]},
            by=by,
            role_assignment=assignment.pk,
            role=str(assignment.role),
        )
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
    """A staff account; the password is checked by the site's password rules. Audited (never the password)."""
    from django.contrib.auth import get_user_model
    from django.contrib.auth.password_validation import validate_password

    User = get_user_model()
    user = User(username=username.strip(), first_name=full_name.strip()[:150])
    validate_password(password, user)
    user.set_password(password)
    user.save()
    _audit_account(
        action="create", account=user, changes={"username": [None, user.username], "is_active": [None, True]},
        by=created_by,
    )  # fmt: skip
    return user


@transaction.atomic
def set_user_active(*, user, active: bool, by=None):
    """Switch an account on or off (audited when it changes)."""
    if user.is_active != active:
        _audit_account(action="update", account=user, changes={"is_active": [user.is_active, active]}, by=by)
    user.is_active = active
    user.save(update_fields=["is_active"])
    return user


@transaction.atomic
def remove_role(*, assignment: RoleAssignment, by=None) -> None:
    """Take a role away (audited with the role and place taken)."""
    _audit_account(
        action="delete",
        account=assignment.user,
        changes={f"role.{k}": [v, None] for k, v in _place_of(assignment).items()},
        by=by,
        role_assignment=assignment.pk,
    )
    assignment.delete()
