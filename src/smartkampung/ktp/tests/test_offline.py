"""The reader works with no network at all and never fetches a model: the OCR models are the ones inside the
rapidocr wheel, opened from where pip put them, and nothing is written next to them.

The read runs in a fresh process (the model loaded there from scratch) in a network namespace of its own with no
interface but a downed loopback (`unshare -rn`, where the kernel allows it), and with Python's sockets refusing
every connection and name lookup besides, each attempt recorded; rapidocr's download function records any call.
"""

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

from smartkampung.ktp import engine

CHILD = r"""
import json, socket, sys

attempts = []


def refuse(*args, **kwargs):
    attempts.append(repr(args[:2]))
    raise OSError("the network is unreachable (test_offline)")


socket.socket.connect = lambda self, *args, **kwargs: refuse(*args)
socket.socket.connect_ex = lambda self, *args, **kwargs: refuse(*args)
socket.create_connection = refuse
socket.getaddrinfo = refuse

import django

django.setup()

from rapidocr.utils.download_file import DownloadFile

downloads = []


def no_download(cls, params):
    downloads.append(str(getattr(params, "file_url", params)))
    raise RuntimeError("a download was attempted")


DownloadFile.run = classmethod(no_download)

from smartkampung.ktp.reader import read_card

with open(sys.argv[1], "rb") as photo:
    reading = read_card(photo.read())
print(json.dumps({"nik": reading.nik, "name": reading.fields["name"], "attempts": attempts, "downloads": downloads}))
"""


def _unshare_works() -> bool:
    if not shutil.which("unshare"):
        return False
    try:
        probe = subprocess.run(["unshare", "-rn", "true"], capture_output=True, timeout=10)  # noqa: S603, S607
        return probe.returncode == 0
    except (OSError, subprocess.SubprocessError):
        return False


def _snapshot(folder: Path) -> dict[str, tuple[int, int]]:
    return {path.name: (path.stat().st_size, path.stat().st_mtime_ns) for path in folder.iterdir()}


def test_the_reader_reads_a_card_with_the_network_unreachable_and_downloads_nothing(tmp_path, card_photo):
    data, truth = card_photo(31)
    photo = tmp_path / "card.jpg"
    photo.write_bytes(data)
    models = engine.models_dir()
    before = _snapshot(models)
    assert set(engine.MODEL_FILES.values()) <= set(before)  # the models ship inside the wheel

    command = [sys.executable, "-c", CHILD, str(photo)]
    isolated = _unshare_works()
    if isolated:
        command = ["unshare", "-rn", *command]  # no network interface at all in the child's namespace
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "smartkampung.settings"}
    done = subprocess.run(command, capture_output=True, text=True, timeout=300, env=env, cwd=tmp_path)  # noqa: S603
    assert done.returncode == 0, done.stderr[-3000:]
    result = json.loads(done.stdout.strip().splitlines()[-1])

    assert (result["nik"], result["name"]) == (truth["nik"], truth["name"])
    assert result["downloads"] == []
    assert result["attempts"] == []
    assert _snapshot(models) == before  # nothing written to, or next to, the wheel's models
    assert "RapidOCR" not in done.stderr  # and rapidocr's own logging stays quiet
