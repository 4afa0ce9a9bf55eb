"""Personal data on disk (the data directory, uploads, the embedded database) is readable by the service's user only."""

import os
import stat
from pathlib import Path

import pytest
from django.core.checks import run_checks
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from smartkampung.core.datadir import make_private
from smartkampung.population.models import ImportJob

CSV = (
    b"NIK,NO_KK,NAMA_LGKP,TGL_LHR,JENIS_KLMIN,KODE_DESA\n"
    b"3510011708850001,3510010101100001,BUDI SANTOSO,17-08-1985,LAKI-LAKI,3510012001\n"
)


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


@pytest.fixture
def open_umask():
    # The usual umask lets everyone read new files: the modes below must not depend on the process's umask.
    before = os.umask(0o022)
    yield
    os.umask(before)


def test_an_uploaded_registry_file_is_readable_by_the_service_user_only(admin_api, regions, settings, open_umask):
    file = SimpleUploadedFile("penduduk.csv", CSV, content_type="text/csv")
    admin_api.post(reverse("population:import_create"), {"file": file})

    stored = Path(ImportJob.objects.get().file.path)
    assert mode(stored) == 0o600
    for folder in stored.relative_to(settings.MEDIA_ROOT).parents:
        if folder != Path("."):
            assert mode(Path(settings.MEDIA_ROOT) / folder) == 0o700, folder


@pytest.fixture
def open_data_dir(tmp_path, settings):
    """A data directory as an older version or a careless restore left it: everything readable by all."""
    data = tmp_path / "data"
    (data / "media" / "imports" / "2026").mkdir(parents=True)
    (data / "media" / "imports" / "2026" / "penduduk.csv").write_bytes(CSV)
    (data / "secret_key").write_text("x")
    for path in [data, *data.rglob("*")]:
        path.chmod(0o755 if path.is_dir() else 0o644)
    settings.DATA_DIR = data
    settings.MEDIA_ROOT = data / "media"
    return data


def warned(data: Path) -> set[str]:
    return {message.obj for message in run_checks() if message.id == "core.W001"}


def test_start_up_closes_an_open_data_directory_and_the_check_stops_warning(open_data_dir):
    assert str(open_data_dir) in warned(open_data_dir)

    make_private()

    for path in [open_data_dir, *open_data_dir.rglob("*")]:
        assert mode(path) == (0o700 if path.is_dir() else 0o600), path
    assert warned(open_data_dir) == set()


def test_a_shared_folder_such_as_tmp_is_never_closed(tmp_path, settings):
    shared = tmp_path / "shared"
    shared.mkdir()
    shared.chmod(0o1777)
    settings.DATA_DIR = shared
    settings.MEDIA_ROOT = shared / "media"

    make_private()

    assert mode(shared) == 0o1777
