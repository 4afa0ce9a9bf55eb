"""Writes of the social-aid module (one module per part; everything is importable from here)."""

from smartkampung.aid.conflicts import notify_conflicts, withdraw_rows
from smartkampung.aid.services.affected import (
    end_affected,
    import_affected,
    import_affected_upload,
    record_affected,
    set_priority_weights,
)
from smartkampung.aid.services.conflicts import resolve_conflict
from smartkampung.aid.services.errors import AidError, AidForbidden
from smartkampung.aid.services.lists import (
    decide_match,
    import_list_now,
    run_list_import,
    start_list_import,
    start_list_upload,
)
from smartkampung.aid.services.reports import approve_report, reject_report, submit_report

__all__ = [
    "AidError", "AidForbidden", "approve_report", "end_affected", "import_affected", "import_affected_upload",
    "record_affected",
    "set_priority_weights", "decide_match", "import_list_now", "notify_conflicts",
    "reject_report", "resolve_conflict", "run_list_import", "start_list_import", "start_list_upload",
    "submit_report", "withdraw_rows",
]  # fmt: skip
