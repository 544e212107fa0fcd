"""Real-browser tests: Playwright driving Debian's Chromium.

No browser is ever downloaded. When /usr/bin/chromium is missing, the
set-up installs Debian's `chromium` package if it runs as root, and
otherwise skips these tests with the reason (CI, where CI=true, fails
instead, so that a green run always means the browser tests ran).
Deselect them locally with `-m "not browser"`.
"""

import os
import re
import shutil
import subprocess
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from django.conf import settings

# Playwright's sync API keeps an event loop in the main thread, which makes
# Django refuse database calls from test code; the calls are synchronous.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = Path("/usr/bin/chromium")
AXE = settings.BASE_DIR / "node_modules" / "axe-core" / "axe.min.js"
ARTIFACTS = settings.BASE_DIR / "var" / "artifacts" / "browser"
# Without these, Chromium keeps calling home, and this network refuses it.
CHROMIUM_FLAGS = [
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-quic",
    "--no-first-run",
]
VIEWPORTS = {
    "phone": {
        "viewport": {"width": 390, "height": 844},
        "is_mobile": True,
        "has_touch": True,
    },
    "desktop": {"viewport": {"width": 1280, "height": 800}},
    # WCAG 1.4.10: content reflows at 320 CSS px (1280 px zoomed to 400 %).
    "narrow": {"viewport": {"width": 320, "height": 640}},
}


def unavailable(reason):
    """Skip, or fail on CI, where these tests must run."""
    if os.environ.get("CI"):
        pytest.fail(f"{reason} CI must run the browser tests.", pytrace=False)
    pytest.skip(reason)


def install_chromium():
    """Return None once Chromium is there, or why it cannot be."""
    if CHROMIUM.exists():
        return None
    if not shutil.which("apt-get") or os.geteuid() != 0:
        return (
            f"No Chromium at {CHROMIUM}: install Debian's package "
            "(apt-get install chromium) as root."
        )
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    install = ["apt-get", "install", "-y", "-qq", "chromium"]
    for commands in ([install], [["apt-get", "update", "-qq"], install]):
        for command in commands:
            done = subprocess.run(command, env=env, capture_output=True, text=True)
        if done.returncode == 0 and CHROMIUM.exists():
            return None
    return f"Could not install Chromium with apt-get: {done.stderr.strip()[-300:]}"


@pytest.fixture(scope="session")
def chromium():
    reason = install_chromium()
    if reason:
        unavailable(reason)
    return CHROMIUM


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args, chromium):
    return {
        **browser_type_launch_args,
        "executable_path": str(chromium),
        "args": CHROMIUM_FLAGS,
    }


@pytest.fixture
def axe_source():
    if not AXE.exists():
        unavailable(f"No {AXE.relative_to(settings.BASE_DIR)}: run `make node`.")
    return AXE


@pytest.fixture
def shots(request):
    """Return a function that saves a screenshot as a test artefact."""
    folder = ARTIFACTS / re.sub(r"[^\w.-]+", "-", request.node.name).strip("-")
    shutil.rmtree(folder, ignore_errors=True)
    count = 0

    def shoot(page, step):
        nonlocal count
        count += 1
        folder.mkdir(parents=True, exist_ok=True)
        name = re.sub(r"[^\w-]+", "-", step.lower()).strip("-")
        page.screenshot(path=folder / f"{count:02d}-{name}.png", full_page=True)

    return shoot


def record_failure(response, errors):
    # Pages may answer 400 or 404 on purpose; their styles, scripts and
    # images never may.
    if response.status >= 400 and response.request.resource_type not in (
        "document",
        "fetch",
    ):
        errors.append(f"{response.status} {response.url}")


def record_console(message, errors):
    # Chromium reports every 4xx as a console error; responses are checked
    # above.
    if message.type == "error" and not message.text.startswith(
        "Failed to load resource"
    ):
        errors.append(message.text)


@pytest.fixture
def open_context(browser, live_server):
    """Return a function that opens a browser context on the live server.

    Every context records where its pages send requests and what they log:
    on closing, any other host or any script error fails the test.
    """
    opened = []

    def open_(
        viewport="desktop",
        *,
        scheme="light",
        javascript=True,
        session=None,
        language=None,
    ):
        context = browser.new_context(
            **VIEWPORTS[viewport],
            color_scheme=scheme,
            java_script_enabled=javascript,
            locale=language or settings.LANGUAGE_CODE,
            base_url=live_server.url,
            # No bypass_csp: a page that breaks its own Content-Security-
            # Policy logs an error, and fails the test. (axe arrives through
            # the DevTools protocol, which CSP does not govern.)
        )
        context.set_default_timeout(10_000)
        record = {"hosts": set(), "errors": []}
        context.on("request", lambda r: record["hosts"].add(urlsplit(r.url).netloc))
        context.on("response", lambda r: record_failure(r, record["errors"]))
        context.on("console", lambda m: record_console(m, record["errors"]))
        context.on("weberror", lambda e: record["errors"].append(str(e.error)))
        if session:
            context.add_cookies(
                [{"name": "sessionid", "value": session, "url": live_server.url}]
            )
        opened.append((context, record))
        return context

    yield open_
    server = urlsplit(live_server.url).netloc
    for context, record in opened:
        context.close()
        assert record["hosts"] <= {server}, "A page loaded from another host."
        assert record["errors"] == [], "A page logged script or console errors."
