"""Reads of notifications. Who sees one is decided by `accounts.selectors.notification_scope` (the
village's operators and overseers, its kecamatan, the Puskesmas serving it, the administrator and the
health agency of its regency); escalations go only to the kecamatan and the regency level."""

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.db.models import Q, QuerySet

from smartkampung.accounts.selectors import Scope, notification_scope
from smartkampung.notifications import kinds
from smartkampung.notifications.models import DispatchCursor, Notification


@dataclass(frozen=True)
class Viewer:
    """What one user may see and acknowledge, computed once (a stream keeps it for its lifetime)."""

    read: Scope
    write: Scope
    # Where the viewer sees every notification, escalations too (their regency; `everything`: the deployment).
    wide: Scope = Scope()
    # Per kind whose records not every recipient may open: where this viewer may (computed once, here, so a
    # stream never asks the database from its event loop).
    opens: tuple[tuple[str, Scope], ...] = ()
    # Kinds this viewer sees in every village of some regencies (kinds.Kind.seen_regency_wide_by), beside their
    # own scope: (kind, where).
    everywhere: tuple[tuple[str, Scope], ...] = ()

    @property
    def regency_wide(self) -> bool:
        """Every notification of the whole deployment."""
        return self.wide.everything

    @property
    def sees_nothing(self) -> bool:
        return self.read.nothing and self.wide.nothing and not self.everywhere

    def sees(self, item: "Item") -> bool:
        if self.wide.covers(item.village_code):
            return True
        if item.kind == kinds.ESCALATION:
            return item.district_code in self.read.districts
        kind_scope = dict(self.everywhere).get(item.kind)
        return self.read.covers(item.village_code) or (kind_scope is not None and kind_scope.covers(item.village_code))

    def may_acknowledge(self, item: "Item") -> bool:
        return self.write.covers(item.village_code)

    def may_open(self, item: "Item") -> bool:
        """Is the link to the item's record one this viewer may follow?"""
        kind = item.described_by
        scope = dict(self.opens).get(kind.code) if kind else None
        return bool(item.url) and (scope is None or scope.covers(item.village_code))

    def item_context(self, item: "Item") -> dict:
        """What notifications/_item.html needs to show the item to this viewer."""
        return {"item": item, "may_acknowledge": self.may_acknowledge(item), "may_open": self.may_open(item)}


def viewer_of(user) -> Viewer:
    scope = notification_scope(user)
    opens = tuple((kind.code, kind.opened_within(user)) for kind in kinds.registered() if kind.opened_within)
    everywhere = tuple(
        (kind.code, where)
        for kind in kinds.registered()
        if kind.seen_regency_wide_by and not (where := kind.seen_regency_wide_by(user)).nothing
    )
    return Viewer(read=scope.read, write=scope.write, wide=scope.wide, opens=opens, everywhere=everywhere)


def _visible(viewer: Viewer) -> QuerySet[Notification]:
    qs = Notification.objects.all()
    if viewer.regency_wide:
        return qs
    if viewer.sees_nothing:
        return qs.none()
    shown = viewer.read.q("village") & (~Q(kind=kinds.ESCALATION) | Q(district_id__in=sorted(viewer.read.districts)))
    if not viewer.wide.nothing:
        shown |= viewer.wide.q("village")
    for kind, where in viewer.everywhere:
        shown |= Q(kind=kind) & where.q("village")
    return qs.filter(shown)


def notifications_visible_to(user) -> QuerySet[Notification]:
    """Every notification the user may see (delivered or not)."""
    return _visible(viewer_of(user))


@dataclass
class Item:
    """A notification as the pages, the API and the live streams show it (plain values, no lazy queries,
    so it can be rendered in the event loop)."""

    id: int
    seq: int | None
    kind: str
    village_code: str
    village_name: str
    district_code: str
    district_name: str
    puskesmas_name: str
    subject_type: str
    subject_id: int
    summary: dict[str, Any]
    created_at: datetime
    acknowledged_at: datetime | None
    acknowledged_by: str
    escalated_at: datetime | None
    escalation_of_id: int | None

    @property
    def kind_label(self) -> str:
        return kinds.label_of(self.kind)

    @property
    def described_by(self) -> kinds.Kind | None:
        """The registered kind whose summary this is (an escalation carries its original's)."""
        code = self.summary.get("escalated_kind", "") if self.kind == kinds.ESCALATION else self.kind
        return kinds.get(str(code))

    @property
    def alarm(self) -> bool:
        kind = kinds.get(self.kind)
        return bool(kind and kind.alarm)

    @property
    def is_open(self) -> bool:
        return self.acknowledged_at is None

    @property
    def fields(self) -> list[tuple[str, str]]:
        kind = self.described_by
        shown = kind.summary if kind else ()
        return [(str(label), str(self.summary[key])) for key, label in shown if self.summary.get(key)]

    @property
    def outcome(self) -> str:
        return str(self.summary.get("outcome") or "")

    @property
    def outcome_label(self) -> str:
        kind = self.described_by
        return kind.outcome_label(self.outcome) if kind else self.outcome

    @property
    def url(self) -> str:
        """The caller's link to the record, if it is a path on this site (never another site or a script)."""
        url = str(self.summary.get("url") or "")
        return url if url.startswith("/") and not url.startswith("//") else ""

    def as_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "seq": self.seq,
            "kind": self.kind,
            "village": {"code": self.village_code, "name": self.village_name},
            "district": {"code": self.district_code, "name": self.district_name},
            "puskesmas": self.puskesmas_name or None,
            "subject_type": self.subject_type,
            "subject_id": self.subject_id,
            "summary": self.summary,
            "created_at": self.created_at.isoformat(),
            "acknowledged_at": self.acknowledged_at.isoformat() if self.acknowledged_at else None,
            "escalated_at": self.escalated_at.isoformat() if self.escalated_at else None,
            "escalation_of": self.escalation_of_id,
        }


_ITEM_VALUES = (
    "id",
    "seq",
    "kind",
    "village_id",
    "village__name",
    "district_id",
    "district__name",
    "puskesmas__name",
    "subject_type",
    "subject_id",
    "summary",
    "created_at",
    "acknowledged_at",
    "acknowledged_by__username",
    "escalated_at",
    "escalation_of_id",
)


def items_of(qs: QuerySet[Notification]) -> list[Item]:
    result = []
    for row in qs.values_list(*_ITEM_VALUES):
        values = list(row)
        values[7] = values[7] or ""  # no Puskesmas serves the village
        values[13] = values[13] or ""  # not acknowledged
        result.append(Item(*values))
    return result


def recent_for(user, *, limit: int = 50) -> list[Item]:
    """Delivered notifications in the user's jurisdiction: those not yet followed up first, then the rest,
    newest first within each."""
    qs = notifications_visible_to(user).filter(seq__isnull=False)
    open_items = items_of(qs.filter(acknowledged_at__isnull=True).order_by("-seq")[:limit])
    done = items_of(qs.filter(acknowledged_at__isnull=False).order_by("-seq")[: max(0, limit - len(open_items))])
    return open_items + done


def list_page(user, *, limit: int, offset: int, open_only: bool = False) -> tuple[int, list[Item]]:
    qs = notifications_visible_to(user).filter(seq__isnull=False)
    if open_only:
        qs = qs.filter(acknowledged_at__isnull=True)
    return qs.count(), items_of(qs.order_by("-seq")[offset : offset + limit])


def open_count(user) -> int:
    return notifications_visible_to(user).filter(seq__isnull=False, acknowledged_at__isnull=True).count()


def visible_notification(user, pk: int) -> Notification | None:
    return notifications_visible_to(user).filter(pk=pk).first()


def item(pk: int) -> Item:
    return items_of(Notification.objects.filter(pk=pk))[0]


# ---------------------------------------------------------------- live streams


def last_seq() -> int:
    """The highest seq committed: every notification up to it is visible to a new reader."""
    return DispatchCursor.objects.filter(pk=1).values_list("last_seq", flat=True).first() or 0


def stream_after(viewer: Viewer, *, after: int, upto: int, limit: int) -> list[Item]:
    """The viewer's notifications with after < seq <= upto, oldest first."""
    qs = _visible(viewer).filter(seq__gt=after, seq__lte=upto).order_by("seq")
    return items_of(qs[:limit])


def delivered_between(first: int, last: int) -> list[Item]:
    """Every notification with first <= seq <= last (the hub filters per viewer in memory)."""
    return items_of(Notification.objects.filter(seq__gte=first, seq__lte=last).order_by("seq"))
