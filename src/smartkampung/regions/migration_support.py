"""What data migrations of other apps need of the regions: a regency's row, before the region data is loaded."""


def ensure_regency(apps, code: str) -> None:
    """Make sure the regency `code` has a row (a migration binding existing records to it must not fail on a
    database whose region data is not loaded yet): a placeholder named by its code, which `smartkampung
    load_regions` completes (it updates existing rows)."""
    Regency = apps.get_model("regions", "Regency")
    Province = apps.get_model("regions", "Province")
    if Regency.objects.filter(code=code).exists():
        return
    province, _created = Province.objects.get_or_create(code=code[:2], defaults={"name": code[:2]})
    Regency.objects.create(code=code, province=province, name=code)


def bind_to_home_regency(apps, pending) -> None:
    """Give the rows of `pending` (a queryset of a historical model with a `regency` field, still empty) the regency
    they served: the home regency (settings.SMARTKAMPUNG_REGENCY), and where the deployment already served several
    regencies, a copy of each row for every other one, since before regencies were named a row held in all of them
    (an entry rule applied at every checkpoint; a regency-wide role saw every regency served). Their rows are made
    first where missing. Does nothing without such rows."""
    from django.conf import settings

    rows = list(pending)
    if not rows:
        return
    home, *others = settings.SMARTKAMPUNG_REGENCIES
    for code in (home, *others):
        ensure_regency(apps, code)
    pending.update(regency_id=home)
    # Copies keep their rows' dates (a field with auto_now or auto_now_add would take the migration's time on save).
    dated = [
        f.attname
        for f in pending.model._meta.concrete_fields
        if getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False)
    ]
    for row in rows:
        kept = {name: getattr(row, name) for name in dated}
        for code in others:
            row.pk = None
            row.regency_id = code
            row.save(force_insert=True)
            if kept:
                pending.model.objects.filter(pk=row.pk).update(**kept)
