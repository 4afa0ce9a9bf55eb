"""Test data made through the services, the same door the product uses."""

import csv
import io
from typing import Any

from smartkampung.population import services

SIAK_HEADER = [
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
    "ALAMAT",
    "NO_RT",
    "NO_RW",
    "KODE_DESA",
    "NO_HP",
]

SARONGAN = "3510012001"  # desa in Kec. Pesanggaran
BAKUNGAN = "3510151002"  # a kelurahan in Kec. Glagah


def siak_row(**overrides: Any) -> dict[str, str]:
    row = {
        "NIK": "3510011708850001",
        "NO_KK": "3510010101100001",
        "NAMA_LGKP": "BUDI SANTOSO",
        "TMPT_LHR": "BANYUWANGI",
        "TGL_LHR": "17-08-1985",
        "JENIS_KLMIN": "LAKI-LAKI",
        "AGAMA": "ISLAM",
        "STATUS_KAWIN": "KAWIN",
        "STAT_HBKEL": "KEPALA KELUARGA",
        "PDDK_AKH": "SLTA/SEDERAJAT",
        "JENIS_PKRJN": "PETANI/PEKEBUN",
        "ALAMAT": "DUSUN KRAJAN",
        "NO_RT": "001",
        "NO_RW": "002",
        "KODE_DESA": SARONGAN,
        "NO_HP": "081234567890",
    }
    row.update(overrides)
    return row


def siak_csv(rows: list[dict[str, str]], *, header: list[str] | None = None, delimiter: str = ",") -> bytes:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=header or SIAK_HEADER, delimiter=delimiter, extrasaction="ignore")
    writer.writeheader()
    writer.writerows(rows)
    return out.getvalue().encode("utf-8")


def family_rows() -> list[dict[str, str]]:
    return [
        siak_row(),
        siak_row(
            NIK="3510015708870002",
            NAMA_LGKP="SITI AMINAH",
            TGL_LHR="17-08-1987",
            JENIS_KLMIN="PEREMPUAN",
            STAT_HBKEL="ISTRI",
            JENIS_PKRJN="MENGURUS RUMAH TANGGA",
            NO_HP="",
        ),
        siak_row(
            NIK="3510010203100003",
            NAMA_LGKP="AHMAD FAUZI",
            TGL_LHR="02-03-2010",
            STAT_HBKEL="ANAK",
            STATUS_KAWIN="BELUM KAWIN",
            PDDK_AKH="TAMAT SD/SEDERAJAT",
            JENIS_PKRJN="PELAJAR/MAHASISWA",
            NO_HP="",
        ),
    ]


def make_household(*, user=None, kk_number: str = "3510010101100001", village_code: str = SARONGAN, **extra):
    return services.create_household(
        user=user,
        values={
            "kk_number": kk_number,
            "village_code": village_code,
            "address": "DUSUN KRAJAN",
            "rt": "1",
            "rw": "2",
            **extra,
        },
    )


def make_resident(*, user=None, nik: str = "3510011708850001", kk_number: str = "3510010101100001", **extra):
    values = {
        "nik": nik,
        "kk_number": kk_number,
        "name": "Budi Santoso",
        "birth_date": "1985-08-17",
        "sex": "male",
        "birth_place": "Banyuwangi",
        **extra,
    }
    return services.create_resident(user=user, values=values)
