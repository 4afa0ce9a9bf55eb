"""The kinds of notification, registered by the apps that write them.

Each app says, from its own `notification_kinds.py` (imported by its AppConfig.ready), what its
notifications are called, which summary fields the pages show and in what order, how an `outcome`
in the summary reads, and whether one nobody follows up escalates. A new module adds its events
this way, without editing this app or its migrations; `notify` refuses a kind nobody registered.

    ARRIVAL = kinds.register("arrival", _("arrival"), summary=[("name", _("Name"))], escalates=True)
"""

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ImproperlyConfigured
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

# The column's width (Notification.kind): a code fits in it.
MAX_CODE_LENGTH = 16

Label = str | Promise


@dataclass(frozen=True)
class Kind:
    code: str
    label: Label
    # Summary fields shown on the pages, in this order, with their labels.
    summary: tuple[tuple[str, Label], ...] = ()
    # Words for the values of summary["outcome"], when the kind has one.
    outcomes: tuple[tuple[str, Label], ...] = ()
    # Not followed up within NOTIFY_ESCALATE_AFTER_MINUTES: escalated to the kecamatan and the regency.
    escalates: bool = False
    # Shown as an alarm (red) rather than a task (amber).
    alarm: bool = False
    module: str = field(default="", compare=False)
    # For records not everyone notified may open (aid listings reach the village's Puskesmas too): the scope
    # function (user -> accounts.selectors.Scope) within which the link to the record is offered. None: whoever
    # sees the notification may open its record.
    opened_within: Callable[[Any], Any] | None = field(default=None, compare=False)
    # The resident concerned is told too: the webhook carries summary["citizen_phone"] and
    # summary["citizen_message"] for the WhatsApp/SMS gateway (only for such kinds, and only those two fields).
    tells_citizen: bool = False
    # Besides the village's own readers, whom this kind reaches across whole regencies (user -> accounts.selectors
    # .Scope, `nothing` for no one): e.g. the tourism agency, for reports on places anywhere in its regency. None:
    # only the village's readers and the regency-wide roles.
    seen_regency_wide_by: Callable[[Any], Any] | None = field(default=None, compare=False)

    def outcome_label(self, value: str) -> str:
        return str(dict(self.outcomes).get(value, value))


_KINDS: dict[str, Kind] = {}


def register(
    code: str,
    label: Label,
    *,
    summary: Iterable[tuple[str, Label]] = (),
    outcomes: Iterable[tuple[str, Label]] = (),
    escalates: bool = False,
    alarm: bool = False,
    module: str = "",
    opened_within: Callable[[Any], Any] | None = None,
    tells_citizen: bool = False,
    seen_regency_wide_by: Callable[[Any], Any] | None = None,
) -> str:
    """Register a kind of notification and return its code (what `notify(kind=...)` takes). Registering
    the same kind again the same way is harmless; two different kinds with one code are a mistake."""
    if not code or len(code) > MAX_CODE_LENGTH or not code.replace("_", "").isalnum() or code != code.lower():
        raise ImproperlyConfigured(f"notification kind {code!r}: lower-case letters, digits, _; at most 16")
    kind = Kind(
        code,
        label,
        tuple(summary),
        tuple(outcomes),
        escalates,
        alarm,
        module,
        opened_within,
        tells_citizen,
        seen_regency_wide_by,
    )
    known = _KINDS.get(code)
    if known is not None and known != kind:
        raise ImproperlyConfigured(f"notification kind {code!r} is registered twice ({known.module}, {module})")
    _KINDS[code] = kind
    return code


def unregister(code: str) -> None:
    """Forget a kind (for tests that register their own)."""
    _KINDS.pop(code, None)


def get(code: str) -> Kind | None:
    return _KINDS.get(code)


def is_registered(code: str) -> bool:
    return code in _KINDS


def label_of(code: str) -> str:
    kind = _KINDS.get(code)
    return str(kind.label) if kind else code


def escalating() -> list[str]:
    """The codes of the kinds that escalate when nobody follows them up."""
    return sorted(code for code, kind in _KINDS.items() if kind.escalates)


def registered() -> list[Kind]:
    return sorted(_KINDS.values(), key=lambda kind: kind.code)


# This app's own kind: written by the dispatcher (never by `notify`) when a kind that escalates waited
# too long. It shows the summary of the notification it escalates.
ESCALATION = register("escalation", _("not followed up in time"), alarm=True, module=__name__)
