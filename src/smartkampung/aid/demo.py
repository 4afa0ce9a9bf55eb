"""The aid programs a regency ran in 2020 and the rules that kept them apart (Permendes 6/2020: a household
on BLT Dana Desa must not be on PKH, BPNT/Sembako, BST or Kartu Prakerja; PKH with BPNT is allowed)."""

import datetime as dt
from decimal import Decimal

from django.db import models, transaction

from smartkampung.aid.models import ExclusionRule, Level, Program, Unit

PROGRAMS = [
    ("PKH", "Program Keluarga Harapan", Level.CENTRAL, "APBN — Kementerian Sosial", Unit.HOUSEHOLD, None,
     "menurut komponen keluarga, per tahap", False),
    ("BPNT", "Bantuan Pangan Non Tunai / Program Sembako", Level.CENTRAL, "APBN — Kementerian Sosial",
     Unit.HOUSEHOLD, 200_000, "per bulan", False),
    ("BST", "Bantuan Sosial Tunai", Level.CENTRAL, "APBN — Kementerian Sosial", Unit.HOUSEHOLD, 600_000,
     "per bulan (April–Juni 2020)", False),
    ("PRAKERJA", "Kartu Prakerja", Level.CENTRAL, "APBN — Kementerian Koordinator Perekonomian", Unit.PERSON,
     3_550_000, "sekali (pelatihan dan insentif)", False),
    ("BSP-JATIM", "Bantuan Sosial Pangan Provinsi Jawa Timur", Level.PROVINCE, "APBD Provinsi Jawa Timur",
     Unit.HOUSEHOLD, 200_000, "per bulan", False),
    ("BANSOS-BWI", "Bantuan Sosial Pemkab Banyuwangi", Level.REGENCY, "APBD Kabupaten Banyuwangi", Unit.HOUSEHOLD,
     200_000, "per bulan", True),
    ("BLT-DD", "Bantuan Langsung Tunai Dana Desa", Level.VILLAGE, "Dana Desa", Unit.HOUSEHOLD, 600_000,
     "per bulan", False),
]  # fmt: skip

RULES = [
    ("BLT-DD", "PKH", "Permendes PDTT 6/2020"),
    ("BLT-DD", "BPNT", "Permendes PDTT 6/2020"),
    ("BLT-DD", "BST", "Permendes PDTT 6/2020"),
    ("BLT-DD", "PRAKERJA", "Permendes PDTT 6/2020"),
    ("BST", "PKH", "Kepmensos 54/HUK/2020"),
    ("BST", "BPNT", "Kepmensos 54/HUK/2020"),
    ("BANSOS-BWI", "PKH", "the regency covers those no other program covers"),
    ("BANSOS-BWI", "BPNT", "the regency covers those no other program covers"),
    ("BANSOS-BWI", "BST", "the regency covers those no other program covers"),
    ("BANSOS-BWI", "BLT-DD", "the regency covers those no other program covers"),
    ("BSP-JATIM", "BANSOS-BWI", "one food aid from the regional budgets"),
]


@transaction.atomic
def seed_programs() -> int:
    """Create the programs and rules that are missing; returns how many programs were created."""
    created = 0
    for code, name, level, source, unit, amount, note, takes_reports in PROGRAMS:
        _program, new = Program.objects.get_or_create(
            code=code,
            defaults={
                "name": name, "level": level, "funding_source": source, "unit": unit,
                "amount": Decimal(amount) if amount else None, "amount_note": note,
                "period_start": dt.date(2020, 4, 1), "period_end": dt.date(2020, 12, 31),
                "takes_reports": takes_reports,
            },
        )  # fmt: skip
        created += new
    codes = {p.code: p for p in Program.objects.all()}
    for first, second, note in RULES:
        a, b = codes[first], codes[second]
        if not ExclusionRule.objects.filter(program__in=[a, b], excludes__in=[a, b]).exists():
            ExclusionRule.objects.create(program=a, excludes=b, scope=Unit.HOUSEHOLD, note=note)
    return created


def seed_affected(*, limit: int = 3500) -> int:
    """The register of affected residents from what the population register already says of people's work
    (tourism workers, lost jobs, informal income lost), as the tourism agency's and the villages' lists would.
    Only when the register of affected residents is empty; returns how many were entered."""
    from smartkampung.aid.models import AffectedResident, Impact, Sector
    from smartkampung.population.models import Resident, ResidentStatus

    if AffectedResident.objects.exists():
        return 0
    flagged = (
        Resident.objects.filter(status=ResidentStatus.LIVING)
        .filter(models.Q(tourism_worker=True) | models.Q(lost_job=True) | models.Q(informal_income_loss=True))
        .order_by("id")
        .values_list("id", "household_id", "village_id", "tourism_worker", "lost_job")[:limit]
    )
    entries = []
    for number, (pk, household, village, tourism, lost_job) in enumerate(flagged):
        entries.append(AffectedResident(
            resident_id=pk, household_id=household, village_id=village,
            sector=Sector.TOURISM if tourism else (Sector.TRADE, Sector.TRANSPORT, Sector.FOOD)[number % 3],
            impact=Impact.LAID_OFF if lost_job else (Impact.FURLOUGHED, Impact.INCOME_LOST)[number % 2],
            since=dt.date(2020, 3 + number % 4, 1 + number % 28),
            income_lost=Decimal(500_000 + (number * 137_000) % 3_000_000),
            source=AffectedResident.Source.IMPORT if tourism else AffectedResident.Source.VILLAGE,
            source_name="dinas-pariwisata-2020.xlsx" if tourism else "",
        ))  # fmt: skip
    AffectedResident.objects.bulk_create(entries, batch_size=2000)
    return len(entries)
