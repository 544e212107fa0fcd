import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from csp.utils import build_policy
from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse

from .every_url import every_url

pytestmark = pytest.mark.django_db

TEMPLATES = Path(settings.BASE_DIR) / "templates"


def assert_security_headers(response, url):
    csp = response.headers.get("Content-Security-Policy", "")
    directives = dict(
        (part.strip().split(" ", 1) + [""])[:2] for part in csp.split(";") if part
    )
    assert directives.get("default-src") == "'none'", url
    assert directives.get("frame-ancestors") == "'none'", url
    assert directives.get("base-uri") == "'none'", url
    assert directives.get("object-src") == "'none'", url
    assert directives.get("form-action") == "'self'", url
    assert directives.get("script-src", "").startswith("'self'"), url
    assert directives.get("style-src", "").startswith("'self'"), url
    assert "unsafe" not in csp and "data:" not in csp and "*" not in csp, url
    assert response["X-Frame-Options"] == "DENY", url
    assert response["X-Content-Type-Options"] == "nosniff", url
    assert response["Referrer-Policy"] == "same-origin", url
    assert response["Cross-Origin-Opener-Policy"] == "same-origin", url
    assert response["Cross-Origin-Resource-Policy"] == "same-origin", url


@pytest.fixture
def urls(real_site, client):
    client.force_login(real_site["user"])
    found = every_url(client, user=real_site["user"], attempt=real_site["attempt"])
    client.logout()
    return found


def test_every_url_sends_the_security_headers(urls, real_site, client):
    # Logged out, logged in as a learner, and as staff: every response,
    # whether a page, a redirect, a 404 or a 405, carries the headers.
    staff = Client()
    staff.force_login(real_site["user"])
    for name, url in urls:
        for visitor in (client, staff):
            response = visitor.get(url)
            assert response.status_code < 500, (name, url)
            assert_security_headers(response, url)
    assert len(urls) > 60  # the walk really found the admin and the site


def test_every_url_is_covered_by_the_walk(urls):
    names = {name for name, _url in urls}
    for name in (
        "home",
        "case_study_detail",
        "quizzes:question",
        "quizzes:answer",
        "accounts:password_reset_confirm",
        "admin:quizzes_quiz_change",
        "healthz",
    ):
        assert name in names


def test_https_adds_hsts_and_secure_cookies_on_every_url(urls, settings):
    settings.SECURE_SSL_REDIRECT = True
    settings.SECURE_HSTS_SECONDS = 31536000
    settings.SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    settings.SESSION_COOKIE_SECURE = settings.CSRF_COOKIE_SECURE = True
    settings.SESSION_COOKIE_NAME = "__Host-sessionid"
    settings.CSRF_COOKIE_NAME = "__Host-csrftoken"
    client = Client()  # middleware reads these settings when it starts
    assert client.get(reverse("home")).status_code == 301  # to https
    for _name, url in urls:
        response = client.get(url, secure=True)
        assert response["Strict-Transport-Security"].startswith(
            "max-age=31536000; includeSubDomains"
        ), url
    client.get(reverse("accounts:login"), secure=True)
    response = client.post(
        reverse("accounts:login"),
        {"username": "admin", "password": "a-long-test-password"},
        secure=True,
    )
    for cookie in response.cookies.values():
        assert cookie["secure"] and cookie["samesite"] == "Lax", cookie.key
        assert not cookie["domain"] and cookie["path"] == "/"
    session = response.cookies["__Host-sessionid"]
    assert session["httponly"]


def test_csp_is_one_policy_with_no_nonce(client):
    # No inline code anywhere, so no nonce: a page from the cache carries
    # the same policy as one rendered for this visitor.
    first = client.get(reverse("home"))
    again = client.get(reverse("home"))
    policy = first["Content-Security-Policy"]
    assert policy == again["Content-Security-Policy"] == build_policy()
    assert "nonce-" not in policy


def test_templates_have_no_inline_styles_or_scripts():
    # The CSP refuses both, and the site gives no nonce.
    for path in TEMPLATES.rglob("*.html"):
        html = path.read_text()
        assert not re.search(r"\sstyle\s*=", html), path
        assert "<style" not in html, path
        for tag in re.findall(r"<script\b[^>]*>", html):
            assert "src=" in tag, path
        assert not re.search(r"\son[a-z]+\s*=", html), path


def test_admin_templates_need_no_inline_code():
    # Django's admin moved its inline code to files for CSP; stays true?
    import django

    admin_templates = Path(django.__file__).parent / "contrib/admin/templates"
    for path in admin_templates.rglob("*.html"):
        html = path.read_text()
        assert not re.search(r"\sstyle\s*=", html), path
        for tag in re.findall(r"<script\b[^>]*>", html):
            assert "src=" in tag, path


def _check_deploy(**env):
    clean = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith("DJANGO_") and key not in ("DATABASE_URL", "REDIS_URL")
    }
    return subprocess.run(
        [
            sys.executable,
            "-m",
            "manage",
            "check",
            "--deploy",
            "--fail-level",
            "WARNING",
        ],
        cwd=settings.BASE_DIR,
        env={**clean, **env},
        capture_output=True,
        text=True,
    )


def test_check_deploy_is_clean_with_production_settings():
    result = _check_deploy(
        DJANGO_SECRET_KEY="x" * 20 + "production-like-secret-key-with-length-50",
        DJANGO_ALLOWED_HOSTS="example.org",
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_check_deploy_notices_debug_and_plain_http():
    # The check above could not pass by accident: this one must fail.
    result = _check_deploy(DJANGO_DEBUG="1", DJANGO_HTTPS="0")
    assert result.returncode != 0
    for warning in ("W004", "W008", "W012", "W016", "W018"):
        assert warning in result.stderr + result.stdout


def test_csrf_is_enforced_and_nothing_is_written_without_it(real_site):
    from quizzes.models import Attempt

    browser = Client(enforce_csrf_checks=True)
    url = reverse("quizzes:quiz_start", args=[real_site["quiz"].slug])
    before = Attempt.objects.count()
    response = browser.post(url)
    assert response.status_code == 403
    assert "This form has expired" in response.content.decode()
    assert Attempt.objects.count() == before
    browser.get(real_site["quiz"].get_absolute_url())
    token = browser.cookies[settings.CSRF_COOKIE_NAME].value
    response = browser.post(url, {"csrfmiddlewaretoken": token})
    assert response.status_code == 302
    assert Attempt.objects.count() == before + 1


def test_signing_in_rotates_the_session_and_signing_out_ends_it(
    client, django_user_model
):
    django_user_model.objects.create_user(username="ann", password="pass-phrase-9")
    quiz_page = reverse("quizzes:progress")
    client.get(quiz_page)
    session = client.session
    session["learner"] = "anonymous-token"
    session.save()
    before = client.cookies[settings.SESSION_COOKIE_NAME].value
    client.post(
        reverse("accounts:login"), {"username": "ann", "password": "pass-phrase-9"}
    )
    after = client.cookies[settings.SESSION_COOKIE_NAME].value
    assert after != before
    client.post(reverse("accounts:logout"))
    from django.contrib.sessions.models import Session

    assert not Session.objects.filter(session_key=after).exists()


def test_deactivating_an_account_ends_its_sessions(client, django_user_model):
    user = django_user_model.objects.create_user(username="bo", password="x-y-z-123")
    client.force_login(user)
    url = reverse("accounts:password_change")
    assert client.get(url).status_code == 200
    user.is_active = False
    user.save()
    assert client.get(url).status_code == 302


def test_password_validators_refuse_weak_passwords():
    for weak in ("password1", "12345678", "short"):
        with pytest.raises(ValidationError):
            validate_password(weak)
    validate_password("correct horse battery staple")
    assert settings.AUTH_PASSWORD_VALIDATORS


def test_production_uses_a_slow_password_hash():
    from awareness import settings as site_settings

    assert not hasattr(site_settings, "PASSWORD_HASHERS")  # Django's PBKDF2


@pytest.mark.parametrize(
    ("status", "text"),
    [
        (400, "Something in that request was not right"),
        (403, "You cannot open this page"),
        (404, "Page not found"),
    ],
)
def test_error_pages_are_the_sites_own(client, settings, status, text):
    from django.test import override_settings

    with override_settings(ROOT_URLCONF="awareness.tests.error_urls"):
        response = Client(raise_request_exception=False).get(f"/fail/{status}/")
    assert response.status_code == status
    body = response.content.decode()
    assert text in body and "Traceback" not in body
    assert_security_headers(response, status)


def test_server_error_page_needs_no_database(settings):
    from django.db import connections
    from django.test import override_settings

    def refuse(*args, **kwargs):
        raise AssertionError("the 500 page touched the database")

    with override_settings(ROOT_URLCONF="awareness.tests.error_urls"):
        visitor = Client(raise_request_exception=False)
        connection = connections["default"]
        original = connection.cursor
        connection.cursor = refuse
        try:
            response = visitor.get("/fail/500/")
        finally:
            connection.cursor = original
    assert response.status_code == 500
    body = response.content.decode()
    assert "Something went wrong" in body and "Traceback" not in body


def test_oversized_request_bodies_are_refused(client, real_site):
    url = reverse("accounts:login")
    response = client.post(
        url, {"username": "x" * (settings.DATA_UPLOAD_MAX_MEMORY_SIZE + 1)}
    )
    assert response.status_code == 400
    too_many = {
        f"field{n}": "x" for n in range(settings.DATA_UPLOAD_MAX_NUMBER_FIELDS + 1)
    }
    assert client.post(url, too_many).status_code == 400


def test_a_foreign_host_gets_the_sites_own_400_page():
    visitor = Client(raise_request_exception=False, HTTP_HOST="evil.example")
    response = visitor.get("/en/")
    assert response.status_code == 400
    body = response.content.decode()
    assert "Something in that request was not right" in body
    assert "evil.example" not in body
    assert_security_headers(response, "/en/ with a foreign host")


@pytest.mark.parametrize("path", ["//evil.example/en/", "///evil.example/en/"])
def test_a_path_naming_another_host_links_only_to_this_site(client, path):
    # The test client would read the host out of the path; WSGI does not.
    response = client.get("/", PATH_INFO=path)
    assert response.status_code == 404
    body = response.content.decode()
    assert "//evil.example" not in body
    assert f'<link rel="canonical" href="{settings.SITE_URL}/' in body
    for link in re.findall(r'<link rel="alternate"[^>]*href="([^"]*)"', body):
        assert link.startswith(settings.SITE_URL + "/"), link
    for link in re.findall(r'<a href="([^"]*)" lang=', body):
        assert link.startswith("/") and not link.startswith("//"), link


def test_absolute_links_name_the_configured_site_not_the_host_header(client, settings):
    settings.ALLOWED_HOSTS = ["example.org"]
    settings.SITE_URL = "https://example.org"
    response = client.get(reverse("about"), HTTP_HOST="example.org:6666")
    body = response.content.decode()
    assert ":6666" not in body
    assert (
        f'<link rel="canonical" href="https://example.org{reverse("about")}">' in body
    )


@pytest.mark.parametrize(
    "url",
    ["/", "/en", "/static/css/site.css", "/static/img/favicon.svg", "/fail/500/"],
)
def test_redirects_static_files_and_the_500_page_carry_the_headers(url):
    from django.test import override_settings

    with override_settings(ROOT_URLCONF="awareness.tests.error_urls"):
        response = Client(raise_request_exception=False).get(url)
    assert response.status_code in (200, 301, 302, 500), url
    assert_security_headers(response, url)
