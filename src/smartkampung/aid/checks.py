"""Configuration mistakes of social aid, said at start-up (`smartkampung check`) rather than when the first list
is matched: a linkage backend that does not exist, or Spark asked for on a machine without pyspark or Java."""

from django.core.checks import Error, register


@register()
def linkage_backend_runs(app_configs=None, **kwargs):
    from smartkampung.aid.linkage_backend import BackendUnavailable, backend_or_setting

    try:
        backend = backend_or_setting(None)
    except BackendUnavailable as exc:
        return [Error(str(exc), id="smartkampung.E001")]
    if backend != "spark":
        return []
    from smartkampung.aid.linkage_spark import missing

    problem = missing()
    if problem:
        return [
            Error(problem, hint="Or set AID_LINKAGE_BACKEND=duckdb (the embedded default).", id="smartkampung.E002")
        ]
    return []
