"""`manage.py check --deploy --fail-level WARNING` passes under the production settings.

Run in a subprocess, as an operator would, with a real secret and host in the environment: HSTS,
the HTTPS redirect, secure cookies, X-Frame-Options DENY and the Referrer-Policy are all set by
default. Turning one of them off through its variable makes the check fail, which shows the
check (and this test) can fail.
"""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.other_processes  # a server or command of its own

ROOT = Path(__file__).resolve().parent.parent
# Variables that would change what production reads: the test sets its own. The browser
# tests set DJANGO_ALLOW_ASYNC_UNSAFE for the session, which the deploy check refuses (async.E001).
OVERRIDES = {
    "DJANGO_ALLOW_ASYNC_UNSAFE",
    "DEBUG",
    "SECRET_KEY",
    "ALLOWED_HOSTS",
    "SECURE_SSL_REDIRECT",
    "SECURE_HSTS_SECONDS",
    "SECURE_HSTS_INCLUDE_SUBDOMAINS",
    "SECURE_HSTS_PRELOAD",
    "SECURE_REFERRER_POLICY",
    "SESSION_COOKIE_SECURE",
    "CSRF_COOKIE_SECURE",
}


SECRET = "k7Qm2vXr9TzL4pWc8NsB1yHd6JfG3aEu0RiOoKlZxCvMnPqStUwYbD5eA"
CHECK_DEPLOY = (
    "from django.core.management import call_command; "
    "call_command('check', deploy=True, fail_level='WARNING')"
)


def _production(code: str, **env_overrides) -> subprocess.CompletedProcess:
    """Run ``code`` after django.setup() in a fresh process under the production settings."""
    env = {k: v for k, v in os.environ.items() if k not in OVERRIDES}
    env.update(
        {
            "DJANGO_SETTINGS_MODULE": "config.settings.production",
            "SECRET_KEY": SECRET,
            "ALLOWED_HOSTS": "pingan.example.gov.cn",
            # Never the project's db.sqlite3: a request below opens a transaction.
            "DATABASE_URL": "sqlite://:memory:",
        }
    )
    env.update(env_overrides)
    return subprocess.run(  # noqa: S603 (our own code, in this interpreter)
        [sys.executable, "-c", f"import django; django.setup()\n{code}"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_check_deploy_passes_under_production_settings():
    result = _production(CHECK_DEPLOY)

    assert result.returncode == 0, result.stderr
    assert "System check identified no issues (1 silenced)" in result.stdout


def test_collectstatic_succeeds_under_production_settings(tmp_path):
    """The deploy step (docs/operations.md §3.4, `make production-local`): the hashed manifest
    storage post-processes every file and refuses a reference to a missing one (a vendored
    script's source map did that)."""
    code = (
        "from django.conf import settings; from django.core.management import call_command; "
        f"settings.STATIC_ROOT = {str(tmp_path)!r}; "
        "call_command('collectstatic', interactive=False, verbosity=0)"
    )
    result = _production(code)

    assert result.returncode == 0, result.stderr
    manifest = json.loads((tmp_path / "staticfiles.json").read_text())
    hashed = manifest["paths"]["vendor/chart.umd.min.js"]
    assert (tmp_path / hashed).exists()
    assert (tmp_path / (hashed + ".gz")).exists()  # whitenoise's compressed copy


def test_check_deploy_passes_with_preloading_asked_for_and_nothing_silenced():
    result = _production(CHECK_DEPLOY, SECURE_HSTS_PRELOAD="true")

    assert result.returncode == 0, result.stderr
    assert "System check identified no issues (0 silenced)" in result.stdout


@pytest.mark.parametrize(
    ("variable", "value", "warning"),
    [
        ("SECURE_HSTS_SECONDS", "0", "security.W004"),
        ("SECURE_SSL_REDIRECT", "false", "security.W008"),
        ("SECURE_HSTS_INCLUDE_SUBDOMAINS", "false", "security.W005"),
        ("SESSION_COOKIE_SECURE", "false", "security.W012"),
        ("CSRF_COOKIE_SECURE", "false", "security.W016"),
    ],
)
def test_check_deploy_fails_when_a_protection_is_turned_off(variable, value, warning):
    result = _production(CHECK_DEPLOY, **{variable: value})

    assert result.returncode != 0
    assert warning in result.stderr


def test_production_settings_values():
    """What the check cannot see: the values themselves."""
    result = _production(
        "from django.conf import settings as s; "
        "print(s.SECURE_HSTS_SECONDS, s.SECURE_HSTS_INCLUDE_SUBDOMAINS, s.SECURE_HSTS_PRELOAD, "
        "s.SECURE_SSL_REDIRECT, s.X_FRAME_OPTIONS, s.SECURE_REFERRER_POLICY, "
        "s.SESSION_COOKIE_SECURE, s.CSRF_COOKIE_SECURE, s.SECURE_CONTENT_TYPE_NOSNIFF)"
    )

    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == [
        "31536000", "True", "False", "True", "DENY", "same-origin", "True", "True", "True"
    ]  # fmt: skip


# The guide is public and reads no data: a request that needs no database row. Static files are
# looked up as plain names (production's manifest exists only after collectstatic).
REQUEST = (
    "import json; from django.test import Client; from django.test.utils import override_settings; "
    "plain = {'default': {'BACKEND': 'django.core.files.storage.FileSystemStorage'}, "
    "'staticfiles': {'BACKEND': 'django.contrib.staticfiles.storage.StaticFilesStorage'}}\n"
    "with override_settings(STORAGES=plain):\n"
    "    r = Client().get('/help/', headers={'host': 'pingan.example.gov.cn'}, **EXTRA)\n"
    "print(json.dumps({'status': r.status_code, **{k.lower(): v for k, v in r.headers.items()}}))"
)


def _get_help(forwarded_proto: str, **env_overrides) -> dict:
    extra = "{'HTTP_X_FORWARDED_PROTO': %r}" % forwarded_proto  # noqa: UP031
    result = _production(REQUEST.replace("**EXTRA", f"**{extra}"), **env_overrides)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_plain_http_through_the_proxy_is_redirected_to_https():
    response = _get_help("http")

    assert response["status"] == 301
    assert response["location"] == "https://pingan.example.gov.cn/help/"


def test_https_through_the_proxy_carries_hsts_and_the_headers():
    response = _get_help("https")

    assert response["status"] == 200
    assert response["strict-transport-security"] == "max-age=31536000; includeSubDomains"
    assert response["x-frame-options"] == "DENY"
    assert response["referrer-policy"] == "same-origin"
    assert response["x-content-type-options"] == "nosniff"
    assert "script-src 'self';" in response["content-security-policy"] + ";"
    assert "frame-ancestors 'none'" in response["content-security-policy"]


def test_a_path_exempted_from_the_redirect_answers_over_plain_http():
    response = _get_help("http", SECURE_REDIRECT_EXEMPT=r"^help/$")

    assert response["status"] == 200
    assert "strict-transport-security" not in response  # HSTS is only ever sent over https
