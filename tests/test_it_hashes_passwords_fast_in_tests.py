"""The suite hashes passwords with MD5 (config/settings_test.py): Django's default hasher is slow on
purpose, and the tests make hundreds of users. Production keeps the default."""

import os
import subprocess
import sys

from tests.conftest import PROJECT


def test_it_hashes_test_users_passwords_with_md5(nurse):
    assert nurse.password.startswith("md5$")


def test_production_settings_keep_the_slow_hasher():
    p = subprocess.run(
        [sys.executable, "-c", "import django; django.setup(); "
         "from django.contrib.auth.hashers import get_hasher; print(get_hasher().algorithm)"],
        cwd=PROJECT, capture_output=True, text=True,
        env={**os.environ, "DJANGO_SETTINGS_MODULE": "config.settings"},
    )
    assert p.returncode == 0, p.stderr
    assert p.stdout.strip() == "pbkdf2_sha256"
