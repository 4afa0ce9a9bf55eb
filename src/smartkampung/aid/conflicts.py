"""Finding what must not be in the current lists: one person or household in two programs that exclude each
other, a person twice in one program, a recipient who has died or moved away.

The whole regency is compared at once (a few seconds for 600,000 listed rows): conflicts are then exactly what
the lists say now. `sync_conflicts` turns that into records: a new situation raises an alarm in its village, one
that is gone from the lists closes by itself, and one a person has resolved stays resolved, its decision applied
again to a re-imported list.
"""

import io
from collections import defaultdict
from dataclasses import dataclass

import polars as pl
from django.db import connection, transaction
from django.db.models import Q
from django.utils import timezone

from smartkampung.aid.links import conflict_url, conflicts_url
from smartkampung.aid.models import Conflict, ConflictKind, ExclusionRule, Program, Recipient, Unit

_CURRENT = (
    "FROM aid_recipient r JOIN aid_recipientlist l ON l.id = r.source_id "
    "JOIN population_resident p ON p.id = r.resident_id "
    "WHERE l.current = %s AND NOT r.withdrawn AND r.resident_id IS NOT NULL"
)
_COLUMNS = "SELECT r.id, r.program_id, r.resident_id, r.household_id, r.village_id, p.status "
# The rows one program's conflicts can involve: its own, and the rows of the programs it shares a rule with
# that list one of its people or households (instead of every list of the regency).
_TOUCHING = (
    " AND (r.program_id = %s OR (r.program_id = ANY(%s) AND (r.household_id IN (SELECT m.household_id {mine})"
    " OR r.resident_id IN (SELECT m.resident_id {mine}))))"
).format(
    mine="FROM aid_recipient m JOIN aid_recipientlist ml ON ml.id = m.source_id "
    "WHERE ml.current = %s AND m.program_id = %s AND NOT m.withdrawn AND m.resident_id IS NOT NULL"
)


@dataclass(frozen=True)
class Found:
    key: str
    kind: str
    village: str
    resident: int | None
    household: int | None
    first: int
    second: int | None
    first_program: int
    second_program: int | None


_SCHEMA = {
    "id": pl.Int64, "program": pl.Int64, "resident": pl.Int64, "household": pl.Int64, "village": pl.String,
    "status": pl.String,
}  # fmt: skip


def listed_frame(program: int | None = None, partners: list[int] | None = None) -> pl.DataFrame:
    """The linked, not withdrawn rows of the current lists: all of them, or those `program`'s conflicts can
    involve (with the programs it shares a rule with). COPY on PostgreSQL: no Python object per value."""
    sql, params = _COLUMNS + _CURRENT, [True]
    if program is not None:
        if connection.vendor == "postgresql":
            sql += _TOUCHING
            params += [program, list(partners or []) or [0], True, program, True, program]
        else:
            marks = ", ".join(["%s"] * len(partners or [0]))
            sql += _TOUCHING.replace("= ANY(%s)", f"IN ({marks})")
            params += [program, *(partners or [0]), True, program, True, program]
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            buffer = io.BytesIO()
            with cursor.cursor.copy(f"COPY ({sql}) TO STDOUT (FORMAT csv)", params) as copy:
                for data in copy:
                    buffer.write(data)
            if not buffer.tell():
                return pl.DataFrame(schema=_SCHEMA)
            buffer.seek(0)
            return pl.read_csv(buffer, has_header=False, new_columns=list(_SCHEMA), schema=_SCHEMA)
        cursor.execute(sql, params)
        return pl.DataFrame(cursor.fetchall(), schema=_SCHEMA, orient="row")


def find_conflicts(
    listed: pl.DataFrame, rules: list[tuple[int, int, str]], *, program: int | None = None
) -> dict[str, Found]:
    """The conflicts in `listed`; with `program`, only those that program's list takes part in."""
    found: dict[str, Found] = {}
    own = listed if program is None else listed.filter(pl.col("program") == program)
    if program is not None:
        rules = [rule for rule in rules if program in rule[:2]]

    def add(kind, key, row, *, second=None, second_program=None, household=None):
        found[key] = Found(
            key, kind, row["village"], row["resident"], household or row["household"], row["id"], second,
            row["program"], second_program,
        )  # fmt: skip

    twice = (
        own.sort("id")
        .group_by("program", "resident", maintain_order=True)
        .agg(pl.col("id").first().alias("first"), pl.col("id").slice(1, 1).first().alias("second"), pl.len().alias("n"))
        .filter(pl.col("n") > 1)
        .join(listed.select("id", "village", "household"), left_on="first", right_on="id")
    )
    for row in twice.iter_rows(named=True):
        add(ConflictKind.DUPLICATE, f"duplicate:{row['program']}:r{row['resident']}",
            {**row, "id": row["first"]}, second=row["second"])  # fmt: skip
    gone = own.filter(pl.col("status").is_in(["deceased", "moved"])).unique(["program", "resident"], keep="first")
    for row in gone.sort("id").iter_rows(named=True):
        add(row["status"], f"{row['status']}:{row['program']}:r{row['resident']}", row)
    for a, b, scope in rules:
        first, second = min(a, b), max(a, b)
        left = listed.filter(pl.col("program") == first)
        right = listed.filter(pl.col("program") == second).select(
            other="id", other_resident="resident", other_household="household"
        )
        if not left.height or not right.height:
            continue
        same_person = left.join(right, left_on="resident", right_on="other_resident")
        for row in same_person.sort("id").unique("resident", keep="first", maintain_order=True).iter_rows(named=True):
            add(ConflictKind.EXCLUSIVE, f"exclusive:{first}:{second}:r{row['resident']}", row,
                second=row["other"], second_program=second)  # fmt: skip
        if scope != Unit.HOUSEHOLD:
            continue
        split = (
            left.join(right, left_on="household", right_on="other_household")
            .filter(pl.col("resident") != pl.col("other_resident"))
            .sort("id", "other")
            .unique("household", keep="first", maintain_order=True)
        )
        for row in split.iter_rows(named=True):
            add(ConflictKind.HOUSEHOLD, f"household:{first}:{second}:h{row['household']}",
                {**row, "resident": None}, second=row["other"], second_program=second)  # fmt: skip
    return found


def rules_now() -> list[tuple[int, int, str]]:
    return list(ExclusionRule.objects.values_list("program_id", "excludes_id", "scope"))


def withdrawn_by(
    conflict: Conflict, *, first: int | None, second: int | None, fingerprints: dict[int, str] | None = None
) -> list[int] | None:
    """The listed rows a resolved conflict's decision takes out of the lists (its rows now, or a re-import's).
    A person listed twice loses the row that says what the given-up row said (`fingerprints`: row -> its
    fingerprint), wherever it stands in the list; None when neither row does (the decision no longer fits)."""
    R = Conflict.Resolution
    if conflict.resolution == R.KEEP_FIRST:
        chosen = [second]
    elif conflict.resolution == R.KEEP_SECOND:
        chosen = [first]
    elif conflict.resolution == R.WITHDRAW and conflict.kind == ConflictKind.DUPLICATE:
        if not conflict.given_up:  # decided before rows were named: the later row, as then
            chosen = [second]
        else:
            same = [pk for pk in (first, second) if pk and (fingerprints or {}).get(pk) == conflict.given_up]
            if not same:
                return None
            chosen = same[-1:]  # two identical rows: the later one
    elif conflict.resolution == R.WITHDRAW:
        chosen = [first]
    else:
        chosen = []
    return [pk for pk in chosen if pk]


def withdraw_rows(*, ids: list[int], reason: str) -> int:
    """Take rows off their lists for a conflict's resolution (in the caller's transaction); how many."""
    return Recipient.objects.filter(pk__in=ids, withdrawn=False).update(withdrawn=True, withdrawn_reason=reason[:300])


# How many people a village's alarm names (masked); the rest are counted.
NAMED_IN_ALARM = 3


def notify_conflicts(*, conflicts: list[Conflict], actor=None) -> None:
    """The alarm: one notification per village with new (or reopened) conflicts, inside the caller's
    transaction. It says how many, whom (masked names, as the village's public list shows them: it reaches
    the Puskesmas and the health agency too, who do not read aid listings), in which programs and what is
    wrong, and links to the conflict (one) or the village's open conflicts (several)."""
    from smartkampung.aid.notification_kinds import AID_CONFLICT
    from smartkampung.notifications.services import notify
    from smartkampung.population.normalize import mask_name

    by_village: dict[str, list[Conflict]] = defaultdict(list)
    for conflict in conflicts:
        by_village[conflict.village_id].append(conflict)
    if not by_village:
        return
    named = [c for group in by_village.values() for c in sorted(group, key=_order)[:NAMED_IN_ALARM]]
    rows = {c.first_id for c in named} | {c.second_id for c in named if c.second_id}
    people = dict(Recipient.objects.filter(pk__in=rows).values_list("pk", "resident__name"))
    codes = dict(Program.objects.values_list("pk", "code"))
    for village, group in sorted(by_village.items()):
        group = sorted(group, key=_order)
        who = []
        for c in group[:NAMED_IN_ALARM]:
            listed = [codes.get(c.first_program_id, "?")]
            if c.kind == ConflictKind.DUPLICATE:
                listed = [f"{listed[0]} ×2"]
            elif c.second_program_id:
                listed.append(codes.get(c.second_program_id, "?"))
            names = dict.fromkeys(mask_name(people.get(pk) or "") for pk in (c.first_id, c.second_id) if pk)
            who.append(f"{' / '.join(n for n in names if n) or '?'} ({', '.join(listed)})")
        if len(group) > NAMED_IN_ALARM:
            who.append(f"+{len(group) - NAMED_IN_ALARM}")
        kinds = {c.kind for c in group}
        one = group[0] if len(group) == 1 and group[0].pk else None
        notify(
            kind=AID_CONFLICT,
            village_code=village,
            subject_type="aid_conflict" if one else "aid_conflicts",
            subject_id=one.pk if one else len(group),
            summary={
                "conflicts": len(group),
                "outcome": kinds.pop() if len(kinds) == 1 else "",
                "who": "; ".join(who),
                "url": conflict_url(one.pk) if one else conflicts_url(village),
            },
            actor=actor,
        )


def _order(conflict: Conflict) -> tuple:
    return (conflict.first_id or 0, conflict.pk or 0)


def sync_conflicts(*, program: int | None = None, actor=None) -> dict[str, int]:
    """Compare the lists now with the conflicts on record: open the new, close the gone, apply resolved
    decisions again (a decision that no longer fits the rows is asked again: reopened); alarm each village
    with new conflicts (one notification per village). With `program` (the list that just changed) only the
    conflicts that program takes part in. Returns counts."""
    now = timezone.now()
    with transaction.atomic():
        lock_lists()
        rules = rules_now()
        partners = sorted({p for rule in rules if program in rule[:2] for p in rule[:2]} - {program})
        found = find_conflicts(listed_frame(program, partners), rules, program=program)
        counts = {"found": len(found), "new": 0, "reopened": 0, "gone": 0, "reapplied": 0}
        on_record = Conflict.objects.all()
        if program is not None:
            on_record = on_record.filter(Q(first_program=program) | Q(second_program=program))
        known = {c.key: c for c in on_record}
        fingerprints = _fingerprints(known, found)
        new, reopened, to_update, stale = [], [], [], []
        for key, f in found.items():
            conflict = known.get(key)
            if conflict is None:
                new.append(Conflict(
                    key=key, kind=f.kind, village_id=f.village, resident_id=f.resident, household_id=f.household,
                    first_id=f.first, second_id=f.second, first_program_id=f.first_program,
                    second_program_id=f.second_program,
                ))  # fmt: skip
                continue
            if conflict.status == Conflict.Status.GONE:
                _reopen(conflict, now)
                reopened.append(conflict)
            elif conflict.status == Conflict.Status.RESOLVED:
                rows = withdrawn_by(conflict, first=f.first, second=f.second, fingerprints=fingerprints)
                if rows is None:
                    _reopen(conflict, now)
                    reopened.append(conflict)
                elif rows:
                    withdraw_rows(ids=rows, reason=conflict.reason)
                    counts["reapplied"] += 1
            if (conflict.first_id, conflict.second_id) != (f.first, f.second) or conflict in reopened:
                conflict.first_id, conflict.second_id = f.first, f.second
                to_update.append(conflict)
        for key, conflict in known.items():
            if conflict.status == Conflict.Status.OPEN and key not in found:
                conflict.status = Conflict.Status.GONE
                stale.append(conflict)
        Conflict.objects.bulk_create(new, batch_size=2000)
        Conflict.objects.bulk_update(
            [*to_update, *stale],
            ["first", "second", "status", "detected_at", "resolution", "reason", "resolved_by", "resolved_at",
             "given_up"],
            batch_size=2000,
        )  # fmt: skip
        counts.update(new=len(new), reopened=len(reopened), gone=len(stale))
        notify_conflicts(conflicts=[*new, *reopened], actor=actor)
    return counts


def _reopen(conflict: Conflict, now) -> None:
    """Open again: gone from the lists and back, or resolved by a decision that no longer fits its rows (the
    decision stays in the audit log)."""
    conflict.status, conflict.detected_at = Conflict.Status.OPEN, now
    conflict.resolution, conflict.reason, conflict.resolved_by, conflict.resolved_at = "", "", None, None
    conflict.given_up = ""


def _fingerprints(known: dict[str, Conflict], found: dict[str, Found]) -> dict[int, str]:
    """The fingerprints of the rows that resolved "listed twice" decisions are applied to again (one query)."""
    rows = {
        pk
        for key, conflict in known.items()
        if conflict.status == Conflict.Status.RESOLVED and conflict.given_up and key in found
        for pk in (found[key].first, found[key].second)
        if pk
    }
    if not rows:
        return {}
    return dict(Recipient.objects.filter(pk__in=rows).values_list("pk", "fingerprint"))


def lock_lists() -> None:
    """One comparison (or enrolment) at a time: two lists finishing together would otherwise both add the same
    conflict, and an enrolment checked while a list is compared could miss it."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [0x41494443])  # "AIDC"
    # SQLite: one writer at a time already.
