"""What a letter states and shows: the resident's facts from the register, the officials' titles, the filled
template and the signature boxes, as the PDF engine takes them."""

import datetime as dt
from zoneinfo import ZoneInfo

from django.conf import settings
from django.urls import reverse
from django.utils import translation

from smartkampung.accounts.selectors import letter_officials
from smartkampung.letters import pdf, templating
from smartkampung.letters.models import Action, LetterType, Position
from smartkampung.population.models import Resident

WIB = ZoneInfo("Asia/Jakarta")
INDONESIAN_MONTHS = (
    "Januari", "Februari", "Maret", "April", "Mei", "Juni",
    "Juli", "Agustus", "September", "Oktober", "November", "Desember",
)  # fmt: skip


def indonesian_date(day: dt.date) -> str:
    return f"{day.day} {INDONESIAN_MONTHS[day.month - 1]} {day.year}"


POSITION_TITLES = {
    Position.OPERATOR: "Operator {kind} {village}",
    Position.SECRETARY: "Sekretaris {kind} {village}",
    Position.HEAD: "Kepala {kind} {village}",
    Position.CAMAT: "Camat {district}",
}
HEAD_TITLES = {"desa": "Kepala Desa", "kelurahan": "Lurah"}
ACTION_WORDS = {
    Action.VERIFY: "Diverifikasi oleh",
    Action.INITIAL: "Paraf",
    Action.SIGN: "",
    Action.ACKNOWLEDGE: "Mengetahui",
}


def official_title(position: str, village) -> str:
    kind = village.get_kind_display().title() if village.kind == "desa" else "Kelurahan"
    if position == Position.HEAD:
        return f"{HEAD_TITLES.get(village.kind, 'Kepala Desa')} {village.name.title()}"
    return POSITION_TITLES[position].format(
        kind=kind, village=village.name.title(), district=village.district.name.title()
    )


def _printed(label) -> str:
    """A register value's words as a letter prints them: in Indonesian whatever the official's language, with a
    capital ("Perempuan", "Kawin")."""
    with translation.override("id"):
        words = str(label())
    return words[:1].upper() + words[1:]


def resident_facts(resident: Resident) -> dict[str, str]:
    """What the letter states of the resident, taken from the register when the request is made."""
    household = resident.household
    village = resident.village
    head = household.members.filter(family_relation="head").only("name").first() if household else None
    address = " ".join(
        part
        for part in [
            household.address if household else "",
            f"RT {household.rt}" if household and household.rt else "",
            f"RW {household.rw}" if household and household.rw else "",
        ]
        if part
    )
    officials = letter_officials(village_code=village.code, district_code=village.district_id)
    return {
        "resident.name": resident.name,
        "resident.nik": resident.nik,
        "resident.birth_place": resident.birth_place,
        "resident.birth_date": resident.birth_date.strftime("%d-%m-%Y"),
        "resident.sex": _printed(resident.get_sex_display),
        "resident.religion": _printed(resident.get_religion_display) if resident.religion else "",
        "resident.marital_status": _printed(resident.get_marital_status_display) if resident.marital_status else "",
        "resident.occupation": resident.occupation,
        "resident.address": address,
        "household.kk_number": household.kk_number if household else "",
        "household.head_name": head.name if head else "",
        "household.members": str(household.members.count()) if household else "",
        "village.name": village.name.title(),
        "village.kind": "Kelurahan" if village.kind == "kelurahan" else "Desa",
        "village.code": village.code,
        "district.name": village.district.name.title(),
        "regency.name": village.district.regency.name.title().replace("Kabupaten ", ""),
        "official.head_name": officials.get(Position.HEAD, ""),
        "official.secretary_name": officials.get(Position.SECRETARY, ""),
        "official.camat_name": officials.get(Position.CAMAT, ""),
    }


FACT_LINES = (
    ("Nama", "resident.name"),
    ("NIK", "resident.nik"),
    ("Tempat/Tgl. Lahir", None),
    ("Jenis Kelamin", "resident.sex"),
    ("Agama", "resident.religion"),
    ("Status Perkawinan", "resident.marital_status"),
    ("Pekerjaan", "resident.occupation"),
    ("No. KK", "household.kk_number"),
    ("Alamat", "resident.address"),
)


def verify_url(code: str) -> str:
    return f"{settings.LETTERS_SITE_URL}{reverse('verify_letter', kwargs={'code': code})}"


def letter_content(*, letter_type: LetterType, village, facts: dict[str, str], code: str, steps) -> pdf.LetterContent:
    """What the PDF shows: the type's template filled from the request's facts, one signature box a step."""
    values = {**facts, "letter.validity_days": str(letter_type.validity_days)}
    lines = []
    for label, key in FACT_LINES:
        value = f"{facts['resident.birth_place']}, {facts['resident.birth_date']}" if key is None else facts.get(key)
        if value:
            lines.append((label, value))
    names = {
        Position.HEAD: facts.get("official.head_name", ""),
        Position.SECRETARY: facts.get("official.secretary_name", ""),
        Position.CAMAT: facts.get("official.camat_name", ""),
    }
    slots = [
        pdf.SignatureSlot(
            field_name=step.field_name,
            action=ACTION_WORDS.get(step.action, ""),
            position=official_title(step.position, village),
            name=names.get(step.position, ""),
        )
        for step in steps
    ]
    return pdf.LetterContent(
        regency=facts["regency.name"],
        district=facts["district.name"],
        village=facts["village.name"],
        village_kind=facts["village.kind"],
        office_address=f"{facts['village.kind']} {facts['village.name']}, Kecamatan {facts['district.name']}",
        title=letter_type.title,
        body_paragraphs=templating.paragraphs(letter_type.body_template, values),
        facts=lines,
        closing="\n\n".join(templating.paragraphs(letter_type.closing_template, values)),
        place=facts["village.name"],
        verify_url=verify_url(code),
        code=code,
        slots=slots,
    )
