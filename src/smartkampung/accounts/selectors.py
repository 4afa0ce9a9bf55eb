"""Who may see and change which region's personal data: the one place that decides it.

Every selector of personal data filters through `read_scope`, every service that writes it
checks `write_scope`, so a new module cannot forget the rule. The modules' own rules (who watches
the whole regency's health data, who runs aid, who works a Puskesmas's cases, who looks a NIK up at
a checkpoint desk, who hears of a notification) are here too: the apps' selectors only ask.
Roles (`Role`) are named in this module and nowhere else that decides (a test keeps it so).
"""

from collections.abc import Callable
from dataclasses import dataclass

from django.conf import settings
from django.db.models import Q, QuerySet

from smartkampung.accounts.models import REGENCY_ROLES, Role, RoleAssignment
from smartkampung.regions.selectors import begins_with, puskesmas_in_regencies, villages_served_by

READ_EVERYTHING = frozenset({Role.REGENCY_ADMIN})
WRITE_EVERYTHING = frozenset({Role.REGENCY_ADMIN})
# The village head and secretary are the village government: they read their village's register too.
READ_VILLAGE = frozenset({Role.VILLAGE_OPERATOR, Role.VILLAGE_OVERSIGHT, Role.VILLAGE_HEAD, Role.VILLAGE_SECRETARY})
READ_DISTRICT = frozenset({Role.DISTRICT_STAFF, Role.CAMAT})
WRITE_VILLAGE = frozenset({Role.VILLAGE_OPERATOR})
# A Puskesmas watches people in the villages it serves, so its staff read their registry data.
READ_PUSKESMAS = frozenset({Role.PUSKESMAS_STAFF})


def served_regencies() -> frozenset[str]:
    return frozenset(settings.SMARTKAMPUNG_REGENCIES)


@dataclass(frozen=True)
class Scope:
    """A set of villages given as: everything (the whole deployment), some regencies, some kecamatan, some
    villages (or any mix)."""

    everything: bool = False
    districts: frozenset[str] = frozenset()
    villages: frozenset[str] = frozenset()
    regencies: frozenset[str] = frozenset()

    def __post_init__(self):
        # Every regency served is the whole deployment (and so a single regency's administrator sees it whole).
        if self.regencies and not self.everything and self.regencies >= served_regencies():
            object.__setattr__(self, "everything", True)

    def __bool__(self) -> bool:
        raise TypeError("a Scope is not a yes or no: ask .nothing, .everything or .covers()")

    @property
    def nothing(self) -> bool:
        return not (self.everything or self.regencies or self.districts or self.villages)

    def q(self, village_field: str = "village") -> Q:
        """A filter for rows whose `village_field` lies in the scope (matches nothing for an empty scope)."""
        if self.everything:
            return Q()
        query = Q(pk__in=[])
        for regency in sorted(self.regencies):
            query |= begins_with(f"{village_field}_id", regency)
        if self.villages:
            query |= Q(**{f"{village_field}_id__in": sorted(self.villages)})
        if self.districts:
            query |= Q(**{f"{village_field}__district_id__in": sorted(self.districts)})
        return query

    def regency_q(self, code_field: str) -> Q:
        """A filter for rows whose code column `code_field` (a regency's, kecamatan's or village's code) lies in
        one of the scope's whole regencies: for what has no village (a Puskesmas, a checkpoint, an entry rule)."""
        if self.everything:
            return Q()
        query = Q(pk__in=[])
        for regency in sorted(self.regencies):
            query |= begins_with(code_field, regency)
        return query

    def covers(self, village_code: str) -> bool:
        return (
            self.everything
            or village_code in self.villages
            or (len(village_code) == 10 and village_code[:6] in self.districts)
            or (len(village_code) == 10 and village_code[:4] in self.regencies)
        )

    @property
    def regencies_touched(self) -> frozenset[str]:
        """The regencies of which the scope holds a part (the whole, a kecamatan or a village; `everything`: ask it
        first)."""
        return self.regencies | {code[:4] for code in self.districts} | {code[:4] for code in self.villages}

    def whole_regencies(self) -> tuple[str, ...]:
        """The served regencies the scope holds whole, in the deployment's order."""
        return tuple(code for code in settings.SMARTKAMPUNG_REGENCIES if self.covers_regency(code))

    def covers_regency(self, regency_code: str | None) -> bool:
        """Does the scope hold this whole regency (for records bound to a regency, not a village)?"""
        return self.everything or (regency_code is not None and regency_code in self.regencies)


@dataclass(frozen=True)
class Assignment:
    role: str
    district: str | None
    village: str | None
    puskesmas: int | None
    checkpoint: int | None
    regency: str | None = None


# The columns an Assignment is made of, in its order (the API token's one-statement look-up reads them too).
ASSIGNMENT_COLUMNS = ("role", "district_id", "village_id", "puskesmas_id", "checkpoint_id", "regency_id")


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
    if Role.PROVINCE_ADMIN in roles:
        roles.add(Role.REGENCY_ADMIN)
    return roles


def _everywhere(user) -> bool:
    """A superuser or the province administrator: the regency administrator of every regency served."""
    if not (user and user.is_authenticated and user.is_active):
        return False
    return user.is_superuser or any(a.role == Role.PROVINCE_ADMIN for a in _assignments(user))


def regencies_of(user, roles: frozenset) -> frozenset[str]:
    """The regencies in which the user holds one of the regency-wide `roles` (every one served for the province
    administrator and a superuser, when `roles` holds the regency administrator's)."""
    if Role.REGENCY_ADMIN in roles and _everywhere(user):
        return served_regencies()
    return frozenset(a.regency for a in _assignments(user) if a.role in roles and a.role in REGENCY_ROLES and a.regency)


def _scope(
    user,
    everything_roles: frozenset,
    village_roles: frozenset,
    district_roles: frozenset,
    puskesmas_roles: frozenset = frozenset(),
) -> Scope:
    """`everything_roles` are regency-wide: each gives its regency (the regency administrator's given to the
    province administrator and a superuser: the whole deployment)."""
    if Role.REGENCY_ADMIN in everything_roles and _everywhere(user):
        return Scope(everything=True)
    regencies, districts, villages, puskesmas = set(), set(), set(), set()
    for a in _assignments(user):
        if a.role in everything_roles:
            if a.regency:
                regencies.add(a.regency)
        elif a.role in district_roles and a.district:
            districts.add(a.district)
        elif a.role in village_roles and a.village:
            villages.add(a.village)
        elif a.role in puskesmas_roles and a.puskesmas:
            puskesmas.add(a.puskesmas)
    if puskesmas:
        villages |= villages_served_by(puskesmas)
    return Scope(districts=frozenset(districts), villages=frozenset(villages), regencies=frozenset(regencies))


def read_scope(user) -> Scope:
    """Whose registry data the user may see: every regency served (the province administrator), their regency,
    their kecamatan, their village, or the villages their Puskesmas serves."""
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


def administers(user) -> Scope:
    """The regencies the user administers (accounts and roles, letter types, the audit log, a data subject's
    export, checkpoints' desks): the regency administrator their own, the province administrator every one
    served (`everything`)."""
    if _everywhere(user):
        return Scope(everything=True)
    return Scope(regencies=regencies_of(user, READ_EVERYTHING))


def administers_deployment(user) -> bool:
    """The whole deployment (every regency served): the province administrator and a superuser (and the regency
    administrator where the deployment serves only their regency)."""
    return administers(user).everything


def _roles_within_q(scope: Scope, prefix: str = "") -> Q:
    """Role assignments (`prefix`: the path to them) whose place lies in the scope's regencies."""
    if scope.everything:
        return Q()
    return (
        scope.regency_q(f"{prefix}regency_id")
        | scope.regency_q(f"{prefix}district_id")
        | scope.regency_q(f"{prefix}village_id")
        | scope.regency_q(f"{prefix}puskesmas__district_id")
        | scope.regency_q(f"{prefix}checkpoint__village_id")
    )


def regencies_administered(user) -> tuple[str, ...]:
    """The served regencies in which the user gives roles (in the deployment's order)."""
    return administers(user).whole_regencies()


# Apps whose records bind an account to a village without a role (tourism: a place's owner) say so here, so that
# another regency's administrator does not manage the account: each gives, for a scope, the ids of the users holding
# such a record outside it (a queryset of user ids).
_ACCOUNT_PLACES: list[Callable[[Scope], QuerySet]] = []


def register_account_places(outside: Callable[[Scope], QuerySet]) -> None:
    """Register `outside(scope)`: the ids of the users whose records of this app lie outside `scope`."""
    _ACCOUNT_PLACES.append(outside)


def accounts_managed_q(user) -> Q:
    """The accounts (users) the user manages: every one for the administrator of the whole deployment; for a
    regency administrator those without a role and those whose every role, and every record binding them to a
    village (a tourism place they own), lies in their regency; never a superuser or a staff (Django admin) account:
    those are the deployment's."""
    admin = administers(user)
    if admin.everything:
        return Q()
    if admin.nothing:
        return Q(pk__in=[])
    outside = RoleAssignment.objects.exclude(_roles_within_q(admin)).values("user_id")
    managed = ~Q(pk__in=outside) & Q(is_superuser=False, is_staff=False)
    for places_outside in _ACCOUNT_PLACES:
        managed &= ~Q(pk__in=places_outside(admin))
    return managed


# ---------------------------------------------------------------- the modules' rules

# Who sees a module's records across the whole regency. Health: the health agency watches every arrival,
# case, isolation house and report (and the checkpoint entry rules are theirs); aid: the social agency.
REGENCY_WIDE = {
    "health": frozenset({Role.REGENCY_ADMIN, Role.HEALTH_AGENCY}),
    "aid": AID_EVERYTHING,
    # Tourism: figures of visitors (arrivals counted by day, checkpoint and origin; never a name).
    "tourism": frozenset({Role.REGENCY_ADMIN, Role.TOURISM_AGENCY}),
}


def regency_wide(user, module: str) -> Scope:
    """Where the user sees `module`'s records of whole regencies ("health", "aid" or "tourism"): their regency
    for the regency administrator and the module's agency, the whole deployment (`everything`) for the province
    administrator and a superuser; `nothing` for everyone else."""
    if _everywhere(user):
        return Scope(everything=True)
    return Scope(regencies=regencies_of(user, REGENCY_WIDE[module]))


def aid_agency(user) -> Scope:
    """The social affairs agency (and the administrator): imports the lists, sees every listing of its regency."""
    return regency_wide(user, "aid")


def may_see_visitor_figures(user) -> bool:
    """The tourism agency (and the administrator) sees its regency's arrival figures, counts only."""
    return not regency_wide(user, "tourism").nothing


def entry_rule_regencies(user) -> Scope:
    """The regencies whose checkpoints' entry rules the user sets: the health agency's (and the
    administrator's) own."""
    return regency_wide(user, "health")


def may_edit_entry_rules(user, regency_code: str | None = None) -> bool:
    """The checkpoints' entry rules are the health agency's (and the administrator's): of their regency (without
    `regency_code`: of any regency at all)."""
    scope = entry_rule_regencies(user)
    return not scope.nothing if regency_code is None else scope.covers_regency(regency_code)


def _joined(*scopes: Scope) -> Scope:
    return Scope(
        everything=any(s.everything for s in scopes),
        districts=frozenset().union(*(s.districts for s in scopes)),
        villages=frozenset().union(*(s.villages for s in scopes)),
        regencies=frozenset().union(*(s.regencies for s in scopes)),
    )


def health_read_scope(user) -> Scope:
    """The villages whose health records (cases, register look-ups for a case) the user reads: their regency
    for the health agency, else where they read registry data plus the villages their Puskesmas serves."""
    served = Scope(villages=villages_served_by(puskesmas_of(user)))
    return _joined(regency_wide(user, "health"), read_scope(user), served)


def health_records_q(user, *, village_field: str = "village", puskesmas_field: str = "puskesmas") -> Q:
    """Health records (cases, isolation houses) the user sees: in their villages (the three pillars, the
    camat, the operator read them) or watched by their Puskesmas; their regency's for regency-wide roles."""
    wide = regency_wide(user, "health")
    if wide.everything:
        return Q()
    query = _joined(wide, read_scope(user)).q(village_field)
    if wide.regencies:
        query |= wide.regency_q(f"{puskesmas_field}__district_id")
    mine = puskesmas_of(user)
    if mine:
        query |= Q(**{f"{puskesmas_field}_id__in": sorted(mine)})
    return query


def puskesmas_worked_by_ids(user) -> frozenset[int] | None:
    """The Puskesmas whose work list and report the user handles: their own, every one of their regency for
    regency-wide roles; None: every one (the province administrator, a superuser)."""
    wide = regency_wide(user, "health")
    if wide.everything:
        return None
    return puskesmas_of(user) | puskesmas_in_regencies(wide.regencies)


def may_work_for_puskesmas(user, puskesmas_id: int | None, *, village_code: str | None = None) -> bool:
    """Record a case's follow-ups, close it, report a day: the Puskesmas's staff and the regency-wide roles of
    its regency (or of the case's village, `village_code`)."""
    wide = regency_wide(user, "health")
    if wide.everything or (village_code and wide.covers(village_code)):
        return True
    if puskesmas_id is None:
        return False
    mine = puskesmas_worked_by_ids(user)
    return mine is None or puskesmas_id in mine


def may_submit_report_of(user, puskesmas_id: int) -> bool:
    """A Puskesmas's daily report is submitted by its own staff (the administrator of its regency may, to help;
    the health agency reads reports, it does not write them)."""
    if puskesmas_id in puskesmas_of(user):
        return True
    admin = administers(user)
    return admin.everything or puskesmas_id in puskesmas_in_regencies(admin.regencies)


def may_write_health_at(user, *, village_code: str | None, puskesmas_id: int | None) -> bool:
    """Open a case in a village, manage an isolation house: the village's operator, the Puskesmas's staff
    (the one serving the village, or the house's own), regency-wide roles of the village's regency (or the
    Puskesmas's, for a house without a village)."""
    wide = regency_wide(user, "health")
    if village_code and (wide.covers(village_code) or write_scope(user).covers(village_code)):
        return True
    if puskesmas_id is None:
        return False
    if wide.everything or puskesmas_id in puskesmas_of(user):
        return True
    return not village_code and puskesmas_id in puskesmas_in_regencies(wide.regencies)


def health_writer(user) -> bool:
    """Does the user open cases anywhere at all (a village operator, a Puskesmas, regency-wide roles)?"""
    return not regency_wide(user, "health").nothing or not write_scope(user).nothing or bool(puskesmas_of(user))


def arrivals_q(user, *, village_field: str = "destination_village", checkpoint_field: str = "checkpoint") -> Q:
    """Arrivals the user sees: bound for their jurisdiction or registered at their checkpoint (regency-wide
    roles: bound for their regency)."""
    scope = _joined(regency_wide(user, "health"), read_scope(user))
    if scope.everything:
        return Q()
    query = scope.q(village_field)
    posts = checkpoints_of(user)
    if posts:
        query |= Q(**{f"{checkpoint_field}_id__in": sorted(posts)})
    return query


def works_every_checkpoint(user) -> Scope:
    """Where the administrator may stand in at any checkpoint desk: the checkpoints of the regencies they
    administer (filter them with `.q("village")`)."""
    return administers(user)


def may_look_up_nik_at(user, checkpoint_id: int, *, village_code: str | None = None) -> bool:
    """Register a traveller, or look a NIK up in the register, at this checkpoint's desk: its officers and
    the administrator of its regency (the look-up is throttled per officer: see checkpoints.services).
    `village_code`: the checkpoint's village, where the caller has it (else it is read)."""
    if checkpoint_id in checkpoints_of(user):
        return True
    admin = administers(user)
    if admin.everything or admin.nothing:
        return admin.everything
    return admin.covers_regency(village_code[:4] if village_code else regency_of_checkpoint(checkpoint_id))


def regency_of_checkpoint(checkpoint_id: int) -> str | None:
    """The regency a checkpoint stands in (by its village's code)."""
    # By the role's field, not by import: the checkpoints module sits above accounts.
    checkpoints = RoleAssignment._meta.get_field("checkpoint").related_model.objects
    village = checkpoints.filter(pk=checkpoint_id).values_list("village_id", flat=True).first()
    return village[:4] if village else None


def sees_all_notifications(user) -> Scope:
    """Where the user sees every notification: the administrator's regency (read scope) and the health
    agency's; `everything` for the province administrator."""
    return _joined(administers(user), regency_wide(user, "health"))


@dataclass(frozen=True)
class NotificationScope:
    """What one user may see and acknowledge among notifications; `wide`: the regencies of which they see
    every notification (of every kind, escalations included)."""

    read: Scope
    write: Scope
    wide: Scope

    @property
    def regency_wide(self) -> bool:
        """Everything of the whole deployment."""
        return self.wide.everything


def notification_scope(user) -> NotificationScope:
    """A notification of a village reaches whoever reads that village (its operators and overseers, its
    kecamatan, the Puskesmas serving it) and the regency-wide roles of its regency; its operators acknowledge
    it."""
    return NotificationScope(read=read_scope(user), write=write_scope(user), wide=sees_all_notifications(user))


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
    """Letter types, their templates, chains and numbering are shared by every regency the deployment serves
    (a type has no regency): the administrator of the whole deployment edits them, the regency administrator
    where it serves one regency, the province administrator where it serves several."""
    return administers(user).everything


def rights_fingerprint(user) -> tuple:
    """What decides everything the user may see: administrator or not, and every role with its place, read
    fresh from the database (a live stream compares it every heartbeat and ends when it changed)."""
    roles = RoleAssignment.objects.filter(user_id=user.pk).values_list(*ASSIGNMENT_COLUMNS)
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
    officer's is (it reaches any NIK), unless they read the whole deployment's register anyway."""
    return bool(checkpoints_of(user)) and not read_scope(user).everything


# Tourism (the tourism app): places, their certification, violations, the door. Places are businesses, but their
# records carry the owner's name and phone and the reporters' contacts: read like personal data.
TOURISM_AREA_READERS = frozenset({Role.VILLAGE_OPERATOR})


def tourism_agency(user) -> Scope:
    """Where the user is the tourism agency (or the administrator): registers places for their owners, inspects,
    decides, signs certificates, investigates violations and revokes, for their regency (`nothing`: not the
    agency anywhere). Test a place with `.covers(place.village_id)`."""
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


def tourism_manage_q(user, *, owner_field: str = "owner", village_field: str = "village") -> Q:
    """The places the user manages (edits, applies for, counts at the door, shows the check-in code of): the
    agency every place of its regency, an owner their own. Area staff read, never manage."""
    if not user or not getattr(user, "is_authenticated", False) or not user.is_active:
        return Q(pk__in=[])
    agency = tourism_agency(user)
    if agency.everything:
        return Q()
    return agency.q(village_field) | Q(**{f"{owner_field}_id": user.pk})


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


def may_export_subject_data(user, nik: str | None = None, *, home_village: str | None = None) -> bool:
    """Export everything held about one NIK (a data subject's request, UU 27/2022): the regency administrator (or a
    superuser) only. The answer spans every module (health cases the village does not see, aid rows of the social
    agency, the audit log that only the administrator reads), and the regency is the controller that answers the
    request; a village operator takes the request letter and passes it on. With `nik`: the administrator of the
    regency the person is registered in (`home_village`, the register's), or of the whole deployment. A person
    registered in Jember with a Banyuwangi-issued NIK is Jember's to answer; someone in no register (a traveller,
    a row of another regency's aid list) is the province administrator's: the export spans every regency's
    records, and a regency's administrator finds nothing."""
    admin = administers(user)
    if nik is None:
        return not admin.nothing
    return admin.everything or (home_village is not None and home_village[:4] in admin.regencies)
