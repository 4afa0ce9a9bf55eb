"""The demo generator's vocabulary: pure data, no logic beyond building the name pools.

Short aliases of the registry's choice values, the weight tables (ethnic mix, household
kinds, religion, jobs, education by birth cohort, birth places, mobile prefixes) with
their per-kecamatan adjustments for Banyuwangi, the dusun, street and lingkungan names,
and the name pools (traditional, modern, Hindu, Christian, Chinese, and Faker's id_ID
lists). The names keep their leading underscore: they are private to the demo package.
"""

from __future__ import annotations

from collections.abc import Iterable

from faker.providers.person.id_ID import Provider as _FakerId

from smartkampung.population.models import Education, FamilyRelation, MaritalStatus, Religion, ResidentStatus, Sex
from smartkampung.population.normalize import clean_name

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
