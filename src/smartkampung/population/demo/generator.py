"""The synthetic population generator: villages, residents' records, and the household stream.

_Generator extends families._Families (who is on a family card) with the villages of a
regency and their RWs, each member's education, occupation, status, phone and birth
place, and the NIK and KK numbers. Everything is drawn from one seeded random.Random
against a fixed reference date, so the same residents, seed and serial base give
identical output on any day and machine. generate_households is the entry point.
"""

from __future__ import annotations

import datetime as dt
import itertools
import random
from collections.abc import Iterator, Sequence

from smartkampung.population.demo.families import _Families, _Person, _Table, _Village
from smartkampung.population.demo.records import REFERENCE_DATE, DemoHousehold, DemoResident
from smartkampung.population.demo.vocabulary import (
    _BIRTH_PLACES_ELSEWHERE,
    _CHILD,
    _CHILD_IN_LAW,
    _DECEASED,
    _DEFAULT_MIX,
    _DUSUN,
    _EDU_BACHELOR,
    _EDU_DIPLOMA_1_2,
    _EDU_DOCTORATE,
    _EDU_JUNIOR,
    _EDU_MASTER,
    _EDU_NONE,
    _EDU_PRIMARY,
    _EDU_PRIMARY_INCOMPLETE,
    _EDU_SENIOR,
    _EDUCATION_BY_COHORT,
    _EMPLOYED,
    _ETHNIC_MIX,
    _F,
    _HEAD,
    _HIGHER_EDUCATION,
    _HOUSEHOLD_KINDS,
    _HOUSEWORK,
    _INFORMAL,
    _JOB_AGE_FACTORS,
    _JOB_BOOST,
    _JOBS_EDUCATED_FEMALE,
    _JOBS_EDUCATED_MALE,
    _JOBS_FEMALE,
    _JOBS_MALE,
    _LINGKUNGAN,
    _LIVING,
    _M,
    _MOBILE_PREFIXES,
    _MOVED,
    _NOT_WORKING,
    _OUTSIDE_LABOUR_FORCE,
    _RELIGION_BASE,
    _RELIGION_BOOST,
    _RETIRED,
    _SINGLE,
    _SPOUSE,
    _STREETS,
    _STUDENT,
    _TOURISM_AREA,
    _TOURISM_JOBS,
    _URBAN_HOUSEHOLD_KINDS,
)
from smartkampung.population.normalize import clean_name
from smartkampung.regions.codes import code_lists, village_rows

_YEAR = 365.2425
_FEMALE_DAY_OFFSET = 40
_MAX_SERIAL = 9999
# The earliest KK issue date drawn: the family cards on SIAK have all been reissued since.
_KK_EARLIEST = dt.date(2008, 1, 1)


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


class _Generator(_Families):
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
                    nik,
                    p.name,
                    birth_place,
                    birth,
                    p.sex,
                    religion,
                    p.marital,
                    relation,
                    education,
                    occupation,
                    p.mother,
                    p.father,
                    phone,
                    status,
                    lost_job,
                    informal_loss,
                    tourism,
                )
            )
        # The card is reissued at every change, so it is no older than its youngest member,
        # and it was first issued once the head was an adult.
        earliest = min(today_ord, max(self.kk_earliest, latest_birth, head_birth + int(17 * _YEAR)))
        issued = dt.date.fromordinal(earliest + int((random_() ** 0.7) * (today_ord - earliest)))
        kk_number = self.serial(self.kk_serials, f"{district}{issued.day:02d}{issued.month:02d}{issued.year % 100:02d}")
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


def province_shares(residents: int, regency_codes: Sequence[str]) -> list[tuple[str, int]]:
    """Each regency's part of the residents, by its number of villages (they add up to `residents`)."""
    villages = [len(village_rows(code)) or 1 for code in regency_codes]
    shares = [residents * n // sum(villages) for n in villages]
    shares[0] += residents - sum(shares)
    return list(zip(regency_codes, shares, strict=True))


def generate_province(
    *, residents: int, seed: int, serial_base: int = 0, regency_codes: Sequence[str]
) -> Iterator[DemoHousehold]:
    """Households of several regencies (a province), `residents` in all, shared by their numbers of villages;
    each regency drawn with its own seed (seed, seed + 1, …)."""
    return itertools.chain.from_iterable(
        generate_households(residents=share, seed=seed + index, serial_base=serial_base, regency_code=code)
        for index, (code, share) in enumerate(province_shares(residents, regency_codes))
    )
