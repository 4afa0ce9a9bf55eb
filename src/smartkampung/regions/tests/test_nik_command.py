"""`smartkampung nik`, run as the real console command in a child process."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

import smartkampung

BUDI = "3510011708850001"  # Pesanggaran, Banyuwangi; born 17-08-1985; male
SITI = "3510015708850002"  # the same, female

KEYS = [
    "nik",
    "valid",
    "errors",
    "province_code",
    "regency_code",
    "district_code",
    "province",
    "regency",
    "district",
    "birth_date",
    "sex",
]


@pytest.fixture
def run_nik(tmp_path: Path):
    # The child must find this very source tree, installed or not, and must not write
    # into the developer's data folder.
    source_root = str(Path(smartkampung.__file__).resolve().parent.parent)
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "smartkampung.settings",
        "SMARTKAMPUNG_DATA_DIR": str(tmp_path / "data"),
        "PYTHONPATH": os.pathsep.join(p for p in (source_root, os.environ.get("PYTHONPATH")) if p),
        "PYTHONIOENCODING": "utf-8",
    }

    def run(*args: str, stdin: str | None = None) -> tuple[int, list[dict]]:
        done = subprocess.run(  # noqa: S603 - a fixed argv, no shell
            [sys.executable, "-m", "smartkampung", "nik", *args],
            input=stdin,
            capture_output=True,
            text=True,
            encoding="utf-8",
            env=env,
            timeout=120,
        )
        assert done.stderr == "", done.stderr
        lines = done.stdout.splitlines()
        return done.returncode, [json.loads(line) for line in lines]

    return run


def test_valid_niks_print_one_json_object_each_and_exit_0(run_nik):
    code, objects = run_nik(BUDI, SITI)

    assert code == 0
    assert [list(o) for o in objects] == [KEYS, KEYS]
    assert [(o["nik"], o["valid"], o["sex"], o["birth_date"]) for o in objects] == [
        (BUDI, True, "male", "1985-08-17"),
        (SITI, True, "female", "1985-08-17"),
    ]
    assert objects[0]["district"] == "Pesanggaran"


def test_one_invalid_nik_makes_the_exit_status_1(run_nik):
    code, objects = run_nik(BUDI, "3510013104850000")

    assert code == 1
    assert [o["valid"] for o in objects] == [True, False]
    assert len(objects[1]["errors"]) == 2  # 31 April and the 0000 serial, both reported
    assert list(objects[1]) == KEYS


def test_messages_are_indonesian_by_default_and_english_on_request(run_nik):
    _, [indonesian] = run_nik(BUDI[:-1])
    code, [english] = run_nik("--lang", "en", BUDI[:-1])

    assert code == 1
    assert english["errors"] == ["NIK must be exactly 16 digits, got 15."]
    assert indonesian["errors"] != english["errors"] and "15" in indonesian["errors"][0]


def test_a_dash_reads_niks_from_standard_input(run_nik):
    code, objects = run_nik("-", SITI, stdin=f"{BUDI}\n\n  {SITI}  \r\n351099170885000x\n")

    assert code == 1
    assert [(o["nik"], o["valid"]) for o in objects] == [
        (BUDI, True),
        (SITI, True),
        ("351099170885000x", False),
        (SITI, True),
    ]
    assert all(list(o) == KEYS for o in objects)


def test_standard_input_of_valid_niks_exits_0(run_nik):
    code, objects = run_nik("-", stdin=f"{BUDI}\n{SITI}\n")

    assert code == 0
    assert len(objects) == 2
