"""Settling a conflict between lists: one service for every way it can be settled (which program keeps the
recipient, which of two rows is withdrawn, withdraw the listing of someone who died or moved, or keep), each
offered only where it means something (`aid.resolutions.choices_for`). It owns its transaction and audit
entry: a refused choice writes nothing."""

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from smartkampung.aid import selectors
from smartkampung.aid.conflicts import lock_lists, withdraw_rows
from smartkampung.aid.models import Conflict, ConflictKind
from smartkampung.aid.resolutions import Choice, choices_for
from smartkampung.aid.services.errors import AidError, AidForbidden
from smartkampung.audit import services as audit

_LOADED = ("first", "second", "first__resident", "second__resident", "first_program", "second_program", "resident")


def resolve_conflict(*, user, conflict: Conflict, resolution: str, reason: str, row: int | None = None) -> Conflict:
    """Settle an open conflict with the reason. `resolution` must be one offered for its kind; for a person
    listed twice "withdraw" says which row goes with `row` (the listed row's id, one of the conflict's two).
    The listing given up is withdrawn; a re-imported list gets the same decision again. Refusals in words:
    403 not the user's village, 409 no longer open, 422 a choice not offered or no reason."""
    if not selectors.may_resolve(user, conflict):
        raise AidForbidden(_("You may not resolve conflicts of this village."))
    reason = (reason or "").strip()
    with transaction.atomic():
        # After any comparison of the lists under way: it writes back the conflicts it read (status, resolution,
        # rows) and would undo a decision committed meanwhile.
        lock_lists()
        list(Conflict.objects.select_for_update().filter(pk=conflict.pk).values_list("pk", flat=True))
        conflict = Conflict.objects.select_related(*_LOADED).get(pk=conflict.pk)
        if conflict.status != Conflict.Status.OPEN:
            raise AidError([("resolution", _("This conflict is no longer open."))], status=409)
        errors: list[tuple[str, str]] = []
        choice = _chosen(conflict, resolution, row, errors)
        if len(reason) < 5:
            errors.append(("reason", _("Give the reason (at least a few words).")))
        if errors or choice is None:
            raise AidError(errors or [("resolution", _("Choose what happens to the listing."))])
        gone = [r for r in (conflict.first, conflict.second) if r is not None and r.pk in choice.withdraws]
        conflict.status = Conflict.Status.RESOLVED
        conflict.resolution, conflict.reason = choice.resolution, reason
        conflict.resolved_by, conflict.resolved_at = user, timezone.now()
        conflict.given_up = gone[0].fingerprint if choice.row and gone else ""
        conflict.save(update_fields=["status", "resolution", "reason", "resolved_by", "resolved_at", "given_up"])
        withdraw_rows(ids=list(choice.withdraws), reason=reason)
        audit.record(
            action="update", object_type="aid_conflict", subject=conflict.key, object_ids=[str(conflict.pk)],
            changes={"status": ["open", "resolved"], "resolution": ["", choice.resolution]},
            detail={
                "reason": reason, "decision": choice.label, "withdrawn": list(choice.withdraws),
                "withdrawn_rows": [{"list": r.source_id, "row": r.row_number} for r in gone],
            },
            user=user,
        )  # fmt: skip
    return conflict


def _chosen(conflict: Conflict, resolution: str, row: int | None, errors: list[tuple[str, str]]) -> Choice | None:
    """The offered choice the request names, or None with the reason in `errors`."""
    offered = choices_for(conflict)
    listed = "; ".join(c.label for c in offered)
    if row is not None and row not in {conflict.first_id, conflict.second_id}:
        errors.append(("row", _("That row is not one of this conflict's rows (the list may have changed since "
                                "the page was opened): look at the conflict again.")))  # fmt: skip
        return None
    matching = [c for c in offered if c.resolution == resolution]
    if not resolution:
        errors.append(("resolution", _("Choose what happens to the listing.")))
        return None
    if not matching:
        kind = ConflictKind(conflict.kind).label
        errors.append(("resolution", _("That is not a way to settle this conflict (%(kind)s). Choose one of: "
                                       "%(offered)s.") % {"kind": kind, "offered": listed}))  # fmt: skip
        return None
    if len(matching) > 1:  # listed twice: the operator says which row goes
        named = [c for c in matching if c.row == row]
        if not named:
            errors.append(("row", _("Say which row is withdrawn: %(offered)s.") % {
                "offered": "; ".join(c.label for c in matching)}))  # fmt: skip
            return None
        return named[0]
    return matching[0]
