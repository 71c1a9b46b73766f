"""Production settings refuse to start without a secret or with DEBUG on."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def _import_production(**env_overrides):
    env = {k: v for k, v in os.environ.items() if k not in {"SECRET_KEY", "DEBUG"}}
    env.update({"DJANGO_SETTINGS_MODULE": "config.settings.production", "ALLOWED_HOSTS": "x"})
    env.update(env_overrides)
    return subprocess.run(
        [sys.executable, "-c", "import django; django.setup(); print('started')"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def test_production_refuses_to_start_without_secret_key():
    result = _import_production()
    assert result.returncode != 0
    assert "SECRET_KEY" in result.stderr


def test_production_refuses_debug():
    result = _import_production(SECRET_KEY="a-real-secret-for-this-test-0123456789", DEBUG="on")
    assert result.returncode != 0
    assert "DEBUG must be off" in result.stderr


def test_production_starts_with_a_secret_and_debug_off():
    result = _import_production(SECRET_KEY="a-real-secret-for-this-test-0123456789")
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "started"


@pytest.mark.parametrize(
    ("setting", "expected"),
    [("LANGUAGE_CODE", "zh-hans"), ("TIME_ZONE", "Asia/Shanghai"), ("USE_TZ", True)],
)
def test_chinese_first_and_shanghai_time(settings, setting, expected):
    assert getattr(settings, setting) == expected


def test_no_url_serves_the_media_folder(settings):
    """Uploads and exports are served only by views that check the reader's scope."""
    from django.urls import Resolver404, resolve

    for path in ("/media/inspections/evidence/2026/01/x.png", f"{settings.MEDIA_URL}x.pdf"):
        with pytest.raises(Resolver404):
            resolve(path)
