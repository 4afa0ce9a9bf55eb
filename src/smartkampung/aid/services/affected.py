"""Writes on the register of affected residents (entered by a village, or imported from an agency's list such
as the tourism agency's workers) and on the weights of the priority ranking."""

import datetime as dt
import re
import tempfile
from decimal import Decimal
from pathlib import Path
from typing import Any

import polars as pl
from django.conf import settings
from django.db import transaction
from django.utils.translation import gettext as _

from smartkampung.accounts.selectors import aid_write_scope
from smartkampung.aid import selectors
from smartkampung.aid.importer import name_key
from smartkampung.aid.models import AffectedResident, Impact, PriorityWeight, Sector
from smartkampung.aid.priority import FACTOR_CODES
from smartkampung.aid.services.errors import AidError, AidForbidden
from smartkampung.audit import services as audit
from smartkampung.core import spreadsheets
from smartkampung.core.errors import sentences
from smartkampung.population.importer import ImportFileError, detect_format, header_key, open_table
from smartkampung.population.models import Resident, ResidentStatus
from smartkampung.population.validation import parse_date
from smartkampung.regions.nik import parse_nik

# Words agencies write in their lists for a sector or an impact (lowercase; a cell matches when it contains one).
SECTOR_WORDS = {
    Sector.TOURISM: ("pariwisata", "wisata", "hotel", "homestay", "pemandu", "guide", "villa", "resort"),
    Sector.FOOD: ("kuliner", "rumah makan", "restoran", "restaurant", "warung", "cafe", "kafe", "katering"),
    Sector.TRADE: ("perdagangan", "dagang", "pedagang", "pasar", "toko"),
    Sector.TRANSPORT: ("transport", "angkutan", "ojek", "sopir", "supir", "pelabuhan", "ferry"),
    Sector.MANUFACTURING: ("industri", "pabrik", "kerajinan", "manufaktur"),
    Sector.CONSTRUCTION: ("konstruksi", "bangunan", "tukang"),
    Sector.FARMING: ("pertanian", "petani", "perikanan", "nelayan", "perkebunan", "peternakan"),
    Sector.SERVICES: ("jasa", "layanan"),
    Sector.MIGRANT: ("pmi", "tki", "migran"),
}
IMPACT_WORDS = {
    Impact.LAID_OFF: ("phk", "diberhentikan", "pemutusan"),
    Impact.FURLOUGHED: ("dirumahkan", "cuti tanpa"),
    Impact.HOURS_CUT: ("pengurangan", "dipotong", "potong gaji", "jam kerja"),
    Impact.BUSINESS_CLOSED: ("usaha tutup", "tutup usaha", "gulung tikar", "bangkrut"),
    Impact.INCOME_LOST: ("informal", "kehilangan penghasilan", "tidak ada penghasilan", "penghasilan hilang"),
}
COLUMNS = {
    "nik": ("NIK", "NO_NIK", "NOMOR_NIK"),
    "name": ("NAMA", "NAMA_LENGKAP", "NAMA_PEKERJA", "NAMA_LGKP"),
    "sector": ("SEKTOR", "BIDANG", "SEKTOR_USAHA", "LAPANGAN_USAHA"),
    "impact": ("DAMPAK", "JENIS_DAMPAK", "STATUS", "STATUS_PEKERJAAN"),
    "since": ("SEJAK", "TMT", "TANGGAL", "TGL_DAMPAK", "SEJAK_TANGGAL"),
    "income_lost": ("PENGHASILAN_HILANG", "PENGHASILAN_YANG_HILANG", "KEHILANGAN_PENGHASILAN", "PENGHASILAN"),
    "employer": ("TEMPAT_KERJA", "PERUSAHAAN", "NAMA_USAHA", "TEMPAT_USAHA"),
    "note": ("KETERANGAN", "CATATAN"),
}
_ALIASES = {alias: field for field, names in COLUMNS.items() for alias in names}


def choice_from_words(value: Any, choices, words: dict) -> str | None:
    """A sector or impact from what a list writes: our code, its label, or a word agencies use for it."""
    text = str(value or "").strip().lower()
    if not text:
        return None
    for code, label in choices.choices:
        if text in (code, str(label).lower()):
            return code
    for code, known in words.items():
        if any(word in text for word in known):
            return code
    return None


def parse_rupiah(value: Any) -> Decimal | None:
    """“Rp 2.500.000”, “2500000”, “2.500.000,00”, a number cell -> 2500000; None for an empty cell; ValueError for
    anything else (“2,500,000.00” is refused, not read as 250 million)."""
    if value in (None, ""):
        return None
    if isinstance(value, bool):
        raise ValueError(value)
    if isinstance(value, int | float | Decimal):
        amount = Decimal(str(value))
    else:
        text = re.sub(r"^rp\.?\s*", "", str(value).strip().lower()).replace(" ", "")
        found = re.fullmatch(r"(\d{1,3}(?:\.\d{3})+|\d+)(?:,\d{1,2})?", text, flags=re.ASCII)
        if found is None:
            raise ValueError(value)
        amount = Decimal(found.group(1).replace(".", ""))
    if not amount.is_finite() or amount < 0 or amount >= Decimal(10) ** 12:
        raise ValueError(value)
    return amount.quantize(Decimal(1))


def _checked(values: dict[str, Any], *, defaults: dict[str, Any] | None = None) -> tuple[dict[str, Any], list]:
    """The register's fields from a form or a list row, with errors as (field, words)."""
    defaults = defaults or {}
    errors, data = [], {}
    data["sector"] = choice_from_words(values.get("sector"), Sector, SECTOR_WORDS) or defaults.get("sector")
    if not data["sector"]:
        errors.append(("sector", _("Say in which sector the person worked.")))
    data["impact"] = choice_from_words(values.get("impact"), Impact, IMPACT_WORDS) or defaults.get("impact")
    if not data["impact"]:
        errors.append(("impact", _("Say how the person's work was hit (laid off, sent home, …).")))
    since = values.get("since")
    data["since"] = parse_date(since) if since not in (None, "") else defaults.get("since")
    if data["since"] is None:
        errors.append(("since", _("Give the date the person was hit (DD-MM-YYYY).")))
    elif not dt.date(2020, 1, 1) <= data["since"] <= dt.date.today():
        errors.append(("since", _("The date must be between 01-01-2020 and today.")))
    try:
        data["income_lost"] = parse_rupiah(values.get("income_lost"))
    except ValueError:
        errors.append(("income_lost", _("Give the income lost per month in rupiah, e.g. 2500000.")))
    data["employer"] = str(values.get("employer") or "").strip()[:150]
    data["note"] = str(values.get("note") or "").strip()[:300]
    return data, errors


def record_affected(*, user, nik: str, values: dict[str, Any]) -> AffectedResident:
    """A village enters (or corrects) a resident of theirs on the register of affected residents."""
    scope = aid_write_scope(user)
    if scope.nothing:
        raise AidForbidden(_("The village operator or the social affairs agency records affected residents."))
    parsed = parse_nik(nik or "")
    if not parsed.valid:
        raise AidError([("nik", e.message) for e in parsed.errors])
    # Looked up within the user's villages only, with one answer for "no such NIK" and "not yours": the form
    # must not tell who is registered elsewhere in the regency.
    resident = Resident.objects.filter(scope.q("village"), nik=parsed.nik).first()
    if resident is None:
        raise AidError([("nik", _("No resident with this NIK in the villages you work for."))], status=404)
    if resident.status != ResidentStatus.LIVING:
        raise AidError([("nik", _("The register records this person as moved away or deceased."))], status=409)
    data, errors = _checked(values)
    if errors:
        raise AidError(errors)
    with transaction.atomic():
        entry, created = AffectedResident.objects.update_or_create(
            resident=resident,
            defaults={**data, "household_id": resident.household_id, "village_id": resident.village_id,
                      "source": AffectedResident.Source.VILLAGE, "source_name": "", "active": True,
                      "recorded_by": user},
        )  # fmt: skip
        audit.record(
            action="create" if created else "update", object_type="aid_affected", subject=resident.nik,
            object_ids=[str(entry.pk)], detail={k: str(v) for k, v in data.items() if v not in (None, "")}, user=user,
        )  # fmt: skip
    return entry


def end_affected(*, user, entry: AffectedResident, reason: str) -> AffectedResident:
    """The person works again (or was entered by mistake): off the ranking, kept for the record."""
    if not aid_write_scope(user).covers(entry.village_id):
        raise AidForbidden(_("You may record only residents of the villages you work for."))
    reason = (reason or "").strip()
    if len(reason) < 5:
        raise AidError([("reason", _("Give the reason (at least a few words)."))])
    with transaction.atomic():
        entry.active, entry.note = False, reason[:300]
        entry.save(update_fields=["active", "note", "updated_at"])
        audit.record(action="update", object_type="aid_affected", subject=entry.resident.nik,
                     object_ids=[str(entry.pk)], changes={"active": [True, False]}, detail={"reason": reason},
                     user=user)  # fmt: skip
    return entry


def _mapper(header: list[Any]) -> dict[str, int]:
    keys = [header_key(cell) for cell in header]
    columns = {}
    for index, key in enumerate(keys):
        field = _ALIASES.get(key)
        if field and field not in columns:
            columns[field] = index
    if "nik" not in columns:
        raise ImportFileError(_("The list has no NIK column. The first row must name the columns (NIK, NAMA, …)."))
    return columns


def import_affected(*, user, path: Path, original_name: str, defaults: dict[str, Any]) -> dict[str, Any]:
    """An agency's list of affected workers: each row found on the register by NIK (and its name, when given,
    must agree), then entered or updated. Rows that cannot be taken are reported, not guessed at.
    Returns {"created", "updated", "rows", "errors": [(row, words)]}."""
    from smartkampung.aid.matching import name_similarity

    if not selectors.may_import(user):
        raise AidForbidden(_("Only the social affairs agency imports lists."))
    most = settings.AID_AFFECTED_IMPORT_MAX_ROWS
    rows = []
    try:
        table = open_table(path, detect_format(path, original_name), mapper=_mapper)
        for number, cells in table.rows:  # read lazily: a broken line further down fails here too
            if len(rows) == most:
                raise AidError([("file", _("The list has more than %(n)s rows: split it.") % {"n": most})])
            rows.append((number, {f: cells[i] if i < len(cells) else None for f, i in table.columns.items()}))
    except ImportFileError as exc:
        raise AidError([("file", str(exc))]) from exc
    niks = {parse_nik(str(v.get("nik") or "")).nik for _n, v in rows}
    # Only residents of the villages the agency decides for (its regency): another regency's are not found.
    residents = {
        r.nik: r for r in Resident.objects.filter(aid_write_scope(user).q("village"), nik__in=[n for n in niks if n])
    }
    errors, ready = [], []
    for number, values in rows:
        parsed = parse_nik(str(values.get("nik") or ""))
        resident = residents.get(parsed.nik) if parsed.valid else None
        data, problems = _checked(values, defaults=defaults)
        if not parsed.valid:
            problems = [("nik", sentences(e.message for e in parsed.errors)), *problems]
        elif resident is None:
            problems = [("nik", _("NIK %(nik)s is not on the register.") % {"nik": parsed.nik}), *problems]
        elif resident.status != ResidentStatus.LIVING:
            problems = [("nik", _("The register records %(nik)s as moved away or deceased.") % {"nik": parsed.nik})]
        if problems:
            errors.append((number, sentences(m for _f, m in problems)))
        else:
            ready.append((number, resident, str(values.get("name") or ""), data))
    named = [(i, name_key(given), name_key(r.name)) for i, (_n, r, given, _d) in enumerate(ready) if given.strip()]
    if named:
        alike = name_similarity(pl.Series([g for _i, g, _r in named]), pl.Series([r for _i, _g, r in named]))
        wrong = {i for (i, _g, _r), score in zip(named, alike.to_list(), strict=True)
                 if score < settings.AID_NAME_AGREEMENT}  # fmt: skip
        for i in sorted(wrong):
            number, resident, given, _data = ready[i]
            errors.append((number, _("The name %(given)s does not agree with the register's %(name)s for this NIK.")
                           % {"given": given, "name": resident.name}))  # fmt: skip
        ready = [item for i, item in enumerate(ready) if i not in wrong]
    created = updated = 0
    with transaction.atomic():
        existing = set(AffectedResident.objects.filter(resident__in=[r for _n, r, _g, _d in ready])
                       .values_list("resident_id", flat=True))  # fmt: skip
        for _number, resident, _given, data in ready:
            AffectedResident.objects.update_or_create(
                resident=resident,
                defaults={**data, "household_id": resident.household_id, "village_id": resident.village_id,
                          "source": AffectedResident.Source.IMPORT, "source_name": original_name[:255],
                          "active": True, "recorded_by": user},
            )  # fmt: skip
            if resident.pk in existing:
                updated += 1
            else:
                created += 1
        audit.record(action="import", object_type="aid_affected", subject=original_name[:200],
                     detail={"rows": len(rows), "created": created, "updated": updated, "refused": len(errors)},
                     user=user)  # fmt: skip
    return {"rows": len(rows), "created": created, "updated": updated, "errors": sorted(errors)}


def import_affected_upload(*, user, upload, defaults: dict[str, Any]) -> dict[str, Any]:
    """import_affected for a file uploaded through a page: refused in words when it is over the upload limit."""
    with tempfile.TemporaryDirectory() as tmp:
        try:
            path = spreadsheets.save_upload(upload, Path(tmp) / "upload")
        except spreadsheets.SpreadsheetError as exc:
            raise AidError([("file", str(exc))]) from exc
        return import_affected(user=user, path=path, original_name=upload.name or "list", defaults=defaults)


def set_priority_weights(*, user, chosen: dict[str, Decimal]) -> None:
    """The agency sets how much each factor counts; the change is audited, old and new."""
    if not selectors.may_import(user):
        raise AidForbidden(_("Only the social affairs agency sets the priority weights."))
    errors = [(code, _("Give a weight between -100 and 100.")) for code, weight in chosen.items()
              if code not in FACTOR_CODES or weight is None or not -100 <= weight <= 100]  # fmt: skip
    if errors:
        raise AidError(errors)
    from smartkampung.aid.priority import weights

    with transaction.atomic():
        before = weights()
        for code, weight in chosen.items():
            PriorityWeight.objects.update_or_create(factor=code, defaults={"weight": weight, "updated_by": user})
        changes = {code: [str(before[code]), str(weight)] for code, weight in chosen.items() if before[code] != weight}
        if changes:
            audit.record(action="update", object_type="aid_priority", changes=changes, user=user)
