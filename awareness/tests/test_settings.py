import os
import subprocess
import sys

from django.conf import settings

SETTINGS_PROBE = "import awareness.settings as s; print(s.DEBUG, bool(s.SECRET_KEY))"


def _settings_in_subprocess(**env):
    clean = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith("DJANGO_") and key != "DATABASE_URL"
    }
    return subprocess.run(
        [sys.executable, "-c", SETTINGS_PROBE],
        cwd=settings.BASE_DIR,
        env={**clean, **env},
        capture_output=True,
        text=True,
    )


def test_servers_refuse_to_start_without_a_secret_key():
    result = _settings_in_subprocess()
    assert result.returncode != 0
    assert "Set DJANGO_SECRET_KEY" in result.stderr


def test_debug_is_off_unless_set_to_1():
    assert _settings_in_subprocess(DJANGO_SECRET_KEY="k").stdout.split()[0] == "False"
    result = _settings_in_subprocess(DJANGO_SECRET_KEY="k", DJANGO_DEBUG="true")
    assert result.stdout.split()[0] == "False"
    result = _settings_in_subprocess(DJANGO_DEBUG="1")
    assert result.stdout.split() == ["True", "True"]


def test_manage_py_commands_may_use_the_local_key():
    result = _settings_in_subprocess(DJANGO_LOCAL_SECRET_KEY="1")
    assert result.returncode == 0, result.stderr


def _site_url(**env):
    probe = "import awareness.settings as s; print(s.SITE_URL)"
    clean = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith("DJANGO_") and key != "DATABASE_URL"
    }
    result = subprocess.run(
        [sys.executable, "-c", probe],
        cwd=settings.BASE_DIR,
        env={**clean, "DJANGO_SECRET_KEY": "k", **env},
        capture_output=True,
        text=True,
    )
    return result.stdout.strip()


def test_the_site_url_is_configured_or_the_first_allowed_host():
    assert _site_url(DJANGO_SITE_URL="https://example.org/") == "https://example.org"
    hosts = {"DJANGO_ALLOWED_HOSTS": ".example.org,www.example.org"}
    assert _site_url(**hosts) == "https://www.example.org"
    assert _site_url(**hosts, DJANGO_HTTPS="0") == "http://www.example.org"
    assert _site_url() == "http://localhost:8000"
