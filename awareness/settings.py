import contextlib
import os
import secrets
import sys
import urllib.parse
from pathlib import Path

import dj_database_url
from csp.constants import NONE, SELF
from django.conf.locale import LANG_INFO
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = BASE_DIR / "var"

# Core

DEBUG = os.environ.get("DJANGO_DEBUG") == "1"

# Under pytest the suite supplies its own throwaway key, like DEBUG does.
TESTING = "pytest" in sys.modules


def _local_secret_key():
    """Return a key kept in var/ so that local sessions survive restarts."""
    path = VAR_DIR / "secret_key"
    if not path.exists():
        VAR_DIR.mkdir(exist_ok=True)
        path.write_text(secrets.token_urlsafe(50))
        path.chmod(0o600)
    return path.read_text().strip()


SECRET_KEY = os.environ.get("DJANGO_SECRET_KEY", "")
if not SECRET_KEY:
    if DEBUG or os.environ.get("DJANGO_LOCAL_SECRET_KEY") == "1":
        SECRET_KEY = _local_secret_key()
    elif TESTING:
        SECRET_KEY = "insecure-key-for-the-test-suite-only"
    else:
        raise ImproperlyConfigured(
            "Set DJANGO_SECRET_KEY, or DJANGO_DEBUG=1 for local development."
        )

ALLOWED_HOSTS = [
    host.strip()
    for host in os.environ.get("DJANGO_ALLOWED_HOSTS", "").split(",")
    if host.strip()
]

INSTALLED_APPS = [
    # Before the admin, so that the admin's forms see the language fields.
    "modeltranslation",
    "csp",
    "awareness",
    "quizzes",
    "certificates",
    "challenges",
    "simulations",
    "tracks",
    "accounts",
    "staff",
    # The admin with the staff dashboard (staff.sites.StaffAdminSite).
    "staff.apps.StaffAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.sitemaps",
    "django.contrib.staticfiles",
    "reversion",
]

MIDDLEWARE = [
    # First, so that HTTPS redirects and HSTS apply to every response.
    "django.middleware.security.SecurityMiddleware",
    # Ours: headers Django has no setting for, and HEAD without a body; on
    # the outside, so that static files and error pages get them too.
    "awareness.middleware.finish_response",
    # The same policy for every response: no inline code, so no nonce.
    # Outside whitenoise, so that static files get it too: an SVG opened
    # directly is a document that could run script.
    "csp.middleware.CSPMiddleware",
    # Static files are answered here, before sessions or the database.
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Sees the final body and ETag of every page, cached or not, so that a
    # reload of an unchanged page is a 304.
    "django.middleware.http.ConditionalGetMiddleware",
    # Ours: /zh-hk/ is answered as /zh-hans/ and converted to Hong Kong's
    # Traditional Chinese; inside the ETag, before the language is chosen.
    "awareness.middleware.hong_kong_variant",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    # Ours: needs the user (authentication) and answers before any view.
    "awareness.throttle.LockoutMiddleware",
]

ROOT_URLCONF = "awareness.urls"
WSGI_APPLICATION = "awareness.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.debug",
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "awareness.easy_read.context",
            ],
        },
    },
]

# Database: SQLite under var/ unless DATABASE_URL points elsewhere.


def _private(path, mode):
    # var/ holds the key, the database and the cache: readable by the
    # server's user only. A path someone else owns is left as they set it.
    if path.stat().st_mode & 0o777 != mode:
        with contextlib.suppress(PermissionError):
            path.chmod(mode)


VAR_DIR.mkdir(mode=0o700, exist_ok=True)
_private(VAR_DIR, 0o700)
SQLITE_PATH = VAR_DIR / "db.sqlite3"
DATABASES = {
    "default": dj_database_url.config(
        default=f"sqlite:///{SQLITE_PATH}",
        # Reusing a connection saves a handshake per request; the health
        # check replaces one the server closed meanwhile.
        conn_max_age=int(os.environ.get("DJANGO_CONN_MAX_AGE", "60")),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["NAME"] == str(SQLITE_PATH):
    # SQLite would create it with the umask's 0644; its journals copy this.
    os.close(os.open(SQLITE_PATH, os.O_CREAT | os.O_WRONLY, 0o600))
    _private(SQLITE_PATH, 0o600)
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # A database that is down or hung costs a request seconds, not forever:
    # connecting gives up after this, and so does any one statement.
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        connect_timeout=int(os.environ.get("DJANGO_DB_CONNECT_TIMEOUT", "5")),
        options="-c statement_timeout="
        + os.environ.get("DJANGO_DB_STATEMENT_TIMEOUT_MS", "30000"),
    )
    if os.environ.get("DJANGO_DB_PREPARED_STATEMENTS", "1") == "1":
        # PostgreSQL plans a statement each time it receives it as text,
        # which for the site's joins takes longer than running them. Bound
        # on the server, a statement that a connection has run 5 times is
        # prepared and planned once. Turn off (0) behind a pooler in
        # transaction mode that does not keep prepared statements, such as
        # PgBouncer before 1.21.
        DATABASES["default"]["OPTIONS"].update(
            server_side_binding=True, prepare_threshold=5
        )
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Caches. "default" holds the rate-limit and sign-in lockout counters,
# "pages" the public pages (awareness/page_cache.py) and nothing else, since
# publishing empties it whole. Both are shared by every worker: a cache per
# process would count sign-in failures per process, and keep old pages in
# some processes after an edit. With REDIS_URL they live in Redis, pages in
# the next database number unless DJANGO_PAGES_REDIS_URL says where; the
# site empties that database whole, so give it to the site alone. Without,
# in files under var/cache/ (DJANGO_CACHE_DIR), shared by the workers of
# one machine.

REDIS_URL = os.environ.get("REDIS_URL", "")
CACHE_KEY_PREFIX = os.environ.get("DJANGO_CACHE_KEY_PREFIX", "awareness")
# A Redis that hangs costs each cache call this long at most (redis-py waits
# forever by default); one that is down, nothing: django-redis then answers
# as a miss, so pages are rendered and limits fail open.
REDIS_TIMEOUT = float(os.environ.get("DJANGO_REDIS_TIMEOUT", "0.25"))


def _next_database(url):
    parts = urllib.parse.urlsplit(url)
    number = int(parts.path.strip("/") or 0)
    return urllib.parse.urlunsplit(parts._replace(path=f"/{number + 1}"))


def _redis_cache(url):
    return {
        "BACKEND": "django_redis.cache.RedisCache",
        "LOCATION": url,
        "KEY_PREFIX": CACHE_KEY_PREFIX,
        "OPTIONS": {
            "SOCKET_CONNECT_TIMEOUT": REDIS_TIMEOUT,
            "SOCKET_TIMEOUT": REDIS_TIMEOUT,
            "IGNORE_EXCEPTIONS": True,
        },
    }


CACHE_DIR = Path(os.environ.get("DJANGO_CACHE_DIR", VAR_DIR / "cache"))


def _file_cache(name):
    return {
        "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
        "LOCATION": CACHE_DIR / name,
        "KEY_PREFIX": CACHE_KEY_PREFIX,
        # Culling drops entries at random; counters must not be among them.
        "OPTIONS": {"MAX_ENTRIES": 100_000},
    }


if REDIS_URL:
    CACHES = {
        "default": _redis_cache(REDIS_URL),
        "pages": _redis_cache(
            os.environ.get("DJANGO_PAGES_REDIS_URL") or _next_database(REDIS_URL)
        ),
    }
else:
    CACHES = {"default": _file_cache("default"), "pages": _file_cache("pages")}
# /healthz reports a cache that does not answer; a log line with a traceback
# for each cache call would bury everything else during an outage.
DJANGO_REDIS_LOG_IGNORED_EXCEPTIONS = False

# Public pages stay cached this long at most; staff edits clear them at once,
# and an item scheduled for later appears within this time of being due.
PAGE_CACHE_SECONDS = int(os.environ.get("DJANGO_PAGE_CACHE_SECONDS", "600"))

# Sessions live in the database, never in a cache: one that went missing
# or came back stale after a Redis outage would sign people in or out. The
# session table records whose account a session belongs to, so that
# deleting an account deletes its sessions on every device.
SESSION_ENGINE = "accounts.session_store"

# Authentication

LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "quizzes:progress"
LOGOUT_REDIRECT_URL = "home"

AUTHENTICATION_BACKENDS = ["awareness.throttle.ThrottledModelBackend"]

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": f"django.contrib.auth.password_validation.{name}"}
    for name in (
        "UserAttributeSimilarityValidator",
        "MinimumLengthValidator",
        "CommonPasswordValidator",
        "NumericPasswordValidator",
    )
]

# Internationalization: every page in English, Simplified and Traditional
# Chinese, with the language in the URL. Content has a column per language
# (django-modeltranslation); Traditional Chinese is converted from the
# Simplified with OpenCC unless staff write it themselves. Hong Kong
# (zh-hk) is a regional variant with no columns or catalogue of its own: its
# pages are the Simplified pages converted whole (awareness.middleware).

LANGUAGE_CODE = "en"
LANGUAGES = [
    ("en", _("English")),
    ("zh-hans", _("Simplified Chinese")),
    ("zh-hant", _("Traditional Chinese (Taiwan)")),
    ("zh-hk", _("Traditional Chinese (Hong Kong)")),
]
# The languages with a column per translated field: not the variants.
MODELTRANSLATION_LANGUAGES = ("en", "zh-hans", "zh-hant")
# Each language named in itself in the switcher, the two Traditional
# Chinese ones apart.
LANG_INFO.update(
    {
        "zh-hant": {**LANG_INFO["zh-hant"], "name_local": "繁體中文（台灣）"},
        "zh-hk": {
            "bidi": False,
            "code": "zh-hk",
            # Django's own entry: where its messages would come from.
            "fallback": ["zh-hant"],
            "name": "Traditional Chinese (Hong Kong)",
            "name_local": "繁體中文（香港）",
        },
    }
)
LOCALE_PATHS = [BASE_DIR / "locale"]
MODELTRANSLATION_DEFAULT_LANGUAGE = "en"
# Slugs come from the English title, so that URLs stay ASCII.
MODELTRANSLATION_PREPOPULATE_LANGUAGE = "en"
# A text missing in Traditional Chinese falls back to the Simplified, which
# a reader of Traditional Chinese can read; English is the last resort.
MODELTRANSLATION_FALLBACK_LANGUAGES = {
    "default": ("en",),
    "zh-hant": ("zh-hans", "en"),
}
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

# Static files: hand-written, no build step. Served by whitenoise with
# hashed, compressed copies that browsers may keep for a year.

STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = BASE_DIR / "staticfiles"
# Development and tests serve the source files as they change.
WHITENOISE_AUTOREFRESH = WHITENOISE_USE_FINDERS = DEBUG or TESTING
if not DEBUG and not TESTING:
    STORAGES = {
        "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
        "staticfiles": {
            "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        },
    }

# Security

# DJANGO_HTTPS=1 (the default when not debugging) means the site is served
# over HTTPS: redirect plain HTTP, send HSTS, and keep cookies off HTTP.
HTTPS = os.environ.get("DJANGO_HTTPS", "0" if DEBUG or TESTING else "1") == "1"
SECURE_SSL_REDIRECT = HTTPS
# Load balancers probe the app servers over plain HTTP, behind the TLS they
# terminate; the health check sets no cookie and shows nothing private.
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
SECURE_HSTS_SECONDS = int(os.environ.get("DJANGO_HSTS_SECONDS", "31536000")) * HTTPS
SECURE_HSTS_INCLUDE_SUBDOMAINS = HTTPS
# Preload only says the site consents; listing needs a submission too.
SECURE_HSTS_PRELOAD = HTTPS
SESSION_COOKIE_SECURE = CSRF_COOKIE_SECURE = LANGUAGE_COOKIE_SECURE = HTTPS
if HTTPS:
    # The __Host- prefix makes browsers refuse these cookies from HTTP or
    # from a subdomain.
    SESSION_COOKIE_NAME = "__Host-sessionid"
    CSRF_COOKIE_NAME = "__Host-csrftoken"
SESSION_COOKIE_HTTPONLY = True
# Messages ride in the session, so the site sets no cookie beyond the ones
# the privacy notice lists (session, CSRF, language).
MESSAGE_STORAGE = "django.contrib.messages.storage.session.SessionStorage"
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
# awareness.middleware.finish_response sends X-Frame-Options, on more
# responses than Django's middleware (static files, the 500 page), so the
# check that asks for that middleware does not apply.
SILENCED_SYSTEM_CHECKS = ["security.W002"]

# Privacy: an anonymous learner's progress, and the session holding its
# token, last this many days after their last quiz activity. Run
# `manage.py expire_anonymous_progress` daily to delete what has expired.

ANONYMOUS_PROGRESS_DAYS = int(os.environ.get("DJANGO_ANONYMOUS_PROGRESS_DAYS", "90"))

# Reverse proxies in front of the app servers (nginx, a load balancer). They
# tell the client's address and scheme in X-Forwarded-For and
# X-Forwarded-Proto; with no proxy, both headers are ignored as forgeable.
PROXY_COUNT = int(os.environ.get("DJANGO_PROXY_COUNT", "0"))
if PROXY_COUNT:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
CSRF_TRUSTED_ORIGINS = [
    origin.strip()
    for origin in os.environ.get("DJANGO_CSRF_TRUSTED_ORIGINS", "").split(",")
    if origin.strip()
]

# Content-Security-Policy: nothing from other hosts and no inline code, so
# the policy is the same for every response, cached pages included.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [NONE],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF],
        "font-src": [SELF],
        "connect-src": [SELF],
        "manifest-src": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
        "base-uri": [NONE],
        "object-src": [NONE],
    }
}

# Request size: quiz answers and sign-ups are a few hundred bytes; the
# admin's longest case study is a few kilobytes.
DATA_UPLOAD_MAX_MEMORY_SIZE = 1024 * 1024
DATA_UPLOAD_MAX_NUMBER_FIELDS = 1000
FILE_UPLOAD_MAX_MEMORY_SIZE = 1024 * 1024

# Rate limits per client, as "count/seconds"; see awareness/throttle.py.
# DJANGO_RATE_LIMITS overrides some, e.g. "answer=120/60,signup=off", or
# switches all off with "off" (benchmarks measure the site, not the limits).
DEFAULT_RATE_LIMITS = {
    # A person reads a question before answering; 60 a minute is a script.
    "answer": "60/60",
    # Per network address: a classroom behind one address still fits.
    "answer-ip": "1200/60",
    # Starting a quiz writes a row per question.
    "start": "30/600",
    "start-ip": "600/600",
    "signup": "20/600",
    # Failed sign-ins per account and network address, then a lockout.
    "login": "5/900",
    # Failed sign-ins per network address, across accounts.
    "login-ip": "100/900",
    # Passing a quiz on: enough for a family, not for a spam run.
    "challenge": "20/3600",
    "challenge-ip": "200/3600",
    # A private review calendar, per link and per network: calendar apps
    # fetch a feed every few minutes to hours.
    "calendar": "60/3600",
    "calendar-ip": "600/600",
}
_limits = os.environ.get("DJANGO_RATE_LIMITS", "")
RATE_LIMITS = {} if _limits == "off" else dict(DEFAULT_RATE_LIMITS)
for _item in _limits.split(","):
    if "=" in _item:
        _name, _rate = (part.strip() for part in _item.split("=", 1))
        RATE_LIMITS[_name] = _rate

# E-mail, only for password resets: SMTP when configured. Otherwise each
# message is a file in var/mail/ that only the site's own user can open, and
# never printed beside the logs: a reset link is a key to an account.

_FILE_EMAIL = "django.core.mail.backends.filebased.EmailBackend"
EMAIL_BACKEND = os.environ.get("DJANGO_EMAIL_BACKEND", _FILE_EMAIL)
EMAIL_FILE_PATH = Path(os.environ.get("DJANGO_EMAIL_FILE_PATH", VAR_DIR / "mail"))
if EMAIL_BACKEND == _FILE_EMAIL:
    EMAIL_FILE_PATH.mkdir(mode=0o700, parents=True, exist_ok=True)
    EMAIL_FILE_PATH.chmod(0o700)
# Whether mail leaves this machine; when not, the reset pages say so rather
# than tell the visitor to check their inbox.
EMAIL_IS_SENT = EMAIL_BACKEND not in {
    _FILE_EMAIL,
    "django.core.mail.backends.console.EmailBackend",
    "django.core.mail.backends.locmem.EmailBackend",
    "django.core.mail.backends.dummy.EmailBackend",
}
EMAIL_HOST = os.environ.get("DJANGO_EMAIL_HOST", "localhost")
EMAIL_PORT = int(os.environ.get("DJANGO_EMAIL_PORT", "25"))
EMAIL_HOST_USER = os.environ.get("DJANGO_EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("DJANGO_EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = os.environ.get("DJANGO_EMAIL_USE_TLS") == "1"
DEFAULT_FROM_EMAIL = os.environ.get("DJANGO_DEFAULT_FROM_EMAIL", "webmaster@localhost")

# Logging: one JSON line per event on stderr, with no personal data: no
# usernames, passwords, answers, request bodies or full IP addresses.

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"json": {"()": "awareness.logs.JsonFormatter"}},
    "filters": {"redact": {"()": "awareness.logs.RedactSecrets"}},
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": "json",
            "filters": ["redact"],
        },
        "null": {"class": "logging.NullHandler"},
    },
    "root": {
        "handlers": ["console"],
        "level": os.environ.get("DJANGO_LOG_LEVEL", "INFO"),
    },
    "loggers": {
        # Bots send wrong Host headers all day; nothing to act on.
        "django.security.DisallowedHost": {"handlers": ["null"], "propagate": False},
    },
}

# Site

SITE_NAME = _("Guard Your Info")


def _default_site_url():
    """Return the first plain host allowed, else where a local server runs."""
    for host in ALLOWED_HOSTS:
        if host != "*" and not host.startswith("."):
            return f"{'https' if HTTPS else 'http'}://{host}"
    # Django's test client calls itself testserver; runserver's default port.
    return "http://testserver" if TESTING else "http://localhost:8000"


# The site's own address, for every link that names a host (canonical and
# language links, the sitemap, password-reset e-mails). Never taken from the
# request: Django checks the Host header's name but not its port, and a
# path like //evil.example/ would otherwise become a link to another host.
SITE_URL = (os.environ.get("DJANGO_SITE_URL") or _default_site_url()).rstrip("/")

# Where the share images find Noto Sans CJK (Debian's fonts-noto-cjk), so
# that a link's preview reads in Chinese too; colon-separated folders.
SHARE_IMAGE_FONT_DIRS = os.environ.get(
    "DJANGO_SHARE_IMAGE_FONT_DIRS", "/usr/share/fonts/opentype/noto"
).split(":")

# Staff: content whose facts were last checked longer ago than this is listed
# as stale on the admin dashboard.
STALE_AFTER_DAYS = int(os.environ.get("DJANGO_STALE_AFTER_DAYS", "365"))
