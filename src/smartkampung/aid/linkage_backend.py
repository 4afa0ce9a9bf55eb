"""Which backend runs the lists' linkage (AID_LINKAGE_BACKEND), and the refusal when it cannot run here. Apart
from aid.linkage (the model) and aid.linkage_spark (Spark), which both use it."""

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

BACKENDS = ("duckdb", "spark")


class BackendUnavailable(ImproperlyConfigured):
    """The linkage backend asked for cannot run here (an unknown name, pyspark or Java missing): the message says
    what to install or set."""


def backend_or_setting(backend: str | None) -> str:
    """The backend to run: the one asked for, else AID_LINKAGE_BACKEND; an unknown name is refused in words."""
    chosen = (backend or settings.AID_LINKAGE_BACKEND or "duckdb").strip().lower()
    if chosen not in BACKENDS:
        raise BackendUnavailable(
            f"AID_LINKAGE_BACKEND={chosen!r} is not a linkage backend: use one of {', '.join(BACKENDS)}."
        )
    return chosen
