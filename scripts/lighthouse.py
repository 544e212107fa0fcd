"""Run Lighthouse on the site's page types and print their four scores.

    python scripts/lighthouse.py [--pages home,question] [--min-score 95]

Starts the site on 127.0.0.1 with production-like settings (DEBUG off, a
throwaway secret key, a fresh SQLite database with the real content, static
files collected with hashed names), plays a learner over HTTP to reach the
question, result and progress pages, and runs Lighthouse (from
node_modules/, in Debian's Chromium) with the mobile and desktop presets.
Exits non-zero when a score is below --min-score. `make lighthouse` runs it.
"""

import argparse
import json
import os
import secrets
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from html.parser import HTMLParser
from http.cookiejar import CookieJar
from pathlib import Path
from urllib.parse import urlencode, urljoin

ROOT = Path(__file__).resolve().parent.parent
LIGHTHOUSE = ROOT / "node_modules" / ".bin" / "lighthouse"
CHROME = os.environ.get("CHROME_PATH", "/usr/bin/chromium")
CHROME_FLAGS = (
    "--headless --no-sandbox --disable-gpu --disable-background-networking "
    "--disable-component-update --disable-sync --no-first-run"
)
CATEGORIES = ("performance", "accessibility", "best-practices", "seo")
PAGES = ("home", "case", "tip", "quizzes", "question", "result", "progress")
PRESETS = ("mobile", "desktop")
ATTEMPTS = 3


# The site, run the way production runs it until whitenoise serves statics.


def serve(port):
    """Serve the site as production does, static files by whitenoise."""
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.core.servers.basehttp import run
    from django.core.wsgi import get_wsgi_application

    run("127.0.0.1", port, get_wsgi_application(), threading=True)


def page_urls():
    """Print the tour's public URLs as JSON (a subprocess with Django)."""
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.urls import reverse

    from awareness.models import CaseStudy, PrecautionTip
    from quizzes.models import Quiz

    quiz = Quiz.objects.published().filter(feedback=Quiz.Feedback.IMMEDIATE).first()
    print(
        json.dumps(
            {
                "home": reverse("home"),
                "case": CaseStudy.objects.published().first().get_absolute_url(),
                "tip": PrecautionTip.objects.published().first().get_absolute_url(),
                "quizzes": reverse("quizzes:quiz_list"),
                "quiz": quiz.get_absolute_url(),
                "progress": reverse("quizzes:progress"),
            }
        )
    )


# A learner, over HTTP like any other.


class Forms(HTMLParser):
    """Collect each form's action and inputs."""

    def __init__(self):
        super().__init__()
        self.forms = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form":
            self.forms.append({"action": attrs.get("action", ""), "inputs": []})
        elif tag in ("input", "button") and self.forms:
            self.forms[-1]["inputs"].append(attrs)


class Learner:
    def __init__(self, base):
        self.base = base
        self.cookies = CookieJar()
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(self.cookies)
        )

    def get(self, url):
        with self.opener.open(urljoin(self.base, url)) as response:
            return response.url, response.read().decode()

    def submit(self, url, html, action_part, choose=False):
        """Submit the page's form whose action contains action_part."""
        parser = Forms()
        parser.feed(html)
        form = next(f for f in parser.forms if action_part in f["action"])
        data = [
            (i["name"], i.get("value", ""))
            for i in form["inputs"]
            if i.get("type") == "hidden" and i.get("name")
        ]
        if choose:
            options = [i for i in form["inputs"] if i.get("name") == "choice"]
            data.append(("choice", options[0]["value"]))
        request = urllib.request.Request(
            urljoin(url, form["action"]), data=urlencode(data).encode()
        )
        with self.opener.open(request) as response:
            return response.url, response.read().decode()

    def session(self):
        return next(c.value for c in self.cookies if c.name == "sessionid")


def play(base, urls):
    """Finish one attempt and start another; return their page URLs."""
    learner = Learner(base)
    url, html = learner.get(urls["quiz"])
    url, html = learner.submit(url, html, "/start/")
    attempt = url.rsplit("/", 2)[0] + "/"
    while True:
        url, html = learner.get(attempt)
        if 'name="choice"' not in html:
            break
        learner.submit(url, html, "/answer/", choose=True)
    result, _html = learner.submit(url, html, "/finish/")
    url, html = learner.get(urls["quiz"])
    question, _html = learner.submit(url, html, "/start/")
    return {"result": result, "question": question}, learner.session()


# Lighthouse.


def lighthouse(url, preset, cookie, output):
    command = [
        str(LIGHTHOUSE),
        url,
        "--quiet",
        "--output=json",
        f"--output-path={output}",
        f"--only-categories={','.join(CATEGORIES)}",
        f"--chrome-flags={CHROME_FLAGS}",
        "--max-wait-for-load=30000",
    ]
    if preset == "desktop":
        command.append("--preset=desktop")
    if cookie:
        command.append(f"--extra-headers={json.dumps({'Cookie': cookie})}")
    env = {**os.environ, "CHROME_PATH": CHROME}
    # A busy machine now and then spoils the trace (NO_NAVSTART): try again.
    for attempt in range(1, ATTEMPTS + 1):
        if subprocess.run(command, env=env).returncode == 0:
            break
        if attempt == ATTEMPTS:
            raise SystemExit(f"Lighthouse failed {ATTEMPTS} times on {url}.")
    report = json.loads(Path(output).read_text())
    scores = {
        key: round(100 * report["categories"][key]["score"]) for key in CATEGORIES
    }
    lost = sorted(
        {
            ref["id"]
            for key in CATEGORIES
            for ref in report["categories"][key]["auditRefs"]
            if ref["weight"]
            and report["audits"][ref["id"]]["score"] is not None
            and report["audits"][ref["id"]]["score"] < 1
        }
    )
    return scores, lost


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_for(url, seconds=30):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            urllib.request.urlopen(url, timeout=2).close()
            return
        except OSError:
            time.sleep(0.3)
    raise SystemExit(f"The site did not answer at {url}.")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pages", default=",".join(PAGES))
    parser.add_argument("--presets", default=",".join(PRESETS))
    parser.add_argument("--min-score", type=int, default=0)
    parser.add_argument("--port", type=int, default=0, help="default: a free one")
    options = parser.parse_args()
    pages = options.pages.split(",")
    unknown = set(pages) - set(PAGES)
    if unknown:
        raise SystemExit(f"Unknown pages: {', '.join(sorted(unknown))}")
    if not LIGHTHOUSE.exists():
        raise SystemExit("Lighthouse is missing: run `make node` first.")
    if not Path(CHROME).exists():
        raise SystemExit(f"No Chromium at {CHROME}: apt-get install chromium.")

    port = options.port or free_port()
    base = f"http://127.0.0.1:{port}"
    with tempfile.TemporaryDirectory(prefix="lighthouse-") as folder:
        env = {
            **os.environ,
            "DJANGO_DEBUG": "0",
            "DJANGO_SECRET_KEY": secrets.token_urlsafe(50),
            "DJANGO_ALLOWED_HOSTS": "127.0.0.1",
            # Plain HTTP on 127.0.0.1: no redirect to https, no Secure cookies.
            "DJANGO_HTTPS": "0",
            "DATABASE_URL": f"sqlite:///{folder}/db.sqlite3",
            "DJANGO_LOCAL_SECRET_KEY": "0",
            "DJANGO_SETTINGS_MODULE": "awareness.settings",
        }
        python = [sys.executable, "-m", "manage"]
        for command in (
            ["migrate", "--no-input"],
            ["load_content"],
            ["collectstatic", "--no-input", "--clear"],
        ):
            subprocess.run(
                python + command,
                cwd=ROOT,
                env=env,
                check=True,
                stdout=subprocess.DEVNULL,
            )
        urls = json.loads(
            subprocess.run(
                [sys.executable, __file__, "urls"],
                cwd=ROOT,
                env=env,
                check=True,
                capture_output=True,
                text=True,
            ).stdout
        )
        log = open(Path(folder) / "server.log", "w")  # noqa: SIM115
        server = subprocess.Popen(
            [sys.executable, __file__, "serve", str(port)],
            cwd=ROOT,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        try:
            wait_for(base + urls["home"])
            played, session = play(base, urls)
            urls.update(played)
            rows = []
            for page in pages:
                for preset in options.presets.split(","):
                    cookie = (
                        f"sessionid={session}"
                        if page in ("question", "result", "progress")
                        else None
                    )
                    output = Path(folder) / f"{page}-{preset}.json"
                    url = urljoin(base, urls[page])
                    print(f"Lighthouse: {page} ({preset}) {url}", file=sys.stderr)
                    scores, lost = lighthouse(url, preset, cookie, output)
                    rows.append((page, preset, scores, lost))
        finally:
            server.terminate()
            server.wait(timeout=10)
            log.close()

    print(
        f"\n{'page':<10} {'preset':<8} {'perf':>5} {'a11y':>5} {'best':>5} {'seo':>5}"
    )
    failed = False
    for page, preset, scores, lost in rows:
        values = " ".join(f"{scores[key]:>5}" for key in CATEGORIES)
        print(f"{page:<10} {preset:<8} {values}")
        if lost:
            print(f"{'':<19} short of 100: {', '.join(lost)}")
        failed |= min(scores.values()) < options.min_score
    if failed:
        print(f"\nA score is below {options.min_score}.")
        return 1
    return 0


if __name__ == "__main__":
    if len(sys.argv) > 1 and sys.argv[1] == "serve":
        serve(int(sys.argv[2]))
    elif len(sys.argv) > 1 and sys.argv[1] == "urls":
        page_urls()
    else:
        sys.exit(main())
