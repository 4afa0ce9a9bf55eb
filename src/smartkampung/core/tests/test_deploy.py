import os
import subprocess
import sys


def test_deploy_check_is_clean_with_production_settings(tmp_path):
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "smartkampung.settings",
        "SMARTKAMPUNG_DATA_DIR": str(tmp_path),
        "SECRET_KEY": "x7Kq2vN9pL4mR8sT1wY6zA3bC5dE0fG2hJ4kM6nP8qR0sT2uV4wX6yZ8aB0cD2eF",
        "DEBUG": "false",
        "SECURE_HTTPS": "true",
        "ALLOWED_HOSTS": "smartkampung.example.go.id",
    }
    result = subprocess.run(  # noqa: S603 - our own interpreter and command
        [sys.executable, "-m", "smartkampung", "check", "--deploy", "--fail-level", "WARNING"],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )

    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout
