"""The demo population's public records and constants: what the generator yields and the writers report."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

# Ages and dates are computed against this day, not the real today, so that output does
# not change from one day to the next.
REFERENCE_DATE = dt.date(2026, 1, 1)

CSV_COLUMNS = (
    "NIK",
    "NO_KK",
    "NAMA_LGKP",
    "TMPT_LHR",
    "TGL_LHR",
    "JENIS_KLMIN",
    "AGAMA",
    "STATUS_KAWIN",
    "STAT_HBKEL",
    "PDDK_AKH",
    "JENIS_PKRJN",
    "NAMA_LGKP_IBU",
    "NAMA_LGKP_AYAH",
    "ALAMAT",
    "NO_RT",
    "NO_RW",
    "KODE_DESA",
    "NO_HP",
    "STATUS",
    "PHK",
    "INFORMAL_TERDAMPAK",
    "PEKERJA_PARIWISATA",
)


class RegionsNotLoaded(RuntimeError):
    """The villages the generator uses are not in the database (run load_regions first)."""


@dataclass(slots=True)
class DemoResident:
    nik: str
    name: str
    birth_place: str
    birth_date: dt.date
    sex: str
    religion: str
    marital_status: str
    family_relation: str
    education: str
    occupation: str
    mother_name: str
    father_name: str
    phone: str
    status: str
    lost_job: bool
    informal_income_loss: bool
    tourism_worker: bool


@dataclass(slots=True)
class DemoHousehold:
    kk_number: str
    village_code: str
    address: str
    rt: str
    rw: str
    postal_code: str
    members: list[DemoResident]


@dataclass(frozen=True, slots=True)
class DemoSummary:
    households: int
    residents: int
    villages: int
    seconds: float
