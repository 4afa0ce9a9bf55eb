"""Synthetic population for demonstrations, benchmarks and tests (`smartkampung demo`).

One generator feeds two writers: the database (COPY on PostgreSQL, executemany on
SQLite) and a SIAK-style CSV export that the importer reads. Everything is drawn from
one seeded random.Random against a fixed reference date, so the same residents, seed and
serial base give identical output on any day and machine.

The generator streams: it walks the villages in code order, a household at a time, and
keeps only per-kecamatan serial counters, so 1.74 million residents fit in a few MiB of
state.
"""

from __future__ import annotations

import bisect
import csv
import datetime as dt
import math
import random
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from itertools import accumulate
from pathlib import Path
from typing import IO, Any

from django.core.management.color import no_style
from django.db import connections, transaction
from django.utils import timezone
from faker.providers.person.id_ID import Provider as _FakerId

from smartkampung.population.models import (
    Education,
    FamilyRelation,
    Household,
    MaritalStatus,
    Religion,
    Resident,
    ResidentStatus,
    Sex,
)
from smartkampung.population.normalize import clean_name, name_search_key

# The SIAK vocabulary lives with the importer (siak.py) so both directions share one table;
# re-exported here because the generator's CSV is its main writer.
from smartkampung.population.siak import (
    SIAK_EDUCATION,
    SIAK_MARITAL,
    SIAK_RELATION,
    SIAK_RELIGION,
    SIAK_SEX,
    SIAK_STATUS,
)
from smartkampung.regions.codes import code_lists, village_rows

__all__ = [
    "CSV_COLUMNS",
    "REFERENCE_DATE",
    "SIAK_EDUCATION",
    "SIAK_MARITAL",
    "SIAK_RELATION",
    "SIAK_RELIGION",
    "SIAK_SEX",
    "SIAK_STATUS",
    "DemoHousehold",
    "DemoResident",
    "DemoSummary",
    "RegionsNotLoaded",
    "generate_households",
    "write_siak_csv",
    "write_to_database",
]

# Ages and dates are computed against this day, not the real today, so that output does
# not change from one day to the next. Ages are capped below 95 so that the NIK's
# two-digit year decodes to the right century until 2030.
REFERENCE_DATE = dt.date(2026, 1, 1)
MAX_AGE = 94.5
_YEAR = 365.2425
_FEMALE_DAY_OFFSET = 40
_MAX_SERIAL = 9999
# The earliest KK issue date drawn: the family cards on SIAK have all been reissued since.
_KK_EARLIEST = dt.date(2008, 1, 1)

CSV_COLUMNS = (
    "NIK", "NO_KK", "NAMA_LGKP", "TMPT_LHR", "TGL_LHR", "JENIS_KLMIN", "AGAMA", "STATUS_KAWIN", "STAT_HBKEL",
    "PDDK_AKH", "JENIS_PKRJN", "NAMA_LGKP_IBU", "NAMA_LGKP_AYAH", "ALAMAT", "NO_RT", "NO_RW", "KODE_DESA",
    "NO_HP", "STATUS", "PHK", "INFORMAL_TERDAMPAK", "PEKERJA_PARIWISATA",
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


# --- vocabulary ---------------------------------------------------------------------------

_M, _F = Sex.MALE.value, Sex.FEMALE.value
_SINGLE, _MARRIED = MaritalStatus.SINGLE.value, MaritalStatus.MARRIED.value
_DIVORCED, _WIDOWED = MaritalStatus.DIVORCED.value, MaritalStatus.WIDOWED.value
_HEAD = FamilyRelation.HEAD.value
_SPOUSE = FamilyRelation.SPOUSE.value
_CHILD = FamilyRelation.CHILD.value
_CHILD_IN_LAW = FamilyRelation.CHILD_IN_LAW.value
_GRANDCHILD = FamilyRelation.GRANDCHILD.value
_PARENT = FamilyRelation.PARENT.value
_PARENT_IN_LAW = FamilyRelation.PARENT_IN_LAW.value
_OTHER_FAMILY = FamilyRelation.OTHER_FAMILY.value
_HOUSEHOLD_HELP = FamilyRelation.HOUSEHOLD_HELP.value
_EDU_NONE = Education.NONE.value
_EDU_PRIMARY_INCOMPLETE = Education.PRIMARY_INCOMPLETE.value
_EDU_PRIMARY = Education.PRIMARY.value
_EDU_JUNIOR = Education.JUNIOR.value
_EDU_SENIOR = Education.SENIOR.value
_EDU_DIPLOMA_1_2 = Education.DIPLOMA_1_2.value
_EDU_DIPLOMA_3 = Education.DIPLOMA_3.value
_EDU_BACHELOR = Education.BACHELOR.value
_EDU_MASTER = Education.MASTER.value
_EDU_DOCTORATE = Education.DOCTORATE.value
_LIVING, _MOVED, _DECEASED = ResidentStatus.LIVING.value, ResidentStatus.MOVED.value, ResidentStatus.DECEASED.value

# Kecamatan number (the last two digits of the code) -> (osing, javanese, madurese) shares.
# Osing heartland around the town and the Ijen foothills, Madurese on the north coast and
# in Muncar, Javanese (mataraman) in the south and west; rough, but the names then differ
# between, say, Wongsorejo and Bangorejo as they do in real registers.
_ETHNIC_MIX: dict[str, tuple[float, float, float]] = {
    "01": (0.05, 0.85, 0.10), "02": (0.05, 0.90, 0.05), "03": (0.10, 0.80, 0.10), "04": (0.05, 0.85, 0.10),
    "05": (0.10, 0.40, 0.50), "06": (0.35, 0.50, 0.15), "07": (0.15, 0.75, 0.10), "08": (0.50, 0.30, 0.20),
    "09": (0.15, 0.70, 0.15), "10": (0.05, 0.65, 0.30), "11": (0.05, 0.60, 0.35), "12": (0.80, 0.15, 0.05),
    "13": (0.75, 0.15, 0.10), "14": (0.80, 0.10, 0.10), "15": (0.90, 0.05, 0.05), "16": (0.40, 0.35, 0.25),
    "17": (0.75, 0.15, 0.10), "18": (0.10, 0.10, 0.80), "19": (0.75, 0.20, 0.05), "20": (0.25, 0.65, 0.10),
    "21": (0.30, 0.20, 0.50), "22": (0.05, 0.90, 0.05), "23": (0.10, 0.85, 0.05), "24": (0.85, 0.05, 0.10),
    "25": (0.75, 0.15, 0.10),
}
_DEFAULT_MIX = (0.34, 0.33, 0.33)
_ETHNIC_GROUPS = ("osing", "jawa", "madura")

# Family card types (SUSENAS-like shares): ~3.2 people per card on average. Town
# kelurahan have more people living alone.
_HOUSEHOLD_KINDS = {"nuclear": 62, "single": 9, "single_parent": 8.5, "with_parents": 8, "three_generations": 12.5}
_URBAN_HOUSEHOLD_KINDS = {
    "nuclear": 60, "single": 13, "single_parent": 9.5, "with_parents": 7.5, "three_generations": 10,
}

# Banyuwangi is ~96% Muslim; Hindu villages around Patoman, Tegaldlimo and Songgon, the
# Protestant village of Blimbingsari, Catholics and Chinese Indonesians in the towns.
_ISLAM, _HINDU = Religion.ISLAM.value, Religion.HINDU.value
_CHRISTIAN = frozenset({Religion.PROTESTANT.value, Religion.CATHOLIC.value})
_CHINESE = frozenset({Religion.BUDDHIST.value, Religion.CONFUCIAN.value})
_RELIGION_BASE = {
    _ISLAM: 96.4, Religion.PROTESTANT.value: 1.1, Religion.CATHOLIC.value: 0.5, _HINDU: 1.7,
    Religion.BUDDHIST.value: 0.2, Religion.CONFUCIAN.value: 0.05, Religion.BELIEF.value: 0.05,
}
_RELIGION_BOOST: dict[str, dict[str, float]] = {
    "04": {"hindu": 4.0}, "10": {"hindu": 2.0, "protestant": 1.5}, "11": {"hindu": 1.5, "protestant": 1.5},
    "13": {"hindu": 2.0}, "19": {"hindu": 2.5}, "22": {"hindu": 2.0}, "25": {"protestant": 6.0, "hindu": 3.0},
    "09": {"catholic": 2.5, "protestant": 2.0, "buddhist": 3.0, "confucian": 3.0},
    "16": {"catholic": 3.0, "protestant": 2.0, "buddhist": 5.0, "confucian": 5.0},
    "05": {"buddhist": 2.0},
}

_NOT_WORKING = "BELUM/TIDAK BEKERJA"
_HOUSEWORK = "MENGURUS RUMAH TANGGA"
_STUDENT = "PELAJAR/MAHASISWA"
_RETIRED = "PENSIUNAN"
_FARMER = "PETANI/PEKEBUN"
_FARMHAND = "BURUH TANI/PERKEBUNAN"
_FISHER = "NELAYAN/PERIKANAN"
_PNS = "PEGAWAI NEGERI SIPIL (PNS)"

_TNI = "TENTARA NASIONAL INDONESIA (TNI)"
_POLRI = "KEPOLISIAN RI (POLRI)"
_DAY_LABOUR = "BURUH HARIAN LEPAS"
_EMPLOYEE = "KARYAWAN SWASTA"
_SELF_EMPLOYED = "WIRASWASTA"
_TRADER = "PEDAGANG"
_HONORARY = "KARYAWAN HONORER"

# Weights for people of working age (25-59) with at most SLTA; other ages adjust them.
_JOBS_MALE = {
    _FARMER: 22, _FARMHAND: 10, _SELF_EMPLOYED: 15, _DAY_LABOUR: 13, _EMPLOYEE: 10, _TRADER: 6, _FISHER: 2,
    "SOPIR": 3, "TUKANG BATU": 3, "TUKANG KAYU": 1.2, "MEKANIK": 0.8, "PETERNAK": 1.5, "PERANGKAT DESA": 0.8,
    _TNI: 0.3, _POLRI: 0.3, _NOT_WORKING: 4, _HONORARY: 1,
}
_JOBS_FEMALE = {
    _HOUSEWORK: 40, _FARMER: 9, _FARMHAND: 6, _SELF_EMPLOYED: 10, _TRADER: 9, _EMPLOYEE: 6, _DAY_LABOUR: 6,
    _NOT_WORKING: 5, _FISHER: 0.3, "PERANGKAT DESA": 0.3, _HONORARY: 1, "PENJAHIT": 1,
}
# With a diploma or degree: offices, schools and clinics.
_JOBS_EDUCATED_MALE = {
    _PNS: 12, "GURU": 12, _EMPLOYEE: 25, _SELF_EMPLOYED: 20, _HONORARY: 6, _FARMER: 6, _TRADER: 4,
    "PERANGKAT DESA": 3, _TNI: 1.5, _POLRI: 1.5, "DOSEN": 0.5, "DOKTER": 0.5, "PERAWAT": 1, _NOT_WORKING: 3,
}
_JOBS_EDUCATED_FEMALE = {
    _PNS: 11, "GURU": 18, _EMPLOYEE: 20, _SELF_EMPLOYED: 10, _HONORARY: 7, _HOUSEWORK: 15, "BIDAN": 3,
    "PERAWAT": 4, _TRADER: 4, "DOSEN": 0.4, "DOKTER": 0.4, "PERANGKAT DESA": 1, _NOT_WORKING: 3,
}
# Multipliers by kecamatan: fishing ports, plantations, the town.
_JOB_BOOST: dict[str, dict[str, float]] = {
    "01": {_FISHER: 3.0}, "03": {_FISHER: 2.0}, "04": {_FISHER: 2.5}, "05": {_FISHER: 9.0, _DAY_LABOUR: 1.3},
    "18": {_FISHER: 4.0}, "21": {_FISHER: 3.0, _EMPLOYEE: 1.5, "SOPIR": 1.5},
    "10": {_FARMHAND: 3.0}, "11": {_FARMHAND: 3.0}, "24": {_FARMHAND: 2.5}, "19": {_FARMHAND: 1.8},
    "16": {_FARMER: 0.15, _FARMHAND: 0.1, _EMPLOYEE: 2.5, _SELF_EMPLOYED: 1.5, _TRADER: 1.6, _FISHER: 1.5},
    "17": {_FARMER: 0.5, _EMPLOYEE: 1.8, _SELF_EMPLOYED: 1.3},
    "09": {_FARMER: 0.7, _TRADER: 1.6, _EMPLOYEE: 1.4},
}
# The young work for wages or not yet at all; the old stay on their land or stop.
_JOB_AGE_FACTORS: dict[str, dict[str, float]] = {
    "young": {
        _EMPLOYEE: 1.8, _DAY_LABOUR: 1.4, _FARMER: 0.4, _NOT_WORKING: 2.5, _HOUSEWORK: 0.7, _PNS: 0.2,
        "GURU": 0.5, _HONORARY: 1.8,
    },
    "old": {_FARMER: 1.6, _EMPLOYEE: 0.3, _NOT_WORKING: 3.0, "SOPIR": 0.4, "TUKANG BATU": 0.6, _PNS: 0.7},
}
# Ijen and Kawah Wurung (Licin), Kemiren (Glagah), the town and Ketapang, Pulau Merah
# (Pesanggaran), Alas Purwo and G-Land (Tegaldlimo).
_TOURISM_AREA = {"24": 4.0, "15": 3.5, "16": 3.0, "21": 2.5, "01": 3.0, "04": 2.5, "17": 1.5}
_TOURISM_JOBS = frozenset({_SELF_EMPLOYED, _EMPLOYEE, _TRADER, _DAY_LABOUR, "SOPIR"})
_EMPLOYED = frozenset({_EMPLOYEE, _DAY_LABOUR, _FARMHAND, "SOPIR", _HONORARY, "MEKANIK"})
_INFORMAL = frozenset(
    {_TRADER, _SELF_EMPLOYED, _DAY_LABOUR, "SOPIR", _FISHER, "TUKANG BATU", "TUKANG KAYU", "PENJAHIT"}
)
_OUTSIDE_LABOUR_FORCE = frozenset({_STUDENT, _RETIRED, _HOUSEWORK})
_HIGHER_EDUCATION = frozenset({_EDU_DIPLOMA_3, _EDU_BACHELOR, _EDU_MASTER, _EDU_DOCTORATE})

# Adult education by birth cohort: older Banyuwangi is largely primary-educated, the young
# mostly finish SLTA.
_EDUCATION_BY_COHORT: list[tuple[int, dict[str, float]]] = [
    (1955, {"none": 30, "primary_incomplete": 28, "primary": 32, "junior": 5, "senior": 4, "bachelor": 1}),
    (1970, {"none": 11, "primary_incomplete": 17, "primary": 40, "junior": 14, "senior": 14,
            "diploma_1_2": 0.8, "diploma_3": 0.7, "bachelor": 2.5}),
    (1985, {"none": 4, "primary_incomplete": 8, "primary": 31, "junior": 22, "senior": 27,
            "diploma_1_2": 1, "diploma_3": 1.5, "bachelor": 5, "master": 0.4, "doctorate": 0.05}),
    (9999, {"none": 1, "primary_incomplete": 3, "primary": 14, "junior": 25, "senior": 43,
            "diploma_1_2": 1.5, "diploma_3": 2.5, "bachelor": 9.5, "master": 0.5}),
]

_BIRTH_PLACES_ELSEWHERE = {
    "JEMBER": 6, "SITUBONDO": 5, "BONDOWOSO": 4, "SURABAYA": 3, "MALANG": 3, "LUMAJANG": 2, "PROBOLINGGO": 2,
    "JEMBRANA": 1.5, "DENPASAR": 1, "SUMENEP": 1.5, "BANGKALAN": 1, "PAMEKASAN": 1, "KEDIRI": 1, "BLITAR": 1,
    "SIDOARJO": 1, "PASURUAN": 1, "YOGYAKARTA": 0.5, "JAKARTA": 0.5,
}

# Mobile prefixes in use (Telkomsel, Indosat, XL, Axis, Tri, Smartfren), weighted by share.
_MOBILE_PREFIXES = {
    "811": 3, "812": 8, "813": 8, "821": 8, "822": 9, "823": 5, "851": 5, "852": 9, "853": 6,
    "814": 1, "815": 2, "816": 2, "855": 2, "856": 5, "857": 6, "858": 2,
    "817": 3, "818": 3, "819": 4, "859": 3, "877": 4, "878": 4, "831": 2, "832": 2, "833": 1, "838": 3,
    "895": 3, "896": 4, "897": 2, "898": 2, "899": 3, "881": 1, "882": 1, "887": 1, "888": 1, "889": 1,
}

_DUSUN = (
    "SUMBERSARI", "SUMBERREJO", "KARANGREJO", "SIDOMULYO", "TEGALREJO", "TAMBAKREJO", "SUKOREJO", "KRASAK",
    "KEDUNGREJO", "WATUKEBO", "BENDO", "TAMANSARI", "SUMBERWANGI", "LEMAHBANG", "KARANGANYAR", "JATIREJO",
    "PURWOREJO", "BULUREJO", "GUNUNGSARI", "KEBONREJO", "WONOREJO", "SUKOSARI", "GUMUK", "PAKEM", "TAMBONG",
    "KRAJAN KIDUL", "KRAJAN LOR", "SIDOREJO", "KARANGSARI", "CURAHLEDUK", "PANCORAN", "KRAMAT", "SEMBULUNG",
    "BANJARSARI", "SUMBERBERAS", "KEPUNDUNGAN", "MUNENG", "SUKOMAJU", "TEGALSARI", "SETAIL", "WRINGINREJO",
    "GAMBOR", "KOPEN", "SUKOWIDI", "PENDARUNGAN", "KUTOREJO", "KALIPAIT", "SUMBERAGUNG", "PATOMAN", "KEBALEN",
)
_STREETS = (
    "JL. AHMAD YANI", "JL. BRAWIJAYA", "JL. PB. SUDIRMAN", "JL. DIPONEGORO", "JL. KARTINI", "JL. GAJAH MADA",
    "JL. BASUKI RAHMAT", "JL. JAKSA AGUNG SUPRAPTO", "JL. KOLONEL SUGIONO", "JL. RIAU", "JL. SETIA BUDI",
    "JL. ADI SUCIPTO", "JL. PATTIMURA", "JL. WIJAYA KUSUMA", "JL. KH. AGUS SALIM", "JL. MH. THAMRIN",
    "JL. KAPTEN PIERRE TENDEAN", "JL. YOS SUDARSO", "JL. GATOT SUBROTO", "JL. HASANUDIN", "JL. SUKOWIDI",
    "JL. RAMBUTAN", "JL. KEPITING", "JL. BANTERANG", "JL. DR. WAHIDIN", "JL. LETKOL ISTIQLAH", "JL. SIMPANG TIGA",
    "JL. DANAU TOBA", "JL. SALAK", "JL. MELATI", "JL. MAWAR", "JL. KENANGA", "JL. SRITANJUNG", "JL. WALTER MONGINSIDI",
)
_LINGKUNGAN = (
    "KRAJAN", "SUKOWIDI", "KARANGASEM", "KRAMAT", "PENGANTINAN", "SUMBERSARI", "KAMPUNG BARU", "PAKIS",
    "KEBALENAN", "SUMBERREJO", "KARANGREJO", "TEMENGGUNGAN", "KEPATIHAN", "KAMPUNG MANDAR",
)

# --- names --------------------------------------------------------------------------------
# Traditional one-word names dominate the registers of people born before ~1975; the
# young carry two- or three-part Islamic or modern names.

_OLD_MALE = {
    "jawa": (
        "SLAMET", "SUPARMAN", "SUKARDI", "SUGENG", "SUMARNO", "PAIMAN", "KASIMAN", "SUPARDI", "SUWARNO",
        "SUTRISNO", "SUYITNO", "MARDI", "SAMIDI", "TUKIMAN", "WAGIMAN", "PAIJO", "SARDJONO", "SUJONO",
        "KATIMIN", "SUBARI", "SUKIRNO", "NGATIMAN", "PARNO", "SUNARTO", "SUPRAPTO", "SUMADI", "TARMIN",
        "DARMAJI", "KASIDI", "SOLEH", "SUGIANTO", "SUPRIYADI", "SUHARTO", "SUKARMAN", "WARSITO", "JAMARI",
        "TUGIMIN", "SUWITO", "KARNO", "SUDIRMAN", "MULYADI", "SUWANDI", "SUPANGAT", "SURATMAN", "GIMAN",
    ),
    "osing": (
        "MISNADI", "SAHLAN", "JUHARI", "SANIMAN", "TAHRIM", "MISNO", "SANURI", "BUSRI", "SAPUAN", "SATUKI",
        "MISRADI", "ARSAD", "MASRUKI", "SAMSUDIN", "SUHAIMI", "BAHRI", "HASANUDIN", "SUNARYO", "KASNO",
        "RASIMAN", "SUDARSONO", "JUMADI", "MUNAWI", "SIRAT", "JAENURI", "SAMSUL", "HASIM", "NAWAWI", "SUBANDI",
        "ASNAWI", "MOCH. SALEH", "SAMSURI", "SUKIRMAN", "ARIFIN", "SUHADAK", "TARIP", "JAELANI", "MUKSIN",
        "SUHERI", "KUSNADI",
    ),
    "madura": (
        "MATTASIN", "HOSNAN", "MOH. HOSNAN", "SUNAWI", "MISRAWI", "SAHRAWI", "MATRAWI", "JUMALI", "ASMAWI",
        "SUBAIRI", "SAMHADI", "HOLIK", "MUSAHWI", "MARSUKI", "ABD. RAHMAN", "MOH. SALEH", "BUSRAWI",
        "SAMSUL ARIFIN", "MARZUKI", "HASAN BASRI", "MOH. HOLIL", "NURHADI", "SUPANDI", "MOH. SAMSUL",
        "SUDARKO", "MUHDAR", "JUMHARI", "MATSARI", "SUNARJO", "ASMURI", "HOIRUL", "MOH. TOHA", "SAHWI",
    ),
}
_OLD_FEMALE = {
    "jawa": (
        "SUPARMI", "SUHARTI", "SUMIATI", "SUKINAH", "PAINAH", "SUPINAH", "TUMINAH", "SUMINI", "SAMIRAH",
        "WAGINEM", "SUYATMI", "KATINEM", "SUPIYAH", "SUNARSIH", "SITI ROMLAH", "SUMARNI", "SUPIATI", "PAIRAH",
        "SARINAH", "MUJIATI", "KASMINI", "TUKINI", "NGATINI", "SRI WAHYUNI", "SRI UTAMI", "MARSINAH",
        "SUMIYATI", "LASMI", "PARTINI", "SUWARNI", "SITI MUNAWAROH", "SUMIRAH", "SRI SUNARTI", "JUMINAH",
        "WARSINI", "SUKARNI", "MARIYEM", "SUDARMI", "TUMIRAH", "KASIYEM",
    ),
    "osing": (
        "SAMSIYAH", "SUMIYATI", "MISNAH", "JUWARIYAH", "SAMIYATUN", "SUNARTI", "KASIYATI", "MISRIYAH", "SAODAH",
        "ROMLAH", "SITI JUARIYAH", "SUNIATI", "SUPIYATI", "ASIYAH", "RUKAYAH", "MUNAWAROH", "SUWARSIH",
        "SAMSUNAH", "TUMIRAH", "MAIMUNAH", "JUMAIYAH", "SITI MARIYAM", "KASMIRAH", "SUHARTI", "MISTIYAH",
        "SULASIH", "SITI KHOTIJAH", "MUSLIKAH", "SUNIAH", "SARIFAH", "SITI AMINAH", "RUSNIAH",
    ),
    "madura": (
        "HOLIPAH", "SUNIHA", "MISNATUN", "HOSNIYAH", "SITI AISYAH", "SUMINAH", "MUNIRAH", "RUSMINI", "SAHARIYAH",
        "SITI MAIMUNAH", "NURHAYATI", "MARIYANI", "HATIJAH", "SAMSIYAH", "SAKINAH", "JUMARIYAH", "MARYAM",
        "SUNAIYAH", "HALIMAH", "ROFIAH", "SITI HOLILAH", "MUSLIHAH", "SUNIYATI", "ATIYAH", "BAHRIYAH",
        "SITI FATIMAH", "HANIFAH", "MUNAWAROH", "SAMIYAH", "MISYATI",
    ),
}
_MODERN_MALE_FIRST = (
    "AHMAD", "MUHAMMAD", "MOCH.", "MOH.", "ABDUL", "AGUS", "BUDI", "EKO", "DWI", "TRI", "ANDI", "ARIS", "DEDI",
    "HERI", "RUDI", "JOKO", "YUDI", "IWAN", "FAJAR", "RIZKY", "DIMAS", "BAGUS", "ILHAM", "IRFAN", "FIRMAN",
    "HENDRA", "ANDRI", "YOGI", "RENDI", "FAHMI", "ALFIAN", "ARIF", "SYAIFUL", "NUR", "ZAINAL", "IMAM", "ADI",
    "WAHYU", "DANI", "REZA", "HADI", "TEGUH", "KHOIRUL", "MUKHLIS", "SAIFUL", "ROHMAN", "HABIBI", "FERDI",
)
_MODERN_MALE_REST = (
    "SANTOSO", "PRASETYO", "SETIAWAN", "HIDAYAT", "SAPUTRA", "PRATAMA", "MAULANA", "RAMADHAN", "FIRMANSYAH",
    "ARDIANSYAH", "KURNIAWAN", "WIJAYA", "NUGROHO", "HIDAYATULLAH", "ARIFIN", "FAUZI", "FAUZAN", "HAIKAL",
    "RIZKY", "SYAHRONI", "ROHMAN", "HAKIM", "SALIM", "MUSTOFA", "ANSHORI", "ROSYIDI", "SULISTYO", "WAHYUDI",
    "HERMAWAN", "SUSANTO", "SYAFI'I", "ALFARIZI", "ADITYA", "DWI CAHYO", "YULIANTO", "IRAWAN", "BAYU",
)
_MODERN_FEMALE_FIRST = (
    "SITI", "NUR", "DWI", "TRI", "EKA", "SRI", "DEWI", "RINA", "YUNI", "ANI", "LILIS", "ENDANG", "ERNA",
    "FITRI", "INDAH", "LINDA", "NOVI", "PUTRI", "RATNA", "RIKA", "WULAN", "YULI", "DIAH", "AYU", "ANIS",
    "NURUL", "AINUR", "LAILATUL", "UMI", "FAIZATUL", "ZAHROTUL", "FARIDA", "NANIK", "TITIN", "DINA",
)
_MODERN_FEMALE_REST = (
    "AISYAH", "RAHAYU", "LESTARI", "WULANDARI", "FITRIANI", "HANDAYANI", "SETIAWATI", "NINGSIH", "SUSANTI",
    "KHOTIMAH", "HASANAH", "FADILAH", "MUAWANAH", "ROHMAH", "JANNAH", "AZIZAH", "NUR HALIZA", "SAFITRI",
    "PRATIWI", "ANGGRAINI", "PUSPITASARI", "MAHARANI", "NOVITASARI", "KURNIAWATI", "WAHYUNI", "YULIANTI",
    "MARFUAH", "MUFIDAH", "HIDAYAH", "ZAHRO", "MAGHFIROH", "FAUZIAH", "SHOLIHAH", "AMALIA", "ASTUTIK",
)
_HINDU_MALE = ("I WAYAN", "I MADE", "I NYOMAN", "I KETUT", "I GEDE", "I PUTU")
_HINDU_FEMALE = ("NI WAYAN", "NI MADE", "NI NYOMAN", "NI KETUT", "NI LUH", "NI PUTU")
_HINDU_REST_MALE = (
    "SUDARMA", "ARTANA", "SUKARDANA", "SUPARTA", "WIRATA", "SUARDANA", "ARIASA", "MUDANA", "SUWITRA", "KARIASA",
    "SUARSANA", "SUKADANA", "PARWATA",
)
_HINDU_REST_FEMALE = (
    "WIDIASTUTI", "SURYANI", "ARIANI", "SUKARNI", "DARMAYANTI", "SRIASIH", "SUARTINI", "MURNIATI", "SUWENI",
)
_CHRISTIAN_MALE = (
    "YOHANES", "YOSEF", "PETRUS", "PAULUS", "MARKUS", "STEFANUS", "DANIEL", "YAKOBUS", "BENEDIKTUS", "ANDREAS",
    "FRANSISKUS", "MATIUS", "TIMOTIUS", "YOHANES BAPTIS",
)
_CHRISTIAN_FEMALE = (
    "MARIA", "MARTHA", "ELISABETH", "YULIANA", "THERESIA", "MAGDALENA", "KRISTINA", "AGNES", "VERONIKA",
    "RUTH", "DEBORA", "LUSIA", "MONIKA",
)
_CHINESE_MALE = ("HENDRA", "WILLIAM", "HARTONO", "SUGIANTO", "BUDI", "TJAHJONO", "HANDOKO", "LIEM", "TAN", "KEVIN")
_CHINESE_FEMALE = ("LINA", "MELIANA", "LILY", "SUSANA", "HELEN", "YENNY", "MEILIN", "NOVITA", "LIANA", "VERA")
_CHINESE_REST = ("GUNAWAN", "WIJAYA", "TANUWIJAYA", "SANTOSO", "HALIM", "SETIAWAN", "HARTANTO", "KURNIAWAN")

# Faker's id_ID lists, without the Batak, Ambonese and other clan names that a
# Banyuwangi register would hardly show.
_NOT_HERE = frozenset(
    {
        "Damanik", "Dongoran", "Dabukke", "Hutagalung", "Hutapea", "Hutasoit", "Latupono", "Mangunsong",
        "Manullang", "Marpaung", "Marbun", "Nainggolan", "Nababan", "Napitupulu", "Siregar", "Sihombing",
        "Samosir", "Saragih", "Sihotang", "Simanjuntak", "Sinaga", "Simbolon", "Sitompul", "Sitorus", "Sirait",
        "Situmorang", "Tampubolon", "Tamba", "Tarihoran", "Namaga", "Ciaobella", "Queen", "Sakura", "Paris",
        "Chelsea", "Ophelia", "Zelaya",
    }
)


def _faker_pool(names: Iterable[str]) -> tuple[str, ...]:
    return tuple(dict.fromkeys(clean_name(n) for n in names if n not in _NOT_HERE))


_FAKER_MALE = _faker_pool(_FakerId.first_names_male)
_FAKER_FEMALE = _faker_pool(_FakerId.first_names_female)
_FAKER_LAST_MALE = _faker_pool(_FakerId.last_names_male)
_FAKER_LAST_FEMALE = _faker_pool(_FakerId.last_names_female)


# --- helpers ------------------------------------------------------------------------------


class _Table:
    """A weighted choice: one random() and a bisect per draw, far cheaper than random.choices."""

    __slots__ = ("cum", "items", "total")

    def __init__(self, weights: dict[Any, float]) -> None:
        self.items = list(weights)
        self.cum = list(accumulate(weights.values()))
        self.total = self.cum[-1]

    def pick(self, rng: random.Random) -> Any:
        return self.items[bisect.bisect_right(self.cum, rng.random() * self.total)]


def _triangular(u: float, low: float, mode: float, high: float) -> float:
    """Inverse CDF of the triangular distribution: a cheap stand-in for skewed age curves."""
    span = high - low
    if u < (mode - low) / span:
        return low + math.sqrt(u * span * (mode - low))
    return high - math.sqrt((1.0 - u) * span * (high - mode))


class _Person:
    """A household member while the household is being assembled."""

    __slots__ = ("age", "ethnic", "father", "marital", "mother", "name", "relation", "sex")

    def __init__(self, relation: str, sex: str, age: float, marital: str, name: str, ethnic: str) -> None:
        self.relation = relation
        self.sex = sex
        self.age = age
        self.marital = marital
        self.name = name
        self.ethnic = ethnic  # for the names of parents who are not on the card
        self.father = ""
        self.mother = ""


@dataclass(slots=True)
class _Village:
    code: str
    district_code: str
    district_name: str
    kelurahan: bool
    suffix: str
    ethnic: _Table
    religion: _Table
    places: list[tuple[str, int, bool]]  # (dusun, street or lingkungan; its RW; whether a street)
    tourism: float


def _quotas(total: int, weights: list[float]) -> list[int]:
    """Split total by weights (largest remainder); every share at least 1 when total allows."""
    scale = total / sum(weights)
    raw = [w * scale for w in weights]
    quotas = [int(r) for r in raw]
    order = sorted(range(len(raw)), key=lambda i: (quotas[i] - raw[i], i))
    for i in order[: total - sum(quotas)]:
        quotas[i] += 1
    if total >= len(weights):
        for i, q in enumerate(quotas):
            if q == 0:
                donor = max(range(len(quotas)), key=lambda j: (quotas[j], -j))
                quotas[donor] -= 1
                quotas[i] = 1
    return quotas


# --- the generator ------------------------------------------------------------------------


class _Generator:
    def __init__(self, *, seed: int, serial_base: int, today: dt.date) -> None:
        if not 0 <= serial_base < _MAX_SERIAL:
            raise ValueError(f"serial_base must be between 0 and {_MAX_SERIAL - 1}")
        self.rng = random.Random(seed)
        self.random = self.rng.random
        self.serial_base = serial_base
        self.today = today
        self.today_ordinal = today.toordinal()
        self.kk_earliest = min(_KK_EARLIEST, today).toordinal()
        self.nik_serials: dict[str, int] = {}
        self.kk_serials: dict[str, int] = {}
        # Phones come from an affine bijection of a counter, so no number repeats within a
        # run; the offset depends on seed and base so that separate runs rarely meet.
        self.phone_counter = 0
        self.phone_offset = (seed * 7919 + serial_base * 104_729) % 100_000_000
        self.job_tables: dict[tuple[str, str, bool, str], _Table] = {}
        self.mobile = _Table(_MOBILE_PREFIXES)
        self.elsewhere = _Table(_BIRTH_PLACES_ELSEWHERE)
        self.education_tables = [(year, _Table(weights)) for year, weights in _EDUCATION_BY_COHORT]
        self.household_kinds = _Table(_HOUSEHOLD_KINDS)
        self.urban_household_kinds = _Table(_URBAN_HOUSEHOLD_KINDS)

    def choice(self, items: tuple[str, ...]) -> str:
        return items[int(self.random() * len(items))]

    # -- villages ------------------------------------------------------------------------

    def villages(self, regency_code: str) -> list[_Village]:
        rows = sorted(village_rows(regency_code), key=lambda r: r.code)
        if not rows:
            raise ValueError(f"No villages are known for regency {regency_code!r}")
        districts = code_lists().districts
        # The flavour tables are keyed by Banyuwangi's kecamatan; elsewhere all get the default.
        banyuwangi = regency_code == "3510"
        result = []
        for row in rows:
            suffix = row.district_code[-2:] if banyuwangi else ""
            mix = _ETHNIC_MIX.get(suffix, _DEFAULT_MIX)
            boost = _RELIGION_BOOST.get(suffix, {})
            kelurahan = row.kind == "kelurahan"
            result.append(
                _Village(
                    code=row.code,
                    district_code=row.district_code,
                    district_name=clean_name(districts.get(row.district_code, ("", row.name))[1]),
                    kelurahan=kelurahan,
                    suffix=suffix,
                    ethnic=_Table({"osing": mix[0], "jawa": mix[1], "madura": mix[2]}),
                    religion=_Table({k: w * boost.get(k, 1.0) for k, w in _RELIGION_BASE.items()}),
                    places=self.places(kelurahan),
                    tourism=0.035 * _TOURISM_AREA.get(suffix, 1.0),
                )
            )
        return result

    def places(self, kelurahan: bool) -> list[tuple[str, int, bool]]:
        """The village's RWs: a desa's belong to its dusun, a kelurahan's to streets and lingkungan."""
        rng = self.rng
        rw_count = rng.randint(3, 6) if kelurahan else rng.randint(2, 6)
        if kelurahan:
            lingkungan = rng.sample(_LINGKUNGAN, rw_count)
            streets = rng.sample(_STREETS, rw_count)
            return [
                (f"LINGKUNGAN {lingkungan[i]}", i + 1, False) if rng.random() < 0.3 else (streets[i], i + 1, True)
                for i in range(rw_count)
            ]
        dusun_count = max(1, (rw_count + 1) // 2)
        names = ["KRAJAN", *rng.sample(_DUSUN, dusun_count - 1)]
        return [(f"DUSUN {names[i * dusun_count // rw_count]}", i + 1, False) for i in range(rw_count)]

    def village_weights(self, villages: list[_Village]) -> list[float]:
        # A desa of Banyuwangi holds ~8,000 people, give or take half; the dense kelurahan
        # of kecamatan Banyuwangi (the town) more.
        weights = []
        for v in villages:
            w = self.rng.lognormvariate(0.0, 0.35)
            if v.kelurahan:
                w *= 1.6 if v.suffix == "16" else 1.15
            weights.append(w)
        return weights

    # -- names ---------------------------------------------------------------------------

    def name(self, sex: str, birth_year: int, ethnic: str, religion: str) -> str:
        """A name as on the KTP; every pool is upper case already, so no clean-up is needed."""
        random_ = self.random
        choice = self.choice
        male = sex == _M
        if religion != _ISLAM:
            if religion == _HINDU and random_() < 0.6:
                if male:
                    return f"{choice(_HINDU_MALE)} {choice(_HINDU_REST_MALE)}"
                return f"{choice(_HINDU_FEMALE)} {choice(_HINDU_REST_FEMALE)}"
            if religion in _CHRISTIAN and random_() < 0.7:
                first = choice(_CHRISTIAN_MALE if male else _CHRISTIAN_FEMALE)
                if random_() < 0.2:
                    return first
                return f"{first} {choice(_MODERN_MALE_REST if male else _MODERN_FEMALE_REST)}"
            if religion in _CHINESE:
                return f"{choice(_CHINESE_MALE if male else _CHINESE_FEMALE)} {choice(_CHINESE_REST)}"
        # Traditional one-word names: ~90% of those born in 1940, ~5% of those born after 2000.
        if random_() < min(0.92, max(0.05, (1992 - birth_year) / 55)):
            return choice((_OLD_MALE if male else _OLD_FEMALE)[ethnic])
        r = random_()
        if r < 0.3:
            first = choice(_FAKER_MALE if male else _FAKER_FEMALE)
            if r < 0.15:
                return first
            return f"{first} {choice(_FAKER_LAST_MALE if male else _FAKER_LAST_FEMALE)}"
        if male:
            first, rest, extra = choice(_MODERN_MALE_FIRST), choice(_MODERN_MALE_REST), _MODERN_MALE_REST
        else:
            first, rest, extra = choice(_MODERN_FEMALE_FIRST), choice(_MODERN_FEMALE_REST), _MODERN_FEMALE_REST
        if first == rest:
            return first
        if r < 0.85:
            return f"{first} {rest}"
        third = choice(extra)
        return f"{first} {rest} {third}" if third != rest else f"{first} {rest}"

    def person(self, relation: str, sex: str, age: float, marital: str, ethnic: str, religion: str) -> _Person:
        if age > MAX_AGE:
            # Spread, not clamped: a clamp would give hundreds the same birth date and NIK prefix.
            age = MAX_AGE - self.random() * 5
        name = self.name(sex, self.today.year - int(age), ethnic, religion)
        return _Person(relation, sex, age, marital, name, ethnic)

    # -- households ----------------------------------------------------------------------

    def children(self, mother_age: float, ethnic: str, religion: str, *, keep_adults: float = 1.0) -> list[_Person]:
        """The children still on the family card of a mother (or a father treated as one)."""
        random_ = self.random
        born_year = self.today.year - mother_age
        r = random_()
        # Women born before 1960 had four or five children; today's mothers two.
        if born_year < 1960:
            count = 1 + int(r * 5.5)
        elif born_year < 1976:
            count = 1 + int(r * 3.8)
        else:
            count = 1 + int(r**1.6 * 3.8)
        if random_() < 0.06:
            count = 0
        age = mother_age - _triangular(random_(), 18.5, 21.5, 33.0)
        kids = []
        for _ in range(count):
            if age < 0 or mother_age - age > 40:
                break
            if age < 18.0:
                stay = 1.0
            else:
                # Grown children marry and move to a family card of their own.
                stay = keep_adults * (
                    0.85 if age < 21 else 0.6 if age < 25 else 0.32 if age < 30 else 0.12 if age < 40 else 0.04
                )
            if stay >= 1.0 or random_() < stay:
                marital = _DIVORCED if age >= 25 and random_() < 0.08 else _SINGLE
                kids.append(self.person(_CHILD, _M if random_() < 0.51 else _F, age, marital, ethnic, religion))
            age -= _triangular(random_(), 1.3, 3.0, 8.0)
        return kids

    def couple(self, head_age: float, ethnic: str, religion: str) -> tuple[_Person, _Person]:
        random_ = self.random
        wife_age = head_age - self.rng.gauss(4.0, 3.5)
        wife_age = max(17.5 + random_() * 2, min(wife_age, head_age + 6))
        spouse_ethnic = self.spouse_ethnic(ethnic)
        # Now and then the wife heads the card and the husband is listed as SUAMI.
        if random_() < 0.025:
            head = self.person(_HEAD, _F, wife_age, _MARRIED, ethnic, religion)
            return head, self.person(_SPOUSE, _M, head_age, _MARRIED, spouse_ethnic, religion)
        head = self.person(_HEAD, _M, head_age, _MARRIED, ethnic, religion)
        return head, self.person(_SPOUSE, _F, wife_age, _MARRIED, spouse_ethnic, religion)

    def spouse_ethnic(self, ethnic: str) -> str:
        r = self.random()
        return ethnic if r < 0.85 else _ETHNIC_GROUPS[int((r - 0.85) / 0.05)]

    def household(self, village: _Village) -> tuple[list[_Person], str]:
        """The members of one family card, head first, and the family's religion."""
        rng = self.rng
        random_ = self.random
        ethnic = village.ethnic.pick(rng)
        religion = village.religion.pick(rng)
        kind = (self.urban_household_kinds if village.kelurahan else self.household_kinds).pick(rng)
        if kind == "nuclear":
            head, spouse = self.couple(_triangular(random_(), 21.0, 38.0, 78.0), ethnic, religion)
            kids = self.children((spouse if spouse.sex == _F else head).age, ethnic, religion)
            self.link(kids, head, spouse)
            members = [head, spouse, *kids]
            r = random_()
            if r < 0.035:
                # A niece or nephew, often in town for school or work.
                sex = _M if random_() < 0.5 else _F
                members.append(self.person(_OTHER_FAMILY, sex, 6 + random_() * 22, _SINGLE, ethnic, religion))
            elif r < 0.045 and village.kelurahan:
                members.append(self.person(_HOUSEHOLD_HELP, _F, 18 + random_() * 35, _SINGLE, ethnic, religion))
        elif kind == "single":
            r = random_()
            if r < 0.38:
                sex = _M if random_() < 0.65 else _F
                members = [self.person(_HEAD, sex, 19 + random_() * 22, _SINGLE, ethnic, religion)]
            elif r < 0.85:
                sex = _F if random_() < 0.75 else _M
                age = _triangular(random_(), 58.0, 68.0, 94.0)
                members = [self.person(_HEAD, sex, age, _WIDOWED, ethnic, religion)]
            else:
                sex = _M if random_() < 0.5 else _F
                members = [self.person(_HEAD, sex, 28 + random_() * 37, _DIVORCED, ethnic, religion)]
        elif kind == "single_parent":
            sex = _F if random_() < 0.72 else _M
            age = _triangular(random_(), 27.0, 45.0, 80.0)
            marital = _WIDOWED if random_() < 0.55 + max(0.0, age - 45) / 60 else _DIVORCED
            head = self.person(_HEAD, sex, age, marital, ethnic, religion)
            kids = self.children(age if sex == _F else age - 4, ethnic, religion, keep_adults=1.4)
            for kid in kids:
                if sex == _F:
                    kid.mother = head.name
                else:
                    kid.father = head.name
            members = [head, *kids]
        elif kind == "with_parents":
            head, spouse = self.couple(_triangular(random_(), 24.0, 34.0, 60.0), ethnic, religion)
            kids = self.children((spouse if spouse.sex == _F else head).age, ethnic, religion)
            self.link(kids, head, spouse)
            members = [head, spouse, *kids, *self.parents_of(head if random_() < 0.55 else spouse, religion)]
        else:
            members = self.three_generations(ethnic, religion)
        return members, religion

    def link(self, kids: list[_Person], head: _Person, spouse: _Person) -> None:
        father, mother = (head, spouse) if head.sex == _M else (spouse, head)
        for kid in kids:
            kid.father = father.name
            kid.mother = mother.name

    def parents_of(self, child: _Person, religion: str) -> list[_Person]:
        """A widowed parent (or both parents) of the head or of the spouse, living with them."""
        random_ = self.random
        relation = _PARENT if child.relation == _HEAD else _PARENT_IN_LAW
        mother_age = child.age + _triangular(random_(), 19.0, 25.0, 40.0)
        if mother_age > MAX_AGE:
            mother_age = MAX_AGE - random_() * 3
        ethnic = child.ethnic
        r = random_()
        if r < 0.25:
            father_age = mother_age + abs(self.rng.gauss(4.0, 3.0))
            father = self.person(relation, _M, father_age, _MARRIED, ethnic, religion)
            mother = self.person(relation, _F, mother_age, _MARRIED, ethnic, religion)
            child.father, child.mother = father.name, mother.name
            return [father, mother]
        if r < 0.79:
            mother = self.person(relation, _F, mother_age, _WIDOWED, ethnic, religion)
            child.mother = mother.name
            return [mother]
        father = self.person(relation, _M, mother_age + 3, _WIDOWED, ethnic, religion)
        child.father = father.name
        return [father]

    def three_generations(self, ethnic: str, religion: str) -> list[_Person]:
        """An older couple (or widow) with a married child, the in-law and grandchildren."""
        random_ = self.random
        head, spouse_or_none = self.couple(_triangular(random_(), 46.0, 60.0, 84.0), ethnic, religion)
        spouse: _Person | None = spouse_or_none
        if random_() < 0.25:
            spouse = None
            head.marital = _WIDOWED
        if spouse is None:
            mother_age = head.age if head.sex == _F else head.age - 4
        else:
            mother_age = (spouse if spouse.sex == _F else head).age
        members = [head] if spouse is None else [head, spouse]
        child_age = mother_age - _triangular(random_(), 19.0, 24.0, 37.0)
        if child_age < 18.5:
            child_age = 18.5 + random_() * 3
        child_sex = _F if random_() < 0.6 else _M
        child = self.person(_CHILD, child_sex, child_age, _MARRIED, ethnic, religion)
        if spouse is not None:
            self.link([child], head, spouse)
        elif head.sex == _M:
            child.father = head.name
        else:
            child.mother = head.name
        # Younger unmarried brothers and sisters may still live at home.
        younger: list[_Person] = []
        if random_() < 0.35:
            younger = [k for k in self.children(mother_age, ethnic, religion) if k.age < child_age - 1]
            if spouse is not None:
                self.link(younger, head, spouse)
        members.append(child)
        members.extend(younger)
        in_law: _Person | None = None
        if random_() < 0.82:
            gap = abs(self.rng.gauss(4.0, 3.0))
            in_law_age = child_age + gap if child_sex == _F else child_age - gap
            if in_law_age < 18.0:
                in_law_age = 18.0 + random_() * 3
            in_law_sex = _M if child_sex == _F else _F
            in_law = self.person(
                _CHILD_IN_LAW, in_law_sex, in_law_age, _MARRIED, self.spouse_ethnic(ethnic), religion
            )
            members.append(in_law)
        else:
            child.marital = _WIDOWED if random_() < 0.4 else _DIVORCED
        if child_sex == _F:
            grandchildren = self.children(child.age, ethnic, religion)
        else:
            grandchildren = self.children(in_law.age if in_law else child.age - 4, ethnic, religion)
        in_law_name = in_law.name if in_law else ""
        for g in grandchildren:
            g.relation = _GRANDCHILD
            if child_sex == _M:
                g.father, g.mother = child.name, in_law_name
            else:
                g.mother, g.father = child.name, in_law_name
        members.extend(grandchildren)
        return members

    # -- the finished records ------------------------------------------------------------

    def education(self, age: float, birth_year: int) -> str:
        random_ = self.random
        if age < 7:
            return _EDU_NONE
        if age < 13:
            return _EDU_PRIMARY_INCOMPLETE
        if age < 16:
            return _EDU_PRIMARY if random_() < 0.97 else _EDU_PRIMARY_INCOMPLETE
        if age < 19:
            return _EDU_JUNIOR if random_() < 0.85 else _EDU_PRIMARY
        if age < 23:
            r = random_()
            if r < 0.72:
                return _EDU_SENIOR
            if r < 0.86:
                return _EDU_JUNIOR
            if r < 0.96:
                return _EDU_PRIMARY
            return _EDU_DIPLOMA_1_2 if age >= 21 else _EDU_SENIOR
        for year, table in self.education_tables:
            if birth_year <= year:
                education = table.pick(self.rng)
                break
        if age < 30 and education in (_EDU_MASTER, _EDU_DOCTORATE):
            return _EDU_BACHELOR
        return education

    def occupation(self, p: _Person, education: str, village: _Village) -> str:
        random_ = self.random
        age = p.age
        if age < 5:
            return _NOT_WORKING
        if age < 18:
            if age >= 15 and education in (_EDU_PRIMARY, _EDU_PRIMARY_INCOMPLETE) and random_() < 0.5:
                return _NOT_WORKING if random_() < 0.6 else "BURUH HARIAN LEPAS"
            return _STUDENT
        educated = education in _HIGHER_EDUCATION
        if age < 25 and p.marital == _SINGLE:
            studying = 0.55 if educated or education == _EDU_DIPLOMA_1_2 else 0.28
            if (education == _EDU_SENIOR or studying > 0.3) and random_() < studying * (1.0 if age < 22 else 0.4):
                return _STUDENT
            if random_() < 0.25:
                return _NOT_WORKING
        if age >= 58 and educated and random_() < 0.7:
            return _RETIRED
        if age >= 65:
            r = random_()
            if r < 0.45:
                return _NOT_WORKING if p.sex == _M or r < 0.25 else _HOUSEWORK
            if r < 0.49:
                return _RETIRED
        bracket = "young" if age < 25 else "old" if age >= 60 else "prime"
        key = (p.sex, bracket, educated, village.suffix)
        table = self.job_tables.get(key)
        if table is None:
            table = self.job_tables[key] = _job_table(*key)
        job = table.pick(self.rng)
        if job == _HOUSEWORK and p.relation == _CHILD and p.marital == _SINGLE and random_() < 0.6:
            return _NOT_WORKING
        return job

    def phone(self) -> str:
        self.phone_counter += 1
        # 37,000,037 is coprime with 10^8, so counter -> subscriber digits is one-to-one.
        digits = (self.phone_counter * 37_000_037 + self.phone_offset) % 100_000_000
        return f"+62{self.mobile.pick(self.rng)}{digits:08d}"

    def serial(self, counters: dict[str, int], key: str) -> str:
        serial = counters.get(key, self.serial_base) + 1
        if serial > _MAX_SERIAL:
            raise ValueError(f"The serials for {key} are exhausted (serial_base {self.serial_base} is too high)")
        counters[key] = serial
        return f"{key}{serial:04d}"

    def finish(self, members: list[_Person], village: _Village, religion: str) -> DemoHousehold:
        """Dates, numbers and the remaining attributes, once the family is put together."""
        random_ = self.random
        district = village.district_code
        today_ord = self.today_ordinal
        nik_serials = self.nik_serials
        residents: list[DemoResident] = []
        latest_birth = 0
        head_birth = today_ord
        for p in members:
            age = p.age
            birth_ord = today_ord - int(age * _YEAR)
            birth = dt.date.fromordinal(birth_ord)
            if birth_ord > latest_birth:
                latest_birth = birth_ord
            relation = p.relation
            if relation == _HEAD:
                head_birth = birth_ord
            female = p.sex == _F
            education = self.education(age, birth.year)
            occupation = self.occupation(p, education, village)
            if not p.mother:
                p.mother = self.name(_F, birth.year - 25, p.ethnic, religion)
            if not p.father:
                p.father = self.name(_M, birth.year - 30, p.ethnic, religion)
            r = random_()
            died = 0.028 if age >= 65 else 0.002
            if r < died:
                status = _DECEASED
            elif r < died + (0.016 if 18 <= age < 40 else 0.005):
                status = _MOVED
            else:
                status = _LIVING
            phone = ""
            if age >= 17 and status == _LIVING and random_() < (0.085 if relation == _HEAD else 0.045):
                phone = self.phone()
            lost_job = informal_loss = tourism = False
            if age >= 18 and occupation not in _OUTSIDE_LABOUR_FORCE:
                if occupation in _EMPLOYED:
                    lost_job = random_() < 0.07
                elif occupation == _NOT_WORKING:
                    lost_job = age < 50 and random_() < 0.06
                if occupation in _INFORMAL:
                    informal_loss = random_() < 0.08
                if occupation in _TOURISM_JOBS:
                    tourism = random_() < village.tourism
            # Those who married in come from elsewhere more often.
            r = random_()
            elsewhere = 0.22 if relation in (_SPOUSE, _CHILD_IN_LAW) else 0.07
            if r < elsewhere:
                birth_place = self.elsewhere.pick(self.rng)
            else:
                birth_place = village.district_name if r < elsewhere + 0.25 else "BANYUWANGI"
            day = birth.day + _FEMALE_DAY_OFFSET if female else birth.day
            nik = self.serial(nik_serials, f"{district}{day:02d}{birth.month:02d}{birth.year % 100:02d}")
            residents.append(
                DemoResident(
                    nik, p.name, birth_place, birth, p.sex, religion, p.marital, relation, education, occupation,
                    p.mother, p.father, phone, status, lost_job, informal_loss, tourism,
                )
            )
        # The card is reissued at every change, so it is no older than its youngest member,
        # and it was first issued once the head was an adult.
        earliest = min(today_ord, max(self.kk_earliest, latest_birth, head_birth + int(17 * _YEAR)))
        issued = dt.date.fromordinal(earliest + int((random_() ** 0.7) * (today_ord - earliest)))
        kk_number = self.serial(
            self.kk_serials, f"{district}{issued.day:02d}{issued.month:02d}{issued.year % 100:02d}"
        )
        place, rw, street = village.places[int(random_() * len(village.places))]
        address = f"{place} NO. {1 + int(random_() * 160)}" if street else place
        rt = 1 + int(random_() * 15)
        return DemoHousehold(kk_number, village.code, address, f"{rt:03d}", f"{rw:03d}", "", residents)

    def run(self, residents: int, regency_code: str) -> Iterator[DemoHousehold]:
        villages = self.villages(regency_code)
        quotas = _quotas(residents, self.village_weights(villages))
        district = ""
        for village, quota in zip(villages, quotas, strict=True):
            if village.district_code != district:
                # Villages come in code order, so a kecamatan's serials are complete once
                # the next kecamatan starts: its counters can go.
                self.nik_serials.clear()
                self.kk_serials.clear()
                district = village.district_code
            remaining = quota
            while remaining > 0:
                members, religion = self.household(village)
                if len(members) > remaining:
                    # The village's last card is cut to fit its quota; the head comes first.
                    del members[remaining:]
                remaining -= len(members)
                yield self.finish(members, village, religion)


def _job_table(sex: str, bracket: str, educated: bool, suffix: str) -> _Table:
    if educated:
        weights = dict(_JOBS_EDUCATED_MALE if sex == _M else _JOBS_EDUCATED_FEMALE)
    else:
        weights = dict(_JOBS_MALE if sex == _M else _JOBS_FEMALE)
    for factors in (_JOB_BOOST.get(suffix, {}), _JOB_AGE_FACTORS.get(bracket, {})):
        for job, factor in factors.items():
            if job in weights:
                weights[job] *= factor
    return _Table(weights)


def generate_households(
    *, residents: int, seed: int, serial_base: int = 0, regency_code: str, today: dt.date = REFERENCE_DATE
) -> Iterator[DemoHousehold]:
    """Stream synthetic households (with their members) totalling exactly `residents` people.

    Deterministic in (residents, seed, serial_base, regency_code, today). Every village of
    the regency gets at least one resident when `residents` is at least the number of
    villages. NIK and KK serials start after `serial_base`, so a second population made
    with a base above the first one's largest serial never collides with it.
    """
    if residents < 0:
        raise ValueError("residents must not be negative")
    return _Generator(seed=seed, serial_base=serial_base, today=today).run(residents, regency_code)


# --- writers ------------------------------------------------------------------------------

Progress = Callable[[int, int], None]  # (households written, residents written)


def _chunks(households: Iterable[DemoHousehold], size: int) -> Iterator[list[DemoHousehold]]:
    chunk: list[DemoHousehold] = []
    count = 0
    for household in households:
        chunk.append(household)
        count += len(household.members)
        if count >= size:
            yield chunk
            chunk = []
            count = 0
    if chunk:
        yield chunk


_HOUSEHOLD_FIELDS = ("id", "kk_number", "village", "address", "rt", "rw", "postal_code", "created_at", "updated_at")
_RESIDENT_FIELDS = (
    "id", "nik", "household", "village", "name", "name_search", "birth_place", "birth_date", "sex", "religion",
    "marital_status", "family_relation", "education", "occupation", "mother_name", "father_name", "phone",
    "status", "lost_job", "informal_income_loss", "tourism_worker", "nik_mismatch", "created_at", "updated_at",
)


# PostgreSQL types of those columns, for binary COPY (varchar travels as text).
_HOUSEHOLD_TYPES = ("int8", "text", "text", "text", "text", "text", "text", "timestamptz", "timestamptz")
_RESIDENT_TYPES = (
    "int8", "text", "int8", "text", "text", "text", "text", "date", "text", "text", "text", "text", "text", "text",
    "text", "text", "text", "text", "bool", "bool", "bool", "text", "timestamptz", "timestamptz",
)


def _columns(model: Any, fields: tuple[str, ...]) -> str:
    return ", ".join(model._meta.get_field(f).column for f in fields)


def write_to_database(
    households: Iterable[DemoHousehold],
    *,
    chunk_residents: int = 50_000,
    progress: Progress | None = None,
    using: str = "default",
    rebuild_indexes: bool | None = None,
) -> DemoSummary:
    """Insert the households and residents in one transaction, bypassing the ORM for speed.

    One transaction so that an interrupted run leaves nothing behind and `demo --if-empty`
    can simply be run again. Ids are assigned here from the current maximum (the tables
    are locked against other writers meanwhile), so residents can point at their
    household without a round trip; the id sequences are reset afterwards.

    With `rebuild_indexes` (by default: when both tables are empty) the secondary indexes
    and foreign keys are dropped for the load and rebuilt at the end, as pg_restore does:
    building an index once is several times faster than growing it row by row. The
    tables are then locked against readers too until the commit.

    Raises RegionsNotLoaded when a household's village is not in the database.
    """
    from smartkampung.regions.models import Village

    started = time.monotonic()
    connection = connections[using]
    known = set(Village.objects.using(using).values_list("code", flat=True))
    if not known:
        raise RegionsNotLoaded("No villages are in the database; run `smartkampung load_regions` first.")
    household_table, resident_table = Household._meta.db_table, Resident._meta.db_table
    household_columns = _columns(Household, _HOUSEHOLD_FIELDS)
    resident_columns = _columns(Resident, _RESIDENT_FIELDS)
    postgres = connection.vendor == "postgresql"
    now = timezone.now()
    stamp: Any = now if postgres else connection.ops.adapt_datetimefield_value(now)
    households_done = residents_done = 0
    villages: set[str] = set()
    with transaction.atomic(using=using), connection.cursor() as cursor:
        if postgres:
            # Readers go on; another writer waits, so the ids taken from max(id) stay ours.
            cursor.execute(f"LOCK TABLE {household_table}, {resident_table} IN EXCLUSIVE MODE")
        cursor.execute(f"SELECT COALESCE(MAX(id), 0) FROM {household_table}")
        household_id = cursor.fetchone()[0]
        cursor.execute(f"SELECT COALESCE(MAX(id), 0) FROM {resident_table}")
        resident_id = cursor.fetchone()[0]
        if rebuild_indexes is None:
            cursor.execute(
                f"SELECT NOT EXISTS (SELECT 1 FROM {household_table}) AND NOT EXISTS (SELECT 1 FROM {resident_table})"
            )
            rebuild_indexes = bool(cursor.fetchone()[0])
        restore: list[str] = []
        if rebuild_indexes:
            if postgres:
                # ALTER TABLE refuses while deferred checks of the caller's transaction are
                # pending (e.g. regions loaded just before): run them now, as loaddata does.
                connection.check_constraints()
                restore = _detach_postgres(cursor, [household_table, resident_table])
            else:
                restore = _detach_sqlite(cursor, [household_table, resident_table])
        if not postgres:
            # A bigger page cache for the load: index pages stay in memory between inserts.
            cursor.execute("PRAGMA cache_size")
            cache_size = cursor.fetchone()[0]
            cursor.execute(f"PRAGMA cache_size = {-_SQLITE_CACHE_KIB}")
        placeholders = ", ".join(["%s"] * len(_HOUSEHOLD_FIELDS))
        household_sql = f"INSERT INTO {household_table} ({household_columns}) VALUES ({placeholders})"
        placeholders = ", ".join(["%s"] * len(_RESIDENT_FIELDS))
        resident_sql = f"INSERT INTO {resident_table} ({resident_columns}) VALUES ({placeholders})"
        for chunk in _chunks(households, chunk_residents):
            household_rows = []
            resident_rows = []
            for h in chunk:
                village = h.village_code
                if village not in known:
                    raise RegionsNotLoaded(
                        f"Village {village} is not in the database; run `smartkampung load_regions` first."
                    )
                villages.add(village)
                household_id += 1
                household_rows.append(
                    (household_id, h.kk_number, village, h.address, h.rt, h.rw, h.postal_code, stamp, stamp)
                )
                for r in h.members:
                    resident_id += 1
                    resident_rows.append(
                        (
                            resident_id, r.nik, household_id, village, r.name, name_search_key(r.name), r.birth_place,
                            r.birth_date if postgres else r.birth_date.isoformat(), r.sex, r.religion,
                            r.marital_status, r.family_relation, r.education, r.occupation, r.mother_name,
                            r.father_name, r.phone, r.status, r.lost_job, r.informal_income_loss, r.tourism_worker,
                            "", stamp, stamp,
                        )
                    )
            if postgres:
                # Binary COPY with the types given up front: about three times faster than text.
                with cursor.copy(f"COPY {household_table} ({household_columns}) FROM STDIN (FORMAT BINARY)") as copy:
                    copy.set_types(_HOUSEHOLD_TYPES)
                    for row in household_rows:
                        copy.write_row(row)
                with cursor.copy(f"COPY {resident_table} ({resident_columns}) FROM STDIN (FORMAT BINARY)") as copy:
                    copy.set_types(_RESIDENT_TYPES)
                    for row in resident_rows:
                        copy.write_row(row)
            else:
                cursor.executemany(household_sql, household_rows)
                cursor.executemany(resident_sql, resident_rows)
            households_done += len(household_rows)
            residents_done += len(resident_rows)
            if progress is not None:
                progress(households_done, residents_done)
        if postgres and restore:
            # Session memory for the index builds only (reset at commit); the default 64 MB
            # makes the sorts spill to disk.
            cursor.execute("SET LOCAL maintenance_work_mem = '256MB'")
        for sql in restore:
            cursor.execute(sql)
        if not postgres:
            cursor.execute(f"PRAGMA cache_size = {int(cache_size)}")
        for sql in connection.ops.sequence_reset_sql(no_style(), [Household, Resident]):
            cursor.execute(sql)
    return DemoSummary(households_done, residents_done, len(villages), time.monotonic() - started)


_SQLITE_CACHE_KIB = 256 * 1024


def detach_indexes(connection: Any, cursor: Any, tables: list[str]) -> list[str]:
    """Drop the secondary indexes (and on PostgreSQL the foreign keys) of the tables, as a bulk
    load wants; returns the SQL restoring them. Call inside a transaction holding the tables."""
    if connection.vendor == "postgresql":
        # ALTER TABLE refuses while deferred checks of the caller's transaction are
        # pending (e.g. regions loaded just before): run them now, as loaddata does.
        connection.check_constraints()
        return _detach_postgres(cursor, tables)
    return _detach_sqlite(cursor, tables)


def _detach_postgres(cursor: Any, tables: list[str]) -> list[str]:
    """Drop the foreign keys and secondary indexes of the tables; returns the SQL restoring them.

    Primary keys and unique constraints stay: other tables' foreign keys hang on the
    former, and the latter reject a duplicate NIK or KK number during the load itself.
    """
    cursor.execute(
        "SELECT conrelid::regclass::text, conname, pg_get_constraintdef(oid) FROM pg_constraint "
        "WHERE contype = 'f' AND conrelid = ANY(%s::regclass[]) ORDER BY conrelid::regclass::text, conname",
        [tables],
    )
    foreign_keys = cursor.fetchall()
    cursor.execute(
        "SELECT indexrelid::regclass::text, pg_get_indexdef(indexrelid) FROM pg_index "
        "WHERE indrelid = ANY(%s::regclass[]) "
        "AND NOT EXISTS (SELECT 1 FROM pg_constraint WHERE conindid = indexrelid AND conrelid = indrelid) "
        "ORDER BY indexrelid::regclass::text",
        [tables],
    )
    indexes = cursor.fetchall()
    for table, name, _definition in foreign_keys:
        cursor.execute(f'ALTER TABLE {table} DROP CONSTRAINT "{name}"')
    for name, _definition in indexes:
        cursor.execute(f"DROP INDEX {name}")
    return [definition for _name, definition in indexes] + [
        f'ALTER TABLE {table} ADD CONSTRAINT "{name}" {definition}' for table, name, definition in foreign_keys
    ]


def _detach_sqlite(cursor: Any, tables: list[str]) -> list[str]:
    """Drop the secondary indexes of the tables; returns the SQL recreating them.

    The automatic indexes behind UNIQUE (no SQL of their own) stay. Foreign keys cannot
    be dropped in SQLite, but their check is a primary-key look-up, cheap enough.
    """
    placeholders = ", ".join(["%s"] * len(tables))
    cursor.execute(
        f"SELECT name, sql FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL "
        f"AND tbl_name IN ({placeholders}) ORDER BY name",
        tables,
    )
    indexes = cursor.fetchall()
    for name, _sql in indexes:
        cursor.execute(f'DROP INDEX "{name}"')
    return [sql for _name, sql in indexes]


def _local_phone(e164: str) -> str:
    return "0" + e164[3:] if e164.startswith("+62") else e164


def siak_row(household: DemoHousehold, resident: DemoResident) -> list[str]:
    """One resident as a line of a SIAK export (CSV_COLUMNS order)."""
    r = resident
    relation = SIAK_RELATION[r.family_relation]
    if r.family_relation == _SPOUSE and r.sex == _M:
        relation = "SUAMI"
    return [
        r.nik, household.kk_number, r.name, r.birth_place, r.birth_date.strftime("%d-%m-%Y"), SIAK_SEX[r.sex],
        SIAK_RELIGION[r.religion], SIAK_MARITAL[r.marital_status], relation, SIAK_EDUCATION[r.education],
        r.occupation, r.mother_name, r.father_name, household.address, household.rt, household.rw,
        household.village_code, _local_phone(r.phone), SIAK_STATUS[r.status], "Y" if r.lost_job else "N",
        "Y" if r.informal_income_loss else "N", "Y" if r.tourism_worker else "N",
    ]


def write_siak_csv(
    households: Iterable[DemoHousehold],
    target: str | Path | IO[str],
    *,
    chunk_residents: int = 50_000,
    progress: Progress | None = None,
) -> DemoSummary:
    """Write the households as a SIAK-style CSV export (UTF-8, comma, header CSV_COLUMNS)."""
    started = time.monotonic()
    if isinstance(target, str | Path):
        with open(target, "w", encoding="utf-8", newline="") as handle:
            return _write_csv(households, handle, chunk_residents, progress, started)
    return _write_csv(households, target, chunk_residents, progress, started)


def _write_csv(
    households: Iterable[DemoHousehold], handle: IO[str], chunk_residents: int, progress: Progress | None,
    started: float,
) -> DemoSummary:
    writer = csv.writer(handle, lineterminator="\n")
    writer.writerow(CSV_COLUMNS)
    households_done = residents_done = 0
    villages: set[str] = set()
    for chunk in _chunks(households, chunk_residents):
        for h in chunk:
            villages.add(h.village_code)
            writer.writerows(siak_row(h, r) for r in h.members)
            residents_done += len(h.members)
        households_done += len(chunk)
        if progress is not None:
            progress(households_done, residents_done)
    return DemoSummary(households_done, residents_done, len(villages), time.monotonic() - started)
