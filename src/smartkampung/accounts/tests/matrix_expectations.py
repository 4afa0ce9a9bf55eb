"""Who the authorization matrix signs in as, and what each may get from each kind of endpoint."""

from smartkampung.accounts.models import Role

HOME, HOME_DISTRICT, AWAY, AWAY_DISTRICT = "3510151002", "351015", "3510012001", "351001"
HOME_KK, HOME_NIK, HOME_NAME = "3510150101100001", "3510151708850001", "WARSIDI BAKUNGAN"
AWAY_KK, AWAY_NIK, AWAY_NAME = "3510010101100009", "3510011708850009", "SUPARMI SARONGAN"
# A second regency of the same deployment (a province on one database): Keting, Kec. Jombang, Kab. Jember.
FAR_REGENCY, FAR, FAR_DISTRICT = "3509", "3509012002", "350901"
FAR_KK, FAR_NIK, FAR_NAME = "3509010101100007", "3509011708850007", "SUMARNI KETING"

# actor -> role, kecamatan, village (Puskesmas staff: the Puskesmas serving that village)[, regency: of a
# regency-wide role, Banyuwangi (the home regency) when not given]
ACTORS = {
    "anonymous": None,
    "no_role": (),
    # The province administrator: what the regency administrator does, in every regency served.
    "province_admin": (Role.PROVINCE_ADMIN, None, None),
    "regency_admin": (Role.REGENCY_ADMIN, None, None),
    "health_agency": (Role.HEALTH_AGENCY, None, None),
    "social_agency": (Role.SOCIAL_AGENCY, None, None),
    "tourism_agency": (Role.TOURISM_AGENCY, None, None),
    "camat_in": (Role.DISTRICT_STAFF, HOME_DISTRICT, None),
    "camat_out": (Role.DISTRICT_STAFF, AWAY_DISTRICT, None),
    "operator_in": (Role.VILLAGE_OPERATOR, None, HOME),
    "operator_out": (Role.VILLAGE_OPERATOR, None, AWAY),
    "oversight_in": (Role.VILLAGE_OVERSIGHT, None, HOME),
    "oversight_out": (Role.VILLAGE_OVERSIGHT, None, AWAY),
    "checkpoint_officer": (Role.CHECKPOINT_OFFICER, None, None),
    "puskesmas_in": (Role.PUSKESMAS_STAFF, None, HOME),
    "puskesmas_out": (Role.PUSKESMAS_STAFF, None, AWAY),
    # The village head (kepala desa / lurah): village government, signs letters, reads the register.
    "head_in": (Role.VILLAGE_HEAD, None, HOME),
    "head_out": (Role.VILLAGE_HEAD, None, AWAY),
    # Staff of the other regency: to HOME they are as staff of another village (FAR_AS_OUT), and they must
    # never meet a word of HOME or AWAY; Banyuwangi's staff, its regency-wide roles among them, never meet a word
    # of FAR.
    "camat_far": (Role.DISTRICT_STAFF, FAR_DISTRICT, None),
    "operator_far": (Role.VILLAGE_OPERATOR, None, FAR),
    # Jember's agencies: their desks open as Banyuwangi's do, but no record of HOME does (FAR_AGENCIES).
    "health_far": (Role.HEALTH_AGENCY, None, None, FAR_REGENCY),
    "social_far": (Role.SOCIAL_AGENCY, None, None, FAR_REGENCY),
}
FAR_AS_OUT = {"camat_far": "camat_out", "operator_far": "operator_out"}
# Jember's agencies, and their Banyuwangi counterparts.
FAR_AGENCIES = {"health_far": "health_agency", "social_far": "social_agency"}
READERS = {"regency_admin", "camat_in", "operator_in", "oversight_in", "puskesmas_in", "head_in"}
WRITERS = {"regency_admin", "operator_in"}
ANY_WRITER = WRITERS | {"operator_out"}  # may register somewhere, so gets past the first door

# What each answer may be. "shown": 200/201/202/302-to-the-record; "listed": 200 and HOME's data in it.
SHOWN, LISTED, HIDDEN, FORBIDDEN, NOT_FOUND, LOGIN = "shown", "listed", "hidden", "forbidden", "not_found", "login"
CONFLICT = "conflict"


def expect_read(actor: str) -> str:
    return LOGIN if actor == "anonymous" else SHOWN if actor in READERS else NOT_FOUND


def expect_list(actor: str) -> str:
    return LOGIN if actor == "anonymous" else LISTED if actor in READERS else HIDDEN


def expect_change(actor: str) -> str:
    if actor == "anonymous":
        return LOGIN
    if actor in WRITERS:
        return SHOWN
    return FORBIDDEN if actor in READERS else NOT_FOUND


def expect_register(actor: str) -> str:
    if actor == "anonymous":
        return LOGIN
    return SHOWN if actor in WRITERS else FORBIDDEN if actor not in ANY_WRITER else "refused"


def expect_import(actor: str) -> str:
    return LOGIN if actor == "anonymous" else SHOWN if actor in ANY_WRITER else FORBIDDEN


def expect_admin_job(actor: str) -> str:
    return LOGIN if actor == "anonymous" else SHOWN if actor == "regency_admin" else NOT_FOUND


def expect_job_list(actor: str) -> str:
    return LOGIN if actor == "anonymous" else SHOWN if actor == "regency_admin" else HIDDEN


def expect_audit(actor: str) -> str:
    return LOGIN if actor == "anonymous" else SHOWN if actor == "regency_admin" else FORBIDDEN


def expect_notifications(actor: str) -> str:
    # Notifications of HOME also go to the health agency, regency-wide.
    return LOGIN if actor == "anonymous" else SHOWN if actor in READERS | {"health_agency"} else HIDDEN


def expect_acknowledge(actor: str) -> str:
    if actor == "anonymous":
        return LOGIN
    if actor in WRITERS:
        return SHOWN
    return FORBIDDEN if actor in READERS | {"health_agency"} else NOT_FOUND


# Arrivals: the destination's jurisdiction, the officer of the checkpoint where they were registered
# (Ketapang, where HOME's traveller passed), the health agency and the administrator.
ARRIVAL_READERS = READERS | {"health_agency", "checkpoint_officer"}
OFFICERS = {"regency_admin", "checkpoint_officer"}
RULE_SETTERS = {"regency_admin", "health_agency"}
# The tourism agency sees the regency's arrival figures (counts only: the leak check proves no name or NIK).
DASHBOARD = READERS | {
    "health_agency", "tourism_agency", "camat_out", "operator_out", "oversight_out", "puskesmas_out", "head_out"
}  # fmt: skip


def expect_arrival(actor: str) -> str:
    return LOGIN if actor == "anonymous" else SHOWN if actor in ARRIVAL_READERS else NOT_FOUND


def expect_arrival_list(actor: str) -> str:
    return LOGIN if actor == "anonymous" else LISTED if actor in ARRIVAL_READERS else HIDDEN


def expect_officer(actor: str) -> str:
    return LOGIN if actor == "anonymous" else SHOWN if actor in OFFICERS else FORBIDDEN


def expect_rules_page(actor: str) -> str:
    return LOGIN if actor == "anonymous" else SHOWN if actor in OFFICERS | RULE_SETTERS else FORBIDDEN


def expect_rule_setter(actor: str) -> str:
    return LOGIN if actor == "anonymous" else SHOWN if actor in RULE_SETTERS else FORBIDDEN


def expect_signed_in(actor: str) -> str:
    return LOGIN if actor == "anonymous" else SHOWN


def expect_checkpoint_home(actor: str) -> str:
    return LOGIN if actor == "anonymous" else SHOWN if actor in OFFICERS | RULE_SETTERS else FORBIDDEN


def expect_found(actor: str) -> str:
    return LOGIN if actor == "anonymous" else SHOWN if actor in ANY_WRITER else FORBIDDEN


HOUSE_MANAGERS = {"regency_admin", "health_agency", "operator_in", "puskesmas_in"}
HOUSE_READERS = READERS | {"health_agency"}


def expect_house(actor: str) -> str:
    return LOGIN if actor == "anonymous" else SHOWN if actor in HOUSE_READERS else NOT_FOUND


def expect_check_in(actor: str) -> str:
    if actor == "anonymous":
        return LOGIN
    return SHOWN if actor in HOUSE_MANAGERS else FORBIDDEN if actor in HOUSE_READERS else NOT_FOUND


def expect_check_out(actor: str) -> str:
    # HOME's guest is only reserved, not checked in: those who may act get 409, the others as above.
    return CONFLICT if actor in HOUSE_MANAGERS else expect_check_in(actor)


# Isolation cases: the village's readers (the three pillars among them), the Puskesmas that watches it,
# the health agency; the Puskesmas and the regency-wide roles work them; operators and Puskesmas open them.
CASE_READERS = READERS | {"health_agency"}
CASE_WORKERS = {"regency_admin", "health_agency", "puskesmas_in"}
CASE_OPENERS = {"regency_admin", "health_agency", "operator_in", "puskesmas_in"}
PUSKESMAS_DESKS = {"regency_admin", "health_agency", "puskesmas_in", "puskesmas_out"}


def expect_case(actor: str) -> str:
    return LOGIN if actor == "anonymous" else SHOWN if actor in CASE_READERS else NOT_FOUND


def expect_case_list(actor: str) -> str:
    return LOGIN if actor == "anonymous" else LISTED if actor in CASE_READERS else HIDDEN


def expect_case_work(actor: str) -> str:
    if actor == "anonymous":
        return LOGIN
    return SHOWN if actor in CASE_WORKERS else FORBIDDEN if actor in CASE_READERS else NOT_FOUND


def expect_case_form(actor: str) -> str:
    return (
        LOGIN
        if actor == "anonymous"
        else SHOWN
        if actor in CASE_OPENERS | {"operator_out", "puskesmas_out"}
        else FORBIDDEN
    )


def expect_case_open(actor: str) -> str:
    return LOGIN if actor == "anonymous" else SHOWN if actor in CASE_OPENERS else FORBIDDEN


def expect_puskesmas_desk(actor: str) -> str:
    return LOGIN if actor == "anonymous" else SHOWN if actor in PUSKESMAS_DESKS else FORBIDDEN


def expect_report(actor: str) -> str:
    return LOGIN if actor == "anonymous" else SHOWN if actor in CASE_WORKERS else NOT_FOUND


def expect_report_submit(actor: str) -> str:
    if actor == "anonymous":
        return LOGIN
    return SHOWN if actor in {"regency_admin", "puskesmas_in"} else NOT_FOUND if actor == "puskesmas_out" else FORBIDDEN


def expect_report_overview(actor: str) -> str:
    return LOGIN if actor == "anonymous" else SHOWN if actor in RULE_SETTERS else FORBIDDEN


# Social aid: the agency and the administrator everything; the kecamatan and the village's readers their own
# listings; the agency and the village operator decide matches and conflicts.
AID_READERS = {"regency_admin", "social_agency", "camat_in", "operator_in", "oversight_in", "head_in"}
AID_DESKS = AID_READERS | {"camat_out", "operator_out", "oversight_out", "head_out"}
AID_DECIDERS = {"regency_admin", "social_agency", "operator_in"}
AID_IMPORTERS = {"regency_admin", "social_agency"}


def expect_aid_desk(actor: str) -> str:
    return LOGIN if actor == "anonymous" else SHOWN if actor in AID_DESKS else FORBIDDEN


def expect_aid_list(actor: str) -> str:
    if actor == "anonymous":
        return LOGIN
    return LISTED if actor in AID_READERS else HIDDEN if actor in AID_DESKS else FORBIDDEN


def expect_aid_record(actor: str) -> str:
    """One aid record (a conflict): its readers see it with the person's NIK; an aid desk elsewhere is told it
    does not exist; anyone else may not open aid records at all."""
    if actor == "anonymous":
        return LOGIN
    return LISTED if actor in AID_READERS else NOT_FOUND if actor in AID_DESKS else FORBIDDEN


def expect_aid_import(actor: str) -> str:
    return LOGIN if actor == "anonymous" else SHOWN if actor in AID_IMPORTERS else FORBIDDEN


def expect_aid_decision(actor: str) -> str:
    if actor == "anonymous":
        return LOGIN
    if actor in AID_DECIDERS:
        return SHOWN
    return NOT_FOUND if actor in AID_DESKS - AID_READERS else FORBIDDEN


def expect_aid_recorder(actor: str) -> str:
    """The form for entering affected residents: every village operator (for their own village) and the agency."""
    if actor == "anonymous":
        return LOGIN
    return SHOWN if actor in AID_DECIDERS | {"operator_out"} else FORBIDDEN


def expect_aid_home_record(actor: str) -> str:
    """Entering HOME's resident as affected: HOME's operator and the agency. Another village's operator is told
    no such resident in their villages (as for an unknown NIK); anyone else may not record at all."""
    if actor == "anonymous":
        return LOGIN
    return SHOWN if actor in AID_DECIDERS else NOT_FOUND if actor == "operator_out" else FORBIDDEN


def expect_dashboard_tiles(actor: str) -> str:
    """The live tiles of a jurisdiction's dashboard; the tourism agency's figures page has none."""
    return LOGIN if actor == "anonymous" else SHOWN if actor in DASHBOARD - {"tourism_agency"} else FORBIDDEN


def expect_preregistration(actor: str) -> str:
    """An announced trip: whoever is told of it (HOME's readers, the health agency, the administrator)."""
    return LOGIN if actor == "anonymous" else SHOWN if actor in READERS | {"health_agency"} else NOT_FOUND


def expect_dashboard(actor: str) -> str:
    return LOGIN if actor == "anonymous" else SHOWN if actor in DASHBOARD else FORBIDDEN


# Moves between villages: the world holds AWAY's request for HOME's resident. Both villages' readers see it (AWAY's
# with the person masked); HOME's writers release or refuse it, AWAY's writers cancel it.
MOVE_VIEWERS = READERS | {"camat_out", "operator_out", "oversight_out", "puskesmas_out", "head_out"}


def expect_move(actor: str) -> str:
    return LOGIN if actor == "anonymous" else SHOWN if actor in MOVE_VIEWERS else NOT_FOUND


def expect_move_request(actor: str) -> str:
    return LOGIN if actor == "anonymous" else SHOWN if actor in ANY_WRITER else FORBIDDEN


def expect_move_request_home(actor: str) -> str:
    """Asking for HOME's household: AWAY's operator may; HOME's writers are refused (already theirs, or not
    their destination); nobody else may request at all."""
    if actor == "anonymous":
        return LOGIN
    return SHOWN if actor == "operator_out" else "refused" if actor in WRITERS else FORBIDDEN


def _expect_move_action(actor: str, deciders: set[str]) -> str:
    if actor == "anonymous":
        return LOGIN
    return SHOWN if actor in deciders else FORBIDDEN if actor in MOVE_VIEWERS else NOT_FOUND


def expect_move_decide(actor: str) -> str:
    return _expect_move_action(actor, WRITERS)


def expect_move_cancel(actor: str) -> str:
    return _expect_move_action(actor, {"regency_admin", "operator_out"})
