"""Tests: the same settings, faster hashing, mail kept in memory.

DATABASE_URL and REDIS_URL come from the environment (CI points them at PostgreSQL and Redis);
without them the suite runs on SQLite with Celery in-process.
"""

from .base import *  # noqa: F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
DEBUG = False
CELERY_TASK_ALWAYS_EAGER = True
# The cast logs in with the password alone; tests of two-factor login set it themselves
# (tests/communities/test_two_factor.py), and test_settings checks production's default.
TWO_FACTOR_REQUIRED_FOR = "none"
