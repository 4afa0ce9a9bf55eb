"""What each way of settling a conflict does, in words that name the rows and the programs: the page's buttons,
the API's choices, and the service's check that what was asked is offered for this conflict (its rows now).

A conflict's rows and programs must be loaded (`selectors.conflicts_visible_to` does)."""

from dataclasses import dataclass

from django.utils.text import capfirst
from django.utils.translation import gettext as _

from smartkampung.aid.models import Conflict, ConflictKind, Recipient
from smartkampung.aid.selectors import resolutions_for

R = Conflict.Resolution


@dataclass(frozen=True)
class Choice:
    resolution: str
    label: str
    # The rows it takes off the lists.
    withdraws: tuple[int, ...] = ()
    # For a person listed twice: the row this choice withdraws (the operator says which; the form sends it).
    row: int | None = None
    recommended: bool = False

    @property
    def key(self) -> str:
        """Unique among a conflict's choices (an element id)."""
        return f"{self.resolution}-{self.row}" if self.row else self.resolution


def nik_check(row: Recipient) -> str:
    """How a listed row's NIK compares with the register's person it is linked to: "matches", "missing" (the
    row gave none) or "differs" (linked by the other details)."""
    if not row.nik:
        return "missing"
    resident = row.resident if row.resident_id else None
    return "matches" if resident is not None and row.nik == resident.nik else "differs"


def _nik_words(row: Recipient) -> str:
    return _("NIK %(nik)s") % {"nik": row.nik} if row.nik else _("no NIK")


def _codes(conflict: Conflict) -> tuple[str, str]:
    second = conflict.second_program.code if conflict.second_program_id else conflict.first_program.code
    return conflict.first_program.code, second


def choices_for(conflict: Conflict) -> list[Choice]:
    """The choices offered for the conflict as its rows stand now, the recommended one first."""
    offered = resolutions_for(conflict)
    first, second = conflict.first, conflict.second
    first_code, second_code = _codes(conflict)
    choices: list[Choice] = []
    if conflict.kind in (ConflictKind.EXCLUSIVE, ConflictKind.HOUSEHOLD):
        if first is not None and second is not None:
            pairs = ((R.KEEP_FIRST, first, first_code, second, second_code),
                     (R.KEEP_SECOND, second, second_code, first, first_code))  # fmt: skip
            for resolution, kept, kept_code, gone, gone_code in pairs:
                values = {"kept": kept_code, "gone": gone_code, "kept_name": kept.name, "gone_name": gone.name}
                if conflict.kind == ConflictKind.HOUSEHOLD:
                    label = _("Keep %(kept_name)s in %(kept)s, withdraw %(gone_name)s from %(gone)s") % values
                else:
                    label = _("Keep in %(kept)s, withdraw from %(gone)s") % values
                choices.append(Choice(resolution, label, withdraws=(gone.pk,)))
        choices.append(Choice(
            R.KEEP_BOTH, _("Not a conflict: keep in %(first)s and in %(second)s") % {"first": first_code,
                                                                                     "second": second_code},
        ))  # fmt: skip
    elif conflict.kind == ConflictKind.DUPLICATE:
        if first is not None and second is not None:
            confirmed = {row.pk for row in (first, second) if nik_check(row) == "matches"}
            for gone, kept in ((first, second), (second, first)):
                label = _("Withdraw row %(gone)s (%(name)s, %(nik)s), keep row %(kept)s") % {
                    "gone": gone.row_number, "name": gone.name or "?", "nik": _nik_words(gone),
                    "kept": kept.row_number,
                }  # fmt: skip
                best = len(confirmed) == 1 and kept.pk in confirmed
                choices.append(Choice(R.WITHDRAW, label, withdraws=(gone.pk,), row=gone.pk, recommended=best))
        choices.append(Choice(R.KEEP_BOTH, _("Not the same person: keep both rows")))
    else:
        if first is not None:
            choices.append(Choice(
                R.WITHDRAW, _("Withdraw from %(program)s (row %(row)s)") % {"program": first_code,
                                                                            "row": first.row_number},
                withdraws=(first.pk,), recommended=True,
            ))  # fmt: skip
        choices.append(Choice(R.KEEP_LISTED, _("The register is out of date: keep in %(program)s") % {
            "program": first_code}))  # fmt: skip
    choices = [c for c in choices if c.resolution in offered]
    return sorted(choices, key=lambda c: not c.recommended)


def withdrawn_row(conflict: Conflict) -> Recipient | None:
    """Of a resolved "listed twice", the row its decision withdrew."""
    rows = [r for r in (conflict.first, conflict.second) if r is not None]
    given_up = [r for r in rows if conflict.given_up and r.fingerprint == conflict.given_up and r.withdrawn]
    return (given_up or [r for r in rows if r.withdrawn] or [None])[-1]


def decision_words(conflict: Conflict) -> str:
    """What the decision of a resolved conflict did, naming the programs and rows."""
    first_code, second_code = _codes(conflict)
    if conflict.resolution == R.KEEP_FIRST:
        return _("Kept in %(kept)s, withdrawn from %(gone)s") % {"kept": first_code, "gone": second_code}
    if conflict.resolution == R.KEEP_SECOND:
        return _("Kept in %(kept)s, withdrawn from %(gone)s") % {"kept": second_code, "gone": first_code}
    if conflict.resolution == R.WITHDRAW and conflict.kind == ConflictKind.DUPLICATE:
        gone = withdrawn_row(conflict)
        if gone is not None:
            return _("Row %(row)s withdrawn (%(name)s, %(nik)s)") % {
                "row": gone.row_number, "name": gone.name or "?", "nik": _nik_words(gone)}  # fmt: skip
    if conflict.resolution == R.WITHDRAW:
        return _("Withdrawn from %(program)s") % {"program": first_code}
    return capfirst(str(R(conflict.resolution).label)) if conflict.resolution in R.values else conflict.resolution
