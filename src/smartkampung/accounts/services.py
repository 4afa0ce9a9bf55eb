"""Writes to accounts and their roles."""

import datetime as dt
import hashlib
import secrets
from functools import lru_cache
from typing import Any

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone

from smartkampung.accounts.models import REGENCY_ROLES, ApiToken, Role, RoleAssignment
from smartkampung.accounts.selectors import ASSIGNMENT_COLUMNS, remember_assignments
from smartkampung.audit import services as audit


def _place_of(assignment: RoleAssignment) -> dict[str, Any]:
    """The role and its jurisdiction as the audit log keeps them (only what is set)."""
    place = {
        "role": str(assignment.role),
        "regency": assignment.regency_id,
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
    regency_code: str | None = None,
    district_code: str | None = None,
    village_code: str | None = None,
    puskesmas_id: int | None = None,
    checkpoint_id: int | None = None,
    pillar: str = "",
    by=None,
) -> RoleAssignment:
    """Give `user` a role over its jurisdiction (the database refuses a jurisdiction that does not fit; a
    regency-wide role given without its regency gets the home regency, settings.SMARTKAMPUNG_REGENCY).
    Audited with the role and place given (`by`: who gives it; the signed-in user of the request if None)."""
    if role in REGENCY_ROLES and regency_code is None:
        regency_code = settings.SMARTKAMPUNG_REGENCY
    assignment, created = RoleAssignment.objects.get_or_create(
        user=user,
        role=Role(role),
        regency_id=regency_code,
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


# The user's fields an API request reads (the rest load on first use, as deferred fields).
_TOKEN_USER_FIELDS = {"id", "username", "first_name", "last_name", "email", "is_active", "is_superuser", "is_staff"}


@lru_cache(maxsize=1)
def _token_query() -> tuple[str, tuple[str, ...]]:
    """The look-up's SQL, and the user fields it reads in the model's own order (as `Model.from_db` wants)."""
    from django.contrib.auth import get_user_model

    quote = connection.ops.quote_name
    model = get_user_model()
    fields = tuple(f.attname for f in model._meta.concrete_fields if f.attname in _TOKEN_USER_FIELDS)
    columns = ", ".join(f"u.{quote(name)}" for name in fields)
    roles = ", ".join(f"r.{quote(name)}" for name in ASSIGNMENT_COLUMNS)
    sql = (
        f"SELECT t.id, (t.last_used_at IS NULL OR t.last_used_at < %s), {columns}, {roles}"
        f" FROM {quote(ApiToken._meta.db_table)} t JOIN {quote(model._meta.db_table)} u ON u.id = t.user_id"
        f" LEFT JOIN {quote(RoleAssignment._meta.db_table)} r ON r.user_id = t.user_id"
        " WHERE t.key_hash = %s AND t.revoked_at IS NULL AND u.is_active"
    )
    return sql, fields


def user_for_api_key(key: str):
    """The active user behind a live key, or None. Marks the token used (at most once a minute).

    Every API request of another system runs this, so it is one statement, read fresh each time (a revoked
    key, a deactivated account or a changed role count at once): the token, its user and the user's roles,
    which the request's scope checks then use without reading them again."""
    from django.contrib.auth import get_user_model

    if not key.startswith("sk_") or len(key) > 100:
        return None
    now = timezone.now()
    sql, fields = _token_query()
    with connection.cursor() as cursor:
        since = connection.ops.adapt_datetimefield_value(now - dt.timedelta(seconds=60))
        cursor.execute(sql, [since, _hash(key)])
        rows = cursor.fetchall()
    if not rows:
        return None
    token_id, stale = rows[0][0], rows[0][1]
    width = len(fields)
    values = [
        bool(value) if name.startswith("is_") else value  # SQLite answers 0/1
        for name, value in zip(fields, rows[0][2 : 2 + width], strict=True)
    ]
    user = get_user_model().from_db(connection.alias, fields, values)
    remember_assignments(user, [row[2 + width :] for row in rows if row[2 + width] is not None])
    if stale:
        ApiToken.objects.filter(pk=token_id).update(last_used_at=now)
    return user


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
