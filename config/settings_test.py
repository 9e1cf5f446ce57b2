"""The test suite's settings: production's, with a fast password hasher.

Django's default hasher is slow on purpose (hundreds of milliseconds a password); the tests create
and log in hundreds of users, so they hash with MD5, as healthchecks' tests do. Never used outside
pytest (pytest.ini names this module).
"""

from config.settings import *  # noqa: F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
