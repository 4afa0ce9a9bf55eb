"""How long personal data is kept (UU 27/2022 art. 43-44; README "Personal data: how long it is kept").

Each app registers its rules in `<app>/retention.py` (found by core's AppConfig.ready, as Django's admin finds
admin.py): `register(Rule(...))`. A rule's code is a key of `settings.RETENTION_DAYS` (0 days: kept for ever); what
is due is what is older than the cutoff (now minus those days). `count(cutoff)` says how many rows are due, `apply
(cutoff)` anonymises, deletes or reduces them and says how many it did; both select only what is still due, so a
second run does nothing and two workers running at once only repeat each other's harmless UPDATE or DELETE.

`plan(now)` is the dry run; `run(now)` applies every rule, each in its own transaction, and tells the registered
recorder (the audit app's, `audit/retention.py`) of each rule that did something, with counts only. The worker runs
it hourly (`core.periodic`); `smartkampung retention [--dry-run] [--only CODE]` runs it by hand.
"""

import datetime as dt
import logging
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils import timezone

from smartkampung.core import periodic

logger = logging.getLogger(__name__)

ANONYMISED = "anonymised"
DELETED = "deleted"
REDUCED = "reduced"
WHATS = (ANONYMISED, DELETED, REDUCED)

# Rows handled per statement: a large table is never loaded at once, only this many primary keys.
BATCH = 500


@dataclass(frozen=True)
class Rule:
    code: str  # a key of settings.RETENTION_DAYS
    label: Any  # what it keeps in words (a lazy translation)
    what: str  # ANONYMISED, DELETED or REDUCED
    count: Callable[[dt.datetime], int]  # rows (or files) due before the cutoff
    apply: Callable[[dt.datetime], int]  # acts on them; returns how many it did
    # Applied at every run with the cutoff "now", whatever RETENTION_DAYS says (ended sessions: nothing to keep).
    always: bool = False
    order: int = 100


@dataclass(frozen=True)
class Step:
    """One rule's line of a plan or a run."""

    rule: Rule
    days: int  # 0: kept for ever (nothing is due)
    cutoff: dt.datetime | None  # None when kept for ever
    due: int
    done: int = 0


# Per code, the parts registered under it (import files are the register's and the aid lists': two apps, one
# rule), keyed by where their functions live so that a module imported twice adds nothing.
_parts: dict[str, dict[str, Rule]] = {}
# Called once per rule run that did something: (rule, step) -> None. The audit app registers it (core writes no
# audit entry of its own: it sits below the audit app).
_recorders: list[Callable[[Rule, Step], None]] = []


def register(rule: Rule) -> None:
    """Add a rule, or one more part of a rule already registered under its code (counted and applied together)."""
    if rule.what not in WHATS:
        raise ValueError(f"unknown retention action {rule.what!r}")
    if not rule.always and rule.code not in settings.RETENTION_DAYS:
        raise ValueError(f"retention rule {rule.code!r} has no RETENTION_DAYS entry")
    key = f"{rule.apply.__module__}.{rule.apply.__qualname__}"
    _parts.setdefault(rule.code, {}).setdefault(key, rule)


def register_recorder(function: Callable[[Rule, Step], None]) -> None:
    if function not in _recorders:
        _recorders.append(function)


def _combined(code: str) -> Rule:
    parts = list(_parts[code].values())
    if len(parts) == 1:
        return parts[0]
    first = parts[0]
    return Rule(
        code=code,
        label=first.label,
        what=first.what,
        count=lambda cutoff: sum(part.count(cutoff) for part in parts),
        apply=lambda cutoff: sum(part.apply(cutoff) for part in parts),
        always=first.always,
        order=min(part.order for part in parts),
    )


def rules(only: str | None = None) -> list[Rule]:
    chosen = sorted((_combined(code) for code in _parts), key=lambda rule: (rule.order, rule.code))
    if only is not None:
        chosen = [rule for rule in chosen if rule.code == only]
        if not chosen:
            raise KeyError(only)
    return chosen


def days_of(rule: Rule) -> int:
    return 0 if rule.always else int(settings.RETENTION_DAYS.get(rule.code, 0))


def cutoff_of(rule: Rule, now: dt.datetime) -> dt.datetime | None:
    """Older than this is due; None when the rule keeps everything (0 days)."""
    if rule.always:
        return now
    days = days_of(rule)
    return now - dt.timedelta(days=days) if days > 0 else None


def plan(now: dt.datetime | None = None, *, only: str | None = None) -> list[Step]:
    """The dry run: per rule, its days, its cutoff and the rows due. Changes nothing."""
    now = now or timezone.now()
    steps = []
    for rule in rules(only):
        cutoff = cutoff_of(rule, now)
        steps.append(Step(rule=rule, days=days_of(rule), cutoff=cutoff, due=rule.count(cutoff) if cutoff else 0))
    return steps


def run(now: dt.datetime | None = None, *, only: str | None = None) -> list[Step]:
    """Apply every rule (each in its own transaction; one failing is logged and the others still run)."""
    now = now or timezone.now()
    steps = []
    for rule in rules(only):
        cutoff = cutoff_of(rule, now)
        if cutoff is None:
            steps.append(Step(rule=rule, days=0, cutoff=None, due=0))
            continue
        try:
            with transaction.atomic():
                due = rule.count(cutoff)
                done = rule.apply(cutoff) if due else 0
                step = Step(rule=rule, days=days_of(rule), cutoff=cutoff, due=due, done=done)
                if done:
                    for recorder in _recorders:
                        recorder(rule, step)
        except Exception:
            if only is not None:
                raise
            logger.exception("retention rule %s failed; tried again at the next run", rule.code)
            continue
        steps.append(step)
    return steps


def run_job() -> None:
    """The periodic job: a rule only touches what is due, so hourly costs a few index lookups when nothing is."""
    for step in run():
        if step.done:
            rule = step.rule
            logger.info("retention %s: %s %s rows older than %s", rule.code, rule.what, step.done, step.cutoff)


periodic.register(3600, "smartkampung.core.retention:run_job")


# ---------------------------------------------------------------- helpers for the apps' rules


def batches(queryset: QuerySet, size: int = BATCH) -> Iterator[list]:
    """The primary keys of `queryset`, `size` at a time, in key order; rows the caller's action takes out of the
    queryset are not seen again, rows it leaves are passed over (key > the last one seen), so it always ends. On
    PostgreSQL rows another worker is handling are skipped."""
    last = None
    while True:
        page = queryset.order_by("pk")
        if last is not None:
            page = page.filter(pk__gt=last)
        keys = list(page.select_for_update(skip_locked=True, of=("self",)).values_list("pk", flat=True)[:size])
        if not keys:
            return
        yield keys
        last = keys[-1]


def update_in_batches(queryset: QuerySet, **values) -> int:
    """UPDATE the rows of `queryset` with `values`, a batch at a time; returns how many changed."""
    done = 0
    for keys in batches(queryset):
        done += queryset.model._default_manager.filter(pk__in=keys).update(**values)
    return done


def delete_in_batches(queryset: QuerySet) -> int:
    """DELETE the rows of `queryset` (and what cascades from them), a batch at a time; returns how many of its rows
    went."""
    done = 0
    model = queryset.model
    for keys in batches(queryset):
        _total, per_model = model._default_manager.filter(pk__in=keys).delete()
        done += per_model.get(model._meta.label, 0)
    return done


def local_day(moment: dt.datetime) -> dt.date:
    """The day (WIB, the deployment's TIME_ZONE) a cutoff falls on, for the rules whose records carry dates."""
    return timezone.localdate(moment)


# ---------------------------------------------------------------- core's own rule


def _counters_due(cutoff: dt.datetime):
    from smartkampung.core.models import RateCounter

    return RateCounter.objects.filter(window_start__lt=int(cutoff.timestamp()))


def _register_core_rules() -> None:
    from django.utils.translation import gettext_lazy as _

    register(
        Rule(
            code="rate_counters",
            label=_("public rate-limit counters (per client address)"),
            what=DELETED,
            count=lambda cutoff: _counters_due(cutoff).count(),
            apply=lambda cutoff: delete_in_batches(_counters_due(cutoff)),
            order=800,
        )
    )


_register_core_rules()


def ended_uploads(queryset: QuerySet, cutoff, *, ended) -> QuerySet:
    """The import jobs of `queryset` (register imports, aid lists: `status`, `finished_at`, `created_at`, `file`) that
    ended (a status of `ended`) before `cutoff` (one never stamped: created before it) and still hold their file."""
    when = Q(finished_at__lt=cutoff) | Q(finished_at__isnull=True, created_at__lt=cutoff)
    return queryset.filter(when, status__in=ended).exclude(file="")


def delete_files_in_batches(queryset: QuerySet, field: str) -> int:
    """Delete the uploaded file of each row of `queryset` (from its storage; one already gone is fine) and empty the
    row's `field`; returns how many rows. A file deleted in a transaction that rolls back is only missing: the next
    run empties its path."""
    done = 0
    model = queryset.model
    for keys in batches(queryset):
        for row in model._default_manager.filter(pk__in=keys).only("pk", field):
            stored = getattr(row, field)
            if stored.name:
                stored.storage.delete(stored.name)
        done += model._default_manager.filter(pk__in=keys).update(**{field: ""})
    return done
