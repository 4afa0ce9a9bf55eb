"""Made-up people for the synthetic e-KTP, and the cards of residents on the register.

A made-up person is consistent the way a real one is: the NIK is of a real kecamatan and encodes the birth
date and sex (day + 40 for women), the village is an official village of that kecamatan, the words are the
card's words (ktp/vocab.py). Names come from Faker's id_ID lists with the Arabic, Balinese and titled forms a
Banyuwangi register shows. Everything is drawn from the given random.Random.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import random
from functools import cache
from typing import Any

from faker.providers.address.id_ID import Provider as _FakerAddress
from faker.providers.person.id_ID import Provider as _FakerPerson

from smartkampung.ktp.vocab import FIELDS, OCCUPATIONS
from smartkampung.population.models import MaritalStatus, Religion, Sex
from smartkampung.regions.codes import code_lists, village_rows

SERVED_REGENCY = "3510"  # Banyuwangi: most made-up people are from here
# Ages are counted from this day, not the real today, so a seed gives the same person on any day.
REFERENCE_DATE = dt.date(2026, 1, 1)

# Neighbours and the places travellers through Ketapang and the Bali ferry come from.
_OTHER_REGENCIES = ("3509", "3511", "3512", "3508", "3578", "3507", "5101", "5171", "5103", "3515")

_ARABIC_MALE = ("MA'RUF", "SYAFI'I", "ISMA'IL", "JUMA'IN", "RIFA'I", "MUHAMMAD", "ABDUL", "AHMAD", "ROBI'UL")
_ARABIC_FEMALE = ("NI'MATUL", "MU'AWANAH", "ROBI'AH", "SA'DIYAH", "KHOIRUN NISA'", "SITI", "NUR", "FATIMAH")
_BALI_MALE = ("I WAYAN", "I MADE", "I NYOMAN", "I KETUT", "I GEDE", "I PUTU")
_BALI_FEMALE = ("NI WAYAN", "NI MADE", "NI NYOMAN", "NI KETUT", "NI LUH", "NI PUTU")
_DUSUN = ("KRAJAN", "SUMBERSARI", "KARANGREJO", "SIDOMULYO", "TEGALREJO", "SUMBERAGUNG", "KEBONREJO", "PURWOREJO")
_BIRTH_ELSEWHERE = ("JEMBER", "SITUBONDO", "BONDOWOSO", "SURABAYA", "MALANG", "DENPASAR", "LUMAJANG", "PROBOLINGGO")
_COMMON_JOBS = {
    "WIRASWASTA": 12,
    "PETANI/PEKEBUN": 10,
    "KARYAWAN SWASTA": 7,
    "BURUH HARIAN LEPAS": 6,
    "PEDAGANG": 4,
    "NELAYAN/PERIKANAN": 3,
    "PEGAWAI NEGERI SIPIL (PNS)": 2,
    "GURU": 2,
    "BURUH TANI/PERKEBUNAN": 3,
    "SOPIR": 1,
}


def _clean(name: str) -> str:
    return " ".join(name.upper().split())


@cache
def _name_pools() -> dict[str, tuple[str, ...]]:
    return {
        "male": tuple(_clean(n) for n in _FakerPerson.first_names_male),
        "female": tuple(_clean(n) for n in _FakerPerson.first_names_female),
        "last_male": tuple(_clean(n) for n in _FakerPerson.last_names_male),
        "last_female": tuple(_clean(n) for n in _FakerPerson.last_names_female),
        "streets": tuple(_clean(n) for n in _FakerAddress.streets),
    }


def _make_name(rng: random.Random, sex: str, religion: str, age: int) -> str:
    pools = _name_pools()
    female = sex == Sex.FEMALE
    first = pools["female" if female else "male"]
    last = pools["last_female" if female else "last_male"]
    r = rng.random()
    if religion == Religion.HINDU:
        parts = [rng.choice(_BALI_FEMALE if female else _BALI_MALE), rng.choice(first)]
    elif r < 0.2:
        parts = [rng.choice(first)]  # a single name, as many older Javanese have
    elif r < 0.55:
        parts = [rng.choice(first), rng.choice(last)]
    elif r < 0.8 and religion == Religion.ISLAM:
        parts = [rng.choice(_ARABIC_FEMALE if female else _ARABIC_MALE), rng.choice(first)]
    else:
        parts = [rng.choice(first), rng.choice(first), rng.choice(last)]
    # Some long names (~25-30 characters), which a card prints whole.
    if rng.random() < 0.15:
        while len(" ".join(parts)) < 25:
            parts.append(rng.choice(last))
    name = " ".join(parts)
    if religion == Religion.ISLAM and age >= 45 and rng.random() < 0.15:
        name = ("HJ. " if female else "H. ") + name
    elif not female and name.startswith("MUHAMMAD ") and rng.random() < 0.5:
        name = "M. " + name.removeprefix("MUHAMMAD ")
    if rng.random() < 0.04 and age >= 25:
        name += rng.choice((", S.PD", ", S.E", ", S.H", ", AMD.KEP"))
    return name[:40]


def _pick_weighted(rng: random.Random, weights: dict[str, float]) -> str:
    keys = list(weights)
    return rng.choices(keys, weights=[weights[k] for k in keys])[0]


def _district_for(rng: random.Random) -> str:
    districts = code_lists().districts
    regency = SERVED_REGENCY if rng.random() < 0.8 else rng.choice(_OTHER_REGENCIES)
    codes = sorted(code for code, (regency_code, _name) in districts.items() if regency_code == regency)
    return rng.choice(codes)


@cache
def _villages_by_district(regency_code: str) -> dict[str, list[tuple[str, str]]]:
    result: dict[str, list[tuple[str, str]]] = {}
    for row in village_rows(regency_code):
        result.setdefault(row.district_code, []).append((row.code, row.name))
    for rows in result.values():
        rows.sort()
    return result


def _address(rng: random.Random, urban: bool) -> str:
    r = rng.random()
    if urban or r < 0.3:
        street = rng.choice(_name_pools()["streets"])
        text = f"JL. {street} NO. {rng.randint(1, 160)}"
        if rng.random() < 0.2:
            text = f"JL. {street} GG. {rng.choice(_DUSUN)} NO. {rng.randint(1, 60)}"
        return text
    if r < 0.4:
        return f"PERUM {rng.choice(_DUSUN)} INDAH BLOK {rng.choice('ABCDEFG')}-{rng.randint(1, 30)}"
    if r < 0.5:
        return f"LINGKUNGAN {rng.choice(_DUSUN)}"
    return f"DUSUN {rng.choice(_DUSUN)}"


def _card_extras(rng: random.Random, birth: dt.date, regency_name: str) -> dict[str, str]:
    """What the card prints beyond the reading: blood type, place and day of issue, validity."""
    earliest = max(dt.date(2012, 1, 1), birth.replace(year=birth.year + 17, day=min(birth.day, 28)))
    span = max(1, (REFERENCE_DATE - earliest).days - 30)
    issued = earliest + dt.timedelta(days=rng.randrange(span))
    place = regency_name.upper().removeprefix("KABUPATEN ").removeprefix("KOTA ")
    return {
        "blood_type": rng.choice(("-", "-", "-", "O", "A", "B", "AB")),
        "issue_place": place,
        "issue_date": issued.strftime("%d-%m-%Y"),
        "valid_until": "SEUMUR HIDUP",
    }


def make_person(rng: random.Random, *, district_code: str | None = None) -> dict[str, Any]:
    """A made-up, consistent person: a valid NIK of a real kecamatan (Banyuwangi mostly) that encodes the
    birth date and sex, the official names of a village of that kecamatan, and the card's other fields.

    The reading's keys carry the reading's value forms (birth_date YYYY-MM-DD, sex/religion/marital as
    population codes, village/district as official names); the rest (blood_type, issue_*) is card-only.
    """
    lists = code_lists()
    district_code = district_code or _district_for(rng)
    if district_code not in lists.districts:
        raise ValueError(f"Unknown kecamatan code {district_code!r}.")
    regency_code, district_name = lists.districts[district_code]
    province_code, regency_name = lists.regencies[regency_code]
    villages = _villages_by_district(regency_code).get(district_code)
    if villages:
        village_code, village_name = rng.choice(villages)
    else:
        # No village list for this regency: the village that shares its kecamatan's name (most have one).
        village_code, village_name = None, district_name

    sex = Sex.FEMALE if rng.random() < 0.5 else Sex.MALE
    age_days = rng.randint(17 * 366, 82 * 365)
    birth = REFERENCE_DATE - dt.timedelta(days=age_days)
    age = age_days // 365
    religion = _pick_weighted(
        rng,
        {
            Religion.ISLAM: 85,
            Religion.HINDU: 5 if regency_code[:2] != "51" else 80,
            Religion.PROTESTANT: 4,
            Religion.CATHOLIC: 3,
            Religion.BUDDHIST: 1.5,
            Religion.CONFUCIAN: 0.5,
            Religion.BELIEF: 0.5,
        },
    )
    if age < 22:
        marital = MaritalStatus.SINGLE if rng.random() < 0.85 else MaritalStatus.MARRIED
    else:
        marital = _pick_weighted(
            rng,
            {
                MaritalStatus.MARRIED: 70,
                MaritalStatus.SINGLE: 12 if age < 35 else 3,
                MaritalStatus.DIVORCED: 5,
                MaritalStatus.WIDOWED: 2 if age < 55 else 15,
            },
        )
    if age < 23 and rng.random() < 0.6:
        occupation = "PELAJAR/MAHASISWA"
    elif sex == Sex.FEMALE and rng.random() < 0.35:
        occupation = "MENGURUS RUMAH TANGGA"
    elif rng.random() < 0.15:
        occupation = rng.choice(OCCUPATIONS)  # now and then any word, so every word gets read
    else:
        occupation = _pick_weighted(rng, _COMMON_JOBS)

    day = birth.day + 40 if sex == Sex.FEMALE else birth.day
    nik = f"{district_code}{day:02d}{birth.month:02d}{birth.year % 100:02d}{rng.randint(1, 2999):04d}"
    r = rng.random()
    place = regency_name.upper().removeprefix("KABUPATEN ").removeprefix("KOTA ")
    birth_place = place if r < 0.65 else district_name.upper() if r < 0.85 else rng.choice(_BIRTH_ELSEWHERE)
    urban = regency_name.startswith("Kota") or district_name.upper() == place
    person = {
        "nik": nik,
        "name": _make_name(rng, sex, religion, age),
        "birth_place": birth_place,
        "birth_date": birth.isoformat(),
        "sex": str(sex),
        "address": _address(rng, urban),
        "rt_rw": f"{rng.randint(1, 15):03d}/{rng.randint(1, 12):03d}",
        "village": village_name,
        "district": district_name,
        "religion": str(religion),
        "marital_status": str(marital),
        "occupation": occupation,
        "nationality": "WNI",
        "province": lists.provinces[province_code],
        "regency": regency_name,
        "village_code": village_code,
        "district_code": district_code,
    }
    person.update(_card_extras(rng, birth, regency_name))
    return person


def person_from_resident(resident) -> dict[str, Any]:
    """The card of a population Resident (with household and village; select_related them for speed).

    The card-only extras (blood type, day of issue) are drawn from the NIK, so a resident's card is always
    the same card."""
    village = resident.village
    district = village.district
    regency = district.regency
    household = resident.household
    rng = random.Random(int(hashlib.sha256(resident.nik.encode()).hexdigest()[:12], 16))
    rt, rw = household.rt or "0", household.rw or "0"
    occupation = _clean(resident.occupation or "") or "BELUM/TIDAK BEKERJA"
    person = {
        "nik": resident.nik,
        "name": _clean(resident.name),
        "birth_place": _clean(resident.birth_place or "") or regency.name.upper().split(" ", 1)[-1],
        "birth_date": resident.birth_date.isoformat(),
        "sex": resident.sex,
        "address": _clean(household.address or "") or "-",
        "rt_rw": f"{int(rt) if rt.isdigit() else 0:03d}/{int(rw) if rw.isdigit() else 0:03d}",
        "village": village.name,
        "district": district.name,
        "religion": resident.religion or None,
        "marital_status": resident.marital_status or None,
        "occupation": occupation,
        "nationality": "WNI",
        "province": regency.province.name,
        "regency": regency.name,
        "village_code": village.code,
        "district_code": district.code,
    }
    person.update(_card_extras(rng, resident.birth_date, regency.name))
    return person


def truth_of(person: dict[str, Any]) -> dict[str, Any]:
    """The reading a perfect reader answers for this person's card (+ province, regency and the codes)."""
    keys = (*FIELDS, "province", "regency", "village_code", "district_code")
    return {key: person.get(key) for key in keys}
