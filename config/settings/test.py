"""Tests: the same settings, faster hashing, mail kept in memory.

DATABASE_URL and REDIS_URL come from the environment (CI points them at PostgreSQL and Redis);
without them the suite runs on SQLite with Celery in-process.
"""

from .base import *  # noqa: F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
DEBUG = False
CELERY_TASK_ALWAYS_EAGER = True
# Each test process its own cache, emptied before every test (tests/conftest.py): a Redis
# shared by the parallel workers would hand one test another's dashboard.
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
# The cast logs in with the password alone; tests of two-factor login set it themselves
# (tests/communities/test_two_factor.py), and test_settings checks production's default.
TWO_FACTOR_REQUIRED_FOR = "none"
# Roles allowed to see personal data see it without stating a reason first in most tests; the
# tests of that rule set it themselves (tests/communities/test_unmasking.py).
PERSONAL_DATA_REASON_REQUIRED = False
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":  # noqa: F405
    # On SQLite the browser tests' live server answers from several threads at once: a test
    # database in a file (WAL, with the busy timeout of base.py) lets them wait their turn, where
    # the shared in-memory one failed at once with "database table is locked".
    # SQLITE_TEST_DB names another file, for two test runs side by side in one checkout.
    DATABASES["default"]["TEST"] = {  # noqa: F405
        "NAME": env("SQLITE_TEST_DB", default=str(BASE_DIR / ".test-db.sqlite3"))  # noqa: F405
    }
