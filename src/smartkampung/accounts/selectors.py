"""Who may see and change which region's personal data: the one place that decides it.

Every selector of personal data filters through `read_scope`, every service that writes it
checks `write_scope`, so a new module cannot forget the rule. The modules' own rules (who watches
the whole regency's health data, who runs aid, who works a Puskesmas's cases, who looks a NIK up at
a checkpoint desk, who hears of a notification) are here too: the apps' selectors only ask.
Roles (`Role`) are named in this module and nowhere else that decides (a test keeps it so).
"""

from dataclasses import dataclass

from django.conf import settings
from django.db.models import Q

from smartkampung.accounts.models import Role, RoleAssignment
from smartkampung.regions.selectors import villages_served_by

READ_EVERYTHING = frozenset({Role.REGENCY_ADMIN})
WRITE_EVERYTHING = frozenset({Role.REGENCY_ADMIN})
# The village head and secretary are the village government: they read their village's register too.
READ_VILLAGE = frozenset({Role.VILLAGE_OPERATOR, Role.VILLAGE_OVERSIGHT, Role.VILLAGE_HEAD, Role.VILLAGE_SECRETARY})
READ_DISTRICT = frozenset({Role.DISTRICT_STAFF, Role.CAMAT})
WRITE_VILLAGE = frozenset({Role.VILLAGE_OPERATOR})
# A Puskesmas watches people in the villages it serves, so its staff read their registry data.
READ_PUSKESMAS = frozenset({Role.PUSKESMAS_STAFF})


@dataclass(frozen=True)
class Scope:
    """A set of villages given as: everything, some kecamatan, some villages (or any mix)."""

    everything: bool = False
    districts: frozenset[str] = frozenset()
    villages: frozenset[str] = frozenset()

    @property
    def nothing(self) -> bool:
        return not (self.everything or self.districts or self.villages)

    def q(self, village_field: str = "village") -> Q:
        """A filter for rows whose `village_field` lies in the scope (matches nothing for an empty scope)."""
        if self.everything:
            return Q()
        query = Q(pk__in=[])
        if self.villages:
            query |= Q(**{f"{village_field}_id__in": sorted(self.villages)})
        if self.districts:
            query |= Q(**{f"{village_field}__district_id__in": sorted(self.districts)})
        return query

    def covers(self, village_code: str) -> bool:
        return (
            self.everything
            or village_code in self.villages
            or (len(village_code) == 10 and village_code[:6] in self.districts)
        )


@dataclass(frozen=True)
class Assignment:
    role: str
    district: str | None
    village: str | None
    puskesmas: int | None
    checkpoint: int | None


# The columns an Assignment is made of, in its order (the API token's one-statement look-up reads them too).
ASSIGNMENT_COLUMNS = ("role", "district_id", "village_id", "puskesmas_id", "checkpoint_id")


def remember_assignments(user, rows) -> None:
    """Give a user object its role assignments read elsewhere (as rows of ASSIGNMENT_COLUMNS), for the
    rest of the request."""
    user._smartkampung_roles = [Assignment(*row) for row in rows]


def _assignments(user) -> list[Assignment]:
    if not (user and user.is_authenticated and user.is_active):
        return []
    cached = getattr(user, "_smartkampung_roles", None)
    if cached is None:
        # Once per request: the user object lives as long as the request does.
        remember_assignments(user, RoleAssignment.objects.filter(user=user).values_list(*ASSIGNMENT_COLUMNS))
        cached = user._smartkampung_roles
    return cached


def roles_of(user) -> set[str]:
    roles = {a.role for a in _assignments(user)}
    if user and user.is_authenticated and user.is_active and user.is_superuser:
        roles.add(Role.REGENCY_ADMIN)
    return roles


def _scope(
    user,
    everything_roles: frozenset,
    village_roles: frozenset,
    district_roles: frozenset,
    puskesmas_roles: frozenset = frozenset(),
) -> Scope:
    if Role.REGENCY_ADMIN in everything_roles and user and user.is_active and user.is_superuser:
        return Scope(everything=True)
    districts, villages, puskesmas = set(), set(), set()
    for a in _assignments(user):
        if a.role in everything_roles:
            return Scope(everything=True)
        if a.role in district_roles and a.district:
            districts.add(a.district)
        elif a.role in village_roles and a.village:
            villages.add(a.village)
        elif a.role in puskesmas_roles and a.puskesmas:
            puskesmas.add(a.puskesmas)
    if puskesmas:
        villages |= villages_served_by(puskesmas)
    return Scope(districts=frozenset(districts), villages=frozenset(villages))


def read_scope(user) -> Scope:
    """Whose registry data the user may see: the whole regency, their kecamatan, their village, or
    the villages their Puskesmas serves."""
    return _scope(user, READ_EVERYTHING, READ_VILLAGE, READ_DISTRICT, READ_PUSKESMAS)


def write_scope(user) -> Scope:
    """Whose registry data the user may change: the regency administrator all, an operator their village."""
    return _scope(user, WRITE_EVERYTHING, WRITE_VILLAGE, frozenset())


AID_EVERYTHING = frozenset({Role.REGENCY_ADMIN, Role.SOCIAL_AGENCY})


def aid_read_scope(user) -> Scope:
    """Whose social-aid listings the user sees: the social affairs agency all, a camat their kecamatan, the
    village's operator and three pillars their village."""
    return _scope(user, AID_EVERYTHING, READ_VILLAGE, READ_DISTRICT)


def aid_write_scope(user) -> Scope:
    """Whose listings the user decides (matches, conflicts): the agency all, the village operator their own."""
    return _scope(user, AID_EVERYTHING, WRITE_VILLAGE, frozenset())


def puskesmas_of(user) -> frozenset[int]:
    """The Puskesmas whose work the user does (their own only; the administrator's come from elsewhere)."""
    return frozenset(a.puskesmas for a in _assignments(user) if a.role in READ_PUSKESMAS and a.puskesmas)


def checkpoints_of(user) -> frozenset[int]:
    """The checkpoints at which the user registers travellers."""
    return frozenset(a.checkpoint for a in _assignments(user) if a.role == Role.CHECKPOINT_OFFICER and a.checkpoint)


def served_regency() -> str:
    return settings.SMARTKAMPUNG_REGENCY


# ---------------------------------------------------------------- the modules' rules

# Who sees a module's records across the whole regency. Health: the health agency watches every arrival,
# case, isolation house and report (and the checkpoint entry rules are theirs); aid: the social agency.
REGENCY_WIDE = {
    "health": frozenset({Role.REGENCY_ADMIN, Role.HEALTH_AGENCY}),
    "aid": AID_EVERYTHING,
    # Tourism: figures of visitors (arrivals counted by day, checkpoint and origin; never a name).
    "tourism": frozenset({Role.REGENCY_ADMIN, Role.TOURISM_AGENCY}),
}


def regency_wide(user, module: str) -> bool:
    """Does the user see `module`'s records of the whole regency ("health", "aid" or "tourism")?"""
    return bool(roles_of(user) & REGENCY_WIDE[module])


def aid_agency(user) -> bool:
    """The social affairs agency (and the administrator): imports the lists, sees every listing."""
    return regency_wide(user, "aid")


def may_see_visitor_figures(user) -> bool:
    """The tourism agency (and the administrator) sees the regency's arrival figures, counts only."""
    return regency_wide(user, "tourism")


def may_edit_entry_rules(user) -> bool:
    """The checkpoints' entry rules are the health agency's (and the administrator's)."""
    return regency_wide(user, "health")


def health_read_scope(user) -> Scope:
    """The villages whose health records (cases, register look-ups for a case) the user reads: the whole
    regency for the health agency, else where they read registry data plus the villages their Puskesmas
    serves."""
    if regency_wide(user, "health"):
        return Scope(everything=True)
    scope = read_scope(user)
    served = villages_served_by(puskesmas_of(user))
    return Scope(everything=scope.everything, districts=scope.districts, villages=scope.villages | served)


def health_records_q(user, *, village_field: str = "village", puskesmas_field: str = "puskesmas") -> Q:
    """Health records (cases, isolation houses) the user sees: in their villages (the three pillars, the
    camat, the operator read them) or watched by their Puskesmas; everything for regency-wide roles."""
    if regency_wide(user, "health"):
        return Q()
    query = read_scope(user).q(village_field)
    mine = puskesmas_of(user)
    if mine:
        query |= Q(**{f"{puskesmas_field}_id__in": sorted(mine)})
    return query


def may_work_for_puskesmas(user, puskesmas_id: int | None) -> bool:
    """Record a case's follow-ups, close it, report a day: the Puskesmas's staff and regency-wide roles."""
    return regency_wide(user, "health") or (puskesmas_id is not None and puskesmas_id in puskesmas_of(user))


def may_submit_report_of(user, puskesmas_id: int) -> bool:
    """A Puskesmas's daily report is submitted by its own staff (the administrator may, to help; the
    health agency reads reports, it does not write them)."""
    return puskesmas_id in puskesmas_of(user) or read_scope(user).everything


def puskesmas_worked_by_ids(user) -> frozenset[int] | None:
    """The Puskesmas whose work list and report the user handles; None: every one (regency-wide roles)."""
    return None if regency_wide(user, "health") else puskesmas_of(user)


def may_write_health_at(user, *, village_code: str | None, puskesmas_id: int | None) -> bool:
    """Open a case in a village, manage an isolation house: the village's operator, the Puskesmas's staff
    (the one serving the village, or the house's own), regency-wide roles."""
    if regency_wide(user, "health"):
        return True
    if village_code and write_scope(user).covers(village_code):
        return True
    return puskesmas_id is not None and puskesmas_id in puskesmas_of(user)


def health_writer(user) -> bool:
    """Does the user open cases anywhere at all (a village operator, a Puskesmas, regency-wide roles)?"""
    return regency_wide(user, "health") or not write_scope(user).nothing or bool(puskesmas_of(user))


def arrivals_q(user, *, village_field: str = "destination_village", checkpoint_field: str = "checkpoint") -> Q:
    """Arrivals the user sees: bound for their jurisdiction or registered at their checkpoint (regency-wide
    roles: all)."""
    if regency_wide(user, "health"):
        return Q()
    query = read_scope(user).q(village_field)
    posts = checkpoints_of(user)
    if posts:
        query |= Q(**{f"{checkpoint_field}_id__in": sorted(posts)})
    return query


def works_every_checkpoint(user) -> bool:
    """The administrator may stand in at any checkpoint desk."""
    return read_scope(user).everything


def may_look_up_nik_at(user, checkpoint_id: int) -> bool:
    """Register a traveller, or look a NIK up in the register, at this checkpoint's desk: its officers and
    the administrator (the look-up is throttled per officer: see checkpoints.services)."""
    return checkpoint_id in checkpoints_of(user) or works_every_checkpoint(user)


def sees_all_notifications(user) -> bool:
    """Notifications of the whole regency: the administrator (read scope everything) and the health agency."""
    return read_scope(user).everything or regency_wide(user, "health")


@dataclass(frozen=True)
class NotificationScope:
    """What one user may see and acknowledge among notifications."""

    read: Scope
    write: Scope
    regency_wide: bool


def notification_scope(user) -> NotificationScope:
    """A notification of a village reaches whoever reads that village (its operators and overseers, its
    kecamatan, the Puskesmas serving it) and the regency-wide roles; its operators acknowledge it."""
    return NotificationScope(read=read_scope(user), write=write_scope(user), regency_wide=sees_all_notifications(user))


def notification_email_audience(*, village_codes, district_codes) -> tuple[dict[str, set[str]], dict[str, set[str]]]:
    """Who is e-mailed of notifications: the villages' operators and the kecamatan's staff, as
    ({village: emails}, {district: emails}), active accounts with an address only, in one query."""
    by_village: dict[str, set[str]] = {}
    by_district: dict[str, set[str]] = {}
    rows = RoleAssignment.objects.filter(
        Q(role=Role.VILLAGE_OPERATOR, village_id__in=set(village_codes))
        | Q(role=Role.DISTRICT_STAFF, district_id__in=set(district_codes)),
        user__is_active=True,
        user__email__gt="",
    ).values_list("role", "village_id", "district_id", "user__email")
    for role, village, district, email in rows:
        if role == Role.VILLAGE_OPERATOR:
            by_village.setdefault(village, set()).add(email.lower())
        else:
            by_district.setdefault(district, set()).add(email.lower())
    return by_village, by_district


# ---------------------------------------------------------------- letters

LETTER_VILLAGE_STAFF = frozenset({Role.VILLAGE_OPERATOR, Role.VILLAGE_SECRETARY, Role.VILLAGE_HEAD})
LETTER_DESK = frozenset({Role.VILLAGE_OPERATOR, Role.VILLAGE_SECRETARY})
# The chain's positions (letters.Position) are these roles; the camat's is bound to a kecamatan.
LETTER_POSITIONS = frozenset({Role.VILLAGE_OPERATOR, Role.VILLAGE_SECRETARY, Role.VILLAGE_HEAD, Role.CAMAT})


def letters_read_scope(user) -> Scope:
    """Whose letter requests (with the resident's data and attachments) the user reads: the village's
    operator, secretary and head; the camat and the kecamatan's staff; the administrator."""
    return _scope(user, READ_EVERYTHING, LETTER_VILLAGE_STAFF, READ_DISTRICT)


def letters_desk_scope(user) -> Scope:
    """Where the user takes requests at the village office (enters a resident's NIK): its operator and
    secretary."""
    return _scope(user, frozenset(), LETTER_DESK, frozenset())


def signing_places(user) -> dict[str, Scope]:
    """For each chain position the user holds, the villages whose letters they sign in it: a village's
    operator, secretary and head their village; the camat every village of their kecamatan. Signatures are
    personal: the administrator signs nothing by being administrator."""
    places: dict[str, tuple[set, set]] = {}
    for a in _assignments(user):
        if a.role not in LETTER_POSITIONS:
            continue
        districts, villages = places.setdefault(a.role, (set(), set()))
        if a.role == Role.CAMAT and a.district:
            districts.add(a.district)
        elif a.village:
            villages.add(a.village)
    return {
        position: Scope(districts=frozenset(districts), villages=frozenset(villages))
        for position, (districts, villages) in places.items()
    }


def may_sign_as(user, *, position: str, village_code: str) -> bool:
    """May the user act at a step held by `position` for a letter of this village?"""
    scope = signing_places(user).get(position)
    return scope is not None and scope.covers(village_code)


def signs_letters(user) -> bool:
    """Does the user hold any position in a chain (and so a queue and a signing key)?"""
    return bool(signing_places(user))


def signs_as_official(user) -> bool:
    """A village head or secretary, or a camat: signing letters is their daily work here (they start at their
    queue)."""
    return bool(set(signing_places(user)) & {Role.VILLAGE_HEAD, Role.VILLAGE_SECRETARY, Role.CAMAT})


def letter_officials(*, village_code: str, district_code: str) -> dict[str, str]:
    """The names a letter prints under its boxes: the village's head and secretary and its camat, as their active
    accounts have them ({position: name}; the earliest assignment when there are several)."""
    rows = (
        RoleAssignment.objects.filter(
            Q(role__in=[Role.VILLAGE_HEAD, Role.VILLAGE_SECRETARY], village_id=village_code)
            | Q(role=Role.CAMAT, district_id=district_code),
            user__is_active=True,
        )
        .select_related("user")
        .order_by("created_at")
    )
    names: dict[str, str] = {}
    for row in rows:
        names.setdefault(row.role, row.user.get_full_name() or row.user.get_username())
    return names


def may_manage_letter_types(user) -> bool:
    """Letter types, their templates, chains and numbering are the regency administrator's."""
    return read_scope(user).everything


def rights_fingerprint(user) -> tuple:
    """What decides everything the user may see: administrator or not, and every role with its place, read
    fresh from the database (a live stream compares it every heartbeat and ends when it changed)."""
    roles = RoleAssignment.objects.filter(user_id=user.pk).values_list(
        "role", "district_id", "village_id", "puskesmas_id", "checkpoint_id"
    )
    return (user.is_superuser, tuple(sorted(roles, key=repr)))


# ---------------------------------------------------------------- KTP scan


def may_read_ktp(user) -> bool:
    """Read a KTP photo (or a pre-registration QR code) at /api/v1/ktp: a checkpoint officer at their desk and
    whoever registers residents (a village operator, the administrator). Others have no form a scan fills."""
    return bool(checkpoints_of(user)) or not write_scope(user).nothing


def ktp_comparison_scope(user) -> Scope:
    """Whose register record a scanned KTP is compared with (whether the card's name and birth date agree with
    it, never the record itself): a checkpoint officer any NIK, as their desk's look-up (and counted against the
    same throttle: ktp.services), everyone else those whose registry data they read."""
    if checkpoints_of(user):
        return Scope(everything=True)
    return read_scope(user)


def ktp_comparison_throttled(user) -> bool:
    """Is this user's register comparison counted against the checkpoint desk's per-officer look-up throttle? An
    officer's is (it reaches any NIK), unless they read the whole register anyway."""
    return bool(checkpoints_of(user)) and not read_scope(user).everything


# Tourism (the tourism app): places, their certification, violations, the door. Places are businesses, but their
# records carry the owner's name and phone and the reporters' contacts: read like personal data.
TOURISM_AREA_READERS = frozenset({Role.VILLAGE_OPERATOR})


def tourism_agency(user) -> bool:
    """The tourism agency (and the administrator): registers places for their owners, inspects, decides,
    signs certificates, investigates violations and revokes, for the whole regency."""
    return regency_wide(user, "tourism")


def tourism_read_q(user, *, owner_field: str = "owner", village_field: str = "village") -> Q:
    """The places (rows with `owner_field` and `village_field`) whose records the user reads: the agency every
    place; an owner their own; the camat's staff those of their kecamatan, a village operator their village's."""
    if not user or not getattr(user, "is_authenticated", False) or not user.is_active:
        return Q(pk__in=[])
    scope = _scope(
        user,
        REGENCY_WIDE["tourism"],
        TOURISM_AREA_READERS,
        READ_DISTRICT,
    )
    if scope.everything:
        return Q()
    return scope.q(village_field) | Q(**{f"{owner_field}_id": user.pk})


def tourism_manage_q(user, *, owner_field: str = "owner") -> Q:
    """The places the user manages (edits, applies for, counts at the door, shows the check-in code of): the
    agency every place, an owner their own. Area staff read, never manage."""
    if not user or not getattr(user, "is_authenticated", False) or not user.is_active:
        return Q(pk__in=[])
    if tourism_agency(user):
        return Q()
    return Q(**{f"{owner_field}_id": user.pk})


def holds_signing_key(user) -> bool:
    """Who holds a signing key (the letters' PKI): the officials in a letter chain, and the tourism agency, whose
    staff sign the places' health-protocol certificates (its own role: the administrator signs nothing by being
    administrator)."""
    return signs_letters(user) or Role.TOURISM_AGENCY in roles_of(user)


def reports_as_officer(user) -> bool:
    """A signed-in account holding any role reports a tourism violation as an officer: named on the report, not
    held to the public's rate limit."""
    return bool(user and getattr(user, "is_authenticated", False) and user.is_active and roles_of(user))


# ---------------------------------------------------------------- data subject's requests


def may_export_subject_data(user) -> bool:
    """Export everything held about one NIK (a data subject's request, UU 27/2022): the regency administrator (or a
    superuser) only. The answer spans every module (health cases the village does not see, aid rows of the social
    agency, the audit log that only the administrator reads), and the regency is the controller that answers the
    request; a village operator takes the request letter and passes it on."""
    return read_scope(user).everything
