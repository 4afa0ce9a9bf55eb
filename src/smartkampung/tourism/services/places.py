"""Writes of tourism places: an owner signs up and applies (or applies for another place), the tourism agency
registers a place on its owner's behalf (optionally with an account for them), managers edit a place and its
photos, an owner closes their place. Every function checks its input itself (the pages' forms and the API only
check shapes), refuses with `Refused` in words, writes in one transaction with its audit entry, and leaves
nothing behind when any part fails (a bad photo never leaves an account without its place)."""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.db.models import Max, Min
from django.utils import timezone
from django.utils.translation import gettext as _

from smartkampung.accounts.selectors import tourism_agency
from smartkampung.audit import services as audit
from smartkampung.core.errors import Refused
from smartkampung.population.normalize import PhoneError, normalize_phone
from smartkampung.regions.models import Village
from smartkampung.regions.selectors import served_name
from smartkampung.tourism import photos
from smartkampung.tourism.models import Certificate, Inspection, Place, PlaceKind, PlacePhoto

# The fields of a place that its owner or the agency set (status, owner and code_secret are not among them).
PLACE_FIELDS = (
    "kind",
    "name",
    "description",
    "owner_name",
    "contact_phone",
    "contact_email",
    "village",
    "address",
    "latitude",
    "longitude",
    "opening_hours",
    "capacity",
    "usual_stay_minutes",
)
REQUIRED = {"kind", "name", "owner_name", "contact_phone", "village", "address", "latitude", "longitude", "capacity"}
TEXT_LIMITS = {"name": 120, "description": 2000, "owner_name": 100, "address": 200, "opening_hours": 200}
CAPACITY_RANGE = (1, 100_000)
STAY_RANGE = (10, 24 * 60 * 14)  # ten minutes to two weeks (a long homestay)
PHOTOS_PER_PLACE = 6
PHOTOS_AT_APPLICATION = 3
# Indonesia, roughly: the fallback when the regency's villages carry no coordinates.
INDONESIA = (Decimal("-11"), Decimal("6"), Decimal("95"), Decimal("141"))
# Room around the outermost village centres of the regency (about 15 km): a beach or a crater lies past them.
BOX_MARGIN = Decimal("0.15")
PHOTO_TYPES = ("image/jpeg", "image/png", "image/webp")


@dataclass(frozen=True)
class Upload:
    """A photo as a page or the API hands it over: its name and (at most the limit and one) bytes."""

    name: str
    data: bytes


photo_max_bytes = photos.max_bytes


# ---------------------------------------------------------------- checking input


def check_photo(upload: Upload) -> tuple[str | None, str]:
    """(content type, problem in words naming the file): tourism.photos.check_photo."""
    content_type, problem = photos.check_photo(upload.data)
    return content_type, (f"“{upload.name}”: {problem}" if problem else "")


def checked_photos(uploads: list[Upload], *, field: str = "photos") -> tuple[list[PlacePhoto], list[tuple[str, str]]]:
    """Unsaved photo rows for `uploads`, and the problems as (field, words)."""
    rows, errors = [], []
    for upload in uploads:
        content_type, problem = check_photo(upload)
        if problem:
            errors.append((field, problem))
            continue
        rows.append(
            PlacePhoto(
                content_type=content_type,
                size=len(upload.data),
                sha256=hashlib.sha256(upload.data).hexdigest(),
                data=upload.data,
            )
        )
    return rows, errors


def coordinate_box() -> tuple[Decimal, Decimal, Decimal, Decimal, str]:
    """(south, north, west, east, where in words): the regency's rough box (its villages' centres with a margin),
    or Indonesia's when the villages carry no coordinates."""
    regencies = settings.SMARTKAMPUNG_REGENCIES
    box = Village.objects.filter(district__regency_id__in=regencies, latitude__isnull=False).aggregate(
        south=Min("latitude"), north=Max("latitude"), west=Min("longitude"), east=Max("longitude")
    )
    if box["south"] is None:
        return (*INDONESIA, _("Indonesia"))
    name = served_name()
    return (
        box["south"] - BOX_MARGIN,
        box["north"] + BOX_MARGIN,
        box["west"] - BOX_MARGIN,
        box["east"] + BOX_MARGIN,
        name.title(),
    )


def _decimal(value) -> Decimal | None:
    try:
        number = Decimal(str(value).strip().replace(",", "."))
    except (InvalidOperation, ValueError):
        return None
    return number if number.is_finite() else None


def _whole(value) -> int | None:
    try:
        return int(str(value).strip())
    except ValueError:
        return None


def check_place(values: dict, *, partial: bool = False) -> tuple[dict, list[tuple[str, str]]]:
    """The place's fields cleaned (only those given when `partial`), and the problems as (field, words)."""
    clean: dict = {}
    errors: list[tuple[str, str]] = []
    for field in PLACE_FIELDS:
        if partial and field not in values:
            continue
        raw = values.get(field)
        text = "" if raw is None else str(raw).strip()
        if not text:
            if field in REQUIRED:
                errors.append((field, _("This field is required.")))
            else:
                clean[field] = ""
            continue
        if field == "kind":
            if text not in PlaceKind.values:
                errors.append((field, _("Choose a kind of place from the list.")))
            else:
                clean[field] = text
        elif field == "village":
            served = Village.objects.filter(district__regency_id__in=settings.SMARTKAMPUNG_REGENCIES)
            village = served.filter(code=text).first()
            if village is None:
                errors.append((field, _("Choose a village of the regency from the list.")))
            else:
                clean[field] = village
        elif field == "contact_phone":
            try:
                clean[field] = normalize_phone(text)
            except PhoneError:
                errors.append((field, _("“%(value)s” is not a valid Indonesian phone number.") % {"value": text}))
        elif field == "contact_email":
            try:
                validate_email(text)
                clean[field] = text
            except ValidationError:
                errors.append((field, _("Enter a valid e-mail address.")))
        elif field in ("latitude", "longitude"):
            number = _decimal(text)
            if number is None:
                words = (
                    _("Enter the latitude as a number, e.g. -8.2192.")
                    if field == "latitude"
                    else _("Enter the longitude as a number, e.g. 114.3692.")
                )
                errors.append((field, words))
            else:
                clean[field] = number.quantize(Decimal("0.000001"))
        elif field in ("capacity", "usual_stay_minutes"):
            low, high = CAPACITY_RANGE if field == "capacity" else STAY_RANGE
            number = _whole(text)
            if number is None or not low <= number <= high:
                words = (
                    _("The capacity must be a whole number from %(low)s to %(high)s visitors.")
                    if field == "capacity"
                    else _("The usual stay must be a whole number from %(low)s to %(high)s minutes.")
                )
                errors.append((field, words % {"low": low, "high": high}))
            else:
                clean[field] = number
        else:
            limit = TEXT_LIMITS[field]
            if len(text) > limit:
                errors.append((field, _("At most %(n)s characters.") % {"n": limit}))
            else:
                clean[field] = text
    if "latitude" in clean and "longitude" in clean:
        south, north, west, east, where = coordinate_box()
        if not (south <= clean["latitude"] <= north and west <= clean["longitude"] <= east):
            errors.append(
                (
                    # Next to the number that is off (the latitude when both are).
                    "latitude" if not south <= clean["latitude"] <= north else "longitude",
                    _(
                        "The location is outside %(where)s: the latitude must be between %(south)s and %(north)s "
                        "and the longitude between %(west)s and %(east)s."
                    )
                    % {
                        "where": where,
                        "south": f"{south:.2f}",
                        "north": f"{north:.2f}",
                        "west": f"{west:.2f}",
                        "east": f"{east:.2f}",
                    },  # fmt: skip
                )
            )
    return clean, errors


def check_account(values: dict) -> tuple[dict, list[tuple[str, str]]]:
    """An owner's new account: a free username, a password typed twice that the site's rules accept."""
    user_model = get_user_model()
    errors: list[tuple[str, str]] = []
    username = str(values.get("username") or "").strip()
    full_name = str(values.get("full_name") or "").strip()
    password, password2 = str(values.get("password") or ""), str(values.get("password2") or "")
    if not username:
        errors.append(("username", _("Choose a username.")))
    else:
        try:
            user_model._meta.get_field("username").run_validators(username)
            if len(username) > 150:
                raise ValidationError(_("At most 150 characters."))
        except ValidationError as exc:
            errors.extend(("username", message) for message in exc.messages)
        else:
            if user_model.objects.filter(username__iexact=username).exists():
                errors.append(("username", _("This username is taken. Choose another.")))
    if not full_name:
        errors.append(("full_name", _("This field is required.")))
    elif len(full_name) > 100:
        errors.append(("full_name", _("At most %(n)s characters.") % {"n": 100}))
    if not password:
        errors.append(("password", _("Choose a password.")))
    elif password != password2:
        errors.append(("password2", _("The two passwords differ. Type the same password twice.")))
    else:
        try:
            validate_password(password, user_model(username=username, first_name=full_name))
        except ValidationError as exc:
            errors.extend(("password", message) for message in exc.messages)
    return {"username": username, "full_name": full_name[:150], "password": password}, errors


# ---------------------------------------------------------------- writing


def _snapshot(place: Place) -> dict:
    """The place's fields as the audit log keeps them (text, so the JSON holds them)."""
    values = {field: getattr(place, "village_id" if field == "village" else field) for field in PLACE_FIELDS}
    return {key: str(value) if isinstance(value, Decimal) else value for key, value in values.items()}


def _create_place(*, values: dict, owner, by, photos: list[PlacePhoto], how: str) -> Place:
    place = Place.objects.create(
        **values,
        owner=owner,
        status=Place.Status.APPLIED,
        code_secret=secrets.token_hex(32),
        registered_by=by,
    )
    for photo in photos:
        photo.place = place
    PlacePhoto.objects.bulk_create(photos)
    audit.record(
        action="create",
        object_type="tourism_place",
        subject=str(place.pk),
        object_ids=[str(place.pk)],
        changes={key: [None, value] for key, value in _snapshot(place).items()},
        detail={"how": how, "photos": len(photos), "owner": owner.get_username() if owner else ""},
        user=by,
    )
    return place


def _create_owner(*, username: str, full_name: str, password: str, by=None):
    user = get_user_model()(username=username, first_name=full_name)
    user.set_password(password)
    user.save()
    audit.record(
        action="create",
        object_type="account",
        subject=username,
        object_ids=[str(user.pk)],
        changes={"username": [None, username], "is_active": [None, True]},
        detail={"why": "tourism place owner"},
        user=by if by is not None else user,
    )
    return user


def _username_taken_meanwhile(username: str, *, field: str = "username") -> None:
    """Two sign-ups with one username at once: the second is refused in words, not with an error page."""
    if username and get_user_model().objects.filter(username=username).exists():
        raise Refused([(field, _("This username is taken. Choose another."))], status=409)


def _too_many_photos(count: int, most: int) -> list[tuple[str, str]]:
    if count > most:
        return [("photos", _("At most %(n)s photos.") % {"n": most})]
    return []


def sign_up_and_apply(*, account: dict, place: dict, photos: list[Upload]):
    """A new owner: their account (no role) and their place's application (status applied). Returns (user,
    place). The owner's name and phone on the place are the account's."""
    clean_account, errors = check_account(account)
    clean_place, place_errors = check_place(
        {**place, "owner_name": account.get("full_name"), "contact_phone": account.get("phone")}
    )
    # The account's form asks for the name and phone: their problems are shown there.
    rename = {"owner_name": "full_name", "contact_phone": "phone"}
    errors += [(rename.get(field, field), message) for field, message in place_errors]
    rows, photo_errors = checked_photos(photos)
    errors += _too_many_photos(len(photos), PHOTOS_AT_APPLICATION) + photo_errors
    if errors:
        raise Refused(errors)
    try:
        with transaction.atomic():
            user = _create_owner(**clean_account)
            created = _create_place(values=clean_place, owner=user, by=user, photos=rows, how="owner signed up")
    except IntegrityError:
        _username_taken_meanwhile(clean_account["username"])
        raise
    return user, created


def apply_for_place(*, by, values: dict, photos: list[Upload]) -> Place:
    """A signed-in owner applies for (another) place of theirs."""
    clean, errors = check_place(values)
    rows, photo_errors = checked_photos(photos)
    errors += _too_many_photos(len(photos), PHOTOS_AT_APPLICATION) + photo_errors
    if errors:
        raise Refused(errors)
    with transaction.atomic():
        return _create_place(values=clean, owner=by, by=by, photos=rows, how="owner applied")


def one_time_password() -> str:
    """A password for an owner's new account, shown once to the agency to hand over (the owner changes it)."""
    return "-".join(secrets.token_urlsafe(6) for _ in range(3))


def register_place(
    *, by, values: dict, photos: list[Upload], owner_username: str = ""
) -> tuple[Place, object | None, str]:
    """The tourism agency registers a place for its owner. With `owner_username`, an account for the owner is made
    too (its one-time password is returned, once, for the agency to hand over). Returns (place, account or None,
    password or ""). The place starts as applied like any other: it still needs its inspection."""
    agency = tourism_agency(by)
    if agency.nothing:
        raise Refused([("", _("Only the tourism agency registers places for their owners."))], status=403)
    clean, errors = check_place(values)
    if "village" in clean and not agency.covers(clean["village"].code):
        errors.append(("village", _("Choose a village of your regency.")))
    password = ""
    if owner_username:
        password = one_time_password()
        _account, account_errors = check_account(
            {
                "username": owner_username,
                "full_name": values.get("owner_name") or "-",
                "password": password,
                "password2": password,
            }
        )
        errors += [("owner_username" if f == "username" else f, m) for f, m in account_errors if f != "full_name"]
    rows, photo_errors = checked_photos(photos)
    errors += _too_many_photos(len(photos), PHOTOS_AT_APPLICATION) + photo_errors
    if errors:
        raise Refused(errors)
    try:
        with transaction.atomic():
            owner = None
            if owner_username:
                owner = _create_owner(
                    username=owner_username.strip(), full_name=clean["owner_name"], password=password, by=by
                )
            place = _create_place(values=clean, owner=owner, by=by, photos=rows, how="registered by the agency")
    except IntegrityError:
        _username_taken_meanwhile(owner_username.strip(), field="owner_username")
        raise
    return place, owner, password


# What a certificate vouches for: while one is in force only the agency changes these (an owner who turned a certified
# warung into a hotel, or moved it, would be listed as certified for what was never inspected). Capacity may only go
# down: more visitors than were inspected for is a change the agency checks.
CERTIFIED_FIELDS = ("kind", "name", "village", "address", "latitude", "longitude")


def _refuse_moves_between_regencies(place: Place, clean: dict, *, by) -> None:
    """A place's village may change within its regency: another regency's agency would take it over (a place does
    not move between regencies; only who administers the whole deployment may correct such a mistake)."""
    village = clean.get("village")
    code = getattr(village, "pk", village)
    if code and code[:4] != place.village_id[:4] and not tourism_agency(by).everything:
        raise Refused([("village", _("This village lies in another regency: a place stays in its regency."))])


def _refuse_certified_changes(place: Place, clean: dict, *, by) -> None:
    if (
        tourism_agency(by).covers(place.village_id)
        or not Certificate.objects.filter(
            place=place, status__in=[Certificate.Status.VALID, Certificate.Status.SUSPENDED]
        ).exists()
    ):
        return
    words = _("The certificate vouches for this as it was inspected: ask the tourism agency to change it.")
    errors = [(field, words) for field in CERTIFIED_FIELDS if field in clean and _differs(place, field, clean[field])]
    if "capacity" in clean and clean["capacity"] > place.capacity:
        errors.append(
            (
                "capacity",
                _("A certified place may lower its capacity, not raise it: ask the tourism agency (at most %(n)s).")
                % {"n": place.capacity},
            )
        )
    if errors:
        raise Refused(errors, status=409)


def _differs(place: Place, field: str, value) -> bool:
    if field == "village":
        return place.village_id != getattr(value, "pk", value)
    if field in ("latitude", "longitude"):
        return Decimal(str(getattr(place, field))) != Decimal(str(value))
    return getattr(place, field) != value


def update_place(*, place: Place, by, changes: dict) -> Place:
    """A manager changes a place's fields (those of PLACE_FIELDS given in `changes`); audited old → new."""
    unknown = sorted(set(changes) - set(PLACE_FIELDS))
    if unknown:
        raise Refused([(field, _("This field cannot be changed here.")) for field in unknown])
    if "latitude" in changes or "longitude" in changes:
        # One coordinate alone is checked against the box with the other as it stands.
        changes = {"latitude": place.latitude, "longitude": place.longitude, **changes}
    clean, errors = check_place(changes, partial=True)
    if errors:
        raise Refused(errors)
    with transaction.atomic():
        place = Place.objects.select_for_update().get(pk=place.pk)
        _refuse_moves_between_regencies(place, clean, by=by)
        _refuse_certified_changes(place, clean, by=by)
        old = _snapshot(place)
        for field, value in clean.items():
            setattr(place, field, value)
        new = _snapshot(place)
        diff = audit.diff(old, new)
        if diff:
            place.updated_at = timezone.now()
            place.save()
            audit.record(
                action="update", object_type="tourism_place", subject=str(place.pk), object_ids=[str(place.pk)],
                changes=diff, user=by,
            )  # fmt: skip
    return place


def add_photos(*, place: Place, by, uploads: list[Upload]) -> list[PlacePhoto]:
    """More photos of a place (PHOTOS_PER_PLACE at most)."""
    rows, errors = checked_photos(uploads)
    if not uploads:
        errors.append(("photos", _("Choose a photo to add.")))
    with transaction.atomic():
        # Counted under the place's lock: two uploads at once cannot pass the limit together.
        Place.objects.select_for_update().filter(pk=place.pk).first()
        errors += _too_many_photos(place.photos.count() + len(uploads), PHOTOS_PER_PLACE)
        if errors:
            raise Refused(errors)
        for row in rows:
            row.place = place
        PlacePhoto.objects.bulk_create(rows)
        audit.record(
            action="create", object_type="tourism_place_photo", subject=str(place.pk),
            object_ids=[str(place.pk)], detail={"photos": [row.sha256 for row in rows]}, user=by,
        )  # fmt: skip
    return rows


def delete_photo(*, photo: PlacePhoto, by) -> None:
    """Remove a photo of a place."""
    with transaction.atomic():
        audit.record(
            action="delete", object_type="tourism_place_photo", subject=str(photo.place_id),
            object_ids=[str(photo.place_id)], detail={"photo": photo.pk, "sha256": photo.sha256}, user=by,
        )  # fmt: skip
        photo.delete()


def close_place(*, place: Place, by) -> Place:
    """The place closes (its owner or the agency): it leaves the public listing and takes no more visitors."""
    with transaction.atomic():
        place = Place.objects.select_for_update().get(pk=place.pk)
        if place.status == Place.Status.CLOSED:
            raise Refused([("", _("This place is closed already."))], status=409)
        old = place.status
        place.status, place.updated_at = Place.Status.CLOSED, timezone.now()
        place.save(update_fields=["status", "updated_at"])
        # A closed place is not inspected: its scheduled inspection is cancelled (certification refuses one anyway).
        Inspection.objects.filter(place=place, status=Inspection.Status.SCHEDULED).update(
            status=Inspection.Status.CANCELLED
        )
        audit.record(
            action="update", object_type="tourism_place", subject=str(place.pk), object_ids=[str(place.pk)],
            changes={"status": [old, place.status]}, user=by,
        )  # fmt: skip
    return place
