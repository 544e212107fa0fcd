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


def test_var_and_the_sqlite_database_are_private_to_the_server_user():
    var = settings.BASE_DIR / "var"
    database = var / "db.sqlite3"
    database.touch()
    # As a checkout made before this rule, or a loose umask, leaves them.
    var.chmod(0o755)
    database.chmod(0o644)
    result = _settings_in_subprocess(DJANGO_DEBUG="1")
    assert result.returncode == 0, result.stderr
    assert var.stat().st_mode & 0o777 == 0o700
    assert database.stat().st_mode & 0o777 == 0o600
