"""The test suite's settings: production's, with a fast password hasher.

Django's default hasher is slow on purpose (hundreds of milliseconds a password); the tests create
and log in hundreds of users, so they hash with MD5, as healthchecks' tests do. Never used outside
pytest (pytest.ini names this module).
"""

from config.settings import *  # noqa: F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]

# Documents uploaded by tests go to a folder of their own, emptied by the operating system.
import tempfile  # noqa: E402

MEDIA_ROOT = Path(tempfile.mkdtemp(prefix="coverage-test-media-"))  # noqa: F405
STORAGES = {**STORAGES, "default": {"BACKEND": "django.core.files.storage.FileSystemStorage", "OPTIONS": {"location": MEDIA_ROOT}}}  # noqa: F405
