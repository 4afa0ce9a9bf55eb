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


def village_rows(regency_code: str) -> list[VillageRow]:
    """Villages of a regency. The package ships Banyuwangi's; other regencies add their file."""
    try:
        rows = _rows(f"villages_{regency_code}.csv")
    except FileNotFoundError:
        rows = [r for r in _rows("banyuwangi_villages.csv") if r["district_code"].startswith(regency_code)]
    return [
        VillageRow(r["code"], r["district_code"], r["name"], r["kind"], r["latitude"], r["longitude"]) for r in rows
    ]


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
