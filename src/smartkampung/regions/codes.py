"""The Kemendagri code lists shipped with the package, readable without a database.

The NIK validator and the region loader both read from here, so a NIK can be checked
by the command line before any database exists.
"""

import csv
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import NamedTuple


class VillageRow(NamedTuple):
    code: str
    district_code: str
    name: str
    kind: str
    latitude: str
    longitude: str


@dataclass(frozen=True)
class CodeLists:
    provinces: dict[str, str]
    regencies: dict[str, tuple[str, str]]  # code -> (province_code, name)
    districts: dict[str, tuple[str, str]]  # code -> (regency_code, name)


def _rows(filename: str) -> list[dict[str, str]]:
    text = resources.files("smartkampung.regions").joinpath("data", filename).read_text(encoding="utf-8")
    return list(csv.DictReader(text.splitlines()))


@cache
def code_lists() -> CodeLists:
    return CodeLists(
        provinces={r["code"]: r["name"] for r in _rows("provinces.csv")},
        regencies={r["code"]: (r["province_code"], r["name"]) for r in _rows("regencies.csv")},
        districts={r["code"]: (r["regency_code"], r["name"]) for r in _rows("districts.csv")},
    )


@cache
def district_coordinates() -> dict[str, tuple[str, str]]:
    """Centroids of the kecamatan for which the data ships coordinates (the served regency)."""
    return {r["code"]: (r["latitude"], r["longitude"]) for r in _rows("banyuwangi_districts.csv")}


# The shipped village files: Banyuwangi's own, and whole provinces (keyed by province code).
_BANYUWANGI = "3510"
_PROVINCE_VILLAGES = {"35": "jawa_timur_villages.csv"}


def _village_row(r: dict[str, str]) -> VillageRow:
    return VillageRow(r["code"], r["district_code"], r["name"], r["kind"], r["latitude"], r["longitude"])


@cache
def _shipped_villages(filename: str) -> tuple[VillageRow, ...]:
    """A shipped village file, parsed once (the province file is read for each of its regencies)."""
    return tuple(_village_row(r) for r in _rows(filename))


def village_rows(regency_code: str) -> list[VillageRow]:
    """Villages of a regency: a `villages_{code}.csv` added to the package wins; otherwise the shipped
    Banyuwangi file or the file of the regency's province (all of Jawa Timur); else none."""
    try:
        return [_village_row(r) for r in _rows(f"villages_{regency_code}.csv")]
    except FileNotFoundError:
        pass
    if regency_code == _BANYUWANGI:
        filename = "banyuwangi_villages.csv"
    else:
        filename = _PROVINCE_VILLAGES.get(regency_code[:2])
        if filename is None:
            return []
    return [v for v in _shipped_villages(filename) if v.district_code.startswith(regency_code)]


class PuskesmasRow(NamedTuple):
    name: str
    district_code: str
    address: str
    latitude: str
    longitude: str


def puskesmas_rows(regency_code: str) -> list[PuskesmasRow]:
    """The Puskesmas of a regency (the package ships Banyuwangi's list; see data/README.md)."""
    return [
        PuskesmasRow(r["name"], r["district_code"], r["address"], r["latitude"], r["longitude"])
        for r in _rows("banyuwangi_puskesmas.csv")
        if r["district_code"].startswith(regency_code)
    ]
