"""Writes on the lists: importing a program's list (read, matched, checked for conflicts), a reviewer's match
decision (resolving a conflict: services/conflicts.py). Each owns its transaction, audit entry and notifications."""

import json
import logging
import tempfile
from pathlib import Path

import polars as pl
from django.conf import settings
from django.core.files import File
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from smartkampung.aid import selectors
from smartkampung.aid.importer import name_key_expr, read_list
from smartkampung.aid.linkage_backend import BackendUnavailable
from smartkampung.aid.matching import match_rows, registry_frame
from smartkampung.aid.models import MatchDecision, MatchStatus, Program, Recipient, RecipientList
from smartkampung.aid.services.errors import AidError, AidForbidden
from smartkampung.audit import services as audit
from smartkampung.core import spreadsheets
from smartkampung.population.bulk import insert_frame
from smartkampung.population.importer import ImportFileError, detect_format
from smartkampung.population.models import Resident
from smartkampung.regions.selectors import begins_with, served_villages

logger = logging.getLogger(__name__)
WRITE_BATCH = 20_000


# ---------------------------------------------------------------- importing a list


def start_list_import(
    *, user, program: Program, period: str, path: Path, original_name: str, mapping: dict[str, str] | None = None,
    regency: str = "", enqueue: bool = True,
) -> RecipientList:  # fmt: skip
    """Check the file's shape now (a wrong file gets its error on the spot), keep a copy and queue the work. The
    list is `regency`'s (one the user imports for; where they import for one only, that one). Raises AidError for
    a period, a regency or a file that cannot be taken."""
    from smartkampung.aid.tasks import import_recipient_list

    if user is not None and not selectors.may_import(user):
        raise AidForbidden(_("Only the social affairs agency imports recipient lists."))
    regency = _list_regency(user, regency)
    if not _valid_period(period):
        raise AidError([("period", _("Give the period as year and month, e.g. 2020-05."))])
    try:
        fmt = detect_format(path, original_name)
        used, total, rows = read_list(path, fmt, mapping=mapping or program.column_mapping)
        rows.close()
    except ImportFileError as exc:
        raise AidError([("file", str(exc))]) from exc
    with transaction.atomic():
        job = RecipientList(
            program=program, period=period, regency_id=regency, original_name=original_name[:255],
            column_mapping=used, total_rows=total, created_by=user,
        )  # fmt: skip
        with open(path, "rb") as fh:
            job.file.save(Path(original_name).name or f"list.{fmt}", File(fh), save=False)
        job.save()
        if enqueue:
            import_recipient_list.enqueue(job.pk)
    return job


def _list_regency(user, regency: str) -> str:
    """The regency a list is imported for: the one asked for, if the user imports for it; else the only one they
    import for (the command line, `user` None, imports for every regency served)."""
    choices = selectors.import_regencies(user)
    regency = (regency or "").strip()
    if regency:
        if regency not in settings.SMARTKAMPUNG_REGENCIES:
            raise AidError([("regency", _("Choose one of the regencies served (a 4-digit code)."))])
        if regency not in choices:
            raise AidForbidden(_("You do not import lists for this regency."))
        return regency
    if len(choices) != 1:
        raise AidError([("regency", _("Say which regency the list is for."))])
    return choices[0]


def _valid_period(period: str) -> bool:
    return (
        len(period) == 7
        and period[4] == "-"
        and period[:4].isdigit()
        and period[5:].isdigit()
        and 1 <= int(period[5:]) <= 12
    )


def start_list_upload(*, user, program: Program, period: str, upload, mapping=None, regency: str = "") -> RecipientList:
    with tempfile.TemporaryDirectory() as tmp:
        try:
            path = spreadsheets.save_upload(upload, Path(tmp) / "upload")
        except spreadsheets.SpreadsheetError as exc:
            raise AidError([("file", str(exc))]) from exc
        return start_list_import(
            user=user, program=program, period=period, path=path, original_name=upload.name or "list", mapping=mapping,
            regency=regency,
        )  # fmt: skip


def import_list_now(
    *, user, program: Program, period: str, path: Path, mapping=None, registry=None, regency: str = ""
) -> RecipientList:
    """Queue-free import for the command line and the benchmark: the same steps, run here."""
    job = start_list_import(
        user=user, program=program, period=period, path=path, original_name=path.name, mapping=mapping,
        regency=regency, enqueue=False,
    )  # fmt: skip
    return run_list_import(list_id=job.pk, registry=registry)


def _stage(job: RecipientList, status: str, **fields) -> None:
    RecipientList.objects.filter(pk=job.pk).update(status=status, **fields)


def run_list_import(*, list_id: int, registry: pl.DataFrame | None = None) -> RecipientList:
    """Read, match and store a queued list, make it the program's current list for its period, then compare
    every current list for conflicts. Safe to run again: the list's rows are written anew."""
    job = RecipientList.objects.select_related("program").get(pk=list_id)
    read_here = registry is None
    _stage(job, RecipientList.Status.READING, started_at=timezone.now(), processed_rows=0, error="", counts={})
    try:
        frame = _read(job)
        _stage(job, RecipientList.Status.MATCHING, processed_rows=0)
        # The list's own regency's register only: a row never lands in another regency's villages (a person
        # listed in two regencies is the province's cross-check's business: aid/crosscheck.py).
        if registry is None:
            registry = registry_frame(regency=job.regency_id)
        else:
            registry = registry.filter(pl.col("village").str.starts_with(job.regency_id))
        decisions = dict(
            MatchDecision.objects.filter(program=job.program, regency=job.regency_id)
            .filter(begins_with("resident__village_id", job.regency_id) | Q(resident__isnull=True))
            .values_list("fingerprint", "resident_id")
        )
        matched = match_rows(frame, registry, decisions=decisions)
        counts = _store(job, frame, matched, registry)
        _stage(job, RecipientList.Status.CHECKING, counts=counts)
        with transaction.atomic():
            _make_current(job)
            Program.objects.filter(pk=job.program_id).update(column_mapping=_remembered(job))
            audit.record(
                action="import", object_type="aid_list", subject=f"{job.program.code} {job.period}",
                object_ids=[str(job.pk)], detail={"file": job.original_name, **counts}, user=job.created_by,
            )  # fmt: skip
        from smartkampung.aid.conflicts import sync_conflicts

        found = sync_conflicts(program=job.program_id, actor=job.created_by)
        _stage(job, RecipientList.Status.DONE, finished_at=timezone.now(), counts={**counts, "conflicts": found})
    except ImportFileError as exc:
        _stage(job, RecipientList.Status.FAILED, finished_at=timezone.now(), error=str(exc))
    except BackendUnavailable as exc:
        # The server's set-up, not the list: what to install goes to the administrator's log in words (no
        # traceback to read through); the list says what it says for any failure of ours.
        logger.error("aid list %s not matched: %s", job.pk, exc)
        _stage(job, RecipientList.Status.FAILED, finished_at=timezone.now(), error=_internal_error(job))
    except Exception:
        # The details go to the log; the list says what happened in words.
        logger.exception("aid list %s failed", job.pk)
        _stage(job, RecipientList.Status.FAILED, finished_at=timezone.now(), error=_internal_error(job))
        raise
    finally:
        if read_here:
            from smartkampung.aid import linkage

            linkage.release()
    job.refresh_from_db()
    return job


def _internal_error(job: RecipientList) -> str:
    return _(
        "The list stopped because of an internal error. Upload it again; if it stops again, tell the "
        "administrator (list %(id)s)."
    ) % {"id": job.pk}


def _make_current(job: RecipientList) -> None:
    """The program's current list in the list's regency is its latest period's newest upload there: a list for an
    earlier period (a correction) is kept for the record, it does not bring back who received aid then; another
    regency's list stays in force."""
    from smartkampung.aid.conflicts import lock_lists

    lock_lists()  # two lists of one program finishing together: one decides after the other
    uploads = RecipientList.objects.select_for_update().filter(
        program=job.program, regency=job.regency_id, origin=RecipientList.Origin.FILE
    )
    current = uploads.filter(current=True).exclude(pk=job.pk).first()
    if current is not None and current.period > job.period:
        return
    uploads.filter(current=True).update(current=False)
    RecipientList.objects.filter(pk=job.pk).update(current=True)


def _remembered(job: RecipientList) -> dict[str, str]:
    return {**job.program.column_mapping, **job.column_mapping}


_ROW_SCHEMA = {
    "row": pl.Int64, "nik": pl.String, "kk_number": pl.String, "name": pl.String, "birth_date": pl.Date,
    "address": pl.String, "village_given": pl.String, "problems": pl.String, "fingerprint": pl.String,
    "readable": pl.Boolean,
}  # fmt: skip


def _read(job: RecipientList) -> pl.DataFrame:
    fmt = detect_format(Path(job.file.path), job.original_name)
    _used, _total, rows = read_list(Path(job.file.path), fmt, mapping=job.column_mapping)
    records = []
    for row in rows:
        records.append((
            row.number, row.nik, row.kk_number, row.name, row.birth_date, row.address, row.village,
            json.dumps(row.problems) if row.problems else "[]", row.fingerprint(), row.readable,
        ))  # fmt: skip
        if len(records) % 50_000 == 0:
            _stage(job, RecipientList.Status.READING, processed_rows=len(records))
    frame = pl.DataFrame(records, schema=_ROW_SCHEMA, orient="row")
    villages = _village_codes(job.regency_id)
    return frame.with_columns(
        name_key=name_key_expr(pl.col("name")),
        village=pl.col("village_given").str.to_uppercase().str.strip_chars().replace_strict(villages, default=None),
    )


def _village_codes(regency: str) -> dict[str, str]:
    """What lists write for a village of `regency` (its code, or its name where the name is unique in the regency)
    -> code. Another regency's village is no village of the list's."""
    served = [v for v in served_villages() if v.code.startswith(regency)]
    by_name: dict[str, list[str]] = {}
    for v in served:
        by_name.setdefault(v.name.upper(), []).append(v.code)
    codes = {v.code: v.code for v in served} | {
        f"{v.code[:2]}.{v.code[2:4]}.{v.code[4:6]}.{v.code[6:]}": v.code for v in served
    }
    return codes | {name: found[0] for name, found in by_name.items() if len(found) == 1}


def _store(job: RecipientList, frame: pl.DataFrame, matched: pl.DataFrame, registry: pl.DataFrame) -> dict[str, int]:
    """Write the list's rows with their matches (anew: a re-run replaces them), in batches with progress."""
    linked = registry.select(
        pl.col("resident_id").alias("link"),
        pl.col("household_id").alias("household_id"),
        pl.col("village").alias("home"),
    )
    rows = (
        frame.join(matched, on="row", how="left")
        .join(linked, left_on="resident_id", right_on="link", how="left")
        .select(
            source_id=pl.lit(job.pk, pl.Int64),
            program_id=pl.lit(job.program_id, pl.Int64),
            row_number="row",
            nik="nik",
            kk_number="kk_number",
            name="name",
            birth_date="birth_date",
            address="address",
            village_given="village_given",
            village_id=pl.coalesce("home", "village"),
            status=pl.col("status").fill_null(MatchStatus.NONE.value),
            resident_id="resident_id",
            household_id="household_id",
            candidate_id="candidate_id",
            probability="probability",
            explanation=pl.col("explanation").fill_null("[]"),
            problems="problems",
            fingerprint="fingerprint",
            decided=pl.col("explanation").fill_null("").str.contains('"decision"', literal=True),
            withdrawn=pl.lit(False),
            withdrawn_reason=pl.lit(""),
        )
    )
    rows, not_kept = _cap_unreadable(rows)
    Recipient.objects.filter(source=job).delete()
    table = Recipient._meta.db_table
    for start in range(0, rows.height, WRITE_BATCH):
        with transaction.atomic():
            insert_frame(table, rows.slice(start, WRITE_BATCH))
            _stage(job, RecipientList.Status.MATCHING, processed_rows=min(rows.height, start + WRITE_BATCH))
    counts = dict.fromkeys(MatchStatus.values, 0)
    for status, n in rows.group_by("status").len().iter_rows():
        counts[status] = n
    if not_kept:
        counts[MatchStatus.INVALID.value] += not_kept
        counts["invalid_not_kept"] = not_kept
    return counts


def _cap_unreadable(rows: pl.DataFrame) -> tuple[pl.DataFrame, int]:
    """A list keeps its first AID_LIST_MAX_UNREADABLE_ROWS unreadable rows, with their problems, and counts the
    rest: a file of garbage must not become as many stored records."""
    cap = settings.AID_LIST_MAX_UNREADABLE_ROWS
    unreadable = pl.col("status") == MatchStatus.INVALID.value
    found = rows.select(unreadable.sum()).item()
    if found <= cap:
        return rows, 0
    kept = (
        rows.sort("row_number")
        .with_columns(_seen=unreadable.cast(pl.Int64).cum_sum())
        .filter(~unreadable | (pl.col("_seen") <= cap))
        .drop("_seen")
    )
    return kept, found - cap


# ---------------------------------------------------------------- decisions and conflicts


def decide_match(*, user, recipient: Recipient, resident: Resident | None) -> Recipient:
    """A reviewer's answer for a row: this resident (the model's candidate or another), or nobody. Remembered
    for the program's later lists by the row's fingerprint; audited; the lists are compared again."""
    from smartkampung.aid.conflicts import sync_conflicts

    if not selectors.may_decide(user, recipient):
        raise AidForbidden(_("You may not decide matches of this village."))
    if resident is not None and not selectors.residents_for_review(user).filter(pk=resident.pk).exists():
        raise AidError([("resident", _("That resident is not in a village you work for."))], status=404)
    regency = recipient.source.regency_id
    if resident is not None and regency and not resident.village_id.startswith(regency):
        # A list is matched against its own regency's register (a person listed in two: the cross-check).
        raise AidError([("resident", _("That resident is not on the register of this list's regency."))])
    old = {"status": recipient.status, "resident": recipient.resident_id}
    with transaction.atomic():
        MatchDecision.objects.update_or_create(
            # The list's regency's decision (the enrolments' list has none: its rows are in their villages).
            program_id=recipient.program_id, regency_id=recipient.source.regency_id or recipient.village_id[:4],
            fingerprint=recipient.fingerprint, defaults={"resident": resident, "decided_by": user},
        )  # fmt: skip
        recipient.status = MatchStatus.PROBABLE if resident else MatchStatus.NONE
        recipient.resident = resident
        recipient.household_id = resident.household_id if resident else None
        recipient.village_id = resident.village_id if resident else recipient.village_id
        recipient.decided = True
        recipient.probability = 1.0 if resident else None
        recipient.save(update_fields=["status", "resident", "household", "village", "decided", "probability"])
        audit.record(
            action="update", object_type="aid_recipient", subject=recipient.name, object_ids=[str(recipient.pk)],
            changes={"status": [old["status"], recipient.status], "resident": [old["resident"], recipient.resident_id]},
            user=user,
        )  # fmt: skip
    sync_conflicts(program=recipient.program_id, actor=user)
    return recipient
