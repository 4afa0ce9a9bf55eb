"""SIAK (Dukcapil's population system) export vocabulary, both ways.

Village offices export their registers from SIAK with these column names and values; the
importer reads them (with the synonyms and numeric codes seen in the wild) and the demo
generator writes them.
"""

from smartkampung.population.models import (
    Education,
    FamilyRelation,
    MaritalStatus,
    Religion,
    ResidentStatus,
    Sex,
)

# Our value -> the text SIAK writes.
SIAK_SEX = {Sex.MALE: "LAKI-LAKI", Sex.FEMALE: "PEREMPUAN"}
SIAK_RELIGION = {
    Religion.ISLAM: "ISLAM",
    Religion.PROTESTANT: "KRISTEN",
    Religion.CATHOLIC: "KATHOLIK",
    Religion.HINDU: "HINDU",
    Religion.BUDDHIST: "BUDHA",
    Religion.CONFUCIAN: "KHONGHUCU",
    Religion.BELIEF: "KEPERCAYAAN",
}
SIAK_MARITAL = {
    MaritalStatus.SINGLE: "BELUM KAWIN",
    MaritalStatus.MARRIED: "KAWIN",
    MaritalStatus.DIVORCED: "CERAI HIDUP",
    MaritalStatus.WIDOWED: "CERAI MATI",
}
SIAK_RELATION = {
    FamilyRelation.HEAD: "KEPALA KELUARGA",
    FamilyRelation.SPOUSE: "ISTRI",
    FamilyRelation.CHILD: "ANAK",
    FamilyRelation.CHILD_IN_LAW: "MENANTU",
    FamilyRelation.GRANDCHILD: "CUCU",
    FamilyRelation.PARENT: "ORANG TUA",
    FamilyRelation.PARENT_IN_LAW: "MERTUA",
    FamilyRelation.OTHER_FAMILY: "FAMILI LAIN",
    FamilyRelation.HOUSEHOLD_HELP: "PEMBANTU",
    FamilyRelation.OTHER: "LAINNYA",
}
SIAK_EDUCATION = {
    Education.NONE: "TIDAK/BELUM SEKOLAH",
    Education.PRIMARY_INCOMPLETE: "BELUM TAMAT SD/SEDERAJAT",
    Education.PRIMARY: "TAMAT SD/SEDERAJAT",
    Education.JUNIOR: "SLTP/SEDERAJAT",
    Education.SENIOR: "SLTA/SEDERAJAT",
    Education.DIPLOMA_1_2: "DIPLOMA I/II",
    Education.DIPLOMA_3: "AKADEMI/DIPLOMA III/S. MUDA",
    Education.BACHELOR: "DIPLOMA IV/STRATA I",
    Education.MASTER: "STRATA II",
    Education.DOCTORATE: "STRATA III",
}
SIAK_STATUS = {ResidentStatus.LIVING: "HIDUP", ResidentStatus.MOVED: "PINDAH", ResidentStatus.DECEASED: "MATI"}


def _reverse(mapping: dict, numbered: bool = True, **synonyms: str) -> dict[str, str]:
    """SIAK text (and its 1-based code number, and known synonyms) -> our value."""
    result: dict[str, str] = {}
    for number, (ours, text) in enumerate(mapping.items(), start=1):
        result[_key(text)] = str(ours)
        result[text] = str(ours)
        result[_key(str(ours))] = str(ours)
        result[str(ours)] = str(ours)
        if numbered:
            result[str(number)] = str(ours)
    for text, ours in synonyms.items():
        result[_key(text)] = ours
    return result


def _key(text: str) -> str:
    return "".join(ch for ch in text.upper() if ch.isalnum())


IMPORT_SEX = _reverse(SIAK_SEX, L="male", LK="male", PRIA="male", P="female", PR="female", WANITA="female")
IMPORT_RELIGION = _reverse(
    SIAK_RELIGION,
    KATOLIK="catholic",
    BUDDHA="buddhist",
    KONGHUCU="confucian",
    KRISTENPROTESTAN="protestant",
    PROTESTAN="protestant",
    KEPERCAYAANTERHADAPTUHANYME="belief",
    KEPERCAYAANTERHADAPTUHANYANGMAHAESA="belief",
)
IMPORT_MARITAL = _reverse(
    SIAK_MARITAL,
    KAWINTERCATAT="married",
    KAWINBELUMTERCATAT="married",
    BELUMMENIKAH="single",
    MENIKAH="married",
    JANDA="divorced",
    DUDA="divorced",
)
IMPORT_RELATION = _reverse(
    SIAK_RELATION,
    SUAMI="spouse",
    KEPALA="head",
    ORANGTUA="parent",
    FAMILI="other_family",
)
IMPORT_EDUCATION = _reverse(
    SIAK_EDUCATION,
    TIDAKSEKOLAH="none",
    BELUMSEKOLAH="none",
    SD="primary",
    SMP="junior",
    SLTP="junior",
    SMA="senior",
    SMK="senior",
    SLTA="senior",
    D3="diploma_3",
    S1="bachelor",
    S2="master",
    S3="doctorate",
)
IMPORT_STATUS = _reverse(
    SIAK_STATUS,
    ADA="living",
    AKTIF="living",
    MENINGGAL="deceased",
    MENINGGALDUNIA="deceased",
    PINDAHKELUAR="moved",
)
IMPORT_FLAG = {
    "Y": True,
    "YA": True,
    "1": True,
    "TRUE": True,
    "N": False,
    "T": False,
    "TIDAK": False,
    "0": False,
    "FALSE": False,
    "": False,
}


def lookup(table: dict[str, str], value: str) -> str | None:
    """Our value for a SIAK text/number/synonym, "" for an empty cell, None when unknown."""
    if not value:
        return ""
    # Exact SIAK text first: the common case costs one dictionary look-up.
    found = table.get(value)
    if found is None:
        found = table.get(_key(value))
    return found


# Column names accepted in an import file: our field -> the header names seen in SIAK
# exports and village spreadsheets (compared upper-case, with spaces/dots as underscores).
COLUMNS: dict[str, tuple[str, ...]] = {
    "nik": ("NIK", "NO_NIK", "NOMOR_NIK"),
    "kk_number": ("NO_KK", "NOMOR_KK", "NKK", "KK"),
    "name": ("NAMA_LGKP", "NAMA_LENGKAP", "NAMA"),
    "birth_place": ("TMPT_LHR", "TEMPAT_LAHIR"),
    "birth_date": ("TGL_LHR", "TANGGAL_LAHIR", "TGL_LAHIR"),
    "sex": ("JENIS_KLMIN", "JENIS_KELAMIN", "JK"),
    "religion": ("AGAMA",),
    "marital_status": ("STATUS_KAWIN", "STAT_KWN", "STATUS_PERKAWINAN"),
    "family_relation": ("STAT_HBKEL", "SHDK", "HUBUNGAN_KELUARGA", "STATUS_HUBUNGAN_DALAM_KELUARGA"),
    "education": ("PDDK_AKH", "PENDIDIKAN", "PENDIDIKAN_AKHIR"),
    "occupation": ("JENIS_PKRJN", "PEKERJAAN"),
    "mother_name": ("NAMA_LGKP_IBU", "NAMA_IBU"),
    "father_name": ("NAMA_LGKP_AYAH", "NAMA_AYAH"),
    "address": ("ALAMAT",),
    "rt": ("NO_RT", "RT"),
    "rw": ("NO_RW", "RW"),
    "postal_code": ("KODE_POS", "KODEPOS"),
    "village_code": ("KODE_DESA", "KODE_WILAYAH", "KODE_KEL", "KODE_KELURAHAN"),
    "province_no": ("NO_PROP", "NO_PROV"),
    "regency_no": ("NO_KAB",),
    "district_no": ("NO_KEC",),
    "village_no": ("NO_KEL", "NO_DESA"),
    "phone": ("NO_HP", "TELP", "NO_TELP", "HP", "TELEPON"),
    "status": ("STATUS", "STATUS_PENDUDUK"),
    "lost_job": ("PHK", "KEHILANGAN_PEKERJAAN"),
    "informal_income_loss": ("INFORMAL_TERDAMPAK", "PEKERJA_INFORMAL_TERDAMPAK"),
    "tourism_worker": ("PEKERJA_PARIWISATA", "PARIWISATA"),
}
REQUIRED_COLUMNS = ("nik", "kk_number", "name", "birth_date", "sex")
