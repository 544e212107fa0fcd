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


def test_mail_without_a_backend_goes_to_private_files_not_the_logs(tmp_path):
    probe = (
        "import awareness.settings as s; "
        "print(s.EMAIL_BACKEND, s.EMAIL_IS_SENT, oct(s.EMAIL_FILE_PATH.stat().st_mode))"
    )
    clean = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith("DJANGO_") and key != "DATABASE_URL"
    }
    env = {**clean, "DJANGO_SECRET_KEY": "k"}
    mail = tmp_path / "mail"
    result = subprocess.run(
        [sys.executable, "-c", probe],
        cwd=settings.BASE_DIR,
        env={**env, "DJANGO_EMAIL_FILE_PATH": str(mail)},
        capture_output=True,
        text=True,
    )
    backend, is_sent, mode = result.stdout.split()
    assert backend == "django.core.mail.backends.filebased.EmailBackend"
    assert is_sent == "False"
    assert mode.endswith("700")
    smtp = "django.core.mail.backends.smtp.EmailBackend"
    result = subprocess.run(
        [
            sys.executable,
            "-c",
            "import awareness.settings as s; print(s.EMAIL_IS_SENT)",
        ],
        cwd=settings.BASE_DIR,
        env={**env, "DJANGO_EMAIL_BACKEND": smtp},
        capture_output=True,
        text=True,
    )
    assert result.stdout.strip() == "True"


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
